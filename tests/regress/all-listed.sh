#!/bin/bash
# Every capture in tests/pcaps must have a regression test and an expected
# report; a capture added without one would silently go untested.
# usage: all-listed.sh SOURCE_ROOT LISTED_NAME...
set -u
root=$1
shift
listed=" $* "
missing=0
for cap in "$root"/tests/pcaps/*.pcap "$root"/tests/pcaps/*.pcapng "$root"/tests/pcaps/*.pcap.xz; do
	[ -e "$cap" ] || continue
	name=$(basename "$cap")
	if [[ "$listed" != *" $name "* ]]; then
		echo "FAIL: $name is not listed in tests/regress/meson.build"
		missing=1
	fi
	if [ ! -f "$root/tests/regress/expected/$name.json" ]; then
		echo "FAIL: $name has no expected report"
		missing=1
	fi
done
[ $missing = 0 ] && echo "ok: every capture has a regression test"
exit $missing
