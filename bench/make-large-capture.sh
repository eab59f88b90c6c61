#!/usr/bin/env bash
# make-large-capture.sh - produce a large, real SMB capture for benchmarking
# netdiag, using the same private namespace lab as tests/pcaps/make-captures.sh.
#
# Usage: make-large-capture.sh [--size-mb N] [--out FILE] [options]
# See bench/README.md.
#
# The capture grows by whole smbclient sessions (connect, put, get, del,
# disconnect) until it reaches the target size, so it never ends in the middle
# of an SMB operation; the result is the target size plus at most about one
# session (~2 x chunk).

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
# shellcheck source=tests/pcaps/lab-lib.sh
. "$REPO_DIR/tests/pcaps/lab-lib.sh"

LAB_TAG=bench
SIZE_MB=500
OUT=
CHUNK_MB=
PER_SESSION=1
OFFLOAD=off
LOSS_PCT=0
FORMAT=pcap
ENCRYPT=0
BUFFER_KB=262144
MAX_MINUTES=30

usage() {
    cat <<EOF
Usage: $0 [options]

  --size-mb N        target capture size in MiB (default $SIZE_MB)
  --out FILE         output file (default /tmp/netdiag-bench/smb-<N>mb.pcap[ng])
  --chunk-mb M       size of the file put/got per transfer
                     (default: size/40, clamped to 1..64 MiB)
  --per-session K    put/get rounds per smbclient session (default $PER_SESSION)
  --offload on|off   TSO/GSO/GRO on the client veth (default $OFFLOAD; "on"
                     gives super-segments > 1514 bytes in the capture)
  --loss PCT         drop PCT % of forwarded frames at random in the bridge
                     (nftables, default 0)
  --encrypt          SMB3 encryption (smbclient --client-protection=encrypt)
  --pcapng           write pcapng with dumpcap instead of pcap with tcpdump
  --buffer-kb KB     capture buffer (default $BUFFER_KB KiB)
  --max-minutes M    give up after M minutes (default $MAX_MINUTES)

Runs as root; uses namespaces ndlab-bench-cli/-br/-srv (10.231.0.1/.2 only).
EOF
}

while [ $# -gt 0 ]; do
    case $1 in
        --size-mb) SIZE_MB=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --chunk-mb) CHUNK_MB=$2; shift 2 ;;
        --per-session) PER_SESSION=$2; shift 2 ;;
        --offload) OFFLOAD=$2; shift 2 ;;
        --loss) LOSS_PCT=$2; shift 2 ;;
        --encrypt) ENCRYPT=1; shift ;;
        --pcapng) FORMAT=pcapng; shift ;;
        --buffer-kb) BUFFER_KB=$2; shift 2 ;;
        --max-minutes) MAX_MINUTES=$2; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

# check_uint NAME VALUE MIN MAX
check_uint() {
    if ! [[ $2 =~ ^[0-9]+$ ]] || [ "$2" -lt "$3" ] || [ "$2" -gt "$4" ]; then
        lab_die "$1 must be an integer in $3..$4 (got '$2')"
    fi
}
check_uint --size-mb "$SIZE_MB" 1 1048576
check_uint --per-session "$PER_SESSION" 1 1000
check_uint --loss "$LOSS_PCT" 0 50
check_uint --buffer-kb "$BUFFER_KB" 1024 4194304
check_uint --max-minutes "$MAX_MINUTES" 1 10080
case $OFFLOAD in on|off) ;; *) lab_die "--offload must be on or off" ;; esac
if [ -z "$CHUNK_MB" ]; then
    CHUNK_MB=$(( SIZE_MB / 40 ))
    [ "$CHUNK_MB" -ge 1 ] || CHUNK_MB=1
    [ "$CHUNK_MB" -le 64 ] || CHUNK_MB=64
fi
check_uint --chunk-mb "$CHUNK_MB" 1 4096
ext=pcap; [ "$FORMAT" = pcapng ] && ext=pcapng
[ -n "$OUT" ] || OUT="/tmp/netdiag-bench/smb-${SIZE_MB}mb.$ext"

lab_require_root
lab_require_tools ip ethtool nft smbd smbclient smbpasswd testparm tcpdump dumpcap capinfos openssl ss flock useradd
mkdir -p "$(dirname "$OUT")"
OUT="$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")"
case $OUT in
    "$REPO_DIR"/*) lab_log "warning: writing a large capture inside the repository ($OUT)" ;;
esac
target_bytes=$(( SIZE_MB * 1024 * 1024 ))
need_kb=$(( SIZE_MB * 1024 + 2 * CHUNK_MB * 1024 * (PER_SESSION + 1) ))
free_kb=$(df -Pk "$(dirname "$OUT")" | awk 'NR==2 {print $4}')
[ "$free_kb" -gt "$need_kb" ] || lab_die "not enough free space in $(dirname "$OUT") (${free_kb} KiB free, ~${need_kb} KiB needed)"
lab_check_netns

lab_init
trap lab_cleanup EXIT
trap 'exit 130' INT TERM

lab_ensure_user
lab_write_configs
lab_setup_topology
lab_start_smbd
lab_offloads "$OFFLOAD" off
if [ "$LOSS_PCT" -gt 0 ]; then
    lab_nft_drop_rule "numgen random mod 100 < $LOSS_PCT counter drop"
fi

CLIENT=$LAB_TMP/client
chunk_bytes=$(( CHUNK_MB * 1024 * 1024 ))
lab_log "making ${CHUNK_MB} MiB transfer file"
lab_make_file "$CLIENT/chunk.bin" "$chunk_bytes" netdiag-bench

smb_args=(-m SMB3 -t 300)
[ "$ENCRYPT" = 1 ] && smb_args+=(--client-protection=encrypt)

tmp_out="$OUT.partial"
lab_log "target: ${SIZE_MB} MiB ($target_bytes bytes) -> $OUT"
lab_log "chunk ${CHUNK_MB} MiB, ${PER_SESSION} put/get round(s) per session, offload=$OFFLOAD, loss=${LOSS_PCT}%, encrypt=$ENCRYPT, format=$FORMAT"
if [ "$FORMAT" = pcapng ]; then
    buf=$(( BUFFER_KB / 1024 )); [ "$buf" -ge 1 ] || buf=1
    lab_capture_start "$tmp_out" pcapng -B "$buf"     # dumpcap: MiB
else
    lab_capture_start "$tmp_out" pcap -B "$BUFFER_KB"  # tcpdump: KiB
fi

start=$(date +%s)
session=0
transfers=0
cur=0
while :; do
    session=$((session + 1))
    cmds="lcd $CLIENT"
    for r in $(seq 1 "$PER_SESSION"); do
        name=$(printf 'bench-s%04d-r%02d.bin' "$session" "$r")
        cmds+="; put chunk.bin $name; get $name chunk.back; del $name"
    done
    cmds+="; ls"
    if ! lab_smbclient data "${smb_args[@]}" -c "$cmds" >"$LAB_TMP/log/smbclient.out" 2>&1; then
        cat "$LAB_TMP/log/smbclient.out" >&2
        lab_die "smbclient session $session failed"
    fi
    cmp -s "$CLIENT/chunk.bin" "$CLIENT/chunk.back" || lab_die "session $session: round-trip data differs"
    transfers=$((transfers + 2 * PER_SESSION))
    cur=$(stat -c %s "$tmp_out")
    elapsed=$(( $(date +%s) - start ))
    lab_log "session $session done: capture $((cur / 1048576)) MiB / ${SIZE_MB} MiB (${elapsed}s)"
    [ "$cur" -lt "$target_bytes" ] || break
    if [ "$elapsed" -ge $(( MAX_MINUTES * 60 )) ]; then
        lab_capture_stop
        lab_die "gave up after $MAX_MINUTES minutes at $((cur / 1048576)) MiB"
    fi
done
lab_capture_stop
mv -f "$tmp_out" "$OUT"
chmod 0644 "$OUT"
elapsed=$(( $(date +%s) - start ))
packets=$(capinfos -c -M "$OUT" 2>/dev/null | awk -F: '/Number of packets/ {gsub(/ /,"",$2); print $2}')
lab_log "wrote $OUT: $(stat -c %s "$OUT") bytes, ${packets:-?} packets, $session SMB sessions, $transfers transfers of ${CHUNK_MB} MiB, ${elapsed}s"
grep -E 'dropped|ps_ifdrop' "$LAB_TMP/log/capture.err" >/dev/null 2>&1 &&
    lab_log "capture drop counters: $(grep -E 'dropped by kernel|ps_ifdrop' "$LAB_TMP/log/capture.err" | tr -s ' ' | paste -sd';')"
[ "$LOSS_PCT" -gt 0 ] && lab_log "nft loss counter: $(lab_nft_counters)"
exit 0
