#!/bin/bash
# Rewrites tests/regress/expected/*.json from the current build. Review the
# diff before committing: every change in it is a change in behaviour.
# usage: tests/regress/update-expected.sh [BUILD_DIR]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
mkdir -p "$root/tests/regress/expected"
for cap in "$root"/tests/pcaps/*.pcap "$root"/tests/pcaps/*.pcapng "$root"/tests/pcaps/*.pcap.xz; do
	[ -e "$cap" ] || continue
	name=$(basename "$cap")
	(cd "$root/tests/pcaps" && "$build/src/cli/netdiag" analyze --json -q "$name") \
		>"$root/tests/regress/expected/$name.json" || [ $? -eq 1 ]
	echo "updated $name"
done
