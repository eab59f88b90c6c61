#!/bin/sh
# Every man page source converts with scdoc. usage: man_test.sh SCDOC PAGE.scd...
scdoc=$1
shift
if [ -z "$scdoc" ]; then
	echo "FAIL: scdoc is not installed, so the man pages cannot be built or checked"
	echo "      (apt-get install scdoc, or scripts/install-deps.sh)"
	exit 1
fi
rc=0
for f in "$@"; do
	if "$scdoc" < "$f" > /dev/null; then echo "ok   $f"; else echo "FAIL $f"; rc=1; fi
done
exit $rc
