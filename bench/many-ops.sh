#!/bin/bash
# Memory with millions of SMB operations: replicates a real lab capture with
# many CREATEs (tests/pcaps/smb2-many-opens.pcap, 120 operations per
# connection, most handles left open until the tree disconnect) into larger
# and larger captures — 64 new connections a second — and prints peak RSS of
# `netdiag analyze` on each. Bounded memory means RSS stays flat as the
# operation count grows. Captures go to $ND_BENCH_DIR (default
# /tmp/netdiag-bench) and are deleted afterwards.
# usage: bench/many-ops.sh BUILD_DIR [COPIES...]   (default 400 4000 20000)
set -eu
build=$1
shift
copies=("$@")
[ ${#copies[@]} -gt 0 ] || copies=(400 4000 20000)
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${ND_BENCH_DIR:-/tmp/netdiag-bench}
mkdir -p "$dir"
echo "| connections | SMB operations | packets | capture MB | netdiag s | peak RSS MB |"
echo "|---|---|---|---|---|---|"
for c in "${copies[@]}"; do
	cap="$dir/many-ops-$c.pcap"
	"$build/bench/replicate" "$root/tests/pcaps/smb2-many-opens.pcap" "$cap" "$c" 64
	/usr/bin/time -o "$dir/time.txt" -f '%e %M' "$build/src/cli/netdiag" analyze -q --json "$cap" \
		>"$dir/out.json" || [ $? -eq 1 ]
	read -r secs rss < <(tail -1 "$dir/time.txt")
	python3 - "$dir/out.json" "$c" "$(($(stat -c %s "$cap") / 1000000))" "$secs" "$rss" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ops = sum(c["count"] for c in d["smb"]["commands"].values())
print(f"| {sys.argv[2]} | {ops:,} | {d['capture']['packets']:,} | {sys.argv[3]} | {sys.argv[4]} | {int(sys.argv[5]) / 1024:.1f} |")
PY
	rm -f "$cap"
done
rm -f "$dir/out.json" "$dir/time.txt"
