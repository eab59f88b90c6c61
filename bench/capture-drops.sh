#!/bin/bash
# Kernel drops under load: while the lab client copies a large file to the
# share and back as fast as it can, `netdiag capture br0 --smb` and
# `tcpdump -i br0 -w FILE` capture the same traffic at the same time with
# the same kernel buffer; each reports how many packets the kernel dropped
# for it. Prints one Markdown table row per run for docs/performance.md.
# Needs root; the traffic stays inside the lab's own namespaces.
# With MODE "apart" each tool captures its own copy of the traffic, alone
# (netdiag first in odd runs, tcpdump first in even ones).
# usage: bench/capture-drops.sh BUILD_DIR [FILE_MB [BUFFER_MB [RUNS [together|apart]]]]
set -u
build=$(cd "$1" && pwd)
file_mb=${2:-200} buffer_mb=${3:-2} runs=${4:-3} mode=${5:-together}
root=$(cd "$(dirname "$0")/.." && pwd)
netdiag=$build/src/cli/netdiag
LAB_TAG=drops
# shellcheck source=../tests/pcaps/lab-lib.sh
. "$root/tests/pcaps/lab-lib.sh"
lab_require_root
lab_require_tools ip ethtool smbd smbclient tcpdump python3
lab_check_netns
lab_init
trap lab_cleanup EXIT
lab_ensure_user
lab_write_configs
lab_setup_topology
lab_start_smbd
lab_offloads off off
CLIENT=$LAB_TMP/client
lab_make_file "$CLIENT/big.bin" $((file_mb * 1000000)) netdiag-drops
echo "| run | copied | buffer | netdiag kernel drops | netdiag packets | tcpdump kernel drops | tcpdump packets |"
echo "|---|---|---|---|---|---|---|"
start_netdiag() {
	ip netns exec "$LAB_NS_BR" "$netdiag" capture br0 --smb --json -q --buffer "$buffer_mb" \
		>"$out.json" 2>"$out.nd.err" &
	ndpid=$!
}
start_tcpdump() {
	ip netns exec "$LAB_NS_BR" tcpdump -i br0 -n -B $((buffer_mb * 1024)) -Z root \
		-w "$out.pcap" 2>"$out.td.err" &
	tdpid=$!
}
copy() {
	sleep 1
	lab_smbclient data -m SMB3 -t 300 -c "lcd $CLIENT; put big.bin; get big.bin big.back" \
		>"$out.smbclient" 2>&1 || lab_die "copy failed: $(cat "$out.smbclient")"
	sleep 1
}
for run in $(seq 1 "$runs"); do
	out=$LAB_TMP/run$run
	if [ "$mode" = apart ]; then
		for tool in $( [ $((run % 2)) = 1 ] && echo "netdiag tcpdump" || echo "tcpdump netdiag"); do
			"start_$tool"
			copy
			if [ "$tool" = netdiag ]; then kill -INT "$ndpid"; wait "$ndpid"; else kill -INT "$tdpid"; wait "$tdpid"; fi
		done
	else
		start_netdiag
		start_tcpdump
		copy
		kill -INT "$ndpid" "$tdpid"
		wait "$ndpid" "$tdpid"
	fi
	read -r nd_drops nd_pkts < <(python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["capture"]
print((c["drops"] or {}).get("kernel", 0), c["packets"])' "$out.json")
	td_drops=$(sed -n 's/^\([0-9]*\) packets dropped by kernel$/\1/p' "$out.td.err")
	td_pkts=$(sed -n 's/^\([0-9]*\) packets captured$/\1/p' "$out.td.err")
	echo "| $run | ${file_mb} MB each way ($mode) | ${buffer_mb} MB | $nd_drops | $nd_pkts | $td_drops | $td_pkts |"
	rm -f "$out.pcap" "$CLIENT/big.back"
done
