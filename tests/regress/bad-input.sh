#!/bin/bash
# Bad input: every kind gets exit status 2, exactly one error line on stderr
# naming the file and the problem, and the report still comes out with what
# was read before the damage (marked partial).
# usage: bad-input.sh NETDIAG JSON_COMPARE SOURCE_ROOT
set -u
netdiag=$1 compare=$2 root=$3
good="$root/tests/pcaps/smb2-clean-transfer.pcap"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0 fail=0

# check NAME EXPECT_PACKETS_MIN FILE...: runs analyze and checks the contract
check() {
	local name=$1 min_packets=$2
	shift 2
	"$netdiag" analyze --json -q "$@" >"$dir/out.json" 2>"$dir/err.txt"
	local rc=$? problem=""
	local nerr
	nerr=$(wc -l <"$dir/err.txt")
	if [ $rc -ne 2 ]; then
		problem="exit $rc, want 2"
	elif [ "$nerr" -ne 1 ]; then
		problem="$nerr stderr lines, want 1: $(cat "$dir/err.txt")"
	elif ! "$compare" --valid "$dir/out.json"; then
		problem="no JSON report"
	else
		local got partial
		got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["capture"]["packets"], d["capture"]["partial"])' "$dir/out.json")
		set -- $got
		if [ "$1" -lt "$min_packets" ] || [ "$2" != "True" ]; then
			problem="report has packets=$1 partial=$2, want >= $min_packets and partial"
		fi
	fi
	if [ -n "$problem" ]; then
		echo "FAIL: $name: $problem"
		fail=$((fail + 1))
	else
		echo "ok: $name: $(cat "$dir/err.txt")"
		pass=$((pass + 1))
	fi
}

check "missing file" 0 "$dir/does-not-exist.pcap"
echo "this is not a capture" >"$dir/text.pcap"
check "text file" 0 "$dir/text.pcap"
: >"$dir/empty.pcap"
check "empty file" 0 "$dir/empty.pcap"
size=$(stat -c %s "$good")
head -c $((size / 2)) "$good" >"$dir/truncated.pcap"
check "truncated capture" 10 "$dir/truncated.pcap"
# A corrupted record header (caplen far beyond the snaplen) after packet 20.
python3 - "$good" "$dir/corrupt.pcap" <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], 'rb').read())
off, n = 24, 0
while n < 20:
    incl = struct.unpack_from('<I', data, off + 8)[0]
    off += 16 + incl
    n += 1
struct.pack_into('<I', data, off + 8, 0x7fffffff)
open(sys.argv[2], 'wb').write(data)
PY
check "corrupted record" 20 "$dir/corrupt.pcap"
# A valid pcap of an unsupported link type (DLT_USER0 = 147).
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x93\x00\x00\x00' >"$dir/user0.pcap"
printf '\x01\x00\x00\x00\x00\x00\x00\x00\x04\x00\x00\x00\x04\x00\x00\x00abcd' >>"$dir/user0.pcap"
check "unsupported link type" 0 "$dir/user0.pcap"
# Damage in one of several files: the good file is still analysed.
check "good file plus a missing one" 100 "$good" "$dir/does-not-exist.pcap"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
