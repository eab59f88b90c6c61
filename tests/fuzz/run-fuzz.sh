#!/usr/bin/env bash
# run-fuzz.sh BUILD_DIR SECONDS
#
# Builds fresh seed corpora in a temporary directory and runs each libFuzzer
# harness of BUILD_DIR (configured with -Dfuzzing=true, see README.md) for
# SECONDS. Exits non-zero if any fuzzer crashed, leaked, timed out, ran out
# of memory or printed a sanitizer report; the reproducer of each finding is
# printed in hex. Set ND_FUZZ_KEEP=DIR to keep corpora, logs and artifacts.
set -uo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 BUILD_DIR SECONDS" >&2
	exit 2
fi
build=$(cd "$1" && pwd) || exit 2
secs=$2
case "$secs" in
'' | *[!0-9]*)
	echo "run-fuzz.sh: SECONDS must be a whole number" >&2
	exit 2
	;;
esac
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fuzzers=(fuzz_decode fuzz_pipeline)

if ! ninja -C "$build" "${fuzzers[@]/#/tests/fuzz/}" tests/fuzz/fuzz_seed_frames >/dev/null; then
	echo "run-fuzz.sh: cannot build the fuzzers in $build (configure it with -Dfuzzing=true)" >&2
	exit 2
fi

if [ -n "${ND_FUZZ_KEEP:-}" ]; then
	work=$ND_FUZZ_KEEP
	mkdir -p "$work"
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/netdiag-fuzz.XXXXXX")
	trap 'rm -rf "$work"' EXIT
fi

"$here/make-seeds.sh" "$work/seeds" "$build" || exit 2

# Any sanitizer report ends the run with a non-zero status.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

failed=0
for fz in "${fuzzers[@]}"; do
	name=${fz#fuzz_}
	corpus="$work/corpus-$name"
	arts="$work/artifacts-$name"
	log="$work/$fz.log"
	mkdir -p "$corpus" "$arts"
	echo "== $fz: ${secs}s, seeds $(find "$work/seeds/$name" -type f | wc -l)"
	"$build/tests/fuzz/$fz" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$arts/" "$corpus" "$work/seeds/$name" \
		>"$log" 2>&1
	status=$?
	grep -E '^(#[0-9]+ +DONE|Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
	reports=$(grep -cE 'runtime error:|ERROR: (Address|Leak|Undefined)Sanitizer|==ERROR: libFuzzer|SUMMARY: (Address|Undefined|Leak)Sanitizer' "$log")
	artifacts=$(find "$arts" -type f | wc -l)
	if [ "$status" -ne 0 ] || [ "$reports" -ne 0 ] || [ "$artifacts" -ne 0 ]; then
		failed=1
		echo "!! $fz FAILED (exit $status, $reports sanitizer reports, $artifacts artifacts)"
		grep -nE 'runtime error:|ERROR:|SUMMARY:|^    #[0-9]+ ' "$log" | head -60
		for a in "$arts"/*; do
			[ -f "$a" ] || continue
			echo "-- reproducer $(basename "$a") ($(stat -c %s "$a") bytes), hex:"
			od -An -tx1 -v "$a" | head -64
		done
	else
		echo "ok $fz: corpus $(find "$corpus" -type f | wc -l) inputs"
	fi
done

if [ "$failed" -ne 0 ]; then
	echo "run-fuzz.sh: FAILED (logs: $work${ND_FUZZ_KEEP:+, kept})"
	exit 1
fi
echo "run-fuzz.sh: all fuzzers clean for ${secs}s each"
