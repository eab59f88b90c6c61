#!/bin/bash
# Kernel drops under load: while the lab client copies a large file to the
# share and back as fast as it can, a capture on the lab's bridge br0 reads
# the traffic with a given kernel buffer, and reports how many packets the
# kernel dropped for it. The captures compared, all with the same buffer:
#   netdiag        netdiag capture br0 --smb --buffer B
#   netdiag-sleep  the same with --no-busy-poll (always sleeps in poll())
#   tcpdump        tcpdump -i br0 -B B -w FILE
# MODE "apart" (the default): each capture gets its own copy of the
# traffic, alone on the bridge; the order rotates from run to run so that
# none is always first or last. MODE "together": netdiag and tcpdump
# capture the same copy at the same time.
# Per capture it records the kernel drops, the packets received, the CPU
# time the capture process used and the CPU time the host stole from this
# machine's vCPUs during the copy (a measure of how noisy the run was).
# Prints one Markdown table row per capture, then a summary; the raw
# figures go to RESULTS (a TSV file) when given.
# Needs root; the traffic stays inside the lab's own namespaces.
# usage: bench/capture-drops.sh BUILD_DIR [FILE_MB [BUFFER_MB [RUNS [apart|together [RESULTS]]]]]
set -u
build=$(cd "$1" && pwd)
file_mb=${2:-200} buffer_mb=${3:-1} runs=${4:-10} mode=${5:-apart}
results=${6:-}
case $mode in apart | together) ;; *)
	echo "usage: $0 BUILD_DIR [FILE_MB [BUFFER_MB [RUNS [apart|together [RESULTS]]]]]" >&2
	exit 2
	;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
netdiag=$build/src/cli/netdiag
[ -x "$netdiag" ] || { echo "error: $netdiag not found: build first" >&2; exit 1; }
LAB_TAG=drops
# shellcheck source=../tests/pcaps/lab-lib.sh
. "$root/tests/pcaps/lab-lib.sh"
lab_require_root
lab_require_tools ip ethtool smbd smbclient tcpdump python3 /usr/bin/time
lab_check_netns
lab_init
trap lab_cleanup EXIT
[ -n "${KEEP:-}" ] && trap "cp -r \"\$LAB_TMP\" /tmp/drops-keep; lab_cleanup" EXIT
lab_ensure_user
lab_write_configs
lab_setup_topology
lab_start_smbd
lab_offloads off off
CLIENT=$LAB_TMP/client
tsv=$LAB_TMP/results.tsv
lab_make_file "$CLIENT/big.bin" $((file_mb * 1000000)) netdiag-drops

# Total steal ticks (USER_HZ) of all CPUs: the 8th value of /proc/stat's cpu line.
steal_ticks() { awk '$1 == "cpu" { print $9 }' /proc/stat; }

# start_capture TOOL OUT: runs TOOL under /usr/bin/time in the bridge
# namespace; sets pid (the time process) for stop_capture.
start_capture() {
	local tool=$1 out=$2 cmd
	case $tool in
	netdiag) cmd=("$netdiag" capture br0 --smb --json -q --buffer "$buffer_mb") ;;
	netdiag-sleep) cmd=("$netdiag" capture br0 --smb --json -q --buffer "$buffer_mb" --no-busy-poll) ;;
	tcpdump) cmd=(tcpdump -i br0 -n -B $((buffer_mb * 1024)) -Z root -w "$out.pcap") ;;
	esac
	/usr/bin/time -f '%U %S' -o "$out.time" \
		ip netns exec "$LAB_NS_BR" "${cmd[@]}" >"$out.json" 2>"$out.err" &
	pid=$!
}

# stop_capture PID...: SIGINT to each capture (the child of its time
# process: ip netns exec execs the tool), then waits for all.
stop_capture() {
	local p
	for p in "$@"; do pkill -INT -P "$p"; done
	wait "$@"
}

copy() {
	sleep 1
	steal0=$(steal_ticks)
	local t0
	t0=$(date +%s.%N)
	lab_smbclient data -m SMB3 -t 300 -c "lcd $CLIENT; put big.bin; get big.bin big.back" \
		>"$LAB_TMP/smbclient.out" 2>&1 || lab_die "copy failed: $(cat "$LAB_TMP/smbclient.out")"
	copy_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
	steal=$(($(steal_ticks) - steal0))
	rm -f "$CLIENT/big.back"
	sleep 1
}

# record RUN TOOL OUT: appends one TSV line and prints one table row.
record() {
	local run=$1 tool=$2 out=$3 drops pkts cpu
	if [ "$tool" = tcpdump ]; then
		drops=$(sed -n 's/^\([0-9]*\) packets dropped by kernel$/\1/p' "$out.err")
		pkts=$(sed -n 's/^\([0-9]*\) packets captured$/\1/p' "$out.err")
		rm -f "$out.pcap"
	else
		read -r drops pkts < <(python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["capture"]
print((c["drops"] or {}).get("kernel", 0), c["packets"])' "$out.json")
	fi
	cpu=$(awk 'END { printf "%.2f", $1 + $2 }' "$out.time")
	if [ -z "$drops" ] || [ -z "$pkts" ]; then
		lab_die "$tool gave no counts: $(tail -n 3 "$out.err")"
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$tool" "$drops" "$pkts" "$cpu" "$copy_s" "$steal" >>"$tsv"
	printf '| %s | %s | %s | %s | %s s | %.1f s | %s |\n' "$run" "$tool" "$drops" "$pkts" "$cpu" "$copy_s" "$steal"
}

echo "$file_mb MB each way per copy, ${buffer_mb} MB kernel buffer, mode $mode, $runs runs, $(nproc) CPUs"
echo
echo "| run | capture | kernel drops | packets | capture CPU | copy time | steal ticks |"
echo "|---|---|---|---|---|---|---|"
: >"$tsv"
tools=(netdiag netdiag-sleep tcpdump)
for run in $(seq 1 "$runs"); do
	out=$LAB_TMP/run$run
	if [ "$mode" = together ]; then
		start_capture netdiag "$out.nd"
		ndpid=$pid
		start_capture tcpdump "$out.td"
		tdpid=$pid
		copy
		stop_capture "$ndpid" "$tdpid"
		record "$run" netdiag "$out.nd"
		record "$run" tcpdump "$out.td"
		continue
	fi
	for i in 0 1 2; do
		tool=${tools[$(((run + i) % 3))]}
		start_capture "$tool" "$out.$tool"
		copy
		stop_capture "$pid"
		record "$run" "$tool" "$out.$tool"
	done
done

[ -n "$results" ] && cp "$tsv" "$results"
echo
python3 - "$tsv" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by = {}
for run, tool, drops, pkts, cpu, copy_s, steal in rows:
    by.setdefault(tool, {})[int(run)] = (int(drops), int(pkts), float(cpu), float(copy_s))
print("| capture | runs | kernel drops in all | median per run | runs without a drop "
      "| drops per million packets seen | CPU per run (median) |")
print("|---|---|---|---|---|---|---|")
for tool, r in by.items():
    d = [v[0] for v in r.values()]
    p = sum(v[1] for v in r.values())
    print(f"| {tool} | {len(d)} | {sum(d)} | {statistics.median(d):g} | {sum(1 for x in d if x == 0)} "
          f"| {1e6 * sum(d) / max(p + sum(d), 1):.0f} | {statistics.median(v[2] for v in r.values()):.2f} s |")
def paired(a, b):
    if a not in by or b not in by:
        return
    common = sorted(set(by[a]) & set(by[b]))
    fewer = sum(1 for k in common if by[a][k][0] < by[b][k][0])
    same = sum(1 for k in common if by[a][k][0] == by[b][k][0])
    print(f"\n{a} against {b}, run by run: fewer drops in {fewer}, as many in {same}, "
          f"more in {len(common) - fewer - same} of {len(common)} runs")
paired("netdiag", "tcpdump")
paired("netdiag-sleep", "tcpdump")
paired("netdiag", "netdiag-sleep")
EOF
