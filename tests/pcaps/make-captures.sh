#!/usr/bin/env bash
# make-captures.sh - produce netdiag's small regression captures from real
# smbd/smbclient traffic inside private network namespaces.
#
# Usage: make-captures.sh [--out DIR] [--list] [scenario...]
#
# Default: all scenarios, written next to this script. Needs root, iproute2,
# samba (smbd, smbpasswd, testparm), smbclient, tcpdump, tshark/dumpcap,
# ethtool, nftables, openssl. See tests/pcaps/README.md.
#
# Only namespaces created here (ndlab-cap-cli/-br/-srv) ever see traffic;
# the lab uses 10.231.0.1 (client) and 10.231.0.2 (server).

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/pcaps/lab-lib.sh
. "$SCRIPT_DIR/lab-lib.sh"

LAB_TAG=cap
OUT_DIR=$SCRIPT_DIR
XFER_BYTES=204800          # 200 KiB transfer file
MANY_FILES=100             # files opened in smb2-many-opens
MANY_CLOSED=5              # of which this many are closed again

# scenario key -> output file name
declare -A SCEN_FILE=(
    [clean]=smb2-clean-transfer.pcap
    [clean-pcapng]=smb2-clean-transfer.pcapng
    [offload-on]=smb2-offload-on.pcap
    [lso-drop]=smb2-lso-drop.pcap
    [access-denied]=smb2-access-denied.pcap
    [bad-share]=smb2-bad-share.pcap
    [many-opens]=smb2-many-opens.pcap
    [encrypted]=smb3-encrypted.pcap
    [lossy-link]=smb2-lossy-link.pcap
)
SCEN_ORDER=(clean clean-pcapng offload-on lso-drop access-denied bad-share many-opens encrypted lossy-link)

usage() {
    cat <<EOF
Usage: $0 [--out DIR] [--list] [scenario...]

Builds a private lab (namespaces ndlab-cap-cli / ndlab-cap-br / ndlab-cap-srv,
bridge br0, smbd on 10.231.0.2) and writes one capture per scenario to DIR
(default: $SCRIPT_DIR). Scenarios may be given by key or by file name:
EOF
    local k
    for k in "${SCEN_ORDER[@]}"; do printf '  %-14s -> %s\n' "$k" "${SCEN_FILE[$k]}"; done
    cat <<EOF
Environment: LAB_KEEP_TMP=1 keeps the temp dir (smb.conf, smbd logs) for debugging.
EOF
}

SCENARIOS=()
while [ $# -gt 0 ]; do
    case $1 in
        --out) [ $# -ge 2 ] || { usage >&2; exit 2; }; OUT_DIR=$2; shift 2 ;;
        --out=*) OUT_DIR=${1#--out=}; shift ;;
        --list) for k in "${SCEN_ORDER[@]}"; do echo "$k ${SCEN_FILE[$k]}"; done; exit 0 ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
        *)
            key=
            for k in "${SCEN_ORDER[@]}"; do
                if [ "$1" = "$k" ] || [ "$1" = "${SCEN_FILE[$k]}" ]; then key=$k; fi
            done
            [ -n "$key" ] || { echo "unknown scenario: $1" >&2; usage >&2; exit 2; }
            SCENARIOS+=("$key"); shift ;;
    esac
done
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=("${SCEN_ORDER[@]}")

lab_require_root
lab_require_tools ip ethtool nft smbd smbclient smbpasswd testparm tcpdump dumpcap tshark openssl ss flock useradd
mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)
lab_check_netns

lab_init
trap lab_cleanup EXIT
trap 'exit 130' INT TERM

lab_ensure_user
SHARE=$LAB_TMP/share
CLIENT=$LAB_TMP/client
# [locked]: only root may connect (valid users) and the path is root-owned
# mode 000 -> smbd answers TREE_CONNECT with STATUS_ACCESS_DENIED.
LAB_EXTRA_SHARES="
[locked]
    path = $SHARE/locked
    read only = no
    valid users = root"
lab_write_configs
mkdir -p "$SHARE/locked"
chown root:root "$SHARE/locked"
chmod 000 "$SHARE/locked"
lab_setup_topology
lab_start_smbd

lab_make_file "$CLIENT/xfer-200k.bin" "$XFER_BYTES" netdiag-xfer
for i in $(seq -w 1 "$MANY_FILES"); do
    printf 'netdiag small file %s\n' "$i" >"$CLIENT/small-$i.txt"
done

# Empty the [data] share so every scenario starts from the same state.
reset_share() {
    find "$SHARE/data" -mindepth 1 -delete 2>/dev/null || { chmod -R u+rwx "$SHARE/data"; find "$SHARE/data" -mindepth 1 -delete; }
    rm -f "$CLIENT"/*.back
    lab_nft_clear
}

# put/get/ls of the 200 KiB file; checks the round trip.
standard_transfer() {
    lab_smbclient data -m SMB3 -t 120 "$@" -c \
        "lcd $CLIENT; put xfer-200k.bin; get xfer-200k.bin xfer-200k.back; ls" \
        >"$LAB_TMP/log/smbclient.out" 2>&1 ||
        { cat "$LAB_TMP/log/smbclient.out" >&2; lab_die "smbclient transfer failed"; }
    sed 's/^/    smbclient: /' "$LAB_TMP/log/smbclient.out" >&2
    cmp -s "$CLIENT/xfer-200k.bin" "$CLIENT/xfer-200k.back" ||
        lab_die "round-trip file differs from the original"
    lab_log "round trip OK ($XFER_BYTES bytes put and got back)"
}

# smbclient that is expected to fail; output logged, status shown.
expect_fail() {
    local rc=0
    "$@" >"$LAB_TMP/log/smbclient.out" 2>&1 || rc=$?
    sed 's/^/    smbclient: /' "$LAB_TMP/log/smbclient.out" >&2
    lab_log "smbclient exit code $rc (failure expected)"
}

scenario_clean() {
    lab_offloads off off
    lab_capture_start "$1" pcap
    standard_transfer
    lab_capture_stop
}

scenario_clean_pcapng() {
    lab_offloads off off
    lab_capture_start "$1" pcapng
    standard_transfer
    lab_capture_stop
}

scenario_offload_on() {
    lab_offloads on off
    lab_capture_start "$1" pcap
    standard_transfer
    lab_capture_stop
}

scenario_lso_drop() {
    lab_offloads on off
    # frames > 1514 bytes (L3 > 1500) forwarded by the bridge: drop ~1/2
    lab_nft_drop_rule 'meta length > 1500 numgen random mod 2 == 0 counter drop'
    lab_capture_start "$1" pcap
    standard_transfer
    lab_capture_stop
    lab_log "nft drop counter: $(lab_nft_counters)"
    lab_nft_clear
}

scenario_lossy_link() {
    lab_offloads off off
    # ~3 % random loss of every forwarded frame, size-independent
    lab_nft_drop_rule 'numgen random mod 100 < 3 counter drop'
    lab_capture_start "$1" pcap
    standard_transfer
    lab_capture_stop
    lab_log "nft drop counter: $(lab_nft_counters)"
    lab_nft_clear
}

scenario_access_denied() {
    lab_offloads off off
    # Inside [data], a root-only directory -> CREATE gets STATUS_ACCESS_DENIED.
    mkdir -p "$SHARE/data/private"
    chown root:root "$SHARE/data/private"
    chmod 000 "$SHARE/data/private"
    lab_capture_start "$1" pcap
    # 1) TREE_CONNECT to [locked] is refused (user not in valid users)
    expect_fail lab_smbclient locked -m SMB3 -t 30 -c "lcd $CLIENT; ls; put xfer-200k.bin"
    # 2) [data] is fine, but CREATE inside data/private is denied
    expect_fail lab_smbclient data -m SMB3 -t 30 -c \
        "lcd $CLIENT; ls private/*; put small-001.txt private/small-001.txt; get private/secret.txt"
    lab_capture_stop
}

scenario_bad_share() {
    lab_offloads off off
    lab_capture_start "$1" pcap
    expect_fail lab_smbclient no-such-share -m SMB3 -t 30 -c "ls"
    lab_capture_stop
}

scenario_many_opens() {
    lab_offloads off off
    local i cmds=
    # Files are put into the share directly (not over the wire) so the capture
    # only shows the opens.
    for i in $(seq -w 1 "$MANY_FILES"); do
        cp "$CLIENT/small-$i.txt" "$SHARE/data/"
        chown "$LAB_USER" "$SHARE/data/small-$i.txt"
        cmds+="open small-$i.txt; "
    done
    # smbclient's `open` creates a handle and never closes it; close only the
    # first few (fnums are allocated from 1 upwards, first-come).
    for i in $(seq 1 "$MANY_CLOSED"); do cmds+="close $i; "; done
    cmds+="ls small-00*"
    lab_capture_start "$1" pcap
    lab_smbclient data -m SMB3 -t 60 -c "$cmds" >"$LAB_TMP/log/smbclient.out" 2>&1 ||
        { cat "$LAB_TMP/log/smbclient.out" >&2; lab_die "smbclient failed"; }
    head -3 "$LAB_TMP/log/smbclient.out" | sed 's/^/    smbclient: /' >&2
    echo "    smbclient: ... ($(grep -c 'open file' "$LAB_TMP/log/smbclient.out") opens)" >&2
    lab_capture_stop
}

scenario_encrypted() {
    lab_offloads off off
    lab_capture_start "$1" pcap
    standard_transfer --client-protection=encrypt
    lab_capture_stop
}

summarise() {
    local f=$1
    local pk size
    pk=$(capinfos -c -M "$f" 2>/dev/null | awk -F: '/Number of packets/ {gsub(/ /,"",$2); print $2}')
    size=$(stat -c %s "$f")
    lab_log "wrote $f ($size bytes, $pk packets)"
    if [ "$size" -ge 1048576 ]; then
        lab_log "WARNING: $f is larger than 1 MiB"
    fi
}

lab_log "output directory: $OUT_DIR"
for s in "${SCENARIOS[@]}"; do
    f=${SCEN_FILE[$s]}
    lab_log "=== scenario $s -> $f"
    reset_share
    tmp_out="$LAB_TMP/out-$f"
    "scenario_${s//-/_}" "$tmp_out"
    chmod 0644 "$tmp_out"
    mv -f "$tmp_out" "$OUT_DIR/$f"
    summarise "$OUT_DIR/$f"
done
lab_log "done: ${#SCENARIOS[@]} capture(s) in $OUT_DIR"
