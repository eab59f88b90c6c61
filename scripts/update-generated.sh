#!/bin/bash
# Regenerates what is generated from the finding registry
# (src/diag/findings.def, src/diag/evidence.def): the journal catalog and the
# reference section of docs/findings.md. tests/diag/registry_test.py fails
# when the committed copies differ from this output.
# usage: scripts/update-generated.sh [BUILD_DIR]   (default: build)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
netdiag=${1:-$root/build}/src/cli/netdiag
[ -x "$netdiag" ] || { echo "build netdiag first ($netdiag)" >&2; exit 1; }
"$netdiag" explain --catalog >"$root/catalog/netdiag.catalog"
doc=$root/docs/findings.md
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
awk -v gen="$("$netdiag" explain --markdown)" '
	/^<!-- BEGIN GENERATED/ { print; print gen; skip = 1; next }
	/^<!-- END GENERATED/ { skip = 0 }
	!skip { print }
' "$doc" >"$tmp"
cat "$tmp" >"$doc"
echo "updated catalog/netdiag.catalog and docs/findings.md"
