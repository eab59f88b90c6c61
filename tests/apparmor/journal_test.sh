#!/bin/bash
# `netdiag apparmor` on real journal files made from the export fixtures by
# systemd-journal-remote: the seed story, both routes of one denial, hex
# paths, several profiles, includes/homes/usershares/symlinks, noise,
# damaged records, a file that is not a journal, a broken smb.conf,
# --since/--until and --follow. Skipped when systemd-journal-remote is
# missing (package systemd-journal-remote).
set -u
netdiag=$1 fixtures=$2 remote=${3:-}
if [ -z "$remote" ] || [ ! -x "$remote" ]; then
	echo "systemd-journal-remote not found: skipping"
	exit 77
fi
tmp=$(mktemp -d /tmp/nd-aajournal.XXXXXX)
follow_pid=
cleanup() {
	[ -n "$follow_pid" ] && kill "$follow_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
check() { # name, python expression over d (the JSON document)
	if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
aa = d["apparmor"]
def share(name, profile):
    return [s for s in aa["shares"] if s["share"] == name and s["profile"] == profile]
def finding(fid, subj=None):
    return [f for f in d["findings"] if f["id"] == fid and (subj is None or f["subject"]["name"] == subj)]
def denial(obj):
    return [x for x in aa["denials"] if x["object"] == obj]
ok = eval(sys.argv[2])
sys.exit(0 if ok else 1)
' "$1" "$2"; then
		echo "ok: $3"
	else
		echo "FAIL: $3"
		echo "   ($2)"
		fail=1
	fi
}
mkjournal() { # export file, journal
	"$remote" --output="$2" - < "$1" 2>"$tmp/remote.err" || { cat "$tmp/remote.err"; exit 1; }
}

# ---- the seed story: one denial by both routes ----
mkjournal "$fixtures/seed.export" "$tmp/seed.journal"
"$netdiag" apparmor --json --no-confinement --journal-file "$tmp/seed.journal" \
	--smb-conf "$fixtures/seed.conf" --passwd-file "$fixtures/passwd" > "$tmp/seed.json"
rc=$?
[ $rc -eq 1 ] && echo "ok: seed exit status 1" || { echo "FAIL: seed exit status $rc"; fail=1; }
J=$tmp/seed.json
check "$J" 'd["netdiag"]["command"] == "apparmor" and d["netdiag"]["schema"] == 2' "seed meta"
check "$J" 'aa["records"] == 1 and aa["duplicates"] == 1 and aa["skipped"] == 0' "seed counted once"
check "$J" 'len(share("winshare", "smbd")) == 1' "seed share winshare / profile smbd"
check "$J" 'share("winshare", "smbd")[0]["path"] == "/mnt/data/winshare"' "seed share path"
check "$J" 'share("winshare", "smbd")[0]["fix"]["rule"] == "/mnt/data/winshare/** lrwk,"' "seed fix line"
check "$J" 'share("winshare", "smbd")[0]["fix"]["local_file"] == "/etc/apparmor.d/local/usr.sbin.smbd-shares"' "seed override file"
check "$J" 'share("winshare", "smbd")[0]["pids"] == [5535] and share("winshare", "smbd")[0]["first"] == "2023-11-06T11:19:14.123000Z"' "seed evidence"
check "$J" 'len(finding("apparmor.share_denied", "winshare")) == 1 and finding("apparmor.share_denied", "winshare")[0]["severity"] == "error"' "seed finding"
check "$J" '"/mnt/data/winshare/** lrwk," in finding("apparmor.share_denied")[0]["fix"] and "apparmor_parser -r /etc/apparmor.d/usr.sbin.smbd" in finding("apparmor.share_denied")[0]["fix"]' "seed advice"
check "$J" 'isinstance(aa["confinement"], list) and "enabled" in aa' "seed confinement keys"
"$netdiag" apparmor --no-color --journal-file "$tmp/seed.journal" --smb-conf "$fixtures/seed.conf" \
	--passwd-file "$fixtures/passwd" > "$tmp/seed.txt"
if grep -q 'AppArmor is\|enabled' "$tmp/seed.txt" && grep -q '/mnt/data/winshare/\*\* lrwk,' "$tmp/seed.txt" &&
	grep -q 'local/usr.sbin.smbd-shares' "$tmp/seed.txt"; then
	echo "ok: seed text report"
else
	echo "FAIL: seed text report"; cat "$tmp/seed.txt"; fail=1
fi

# ---- many sources and records ----
D=$tmp/mixed
mkdir -p "$D/real" "$D/usershares"
ln -s "$D/real" "$D/link"
cp "$fixtures/usershares/pub" "$D/usershares/pub"
sed "s|@DIR@|$D|g" "$fixtures/mixed.conf.in" > "$D/smb.conf"
sed "s|@DIR@|$D|g" "$fixtures/shares.inc.in" > "$D/shares.inc"
# the symlink is resolved as AppArmor sees it
real=$(cd "$D/real" && pwd -P)
sed "s|@DIR@/real|$real|g" "$fixtures/mixed.export.in" > "$D/mixed.export"
python3 - "$D/mixed.export" <<'PY'
import sys
# a huge AppArmor record (over netdiag's 16 KiB limit)
body = 'apparmor="DENIED" operation="open" profile="smbd" name="/srv/data/' + 'x' * 20000 + '" pid=1'
with open(sys.argv[1], 'a') as f:
    f.write('__REALTIME_TIMESTAMP=1700000000400000\n_BOOT_ID=8d2c6f0e1a3b4c5d9e7f0a1b2c3d4e5f\n'
            '_TRANSPORT=kernel\nMESSAGE=audit: type=1400 audit(1700000000.400:200): ' + body + '\n\n')
PY
mkjournal "$D/mixed.export" "$tmp/mixed.journal"
"$netdiag" apparmor --json --no-confinement --journal-file "$tmp/mixed.journal" \
	--smb-conf "$D/smb.conf" --passwd-file "$fixtures/passwd" > "$tmp/mixed.json" 2> "$tmp/mixed.err"
rc=$?
[ $rc -eq 1 ] && echo "ok: mixed exit status 1" || { echo "FAIL: mixed exit status $rc"; cat "$tmp/mixed.err"; fail=1; }
J=$tmp/mixed.json
check "$J" 'aa["duplicates"] == 1' "mixed: the two-route denial counted once"
check "$J" 'aa["skipped"] == 4' "mixed: truncated, garbled, broken stamp and huge records skipped"
check "$J" 'aa["lost_notices"] == 3 and aa["not_apparmor"] == 1' "mixed: loss notice and SELinux record"
check "$J" 'aa["by_event"]["status"] == 1 and aa["by_event"]["allowed"] == 1' "mixed: STATUS and ALLOWED counted"
check "$J" 'len(denial("/srv/data/My Docs/a.txt")) == 1 and denial("/srv/data/My Docs/a.txt")[0]["count"] == 2 and denial("/srv/data/My Docs/a.txt")[0]["share"] == "data"' "mixed: hex path decoded, in share data"
check "$J" 'share("data", "samba-dcerpcd")[0]["fix"]["local_file"] == "/etc/apparmor.d/local/samba-dcerpcd" and share("data", "samba-dcerpcd")[0]["fix"]["rule"] == "/srv/data/** lrwk,"' "mixed: samba-dcerpcd has its own override file"
check "$J" 'share("sym", "smbd")[0]["fix"]["rule"] == "'"$real"'/** lrwk,"' "mixed: symlinked share matched by its resolved path"
check "$J" 'share("homes", "smbd")[0]["user"] == "alice"' "mixed: [homes] user alice"
check "$J" 'len(share("Pub", "smbd")) == 1' "mixed: usershare Pub"
check "$J" 'denial("/srv/datax/z")[0]["share"] is None' "mixed: /srv/datax is not under /srv/data"
check "$J" 'len(finding("apparmor.denied", "nmbd")) == 1 and finding("apparmor.denied", "nmbd")[0]["severity"] == "warning"' "mixed: nmbd denial outside shares"
check "$J" '"/etc/apparmor.d/local/usr.sbin.nmbd" in finding("apparmor.denied", "nmbd")[0]["advice"]' "mixed: nmbd override file"
check "$J" 'len(finding("apparmor.denied", "smbd")) == 1 and "capability net_admin," in finding("apparmor.denied", "smbd")[0]["advice"]' "mixed: smbd outside shares (cap, net, signal, mount)"
check "$J" 'len(denial("capability net_admin")) == 1 and len(denial("network inet6 raw")) == 1 and len(denial("signal term to unconfined")) == 1' "mixed: cap/net/signal objects"
check "$J" 'len([x for x in aa["denials"] if x["class"] == "dbus" and x["profile"] == "samba-dcerpcd" and x["pids"] == [2200]]) == 1' "mixed: dbus USER_AVC"
check "$J" 'len(finding("apparmor.share_denied")) == 5' "mixed: five (share, profile) findings"
check "$J" 'any("missing-" in p["message"] and p["line"] == 8 and not p["input_error"] for p in aa["problems"])' "mixed: missing include named with its line"
check "$J" 'sum(1 for p in aa["problems"] if "entry at" in p["source"]) == 4' "mixed: one message per skipped record"
if grep -q "4 AppArmor records could not be parsed" "$tmp/mixed.err"; then
	echo "ok: mixed: skipped records counted on stderr"
else
	echo "FAIL: mixed: stderr"; cat "$tmp/mixed.err"; fail=1
fi

# ---- --since / --until ----
"$netdiag" apparmor --json --no-confinement --journal-file "$tmp/mixed.journal" \
	--since @1700000000.150 --until @1700000000.200 --smb-conf "$D/smb.conf" > "$tmp/range.json"
check "$tmp/range.json" 'aa["records"] == 5 and aa["duplicates"] == 0' "--since/--until"

# ---- a file that is not a journal, next to a good one ----
echo "this is not a journal" > "$tmp/bad.journal"
"$netdiag" apparmor --json --no-confinement --journal-file "$tmp/bad.journal" \
	--journal-file "$tmp/seed.journal" --smb-conf "$fixtures/seed.conf" > "$tmp/bad.json" 2> "$tmp/bad.err"
rc=$?
[ $rc -eq 2 ] && echo "ok: not a journal: exit status 2" || { echo "FAIL: not a journal: exit $rc"; fail=1; }
grep -q "bad.journal: not a journal file" "$tmp/bad.err" && echo "ok: not a journal: named on stderr" ||
	{ echo "FAIL: stderr"; cat "$tmp/bad.err"; fail=1; }
check "$tmp/bad.json" 'aa["records"] == 1 and len(finding("apparmor.share_denied")) == 1' "not a journal: the rest is still reported"
"$netdiag" apparmor --no-confinement --journal-file "$tmp/nonexistent.journal" > /dev/null 2> "$tmp/missing.err"
[ $? -eq 2 ] && grep -q "nonexistent.journal" "$tmp/missing.err" && echo "ok: missing journal file" ||
	{ echo "FAIL: missing journal file"; fail=1; }
mkdir -p "$tmp/jdir/0123456789abcdef0123456789abcdef"
cp "$tmp/seed.journal" "$tmp/jdir/0123456789abcdef0123456789abcdef/system.journal"
"$netdiag" apparmor --json --no-confinement --journal-dir "$tmp/jdir" --smb-conf "$fixtures/seed.conf" > "$tmp/dir.json"
check "$tmp/dir.json" 'aa["records"] == 1' "--journal-dir with a machine-id subdirectory"

# ---- broken smb.conf ----
"$netdiag" apparmor --json --no-confinement --journal-file "$tmp/seed.journal" \
	--smb-conf "$fixtures/broken.conf" > "$tmp/broken.json" 2> "$tmp/broken.err"
rc=$?
[ $rc -eq 2 ] && grep -q "broken.conf:5:" "$tmp/broken.err" && echo "ok: broken smb.conf: exit 2 and file:line" ||
	{ echo "FAIL: broken smb.conf (exit $rc)"; cat "$tmp/broken.err"; fail=1; }
check "$tmp/broken.json" 'aa["records"] == 1 and len(aa["denials"]) == 1' "broken smb.conf: denials still listed"

# ---- usage errors ----
"$netdiag" apparmor --since yesterdayish > /dev/null 2>&1
[ $? -eq 2 ] && echo "ok: bad --since" || { echo "FAIL: bad --since"; fail=1; }

# ---- --follow sees appended entries ----
cp "$tmp/seed.journal" "$tmp/live.journal"
"$netdiag" apparmor --follow --no-confinement --journal-file "$tmp/live.journal" \
	--smb-conf "$fixtures/seed.conf" > "$tmp/follow.out" 2>&1 &
follow_pid=$!
sleep 1
sed -e 's/audit(1699269554.123:456)/audit(1699269600.000:999)/' -e 's/_AUDIT_ID=456/_AUDIT_ID=999/' \
	-e 's/1699269554123/1699269600000/' -e 's/symbols/x/' "$fixtures/seed.export" |
	sed 's|/mnt/data/winshare/|/mnt/data/symbols/new|' > "$tmp/more.export"
mkjournal "$tmp/more.export" "$tmp/live.journal"
for _ in $(seq 1 50); do
	grep -q "/mnt/data/symbols/new" "$tmp/follow.out" && break
	sleep 0.2
done
kill -INT "$follow_pid" 2>/dev/null
wait "$follow_pid" 2>/dev/null
follow_pid=
if grep -q "share symbols profile smbd DENIED open /mnt/data/symbols/new" "$tmp/follow.out" &&
	grep -q "Findings" "$tmp/follow.out"; then
	echo "ok: --follow printed the appended denial once and the report at the end"
else
	echo "FAIL: --follow"; cat "$tmp/follow.out"; fail=1
fi
[ "$(grep -c 'DENIED open /mnt/data/symbols/new' "$tmp/follow.out")" -eq 1 ] ||
	{ echo "FAIL: --follow printed the denial more than once"; fail=1; }
exit $fail
