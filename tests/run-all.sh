#!/bin/bash
# The whole test suite, as CI runs it: every meson test in a normal build and
# again in an AddressSanitizer + UndefinedBehaviorSanitizer build, then each
# libFuzzer harness for a short run over its seed corpus.
# usage: tests/run-all.sh [FUZZ_SECONDS]   (default 30 per harness)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fuzz_seconds=${1:-30}
status=0

setup() { # DIR [meson options...]
	local dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
}

run_suite() { # NAME DIR [meson options...]
	local name=$1 dir=$2
	shift 2
	echo "=== $name build ($dir)"
	if ! setup "$dir" "$@" || ! ninja -C "$dir"; then
		echo "=== $name: build failed"
		status=1
		return
	fi
	meson test -C "$dir" --print-errorlogs --num-processes 2 || status=1
}

run_suite normal build
run_suite sanitizers build-asan -Db_sanitize=address,undefined -Db_lundef=false

echo "=== fuzzers (${fuzz_seconds}s each)"
fuzz_result=""
if command -v clang >/dev/null; then
	if CC=clang setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined \
		-Db_lundef=false && ninja -C build-fuzz; then
		if tests/fuzz/run-fuzz.sh build-fuzz "$fuzz_seconds"; then
			fuzz_result="ok"
		else
			fuzz_result="FAIL"
			status=1
		fi
	else
		fuzz_result="FAIL (build)"
		status=1
	fi
else
	fuzz_result="SKIP (no clang)"
fi

# One closing line over both suites and the fuzz run.
python3 - build/meson-logs/testlog.json build-asan/meson-logs/testlog.json "$fuzz_result" <<'PY'
import json, sys
passed = failed = skipped = 0
for path in sys.argv[1:3]:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        failed += 1
        continue
    for line in lines:
        r = json.loads(line).get("result")
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
fuzz = sys.argv[3]
if fuzz == "ok":
    passed += 1
elif fuzz.startswith("FAIL"):
    failed += 1
else:
    skipped += 1
print(f"fuzzing: {fuzz}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
