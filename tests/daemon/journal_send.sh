#!/bin/bash
# Runs journal_send_test.py in a private mount namespace with its own empty
# /run, so that the test can play journald at /run/systemd/journal/socket
# without touching the host's /run.
# usage: journal_send.sh NETDIAG JOURNAL_REMOTE
set -u
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for a private mount namespace"; exit 77; }
[ -n "${2:-}" ] || { echo "SKIP: systemd-journal-remote is not installed"; exit 77; }
command -v unshare >/dev/null || { echo "SKIP: unshare is not installed"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
exec unshare --mount --propagation private bash -c \
	'mount -t tmpfs netdiag-run /run && exec python3 "$0" "$1" "$2"' \
	"$here/journal_send_test.py" "$1" "$2"
