#!/usr/bin/env bash
# make-seeds.sh OUT_DIR [BUILD_DIR]
#
# Builds seed corpora for the fuzzers under OUT_DIR (never inside the repo):
#   OUT_DIR/pipeline  whole capture files for fuzz_pipeline: the project's
#                     captures in tests/pcaps (those over 100 KB cut to their
#                     first 20 KB, which also makes a few damaged files), and
#                     small captures from ../shared/corpus when it exists.
#   OUT_DIR/decode    single frames for fuzz_decode, extracted from the same
#                     captures by BUILD_DIR/tests/fuzz/fuzz_seed_frames (built
#                     with -Dfuzzing=true), plus a few hand-made ones.
set -euo pipefail

if [ $# -lt 1 ]; then
	echo "usage: $0 OUT_DIR [BUILD_DIR]" >&2
	exit 2
fi
out=$1
build=${2:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
shared="$root/../shared/corpus"

# Seeds are build products: never write them into the sources (a build
# directory inside the tree is fine).
abs=$(realpath -m "$out")
case "$abs/" in
"$root"/build*/*) ;;
"$root"/*)
	echo "make-seeds.sh: refusing to write seeds inside the repository ($abs)" >&2
	exit 2
	;;
esac

mkdir -p "$out/pipeline" "$out/decode"

max_full=$((100 * 1024))
cut_to=$((20 * 1024))

# add_capture SRC NAME: copies a capture, or its first 20 KB when it is big.
add_capture() {
	local src=$1 name=$2 size
	size=$(stat -c %s "$src")
	if [ "$size" -gt "$max_full" ]; then
		head -c "$cut_to" "$src" >"$out/pipeline/$name.head20k"
	else
		cp "$src" "$out/pipeline/$name"
	fi
}

captures=()
for f in "$root"/tests/pcaps/*.pcap "$root"/tests/pcaps/*.pcapng; do
	[ -f "$f" ] || continue
	add_capture "$f" "$(basename "$f")"
	captures+=("$f")
done

if [ -d "$shared" ]; then
	while IFS= read -r -d '' f; do
		rel=${f#"$shared"/}
		name=shared-${rel//\//-}
		cp "$f" "$out/pipeline/$name"
		captures+=("$f")
	done < <(find "$shared" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) \
		-size -100k -print0 | sort -z)
fi

# Frames for fuzz_decode.
extract=""
if [ -n "$build" ] && [ -x "$build/tests/fuzz/fuzz_seed_frames" ]; then
	extract="$build/tests/fuzz/fuzz_seed_frames"
fi
if [ -n "$extract" ]; then
	i=0
	for f in "${captures[@]}"; do
		i=$((i + 1))
		"$extract" "$f" "$out/decode" "c$i" 24 2>/dev/null || true
	done
else
	echo "make-seeds.sh: no fuzz_seed_frames in '${build}': only hand-made decode seeds" >&2
fi

# Hand-made frames: byte 0 link type index, byte 1 missing bytes, frame.
# Ethernet + IPv4 + TCP (SYN with MSS, SACK-permitted, timestamps, wscale).
eth_ipv4_syn='\x00\x00\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00'
eth_ipv4_syn+='\x45\x00\x00\x3c\xbe\xef\x40\x00\x40\x06\x00\x00\x0a\x00\x00\x01\x0a\x00\x00\x02'
eth_ipv4_syn+='\xc0\x00\x01\xbd\x11\x22\x33\x44\x00\x00\x00\x00\xa0\x02\xfa\xf0\x00\x00\x00\x00'
eth_ipv4_syn+='\x02\x04\x05\xb4\x04\x02\x08\x0a\x00\x00\x10\x00\x00\x00\x00\x00\x01\x03\x03\x07'
printf %b "$eth_ipv4_syn" >"$out/decode/hand-eth-ipv4-syn"
# Raw IPv6 with hop-by-hop and a fragment header.
raw_ipv6='\x03\x00\x60\x00\x00\x00\x00\x18\x00\x39'
raw_ipv6+='\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01'
raw_ipv6+='\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02'
raw_ipv6+='\x2c\x00\x01\x04\x00\x00\x00\x00\x06\x00\x00\x01\x12\x34\x56\x78\x00\x00\x00\x00\x00\x00\x00\x00'
printf %b "$raw_ipv6" >"$out/decode/hand-raw-ipv6-frag"

echo "seeds: $(find "$out/pipeline" -type f | wc -l) captures, $(find "$out/decode" -type f | wc -l) frames in $out"
