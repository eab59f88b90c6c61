#!/bin/sh
# SPDX-License-Identifier: MIT
# oracle.sh NETDIAG PCAP_DIR CORPUS_DIR
#
# Compares netdiag's SMB2 service response times with tshark's
# `-z smb2,srt` on every capture in PCAP_DIR (*.pcap, *.pcapng) and
# CORPUS_DIR: calls, min and max per command must be equal (tshark prints
# microseconds), sums within 1 microsecond. For the corpus files it also
# checks open handles at the end and the non-success status counts against
# the table in ../shared/research/smb2.md sections 5.3 and 5.4.
# netdiag_srt.py turns `NETDIAG analyze --json` into
# "srt <code> <calls> <min> <max> <sum>", status, open_handles and pending
# lines (smb_oracle_driver.c prints the same from the library directly).
# Exit 77 (skip) when tshark or every capture is missing.
set -u
NETDIAG=$1
PCAPS=$2
HERE=$(cd "$(dirname "$0")" && pwd)
CORPUS=$3

if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 is needed to read netdiag's JSON"
	exit 77
fi
if ! command -v tshark >/dev/null 2>&1; then
	echo "SKIP: tshark is not installed"
	exit 77
fi

files=""
for f in "$PCAPS"/*.pcap "$PCAPS"/*.pcapng "$CORPUS"/*; do
	[ -f "$f" ] && files="$files $f"
done
if [ -z "$files" ]; then
	echo "SKIP: no captures in $PCAPS nor $CORPUS"
	exit 77
fi
[ -d "$CORPUS" ] || echo "note: corpus $CORPUS absent; lab captures only"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
checked=0

# Expected values from smb2.md 5.3/5.4 (tshark 4.0.17 on the Zeek traces):
# open handles at the end, then "status <hex> <COMMAND> <count>" lines.
# Interim STATUS_PENDING (0x103) is not a final status and is left out.
expect() {
	case $(basename "$1") in
	smb2readwrite.pcap) cat <<X
open_handles 1
status 0x0000010C CHANGE_NOTIFY 3
status 0x80000006 QUERY_DIRECTORY 2
status 0xC0000034 CREATE 1
status 0xC0000128 QUERY_INFO 2
status 0xC000019C IOCTL 1
X
	;;
	smb2.pcap) cat <<X
open_handles 1
status 0xC0000016 SESSION_SETUP 1
status 0xC0000035 CREATE 1
X
	;;
	smb3.pcap|smb311.pcap) cat <<X
status 0xC0000016 SESSION_SETUP 1
X
	;;
	smb2-multiple-pdus.pcap) cat <<X
open_handles 0
X
	;;
	smb2_100_small_files.pcap) cat <<X
open_handles 0
status 0x80000006 QUERY_DIRECTORY 27
status 0xC0000010 IOCTL 1
status 0xC0000016 SESSION_SETUP 1
status 0xC0000034 CREATE 5
status 0xC0000128 CLOSE 5
status 0xC0000128 QUERY_INFO 5
status 0xC0000225 IOCTL 1
X
	;;
	smb3_multichannel.pcap) cat <<X
open_handles 1
status 0x80000006 QUERY_DIRECTORY 2
status 0xC0000016 SESSION_SETUP 30
status 0xC0000022 QUERY_INFO 26
status 0xC0000022 SESSION_SETUP 26
status 0xC0000034 CREATE 12
X
	;;
	smb_many_open_files_500.pcap) cat <<X
open_handles 2
pending CHANGE_NOTIFY 1
pending CREATE 1
status 0x80000006 QUERY_DIRECTORY 1
status 0xC000000F QUERY_DIRECTORY 8
status 0xC0000016 SESSION_SETUP 1
status 0xC0000034 CREATE 1
status 0xC00000E5 IOCTL 1
status 0xC0000128 QUERY_INFO 1
X
	;;
	smb2.delete-on-close-perms-delete-existing.pcap) cat <<X
open_handles 0
status 0x80000006 QUERY_DIRECTORY 1
status 0xC0000016 SESSION_SETUP 1
status 0xC0000034 CREATE 2
status 0xC00000BA CREATE 1
X
	;;
	smb2-zero-byte-error-ioctl.pcapng) cat <<X
open_handles 0
status 0xC0000016 SESSION_SETUP 1
status 0xC00000E5 IOCTL 1
X
	;;
	esac
}

for f in $files; do
	name=$(basename "$f")
	if ! tshark -n -q -r "$f" -z smb2,srt >"$tmp/ts.raw" 2>/dev/null; then
		echo "note: $name: tshark cannot read it; skipped"
		continue
	fi
	awk '/^ +[0-9]+ +[A-Z]/ { printf "%d %d %s %s %s\n", $1, $(NF-4), $(NF-3), $(NF-2), $NF }' \
		"$tmp/ts.raw" | sort >"$tmp/ts"
	if ! python3 "$HERE/netdiag_srt.py" "$NETDIAG" "$f" >"$tmp/nd.raw" 2>"$tmp/nd.err"; then
		echo "FAIL: $name: netdiag failed: $(cat "$tmp/nd.err")"
		fail=1
		continue
	fi
	awk '$1 == "srt" { printf "%d %d %.6f %.6f %.9f\n", $2, $3, $4, $5, $6 }' "$tmp/nd.raw" |
		sort >"$tmp/nd"
	# join on the command code; compare calls/min/max exactly, sum within 1 us
	if ! awk 'NR == FNR { t[$1] = $0; next }
		{ n[$1] = $0 }
		END {
			bad = 0
			for (k in t) if (!(k in n)) { print "  missing in netdiag: " t[k]; bad = 1 }
			for (k in n) {
				if (!(k in t)) { print "  extra in netdiag: " n[k]; bad = 1; continue }
				split(t[k], a, " "); split(n[k], b, " ")
				if (a[2] != b[2] || a[3] != b[3] || a[4] != b[4]) {
					print "  tshark:  " t[k]; print "  netdiag: " n[k]; bad = 1
				} else {
					d = a[5] - b[5]; if (d < 0) d = -d
					if (d > 0.0000015) { print "  sum differs: " t[k] " / " n[k]; bad = 1 }
				}
			}
			exit bad
		}' "$tmp/ts" "$tmp/nd" >"$tmp/diff"; then
		echo "FAIL: $name: SRT differs from tshark"
		cat "$tmp/diff"
		fail=1
	else
		echo "ok:   $name: SRT matches tshark ($(wc -l <"$tmp/ts") commands)"
	fi
	expect "$f" >"$tmp/exp"
	if [ -s "$tmp/exp" ]; then
		grep -E '^(open_handles|pending|status) ' "$tmp/nd.raw" |
			grep -v '^status 0x00000103 ' | sort >"$tmp/got"
		# only the kinds of line the note lists for this file are compared
		kinds=$(cut -d' ' -f1 "$tmp/exp" | sort -u | tr '\n' '|' | sed 's/|$//')
		grep -E "^($kinds) " "$tmp/got" >"$tmp/got2" || true
		sort "$tmp/exp" >"$tmp/exp2"
		if ! diff -u "$tmp/exp2" "$tmp/got2" >"$tmp/d2"; then
			echo "FAIL: $name: handles/statuses differ from smb2.md 5.3/5.4"
			sed 's/^/  /' "$tmp/d2"
			fail=1
		else
			echo "ok:   $name: handles and statuses match smb2.md"
		fi
	fi
	checked=$((checked + 1))
done
echo "$checked captures checked"
exit $fail
