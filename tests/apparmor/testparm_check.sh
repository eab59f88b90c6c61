#!/bin/bash
# The share list of netdiag's smb.conf reader equals testparm's {section ->
# path} on the same files (testparm -s resolves includes; it does not list
# usershares or the per-user shares of [homes], which are compared in
# test_aa_smbconf instead). Skipped when testparm is missing.
set -u
tool=$1 fixtures=$2 testparm=${3:-}
if [ -z "$testparm" ] || [ ! -x "$testparm" ]; then
	echo "testparm not found (package samba-common-bin): skipping the testparm cross-check"
	exit 77
fi
tmp=$(mktemp -d /tmp/nd-testparm.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/real" "$tmp/usershares"
ln -s "$tmp/real" "$tmp/link"
sed "s|@DIR@|$tmp|g" "$fixtures/mixed.conf.in" > "$tmp/mixed.conf"
sed "s|@DIR@|$tmp|g" "$fixtures/shares.inc.in" > "$tmp/shares.inc"

fail=0
for conf in "$fixtures/lexer.conf" "$fixtures/seed.conf" "$fixtures/join.conf" "$tmp/mixed.conf"; do
	ours=$("$tool" smbconf "$conf" | grep '^section' | cut -f2- | grep -v -P '^[^\t]*\t$' | sort)
	theirs=$("$testparm" -s "$conf" 2>/dev/null | python3 -c '
import sys
sec = None
out = []
for line in sys.stdin:
    line = line.rstrip("\n")
    if line.startswith("[") and line.endswith("]"):
        sec = line[1:-1]
        continue
    s = line.lstrip("\t")
    if sec and sec.lower() not in ("global", "globals") and s.startswith("path = "):
        p = s[len("path = "):]
        while len(p) > 1 and p.endswith("/"):
            p = p[:-1]
        if p:
            out.append(sec + "\t" + p)
print("\n".join(sorted(out)))
')
	if [ "$ours" != "$theirs" ]; then
		echo "FAIL: $conf: netdiag and testparm disagree"
		diff <(echo "$ours") <(echo "$theirs")
		fail=1
	else
		echo "ok: $conf: $(echo "$ours" | grep -c .) shares agree with testparm"
	fi
done
# testparm refuses broken.conf; netdiag reports the lines
if "$testparm" -s "$fixtures/broken.conf" >/dev/null 2>&1; then
	echo "note: testparm accepted broken.conf"
fi
if ! "$tool" smbconf "$fixtures/broken.conf" | grep -q "^problem	error	.*broken.conf	5	"; then
	echo "FAIL: broken.conf line 5 not reported"
	fail=1
fi
exit $fail
