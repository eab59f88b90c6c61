#!/bin/bash
# Live capture on a real bridge with real Samba traffic: a client namespace
# and a server namespace joined by br0 in a third namespace (the lab of
# tests/pcaps/lab-lib.sh), smbd serving [data], smbclient writing and reading
# a file. `netdiag capture br0 --smb`, run in the bridge namespace and ended
# by SIGINT, must report the WRITE and READ with latencies and the share, and
# oversized segments exactly when TSO/GSO are on at the client. The packets
# it saved with -w, re-read by `netdiag analyze`, must give the same counts.
# Traffic stays inside the namespaces this test creates.
# usage: live-bridge.sh NETDIAG SOURCE_ROOT
set -u
netdiag=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$2
skip() {
	echo "SKIP: $*"
	exit 77
}
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces and CAP_NET_RAW)"
for t in ip ethtool smbd smbclient smbpasswd openssl python3 flock useradd ss; do
	command -v "$t" >/dev/null || skip "$t is not installed"
done
ip netns add ndlive-probe$$ 2>/dev/null || skip "cannot create network namespaces here"
ip netns del ndlive-probe$$

LAB_TAG=live
# shellcheck source=../pcaps/lab-lib.sh
. "$root/tests/pcaps/lab-lib.sh"
lab_check_netns
lab_init
trap lab_cleanup EXIT
lab_ensure_user
lab_write_configs
lab_setup_topology
lab_start_smbd
CLIENT=$LAB_TMP/client
lab_make_file "$CLIENT/xfer.bin" 300000 netdiag-live
pass=0 fail=0

# run_scenario MODE NAME: capture while smbclient copies the file both ways.
run_scenario() {
	local mode=$1 out=$LAB_TMP/$2
	lab_offloads "$mode" off
	ip netns exec "$LAB_NS_BR" "$netdiag" capture br0 --smb --json -q --duration 120 \
		-w "$out.pcapng" >"$out.json" 2>"$out.err" &
	local pid=$! i
	for i in $(seq 1 50); do
		[ -s "$out.pcapng" ] && break
		sleep 0.1
	done
	sleep 0.3
	lab_smbclient data -m SMB3 -t 60 -c "lcd $CLIENT; put xfer.bin; get xfer.bin xfer.back" \
		>"$out.smbclient" 2>&1 || echo "smbclient failed: $(cat "$out.smbclient")"
	sleep 0.5
	kill -INT "$pid"
	wait "$pid"
	local rc=$?
	if [ $rc -gt 1 ]; then
		echo "FAIL: $2: netdiag capture exited $rc: $(cat "$out.err")"
		fail=$((fail + 1))
		return
	fi
	"$netdiag" analyze --json -q "$out.pcapng" >"$out.reread.json" 2>>"$out.err"
	if python3 - "$out.json" "$out.reread.json" "$mode" "$2" <<'PY'; then
import json, sys
live = json.load(open(sys.argv[1]))
again = json.load(open(sys.argv[2]))
mode, name = sys.argv[3], sys.argv[4]
problems = []
cmds = live["smb"].get("commands", {})
for c in ("WRITE", "READ"):
    s = cmds.get(c)
    if not s or s["count"] < 1 or s["max_ms"] <= 0:
        problems.append(f"no {c} with a latency: {s}")
paths = [s.get("path") for s in live["smb"].get("shares", [])]
if "\\\\10.231.0.2\\data" not in paths:
    problems.append(f"share \\\\10.231.0.2\\data missing: {paths}")
oversized = live["tcp"]["totals"]["oversized_segment"]
if mode == "on" and oversized == 0:
    problems.append("offloads on but no oversized segments")
if mode == "off" and oversized != 0:
    problems.append(f"offloads off but {oversized} oversized segments")
names = [i["name"] for i in live.get("offload", {}).get("interfaces", [])]
if not {"br0", "vcli", "vsrv"} <= set(names):
    problems.append(f"offload section should list br0 and its ports: {names}")
if live["capture"]["drops"] is None:
    problems.append("live capture without drop counters")
for key in ("packets", "bytes"):
    if live["capture"][key] != again["capture"][key]:
        problems.append(f"capture.{key}: live {live['capture'][key]}, re-read {again['capture'][key]}")
if live["tcp"]["totals"] != again["tcp"]["totals"]:
    problems.append("tcp.totals differ between live and re-read")
def srt(d):
    return {k: (v["count"], v["min_ms"], v["max_ms"], v["sum_ms"])
            for k, v in d["smb"].get("commands", {}).items()}
if srt(live) != srt(again):
    problems.append(f"SMB latencies differ: live {srt(live)} re-read {srt(again)}")
if problems:
    print(f"FAIL: {name}: " + "; ".join(problems))
    sys.exit(1)
w = cmds["WRITE"]
print(f"ok: {name}: WRITE x{w['count']} max {w['max_ms']} ms, READ x{cmds['READ']['count']}, "
      f"oversized {oversized}, {live['capture']['packets']} packets, re-read identical")
PY
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
}

run_scenario on offloads-on
run_scenario off offloads-off

# busy_poll OPTION NAME: a 30 MB copy fills a 1 MB buffer within 50 ms
# many times over, so by default the capture must poll without sleeping
# for part of it, and with --no-busy-poll never.
lab_make_file "$CLIENT/big.bin" 30000000 netdiag-live-big
busy_poll() {
	local out=$LAB_TMP/$2
	ip netns exec "$LAB_NS_BR" "$netdiag" capture br0 --smb --json -q --buffer 1 ${1:+"$1"} \
		--duration 120 >"$out.json" 2>"$out.err" &
	local pid=$!
	sleep 1
	lab_smbclient data -m SMB3 -t 60 -c "lcd $CLIENT; put big.bin; get big.bin big.back" \
		>"$out.smbclient" 2>&1 || echo "smbclient failed: $(cat "$out.smbclient")"
	kill -INT "$pid"
	wait "$pid"
	if python3 - "$out.json" "$1" "$2" <<'PY'; then
import json, sys
c = json.load(open(sys.argv[1]))["capture"]
opt, name = sys.argv[2], sys.argv[3]
f = c["files"][0]
busy = f["busy_poll_s"]
ok = busy == 0 if opt else busy is not None and busy > 0
writes = c["packets"] > 20000
print(f"{'ok' if ok and writes else 'FAIL'}: {name}: busy-polled {busy} s over "
      f"{f['duration_s']:.2f} s, {c['packets']} packets, kernel drops {c['drops']['kernel']}")
sys.exit(0 if ok and writes else 1)
PY
		pass=$((pass + 1))
	else
		echo "    stderr: $(tail -n 3 "$out.err")"
		fail=$((fail + 1))
	fi
	rm -f "$CLIENT/big.back"
}
lab_offloads off off
busy_poll "" busy-poll
busy_poll --no-busy-poll no-busy-poll
rm -f "$CLIENT/big.bin"

# The capture's own errors: an unknown interface and a bad filter.
if ip netns exec "$LAB_NS_BR" "$netdiag" capture nosuch0 --duration 1 2>"$LAB_TMP/e1"; then
	echo "FAIL: unknown interface accepted"
	fail=$((fail + 1))
elif grep -q "nosuch0: no such interface" "$LAB_TMP/e1"; then
	echo "ok: unknown interface: $(cat "$LAB_TMP/e1")"
	pass=$((pass + 1))
else
	echo "FAIL: unknown interface: $(cat "$LAB_TMP/e1")"
	fail=$((fail + 1))
fi
if ip netns exec "$LAB_NS_BR" "$netdiag" capture br0 --filter 'tcp port' --duration 1 \
	2>"$LAB_TMP/e2"; then
	echo "FAIL: invalid filter accepted"
	fail=$((fail + 1))
elif grep -q "invalid filter" "$LAB_TMP/e2"; then
	echo "ok: invalid filter: $(cat "$LAB_TMP/e2")"
	pass=$((pass + 1))
else
	echo "FAIL: invalid filter: $(cat "$LAB_TMP/e2")"
	fail=$((fail + 1))
fi

# Without CAP_NET_RAW the error names the capability; with --user the
# capture opens as root and then runs as that user.
if command -v setpriv >/dev/null; then
	ip netns exec "$LAB_NS_BR" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$netdiag" capture br0 --duration 1 2>"$LAB_TMP/e3"
	rc=$?
	if [ $rc -eq 2 ] && grep -q "CAP_NET_RAW" "$LAB_TMP/e3"; then
		echo "ok: no capability: $(cat "$LAB_TMP/e3")"
		pass=$((pass + 1))
	else
		echo "FAIL: no capability: exit $rc: $(cat "$LAB_TMP/e3")"
		fail=$((fail + 1))
	fi
else
	echo "note: setpriv missing; the no-capability case is not checked"
fi
ip netns exec "$LAB_NS_BR" "$netdiag" capture br0 --user nobody --duration 1 -q --json \
	>"$LAB_TMP/user.json" 2>"$LAB_TMP/e4"
rc=$?
if [ $rc -le 1 ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$LAB_TMP/user.json"; then
	echo "ok: --user nobody: capture ran after dropping privileges (exit $rc)"
	pass=$((pass + 1))
else
	echo "FAIL: --user nobody: exit $rc: $(cat "$LAB_TMP/e4")"
	fail=$((fail + 1))
fi

# An interface removed mid-capture: the report of what was captured still comes out.
ip netns exec "$LAB_NS_BR" ip link add ndgone type veth peer name ndgone-peer
ip netns exec "$LAB_NS_BR" ip link set ndgone up
ip netns exec "$LAB_NS_BR" ip link set ndgone-peer up
ip netns exec "$LAB_NS_BR" "$netdiag" capture ndgone --json -q --duration 30 \
	>"$LAB_TMP/gone.json" 2>"$LAB_TMP/gone.err" &
gpid=$!
sleep 1
ip netns exec "$LAB_NS_BR" ip link del ndgone
wait "$gpid"
grc=$?
if [ $grc -eq 2 ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$LAB_TMP/gone.json" 2>/dev/null &&
	grep -q "^netdiag: ndgone: " "$LAB_TMP/gone.err"; then
	echo "ok: interface removed mid-capture: exit 2, report written: $(head -1 "$LAB_TMP/gone.err")"
	pass=$((pass + 1))
else
	echo "FAIL: interface removed mid-capture: exit $grc, stderr: $(cat "$LAB_TMP/gone.err")"
	fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
