#!/bin/bash
# What could not be checked is not healthy: an input netdiag could not read
# gives the verdict "incomplete" naming what is missing — a missing
# interface, a journal that is not there, a capture with no SMB, an
# encrypted session — never "No problem found".
# usage: gaps_test.sh NETDIAG SOURCE_ROOT
set -u
netdiag=$1 root=$2
pcaps=$root/tests/pcaps
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check NAME STATUS EXIT ID ARGS...: `netdiag ARGS --json` gives the verdict
# STATUS with finding ID among what was not checked, and exit status EXIT.
check() {
	local name=$1 want=$2 want_rc=$3 id=$4
	shift 4
	"$netdiag" "$@" --json >"$tmp/out.json" 2>"$tmp/err.txt"
	local rc=$?
	if [ "$rc" -eq "$want_rc" ] && python3 - "$tmp/out.json" "$want" "$id" <<'PY'; then
import json, sys
d = json.load(open(sys.argv[1]))
v = d["verdict"]
ids = [f["id"] for f in d["findings"] if f["key"] in v["incomplete"]]
assert v["status"] == sys.argv[2], v
assert sys.argv[3] in ids, (ids, v)
assert "No problem found" not in v["headline"], v
PY
		echo "ok: $name: $want ($id), exit $rc"
	else
		echo "FAIL: $name: want $want naming $id and exit $want_rc; got exit $rc:"
		head -c 800 "$tmp/out.json" "$tmp/err.txt"
		fail=1
	fi
}

# A TCP connection on port 80 and nothing else: no SMB to judge.
python3 - "$tmp/http.pcap" <<'PY'
import struct, sys
def pkt(src, dst, sport, dport, seq, ack, flags):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0,
                     bytes(src), bytes(dst))
    return b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00" + ip + tcp
a, b = [10, 9, 0, 1], [10, 9, 0, 2]
frames = [pkt(a, b, 40000, 80, 100, 0, 0x02), pkt(b, a, 80, 40000, 500, 101, 0x12),
          pkt(a, b, 40000, 80, 101, 501, 0x10)]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, fr in enumerate(frames):
        f.write(struct.pack("<IIII", 1700000000, i * 1000, len(fr), len(fr)) + fr)
PY

check "a capture with no SMB" incomplete 0 capture.no_smb analyze -q "$tmp/http.pcap"
check "an encrypted session" incomplete 0 smb.encrypted analyze -q "$pcaps/smb3-encrypted.pcap"
check "apparmor without a journal" incomplete 2 journal.unreadable \
	apparmor --no-confinement --journal-dir "$tmp/no-journal-here"
if "$netdiag" offload lo >/dev/null 2>&1; then
	check "offload of a missing interface" incomplete 2 offload.unreadable offload nd-nosuch0
	check "analyze --iface of a missing interface" incomplete 2 offload.unreadable \
		analyze -q --iface nd-nosuch0 "$pcaps/smb2-clean-transfer.pcap"
else
	echo "SKIP: offload cases: netdiag offload lo fails here (no netlink)"
fi
exit $fail
