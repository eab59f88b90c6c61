#!/bin/bash
# Speed and memory of `netdiag analyze` on large real captures, against a bare
# libpcap read loop (the floor) and `tshark -q -z expert` (the tool users
# reach for). Prints one Markdown table row per capture for
# docs/performance.md. Timings are wall-clock seconds, best of RUNS, with the
# file already in the page cache; RSS is peak resident memory from
# /usr/bin/time -v.
# usage: bench/run-bench.sh [--no-tshark] [--runs N] BUILD_DIR CAPTURE...
set -u
tshark=1 runs=3
while [ $# -gt 0 ]; do
	case $1 in
	--no-tshark) tshark=0; shift ;;
	--runs) runs=$2; shift 2 ;;
	*) break ;;
	esac
done
build=$1
shift
netdiag="$build/src/cli/netdiag"
loop="$build/bench/pcap_loop"

# best_of CMD...: prints "seconds max_rss_kb" of the fastest of $runs runs
best_of() {
	local best="" rss=0 t r out tf
	tf=$(mktemp)
	for _ in $(seq "$runs"); do
		/usr/bin/time -o "$tf" -f '%e %M' "$@" >/dev/null 2>&1
		out=$(tail -1 "$tf")
		t=${out% *} r=${out#* }
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
		[ "$r" -gt "$rss" ] && rss=$r
	done
	rm -f "$tf"
	echo "$best $rss"
}

echo "| capture | size MB | packets | pcap loop s | netdiag s | netdiag RSS MB | tshark expert s | netdiag / loop | tshark / netdiag |"
echo "|---|---|---|---|---|---|---|---|---|"
for cap in "$@"; do
	size=$(( $(stat -c %s "$cap") / 1000000 ))
	cat "$cap" >/dev/null
	pkts=$("$loop" "$cap" | cut -d' ' -f1)
	read -r tl _ < <(best_of "$loop" "$cap")
	read -r tn rn < <(best_of "$netdiag" analyze -q --json "$cap")
	tt="-" ratio_t="-"
	if [ $tshark = 1 ]; then
		read -r tt _ < <(runs=1 best_of tshark -n -q -r "$cap" -z expert)
		ratio_t=$(awk "BEGIN{printf \"%.0f\", $tt / ($tn > 0 ? $tn : 0.01)}")
	fi
	ratio_l=$(awk "BEGIN{printf \"%.2f\", $tn / ($tl > 0 ? $tl : 0.01)}")
	echo "| $(basename "$cap") | $size | $pkts | $tl | $tn | $((rn / 1024)) | $tt | $ratio_l | $ratio_t |"
done
