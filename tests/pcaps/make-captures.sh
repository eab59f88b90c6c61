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
lab_require_tools ip ethtool nft smbd smbclient smbpasswd testparm tcpdump dumpcap tshark capinfos openssl ss flock useradd taskset
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

# count FILE DISPLAY-FILTER -> number of matching frames
count() { tshark -r "$1" -Y "$2" 2>/dev/null | wc -l; }
# count_info FILE DISPLAY-FILTER PATTERN -> matching frames whose Info
# column contains PATTERN (the file name of a handle is only in the column).
count_info() {
    tshark -r "$1" -Y "$2" -T fields -e _ws.col.Info 2>/dev/null | grep -c -- "$3" || true
}

# expect WHAT VALUE OP WANTED -- one expectation of check_capture.
CHECK_FAILED=0
expect() {
    if ! test "$2" "$3" "$4"; then
        lab_log "check FAILED: $1 = $2 (want $3 $4)"
        CHECK_FAILED=1
    fi
}

# check_capture SCENARIO FILE -- does the capture show what the scenario is
# for? Prints the numbers; returns 1 if an expectation is not met.
check_capture() {
    local s=$1 f=$2 n
    CHECK_FAILED=0
    local big retr dup
    big=$(count "$f" 'frame.len > 1514')
    retr=$(count "$f" 'tcp.analysis.retransmission')
    dup=$(count "$f" 'tcp.analysis.duplicate_ack')
    lab_log "check: frames>1514=$big retransmissions=$retr dup-acks=$dup"
    case $s in
        clean|clean-pcapng|encrypted)
            expect "frames>1514" "$big" -eq 0
            expect "retransmissions" "$retr" -eq 0 ;;
        offload-on)
            expect "frames>1514" "$big" -ge 1
            expect "retransmissions" "$retr" -eq 0 ;;
        lso-drop)
            expect "frames>1514" "$big" -ge 1
            expect "retransmissions" "$retr" -ge 1
            expect "dup-acks" "$dup" -ge 1 ;;
        lossy-link)
            expect "frames>1514" "$big" -eq 0
            expect "retransmissions" "$retr" -ge 1
            expect "dup-acks" "$dup" -ge 1 ;;
    esac
    case $s in
        clean-pcapng)
            n=$(capinfos "$f" 2>/dev/null | awk -F= '/Number of stat entries/ {gsub(/ /,"",$2); print $2}')
            expect "interface statistics blocks" "${n:-0}" -ge 1 ;;
        access-denied)
            n=$(count "$f" 'smb2.cmd == 3 && smb2.nt_status == 0xc0000022')
            lab_log "check: TREE_CONNECT ACCESS_DENIED=$n"
            expect "TREE_CONNECT STATUS_ACCESS_DENIED" "$n" -ge 1
            n=$(count "$f" 'smb2.cmd == 5 && smb2.nt_status == 0xc0000022')
            lab_log "check: CREATE ACCESS_DENIED=$n"
            expect "CREATE STATUS_ACCESS_DENIED" "$n" -ge 1 ;;
        bad-share)
            n=$(count "$f" 'smb2.nt_status == 0xc00000cc')
            lab_log "check: BAD_NETWORK_NAME=$n"
            expect "STATUS_BAD_NETWORK_NAME" "$n" -ge 1 ;;
        many-opens)
            n=$(count_info "$f" 'smb2.cmd == 5 && smb2.flags.response == 1 && smb2.nt_status == 0' 'File: small-')
            lab_log "check: successful CREATEs of small-*=$n"
            expect "CREATE small-* responses" "$n" -ge "$MANY_FILES"
            n=$(count_info "$f" 'smb2.cmd == 6 && smb2.flags.response == 0' 'File: small-')
            lab_log "check: CLOSEs of small-*=$n"
            expect "CLOSE small-* requests" "$n" -eq "$MANY_CLOSED" ;;
        encrypted)
            n=$(count "$f" 'smb2.protocol_id == 0xfd534d42')
            lab_log "check: encrypted SMB3 transform frames=$n"
            expect "SMB3 transform headers" "$n" -ge 1 ;;
    esac
    return $CHECK_FAILED
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

# Scenarios with random drops are retried until the capture shows the
# effect they are meant to show (dup ACKs can be missing by chance).
MAX_ATTEMPTS=5
failed=()
lab_log "output directory: $OUT_DIR"
for s in "${SCENARIOS[@]}"; do
    f=${SCEN_FILE[$s]}
    tmp_out="$LAB_TMP/out-$f"
    attempt=1
    while :; do
        lab_log "=== scenario $s -> $f (attempt $attempt)"
        reset_share
        "scenario_${s//-/_}" "$tmp_out"
        if check_capture "$s" "$tmp_out"; then
            break
        fi
        case $s in
            lso-drop|lossy-link)
                if [ "$attempt" -lt "$MAX_ATTEMPTS" ]; then attempt=$((attempt + 1)); continue; fi ;;
        esac
        failed+=("$s")
        break
    done
    chmod 0644 "$tmp_out"
    mv -f "$tmp_out" "$OUT_DIR/$f"
    summarise "$OUT_DIR/$f"
done
if [ ${#failed[@]} -gt 0 ]; then
    lab_log "captures written, but these did not meet their checks: ${failed[*]}"
    exit 1
fi
lab_log "done: ${#SCENARIOS[@]} capture(s) in $OUT_DIR, all checks passed"
