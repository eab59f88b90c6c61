#!/bin/sh
# systemd-analyze verify and security --offline=true on the configured unit,
# with ExecStart pointing at the built binary (verify checks it exists).
# usage: unit_test.sh UNIT NETDIAG SYSTEMD_ANALYZE ('' when missing)
set -eu
unit=$1 netdiag=$(realpath "$2") sa=$3
if [ -z "$sa" ]; then
	echo "SKIP: systemd-analyze not installed (package systemd)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|^ExecStart=.*netdiag daemon|ExecStart=$netdiag daemon|" "$unit" > "$tmp/netdiag.service"
# Documentation=man:... is looked up with man(1); the pages may not be installed here.
out=$("$sa" verify --man=no "$tmp/netdiag.service" 2>&1) || { echo "$out"; echo "FAIL: verify"; exit 1; }
[ -z "$out" ] || { echo "$out"; echo "FAIL: verify printed warnings"; exit 1; }
echo "ok   systemd-analyze verify"
sec=$("$sa" security --offline=true --threshold=25 "$tmp/netdiag.service" 2>&1) || {
	echo "$sec" | tail -5; echo "FAIL: security exposure above 2.5"; exit 1; }
echo "$sec" | tail -1
echo "ok   systemd-analyze security --offline=true (threshold 2.5)"
