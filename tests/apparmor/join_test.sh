#!/bin/bash
# The capture join: tests/pcaps/smb2-access-denied.pcap (CREATE
# private... -> STATUS_ACCESS_DENIED on \\10.231.0.2\data) with a journal
# holding an smbd denial under the data share's path a few ms before, and
# one 12 minutes later (outside the window).
set -u
tool=$1 pcap=$2 fixtures=$3 remote=${4:-} netdiag=${5:-}
if [ -z "$remote" ] || [ ! -x "$remote" ]; then
	echo "systemd-journal-remote not found: skipping"
	exit 77
fi
[ -f "$pcap" ] || { echo "missing $pcap"; exit 1; }
tmp=$(mktemp -d /tmp/nd-aajoin.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$remote" --output="$tmp/join.journal" - < "$fixtures/join.export" 2>/dev/null || exit 1
"$tool" join "$pcap" "$tmp/join.journal" "$fixtures/join.conf" > "$tmp/out"
rc=$?
cat "$tmp/out"
fail=0
[ $rc -eq 0 ] || { echo "FAIL: exit $rc"; fail=1; }
line=$(grep -P '^apparmor\.smb_access_denied\tdata\t' "$tmp/out")
[ "$(grep -c '^apparmor.smb_access_denied' "$tmp/out")" -eq 1 ] || { echo "FAIL: expected one joined finding"; fail=1; }
for want in '\\10.231.0.2\data' 'profile smbd' '/srv/ndlab/data/private' 'CREATE private (frame 44)' \
	'/srv/ndlab/data/** lrwk,' '/etc/apparmor.d/local/usr.sbin.smbd-shares' \
	'apparmor_parser -r /etc/apparmor.d/usr.sbin.smbd' '2026-11-23T18:01:24.986Z' \
	'first_frame=44' 'apparmor_denials=1' 'smb_errors=3' 'journal_first=2026-11-23T18:01:24.986Z' 'pid=4242'; do
	if [[ "$line" != *"$want"* ]]; then
		echo "FAIL: joined finding lacks '$want'"
		fail=1
	fi
done
if grep -q 'locked' <<< "$line"; then
	echo "FAIL: the TREE_CONNECT on [locked] has no AppArmor denial and must not be joined"
	fail=1
fi
[ $fail -eq 0 ] && echo "ok: joined finding names share, path, profile and fix"
# The same join through the command users run.
if [ -n "$netdiag" ]; then
	"$netdiag" analyze --json -q --journal-file "$tmp/join.journal" --smb-conf "$fixtures/join.conf" \
		"$pcap" >"$tmp/analyze.json"
	arc=$?
	if [ $arc -eq 1 ] && python3 - "$tmp/analyze.json" <<'PY'; then
import json, sys
d = json.load(open(sys.argv[1]))
joined = [f for f in d["findings"] if f["id"] == "apparmor.smb_access_denied"]
assert len(joined) == 1, joined
f = joined[0]
assert f["subject"]["name"] == "data", f["subject"]
assert f["evidence"]["first_frame"] == 44 and f["evidence"]["apparmor_denials"] == 1, f["evidence"]
assert "/srv/ndlab/data/** lrwk," in f["fix"] and "usr.sbin.smbd-shares" in f["fix"]
assert "apparmor" in d
# One problem, one root cause: the join explains the capture's CREATE refusals
# on [data]; the TREE_CONNECT refusal on [locked] stays a cause of its own.
denied = [g for g in d["findings"] if g["id"] == "smb.access_denied"]
on_data = [g for g in denied if "\\data" in g["subject"]["name"]]
assert on_data and all(g["explained_by"] == [f["key"]] and g["role"] == "symptom" for g in on_data), on_data
assert f["key"] in d["verdict"]["causes"], d["verdict"]
assert not any(g["key"] in d["verdict"]["causes"] for g in on_data), d["verdict"]
PY
		echo "ok: netdiag analyze --journal-file --smb-conf gives the joined finding"
	else
		echo "FAIL: netdiag analyze join (exit $arc)"
		fail=1
	fi
fi
exit $fail
