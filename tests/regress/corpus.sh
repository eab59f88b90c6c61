#!/bin/bash
# Runs `netdiag analyze` over every file of the third-party corpus
# (../shared/corpus beside the repository) and requires: no crash, no hang,
# no sanitizer report, a valid JSON document, and for files it cannot read
# exit status 2 with one error line naming the file.
# usage: corpus.sh NETDIAG JSON_COMPARE SOURCE_ROOT
set -u
netdiag=$1 compare=$2 root=$3
corpus="$root/../shared/corpus"
if [ ! -d "$corpus" ]; then
	echo "SKIP: $corpus is absent (third-party captures are not part of the repository)"
	exit 77
fi
pass=0 fail=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
while IFS= read -r -d '' f; do
	timeout 120 "$netdiag" analyze --json -q "$f" >"$out" 2>"$err"
	rc=$?
	problem=""
	if [ $rc -gt 2 ]; then
		problem="exit status $rc"
	elif grep -qE 'runtime error|AddressSanitizer|LeakSanitizer|UndefinedBehavior' "$err"; then
		problem="sanitizer report: $(head -3 "$err")"
	elif ! "$compare" --valid "$out" 2>/dev/null; then
		problem="output is not one JSON document"
	elif [ $rc -eq 2 ]; then
		lines=$(wc -l <"$err")
		if [ "$lines" -lt 1 ] || ! grep -q "^netdiag: $f: " "$err"; then
			problem="exit 2 without an error line naming the file"
		fi
	elif [ -s "$err" ]; then
		problem="unexpected stderr: $(head -2 "$err")"
	fi
	if [ -n "$problem" ]; then
		echo "FAIL: $f: $problem"
		fail=$((fail + 1))
	else
		echo "ok: $(basename "$f") (exit $rc)"
		pass=$((pass + 1))
	fi
done < <(find "$corpus" -type f ! -name '*.md' -print0 | sort -z)
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
