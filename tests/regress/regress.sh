#!/bin/bash
# Regression test for one capture in tests/pcaps: `netdiag analyze --json`
# must succeed (exit 0 or 1) and equal the checked-in expected report.
# usage: regress.sh NETDIAG JSON_COMPARE SOURCE_ROOT CAPTURE_NAME
set -u
netdiag=$(realpath "$1") compare=$(realpath "$2") root=$3 name=$4
capture="$root/tests/pcaps/$name"
expected="$root/tests/regress/expected/$name.json"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Run from tests/pcaps so the report names the file as the expected one does.
(cd "$root/tests/pcaps" && "$netdiag" analyze --json -q "$name") >"$out"
rc=$?
if [ "$rc" -gt 1 ]; then
	echo "FAIL: netdiag exited $rc on $capture"
	exit 1
fi
if [ ! -f "$expected" ]; then
	echo "FAIL: no expected report $expected (run tests/regress/update-expected.sh)"
	exit 1
fi
"$compare" "$expected" "$out" || {
	echo "FAIL: $name differs from its expected report"
	diff <(python3 -m json.tool "$expected" 2>/dev/null) <(python3 -m json.tool "$out" 2>/dev/null) | head -40
	exit 1
}
echo "ok: $name"
