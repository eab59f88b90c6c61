#!/bin/bash
# Every line of netdiag's text output fits the terminal: `netdiag analyze`
# on each capture in tests/pcaps (*.pcap*, xz-compressed ones too),
# also with --brief; `netdiag offload lo`; `netdiag apparmor` and `analyze
# --journal-file` on the journal fixtures — each at COLUMNS=80 and 100
# (every --help at 80), widths counted in characters (UTF-8), not bytes. On a pseudo-terminal
# (script(1)), NO_COLOR and --no-color keep every escape sequence out, and
# the terminal's own width is used when COLUMNS is not set.
#
# usage: text_width.sh NETDIAG SOURCE_ROOT JOURNAL_REMOTE ('' when missing)
set -u
netdiag=$1 root=$2 remote=${3:-}
pcaps=$root/tests/pcaps fixtures=$root/tests/apparmor/fixtures
tmp=$(mktemp -d /tmp/nd-textwidth.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0 checked=0

# check_width NAME WIDTH FILE: fails for each line wider than WIDTH.
check_width() {
	python3 - "$1" "$2" "$3" <<'PY' || fail=1
import sys
name, width, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
data = open(path, "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    print(f"FAIL: {name}: output is not UTF-8 ({e})")
    sys.exit(1)
bad = 0
for no, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
    if len(line) <= width:
        continue
    bad += 1
    print(f"FAIL: {name}: line {no} is {len(line)} columns wide (> {width}):\n  {line}")
sys.exit(1 if bad else 0)
PY
	checked=$((checked + 1))
}

# run NAME WIDTH ARGS...: netdiag ARGS at COLUMNS=WIDTH; checks the widths
# and that a report came out.
run() {
	local name=$1 width=$2
	shift 2
	local out="$tmp/out.txt"
	COLUMNS=$width "$netdiag" "$@" >"$out" 2>"$tmp/err.txt"
	local rc=$?
	if [ $rc -gt 2 ] || ! grep -q '^Verdict$' "$out"; then
		echo "FAIL: $name: netdiag $* exited $rc without a report"
		cat "$tmp/err.txt"
		fail=1
		return
	fi
	check_width "$name COLUMNS=$width" "$width" "$out"
}

# ---- every capture ----
captures=()
for f in "$pcaps"/*.pcap*; do
	[ -f "$f" ] && captures+=("$f")
done
if [ ${#captures[@]} -eq 0 ]; then
	echo "FAIL: no capture in $pcaps"
	exit 1
fi
for f in "${captures[@]}"; do
	for w in 80 100; do
		run "$(basename "$f")" $w analyze -q "$f"
		run "$(basename "$f") --brief" $w analyze -q --brief "$f"
	done
done

# ---- --brief: only the findings ----
COLUMNS=80 "$netdiag" analyze -q --brief "$pcaps/smb2-lso-drop.pcap" >"$tmp/brief.txt"
if grep -qE '^(Capture|TCP|SMB|Offload|AppArmor)$' "$tmp/brief.txt" ||
	! grep -q '^Verdict$' "$tmp/brief.txt"; then
	echo "FAIL: --brief prints sections besides the findings:"
	cat "$tmp/brief.txt"
	fail=1
fi

# ---- colour on a pseudo-terminal ----
# script(1) gives netdiag a terminal: colour is on unless switched off
tty_run() { # OUTPUT COMMAND...
	local out=$1
	shift
	script -qec "$(printf '%q ' "$@")" /dev/null >"$out" 2>&1 </dev/null
}
lso=$pcaps/smb2-lso-drop.pcap
tty_run "$tmp/tty-color.txt" env -u NO_COLOR COLUMNS=80 "$netdiag" analyze -q "$lso"
if ! grep -q $'\033' "$tmp/tty-color.txt"; then
	echo "FAIL: no colour on a terminal (is script(1) giving a tty?)"
	fail=1
fi
check_width "tty COLUMNS=80" 80 "$tmp/tty-color.txt"
for how in "NO_COLOR=1" "--no-color"; do
	if [ "$how" = "NO_COLOR=1" ]; then
		tty_run "$tmp/tty.txt" env NO_COLOR=1 COLUMNS=80 "$netdiag" analyze -q "$lso"
	else
		tty_run "$tmp/tty.txt" env -u NO_COLOR COLUMNS=80 "$netdiag" analyze -q --no-color "$lso"
	fi
	if grep -q $'\033' "$tmp/tty.txt"; then
		echo "FAIL: $how on a terminal still prints escape sequences"
		fail=1
	fi
	grep -q '^Verdict' "$tmp/tty.txt" || { echo "FAIL: $how: no report"; fail=1; }
done
# NO_COLOR set but empty does not count (no-color.org)
tty_run "$tmp/tty.txt" env NO_COLOR= COLUMNS=80 "$netdiag" analyze -q "$lso"
grep -q $'\033' "$tmp/tty.txt" || { echo "FAIL: NO_COLOR='' turned colour off"; fail=1; }
# without COLUMNS, the terminal's width
tty_run "$tmp/tty-70.txt" bash -c "stty cols 70 && env -u COLUMNS '$netdiag' analyze -q '$lso'"
check_width "tty of 70 columns" 70 "$tmp/tty-70.txt"
if ! awk 'length($0) > 60 { long = 1 } END { exit !long }' "$tmp/tty-70.txt"; then
	echo "FAIL: a 70-column terminal got no line over 60 columns (width not used?)"
	fail=1
fi

# ---- --help texts are fixed: 80 columns ----
for cmd in "" analyze capture offload apparmor daemon explain; do
	"$netdiag" $cmd --help >"$tmp/help.txt" 2>&1
	check_width "netdiag $cmd --help" 80 "$tmp/help.txt"
done

# ---- netdiag explain: the list and every finding ----
COLUMNS=80 "$netdiag" explain >"$tmp/explain.txt" 2>&1
check_width "netdiag explain" 80 "$tmp/explain.txt"
for id in $(grep -v '^ ' "$tmp/explain.txt" | cut -d' ' -f1); do
	COLUMNS=80 "$netdiag" explain "$id" >"$tmp/explain-id.txt" 2>&1
	check_width "netdiag explain $id" 80 "$tmp/explain-id.txt"
done

# ---- netdiag offload ----
for w in 80 100; do
	run "offload lo" $w offload lo
done

# ---- netdiag apparmor and analyze --journal-file ----
if [ -n "$remote" ] && [ -x "$remote" ]; then
	"$remote" --output="$tmp/seed.journal" - <"$fixtures/seed.export" 2>/dev/null
	"$remote" --output="$tmp/join.journal" - <"$fixtures/join.export" 2>/dev/null
	D=$tmp/mixed
	mkdir -p "$D/real" "$D/usershares"
	cp "$fixtures/usershares/pub" "$D/usershares/pub"
	sed "s|@DIR@|$D|g" "$fixtures/mixed.conf.in" >"$D/smb.conf"
	sed "s|@DIR@|$D|g" "$fixtures/shares.inc.in" >"$D/shares.inc"
	sed "s|@DIR@/real|$D/real|g" "$fixtures/mixed.export.in" >"$D/mixed.export"
	"$remote" --output="$tmp/mixed.journal" - <"$D/mixed.export" 2>/dev/null
	for w in 80 100; do
		run "apparmor seed" $w apparmor --no-confinement --journal-file "$tmp/seed.journal" \
			--smb-conf "$fixtures/seed.conf" --passwd-file "$fixtures/passwd"
		run "apparmor mixed" $w apparmor --journal-file "$tmp/mixed.journal" \
			--smb-conf "$D/smb.conf" --passwd-file "$fixtures/passwd"
		run "analyze join" $w analyze -q --journal-file "$tmp/join.journal" \
			--smb-conf "$fixtures/join.conf" "$pcaps/smb2-access-denied.pcap"
	done
else
	echo "note: systemd-journal-remote not found: the apparmor fixtures are not checked"
fi

[ $fail -eq 0 ] && echo "ok: $checked outputs fit their width"
exit $fail
