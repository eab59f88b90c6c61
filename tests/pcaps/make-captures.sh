#!/usr/bin/env bash
# make-captures.sh - produce netdiag's small regression captures from real
# smbd/smbclient traffic inside private network namespaces.
#
# Usage: make-captures.sh [--out DIR] [--list] [scenario...]
#
# Default: all scenarios, written next to this script. Needs root, iproute2,
# samba (smbd, smbpasswd, testparm), smbclient, tcpdump, tshark/dumpcap,
# ethtool, nftables, openssl, strace, xz. See tests/pcaps/README.md.
# Scenarios whose file name ends in .xz are captured uncompressed, checked,
# then stored with `xz -9e`.
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
BULK_BYTES=$((200 * 1048576))  # healthy-bulk / healthy-tso-sender: 200 MiB of zeros
BULK_CAP_BUF_KB=262144     # capture buffer for the bulk copies (tcpdump -B, KiB)
SMALL_FILES=300            # files in smb2-healthy-small-files (1..16 KiB each)
SLOW_FILES=4               # smb2-slow-open: files whose open is delayed ...
SLOW_DELAY_US=1750000      # ... by this much (strace delay_enter, microseconds)
FAST_FILES=2               # ... and files in the same directory that stay fast
SPUR_BYTES=1048576         # smb2-spurious-retrans: 1 MiB transfer file
SPUR_WINDOW=0.4            # seconds during which the server's pure ACKs are dropped
SLOWC_CONNS=3              # smb2-slow-connect: sessions (TCP connections), each ...
SLOWC_DNS_TIMEOUT=5        # ... stalled by one reverse lookup with this timeout (s)
SLOWC_DNS_IP=10.231.0.53   # ... sent to this nameserver (server ns lo, never answers)

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
    [healthy-bulk]=smb2-healthy-bulk-copy.pcap.xz
    [healthy-tso-sender]=smb2-healthy-tso-sender.pcap.xz
    [healthy-small-files]=smb2-healthy-small-files.pcap
    [logon-failure]=smb2-logon-failure.pcap
    [slow-open]=smb2-slow-open.pcap
    [spurious-retrans]=smb2-spurious-retrans.pcap
    [slow-connect]=smb2-slow-connect.pcap
)
SCEN_ORDER=(clean clean-pcapng offload-on lso-drop access-denied bad-share many-opens encrypted lossy-link
            healthy-bulk healthy-tso-sender healthy-small-files logon-failure slow-open spurious-retrans
            slow-connect)
# Retried (up to MAX_ATTEMPTS) until the capture shows what it is for:
# random drops, timing, or a healthy run that must really be clean.
RETRY_SCENARIOS=" lso-drop lossy-link healthy-bulk healthy-tso-sender healthy-small-files slow-open spurious-retrans slow-connect "
# More tries where a clean run is less likely: with TSO, a late ACK often
# sets off a tail loss probe (a spurious retransmission, D-SACKed).
declare -A SCEN_ATTEMPTS=([healthy-tso-sender]=10)

usage() {
    cat <<EOF
Usage: $0 [--out DIR] [--list] [scenario...]

Builds a private lab (namespaces ndlab-cap-cli / ndlab-cap-br / ndlab-cap-srv,
bridge br0, smbd on 10.231.0.2) and writes one capture per scenario to DIR
(default: $SCRIPT_DIR). Scenarios may be given by key or by file name:
EOF
    local k
    for k in "${SCEN_ORDER[@]}"; do printf '  %-19s -> %s\n' "$k" "${SCEN_FILE[$k]}"; done
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
lab_require_tools ip ethtool nft smbd smbclient smbpasswd testparm tcpdump dumpcap tshark capinfos openssl ss flock useradd taskset strace xz cmp stdbuf
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
    rm -rf "$CLIENT/got"
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

# The bulk file: 200 MiB of zero bytes (compresses to almost nothing, so the
# capture can be stored with xz). Made once, on first use.
make_bulk_file() {
    [ -f "$CLIENT/bulk-200m.bin" ] && return 0
    lab_log "making $BULK_BYTES-byte bulk file (zeros)"
    head -c "$BULK_BYTES" /dev/zero >"$CLIENT/bulk-200m.bin"
}

# One smbclient session with smbclient's defaults (SMB3, 8 MiB WRITEs):
# put the bulk file, list. Checks that the share has an identical copy.
bulk_copy() {
    make_bulk_file
    lab_smbclient data -t 300 -c "lcd $CLIENT; put bulk-200m.bin; ls" \
        >"$LAB_TMP/log/smbclient.out" 2>&1 ||
        { cat "$LAB_TMP/log/smbclient.out" >&2; lab_die "smbclient bulk copy failed"; }
    sed 's/^/    smbclient: /' "$LAB_TMP/log/smbclient.out" >&2
    cmp -s "$CLIENT/bulk-200m.bin" "$SHARE/data/bulk-200m.bin" ||
        lab_die "bulk file on the share differs from the original"
    lab_log "bulk copy OK ($(stat -c %s "$SHARE/data/bulk-200m.bin") bytes on the share, identical)"
}

scenario_healthy_bulk() {
    lab_offloads off off
    lab_capture_start "$1" pcap -B "$BULK_CAP_BUF_KB"
    bulk_copy
    lab_capture_stop
}

# Captured on the sending host: the client's own veth0, inside the client
# namespace, with tx/TSO/GSO/GRO on there (everything else off). tcpdump
# sees the TSO super-segments before the veth/bridge segments them.
scenario_healthy_tso_sender() {
    lab_offloads on off
    lab_capture_start_on "$LAB_NS_CLI" veth0 "$1" pcap -B "$BULK_CAP_BUF_KB"
    bulk_copy
    lab_capture_stop
}

# small_size I -> size of small file number I: 1 KiB .. 16 KiB, skewed to
# the small end (1024 + 15360 * u^3, u = (I * 7919 mod 1000) / 1000), about
# 1.4 MiB for 300 files.
small_size() {
    local u=$(( ($1 * 7919) % 1000 ))
    echo $(( 1024 + 15360 * u * u * u / 1000000000 ))
}

scenario_healthy_small_files() {
    lab_offloads off off
    local dir=$CLIENT/small i n total=0
    if [ ! -f "$dir/file-$(printf %03d "$SMALL_FILES").bin" ]; then
        mkdir -p "$dir"
        for i in $(seq 1 "$SMALL_FILES"); do
            n=$(small_size "$i")
            lab_make_file "$dir/file-$(printf %03d "$i").bin" "$n" "netdiag-small-$i"
        done
    fi
    for i in $(seq 1 "$SMALL_FILES"); do total=$((total + $(small_size "$i"))); done
    lab_log "$SMALL_FILES small files, $total bytes in all"
    lab_capture_start "$1" pcap
    lab_smbclient data -m SMB3 -t 120 -c "lcd $dir; prompt off; mput file-*.bin; ls" \
        >"$LAB_TMP/log/smbclient.out" 2>&1 ||
        { cat "$LAB_TMP/log/smbclient.out" >&2; lab_die "smbclient mput failed"; }
    lab_capture_stop
    head -3 "$LAB_TMP/log/smbclient.out" | sed 's/^/    smbclient: /' >&2
    echo "    smbclient: ... ($(grep -c '^putting file' "$LAB_TMP/log/smbclient.out") files put)" >&2
    for i in $(seq 1 "$SMALL_FILES"); do
        n=file-$(printf %03d "$i").bin
        cmp -s "$dir/$n" "$SHARE/data/$n" || lab_die "$n on the share differs from the original"
    done
    lab_log "all $SMALL_FILES files on the share are identical to the originals"
}

# Two sessions on two TCP connections, both refused at SESSION_SETUP
# (NTLMSSP): the lab user with a wrong password, and an unknown user
# (map to guest = never, so no guest fallback).
scenario_logon_failure() {
    lab_offloads off off
    lab_capture_start "$1" pcap
    expect_fail lab_smbclient_as "$LAB_USER" "wrong-$LAB_PASS" data -m SMB3 -t 30 -c "ls"
    expect_fail lab_smbclient_as nosuchuser "NoSuch-Passw0rd" data -m SMB3 -t 30 -c "ls"
    lab_capture_stop
}

# smbd's openat() of a few files is delayed by strace (delay_enter) ->
# their CREATEs take ~1.75 s; the other files in the same directory, the
# reads, closes and the listing of the share root stay fast.
scenario_slow_open() {
    lab_offloads off off
    local i slow=() cmds="lcd $CLIENT/got; cd docs; "
    mkdir -p "$SHARE/data/docs" "$CLIENT/got"
    for i in $(seq 1 "$SLOW_FILES"); do
        lab_make_file "$SHARE/data/docs/report-$i.bin" 20000 "netdiag-report-$i"
        slow+=("report-$i.bin")
    done
    for i in $(seq 1 "$FAST_FILES"); do
        lab_make_file "$SHARE/data/docs/notes-$i.bin" 20000 "netdiag-notes-$i"
    done
    chown -R "$LAB_USER" "$SHARE/data/docs"
    # interleaved: report-1, notes-1, report-2, report-3, notes-2, report-4
    for i in $(seq 1 "$SLOW_FILES"); do
        cmds+="get report-$i.bin; "
        if [ $((i % 2)) -eq 1 ] && [ $(((i + 1) / 2)) -le "$FAST_FILES" ]; then
            cmds+="get notes-$(((i + 1) / 2)).bin; "
        fi
    done
    cmds+='cd \; ls'
    # Attach before the client connects: -f follows the per-client child.
    lab_inject_delay openat "$SLOW_DELAY_US" "${slow[@]}"
    lab_capture_start "$1" pcap
    lab_smbclient data -m SMB3 -t 60 -c "$cmds" >"$LAB_TMP/log/smbclient.out" 2>&1 ||
        { cat "$LAB_TMP/log/smbclient.out" >&2; lab_die "smbclient failed"; }
    lab_capture_stop
    lab_inject_stop
    sed 's/^/    smbclient: /' "$LAB_TMP/log/smbclient.out" >&2
    sed 's/^/    strace: /' "$LAB_TMP/log/strace.out" >&2
    SLOW_DELAYED=$(grep -c 'DELAYED' "$LAB_TMP/log/strace.out" || true)
    lab_log "strace delayed $SLOW_DELAYED openat() call(s)"
    for i in "$CLIENT"/got/*.bin; do
        cmp -s "$i" "$SHARE/data/docs/$(basename "$i")" || lab_die "$(basename "$i") differs after get"
    done
}

# smb_wait PID OUT REGEX N -- wait (up to 30 s) until the output OUT of the
# interactive smbclient PID has N lines matching REGEX.
smb_wait() {
    local pid=$1 out=$2 re=$3 n=$4 _
    for _ in $(seq 1 300); do
        [ "$(grep -c -- "$re" "$out" || true)" -ge "$n" ] && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    cat "$out" >&2
    lab_die "smbclient: no '$re' (#$n) in its output"
}

# smb_cmd FD COMMAND PID OUT REGEX N -- send one command to the interactive
# smbclient on FD and wait for its result.
smb_cmd() {
    printf '%s\n' "$2" >&"$1"
    smb_wait "$3" "$4" "$5" "$6"
}

# nft rules matching only pure ACKs from the server: flags exactly ACK and
# no TCP payload (IP total length == IP header + TCP header). nft cannot
# subtract, so there is one rule per TCP data offset.
pure_ack_rules() {
    local d rules=
    for d in $(seq 5 15); do
        rules+="ip saddr $LAB_SRV_IP tcp sport 445 tcp flags & (fin | syn | rst | psh | ack | urg) == ack ip hdrlength 5 tcp doff $d ip length $((20 + 4 * d)) counter drop
        "
    done
    printf '%s' "$rules"
}

# The server's pure ACKs are dropped in the bridge for SPUR_WINDOW seconds
# right when the client starts a WRITE: the client hears nothing, its RTO
# fires and it resends data the server already has (the capture on br0 is
# taken before the drop, so it shows those ACKs and the D-SACKs).
# smbclient reads its commands from a FIFO, so the drop window can start
# exactly between the listing and the put (stdbuf -oL shows when the
# listing is done).
scenario_spurious_retrans() {
    lab_offloads off off
    [ -f "$CLIENT/spur-1m.bin" ] || lab_make_file "$CLIENT/spur-1m.bin" "$SPUR_BYTES" netdiag-spur
    local fifo=$LAB_TMP/smbclient.cmd out=$LAB_TMP/log/smbclient.out cpid fd
    rm -f "$fifo"; mkfifo "$fifo"
    lab_capture_start "$1" pcap
    # stdbuf -oL: smbclient's output shows when each command is done.
    ip netns exec "$LAB_NS_CLI" "${LAB_PIN[@]}" stdbuf -oL smbclient "//$LAB_SRV_IP/data" \
        -s "$LAB_TMP/client.conf" -U "$LAB_USER%$LAB_PASS" -m SMB3 -t 60 <"$fifo" >"$out" 2>&1 &
    cpid=$!
    exec {fd}>"$fifo"
    # One command at a time: smbclient reads stdin through its own buffer
    # and only looks for the next command when more input arrives.
    smb_cmd "$fd" "ls" "$cpid" "$out" 'blocks available' 1
    sleep 0.5
    lab_nft_drop_rule "$(pure_ack_rules)"
    printf 'put %s spur-1m.bin\n' "$CLIENT/spur-1m.bin" >&"$fd"
    sleep "$SPUR_WINDOW"
    SPUR_DROPS=$(lab_nft_counters | awk '{p += $3} END {print p + 0}')
    lab_nft_clear
    lab_log "drop window over; nft dropped $SPUR_DROPS pure ACK(s)"
    smb_wait "$cpid" "$out" '^putting file' 1
    smb_cmd "$fd" "ls" "$cpid" "$out" 'blocks available' 2
    exec {fd}>&-
    wait "$cpid" || { cat "$out" >&2; lab_die "smbclient failed"; }
    lab_capture_stop
    grep -v '^Try "help"' "$out" | sed 's/^/    smbclient: /' >&2
    cmp -s "$CLIENT/spur-1m.bin" "$SHARE/data/spur-1m.bin" ||
        lab_die "spur-1m.bin on the share differs from the original"
    lab_log "spur-1m.bin on the share is identical to the original"
}

# srv_idle SECONDS -- wait until the server namespace has no TCP socket on
# port 445 except the listener. lab_start_smbd's reachability check opens
# one connection; with the slow resolver its smbd child only closes it after
# its own lookup, and its FIN must not end up in the capture.
srv_idle() {
    local _
    for _ in $(seq 1 $(($1 * 10))); do
        lab_ns "$LAB_NS_SRV" ss -tanH "( sport = :445 )" 2>/dev/null | grep -qv '^LISTEN' || return 0
        sleep 0.1
    done
    lab_ns "$LAB_NS_SRV" ss -tan "( sport = :445 )" >&2
    lab_die "connections to port 445 still open after $1 s"
}

# smbd with `hostname lookups = yes` reverse-resolves the client's address
# when a connection arrives, and the server namespace's resolver never
# answers (lab_srv_resolver_on: /etc/netns/ndlab-cap-srv/resolv.conf,
# nameserver on lo, queries dropped). Each of SLOWC_CONNS short sessions
# (`ls`) stalls for SLOWC_DNS_TIMEOUT s before smbd answers NEGOTIATE.
# smbd is restarted with a copy of smb.conf for this scenario only, and
# restarted with the normal config (and the host's resolver) afterwards.
scenario_slow_connect() {
    lab_offloads off off
    local conf=$LAB_TMP/smb-slow-connect.conf i q0 q1 dnspid
    sed '/^\[global\]$/a\    hostname lookups = yes' "$LAB_TMP/smb.conf" >"$conf"
    testparm -s "$conf" 2>/dev/null | grep -qx $'\thostname lookups = Yes' ||
        lab_die "testparm does not show 'hostname lookups = Yes' for $conf"
    lab_srv_resolver_on "$SLOWC_DNS_IP" "$SLOWC_DNS_TIMEOUT"
    lab_restart_smbd "$conf"
    # smbd's view of /etc (its mount namespace, through /proc): our resolver.
    grep -qx "nameserver $SLOWC_DNS_IP" "/proc/$LAB_SMBD_PID/root/etc/resolv.conf" ||
        lab_die "smbd does not see the lab resolv.conf (ip netns exec did not bind-mount /etc/netns/$LAB_NS_SRV)"
    srv_idle $((SLOWC_DNS_TIMEOUT + 10))
    read -r q0 _ _ <<<"$(lab_srv_resolver_counters)"
    # The queries themselves, on the server namespace's lo (log only).
    ip netns exec "$LAB_NS_SRV" tcpdump -i lo -n -U -Z root -w "$LAB_TMP/log/dns-lo.pcap" udp port 53 \
        2>"$LAB_TMP/log/dns-lo.err" &
    dnspid=$!
    lab_capture_start "$1" pcap
    : >"$LAB_TMP/log/smbclient.out"
    for i in $(seq 1 "$SLOWC_CONNS"); do
        lab_smbclient data -m SMB3 -t 60 -c "ls" >>"$LAB_TMP/log/smbclient.out" 2>&1 ||
            { cat "$LAB_TMP/log/smbclient.out" >&2; lab_die "smbclient ls #$i failed"; }
    done
    lab_capture_stop
    kill -INT "$dnspid" 2>/dev/null || true
    wait "$dnspid" 2>/dev/null || true
    read -r q1 _ SLOWC_LEAKED <<<"$(lab_srv_resolver_counters)"
    SLOWC_QUERIES=$((q1 - q0))
    sed 's/^/    smbclient: /' "$LAB_TMP/log/smbclient.out" >&2
    tshark -r "$LAB_TMP/log/dns-lo.pcap" 2>/dev/null | sed 's/^/    server lo: /' >&2 || true
    lab_log "server resolver: $SLOWC_QUERIES DNS queries during the capture (all dropped), $SLOWC_LEAKED tried to leave lo"
    lab_srv_resolver_off
    lab_restart_smbd
    ! grep -qF "$LAB_NETNS_MARK" "/proc/$LAB_SMBD_PID/root/etc/resolv.conf" 2>/dev/null ||
        lab_die "smbd still sees the lab resolv.conf after the restart"
}

# count FILE DISPLAY-FILTER -> number of matching frames
count() { tshark -r "$1" -Y "$2" 2>/dev/null | wc -l; }
# count_info FILE DISPLAY-FILTER PATTERN -> matching frames whose Info
# column contains PATTERN (the file name of a handle is only in the column).
count_info() {
    tshark -r "$1" -Y "$2" -T fields -e _ws.col.Info 2>/dev/null | grep -c -- "$3" || true
}

# tcp_counts FILE -- one tshark pass over FILE (the bulk captures have
# ~200k frames); sets FRAMES, BIG (frame.len > 1514), MAXLEN, RETR, SPUR
# (spurious), FASTR (fast), DUP (duplicate ACKs), LOST (previous segment not
# captured), ACKLOST (ACKed unseen segment) and OOO (out of order).
tcp_counts() {
    read -r FRAMES BIG MAXLEN RETR SPUR FASTR DUP LOST ACKLOST OOO < <(
        tshark -r "$1" -T fields -E separator=/t -e frame.len \
            -e tcp.analysis.retransmission -e tcp.analysis.spurious_retransmission \
            -e tcp.analysis.fast_retransmission -e tcp.analysis.duplicate_ack \
            -e tcp.analysis.lost_segment -e tcp.analysis.ack_lost_segment \
            -e tcp.analysis.out_of_order 2>/dev/null |
        awk -F'\t' '{ n++; if ($1 > 1514) big++; if ($1 > max) max = $1
                      for (i = 2; i <= 8; i++) if ($i != "") c[i]++ }
                    END { print n + 0, big + 0, max + 0, c[2] + 0, c[3] + 0, c[4] + 0,
                                c[5] + 0, c[6] + 0, c[7] + 0, c[8] + 0 }')
}

# srt FILE COMMAND -> "calls min max" of one row of `tshark -z smb2,srt`
# (COMMAND as tshark names it: Create, Write, ...; "0 0 0" if absent).
# Times in milliseconds, rounded down, so `expect` can compare them.
srt() {
    tshark -r "$1" -q -z smb2,srt 2>/dev/null |
        awk -v cmd="$2" '$1 ~ /^[0-9]+$/ { name = ""; for (i = 2; i <= NF - 5; i++) name = name (name == "" ? "" : " ") $i
                                          if (name == cmd) { printf "%d %d %d\n", $(NF-4), $(NF-3) * 1000, $(NF-2) * 1000; found = 1 } }
                          END { if (!found) print "0 0 0" }'
}

# dsack_check FILE -> "R C B": R retransmitted segments, C of them covered
# by a later D-SACK block (sack_le < ack of the peer, sack_le <= seq and
# seq + len <= sack_re), B D-SACK blocks in all.
dsack_check() {
    tshark -r "$1" -Y 'tcp.analysis.retransmission || tcp.options.sack_le' -T fields -E separator=/t \
        -e tcp.stream -e tcp.seq -e tcp.len -e tcp.ack -e tcp.options.sack_le -e tcp.options.sack_re \
        -e tcp.analysis.retransmission 2>/dev/null |
    awk -F'\t' '
        $7 != "" && $3 > 0 { r++; st[r] = $1; sq[r] = $2; en[r] = $2 + $3; next }
        $5 != "" { nl = split($5, le, ","); split($6, re, ",")
                   for (i = 1; i <= nl; i++) {
                       if (le[i] + 0 >= $4 + 0) continue
                       b++
                       for (k = 1; k <= r; k++)
                           if (!cov[k] && st[k] == $1 && sq[k] >= le[i] + 0 && en[k] <= re[i] + 0) { cov[k] = 1; c++ }
                   } }
        END { print r + 0, c + 0, b + 0 }'
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
    local big retr dup row drops _
    tcp_counts "$f"
    big=$BIG retr=$RETR dup=$DUP
    lab_log "check: frames>1514=$big retransmissions=$retr dup-acks=$dup"
    case $s in
        healthy-*|logon-failure|slow-open|spurious-retrans|slow-connect)
            drops=$(lab_capture_kernel_drops)
            lab_log "check: frames=$FRAMES max frame.len=$MAXLEN spurious=$SPUR fast-retr=$FASTR lost-segment=$LOST ack-lost-segment=$ACKLOST out-of-order=$OOO kernel-drops=$drops"
            expect "capture kernel drops" "${drops/\?/-1}" -eq 0
            expect "previous segment not captured" "$LOST" -eq 0
            expect "ACKed unseen segment" "$ACKLOST" -eq 0 ;;
    esac
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
        healthy-bulk|healthy-small-files|logon-failure|slow-open|slow-connect)
            expect "frames>1514" "$big" -eq 0
            expect "retransmissions" "$retr" -eq 0
            expect "dup-acks" "$dup" -eq 0
            expect "out-of-order" "$OOO" -eq 0 ;;
        healthy-tso-sender)
            expect "frames>1514" "$big" -ge 1
            expect "retransmissions" "$retr" -eq 0
            expect "dup-acks" "$dup" -eq 0 ;;
        spurious-retrans)
            expect "frames>1514" "$big" -eq 0
            expect "retransmissions" "$retr" -ge 1
            expect "spurious retransmissions" "$SPUR" -eq "$retr" ;;
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
        healthy-bulk|healthy-tso-sender)
            row=$(srt "$f" Write)
            n=$(tshark -r "$f" -Y 'smb2.cmd == 9 && smb2.flags.response == 0' -T fields -e smb2.write_length 2>/dev/null |
                tr ',' '\n' | awk '{t += $1} END {print t + 0}')
            lab_log "check: WRITE calls/min/max SRT ms = $row, bytes written = $n"
            expect "WRITE calls" "${row%% *}" -ge 1
            expect "bytes in WRITE requests" "$n" -eq "$BULK_BYTES" ;;
        healthy-small-files)
            row=$(srt "$f" Write)
            lab_log "check: WRITE calls/min/max SRT ms = $row"
            expect "WRITE calls" "${row%% *}" -eq "$SMALL_FILES"
            row=$(srt "$f" Create)
            lab_log "check: CREATE calls/min/max SRT ms = $row"
            expect "CREATE calls" "${row%% *}" -ge "$SMALL_FILES"
            # expected non-zero statuses: MORE_PROCESSING_REQUIRED (session
            # setup), NOT_FOUND (DFS referral IOCTL), NO_MORE_FILES (listing)
            n=$(count "$f" 'smb2.flags.response == 1 && smb2.nt_status != 0 && !(smb2.cmd == 1 && smb2.nt_status == 0xc0000016) && !(smb2.cmd == 11 && smb2.nt_status == 0xc0000225) && !(smb2.cmd == 14 && smb2.nt_status == 0x80000006)')
            lab_log "check: unexpected error responses=$n"
            expect "error responses" "$n" -eq 0 ;;
        logon-failure)
            n=$(count "$f" 'smb2.nt_status == 0xc000006d')
            lab_log "check: STATUS_LOGON_FAILURE=$n"
            expect "STATUS_LOGON_FAILURE" "$n" -eq 2
            n=$(count "$f" 'smb2.cmd == 1 && smb2.flags.response == 1 && smb2.nt_status == 0')
            expect "successful SESSION_SETUPs" "$n" -eq 0
            n=$(count "$f" 'tcp.flags.syn == 1 && tcp.flags.ack == 0')
            expect "TCP connections" "$n" -eq 2
            n=$(tshark -r "$f" -Y 'ntlmssp.messagetype == 3' -T fields -e ntlmssp.auth.domain -e ntlmssp.auth.username 2>/dev/null |
                awk -F'\t' '{ u = u (NR > 1 ? " " : "") $1 "\\" $2 } END { print u }')
            lab_log "check: NTLMSSP_AUTH users: $n"
            expect "NTLMSSP_AUTH users" "$n" = "NDLAB\\$LAB_USER NDLAB\\nosuchuser" ;;
        slow-open)
            row=$(srt "$f" Create)
            lab_log "check: CREATE calls/min/max SRT ms = $row"
            read -r _ _ n <<<"$row"
            expect "CREATE max SRT ms" "$n" -ge $((SLOW_DELAY_US / 1000))
            expect "CREATE max SRT ms" "$n" -lt $((SLOW_DELAY_US / 1000 + 500))
            n=$(count "$f" 'smb2.cmd == 5 && smb2.flags.response == 1 && smb2.time > 1')
            lab_log "check: CREATEs over 1 s=$n (strace delayed $SLOW_DELAYED openat calls)"
            expect "CREATEs over 1 s" "$n" -eq "$SLOW_FILES"
            expect "openat calls delayed" "$SLOW_DELAYED" -eq "$SLOW_FILES"
            n=$(count "$f" 'smb2.cmd != 5 && smb2.flags.response == 1 && smb2.time > 0.3')
            lab_log "check: other responses over 0.3 s=$n"
            expect "other responses over 0.3 s" "$n" -eq 0 ;;
        slow-connect)
            local ms=$((SLOWC_DNS_TIMEOUT * 1000)) mn mx
            n=$(count "$f" 'tcp.flags.syn == 1 && tcp.flags.ack == 0')
            expect "TCP connections" "$n" -eq "$SLOWC_CONNS"
            n=$(count "$f" '!tcp')
            lab_log "check: frames that are not TCP (DNS, ARP, ...) on br0=$n"
            expect "non-TCP frames" "$n" -eq 0
            row=$(srt "$f" "Negotiate Protocol")
            lab_log "check: NEGOTIATE calls/min/max SRT ms = $row"
            read -r n mn mx <<<"$row"
            expect "NEGOTIATE calls" "$n" -eq "$SLOWC_CONNS"
            expect "NEGOTIATE min SRT ms" "$mn" -ge "$ms"
            expect "NEGOTIATE max SRT ms" "$mx" -lt $((ms + 500))
            n=$(tshark -r "$f" -Y "smb2.cmd == 0 && smb2.flags.response == 1 && smb2.time >= $SLOWC_DNS_TIMEOUT" \
                    -T fields -e tcp.stream 2>/dev/null | sort -u | wc -l)
            lab_log "check: connections whose NEGOTIATE took >= ${SLOWC_DNS_TIMEOUT} s=$n"
            expect "connections with a slow NEGOTIATE" "$n" -eq "$SLOWC_CONNS"
            n=$(count "$f" 'smb2.cmd != 0 && smb2.flags.response == 1 && smb2.time > 0.3')
            lab_log "check: other responses over 0.3 s=$n"
            expect "other responses over 0.3 s" "$n" -eq 0
            lab_log "check: DNS queries on the server's lo=$SLOWC_QUERIES, leaving lo=$SLOWC_LEAKED"
            expect "DNS queries (one per connection)" "$SLOWC_QUERIES" -eq "$SLOWC_CONNS"
            expect "DNS packets leaving lo" "$SLOWC_LEAKED" -eq 0 ;;
        spurious-retrans)
            row=$(dsack_check "$f")
            lab_log "check: retransmitted segments / covered by a later D-SACK / D-SACK blocks = $row; nft dropped $SPUR_DROPS pure ACKs"
            local nr nc nb
            read -r nr nc nb <<<"$row"
            expect "retransmitted segments covered by D-SACK" "$nc" -eq "$nr"
            expect "D-SACK blocks" "$nb" -ge 1
            expect "pure ACKs dropped" "$SPUR_DROPS" -ge 1 ;;
        encrypted)
            n=$(count "$f" 'smb2.protocol_id == 0xfd534d42')
            lab_log "check: encrypted SMB3 transform frames=$n"
            expect "SMB3 transform headers" "$n" -ge 1 ;;
    esac
    return $CHECK_FAILED
}

# summarise FILE [RAW] -- size and packet count of a written capture (RAW:
# the uncompressed capture, for an .xz FILE).
summarise() {
    local f=$1 raw=${2:-$1}
    local pk size limit=2097152
    pk=$(capinfos -c -M "$raw" 2>/dev/null | awk -F: '/Number of packets/ {gsub(/ /,"",$2); print $2}')
    size=$(stat -c %s "$f")
    if [ "$raw" != "$f" ]; then
        lab_log "wrote $f ($size bytes; $(stat -c %s "$raw") bytes uncompressed, $pk packets)"
        limit=4194304
    else
        lab_log "wrote $f ($size bytes, $pk packets)"
    fi
    if [ "$size" -gt "$limit" ]; then
        lab_log "WARNING: $f is larger than $((limit / 1048576)) MiB"
    fi
}

# compress_capture RAW -- write RAW.xz (xz -9e, one thread: the best ratio,
# same output on every machine), keep RAW; then test the .xz file and make
# sure tshark reads the decompressed stream from a pipe.
compress_capture() {
    local raw=$1 out
    lab_log "compressing $raw ($(stat -c %s "$raw") bytes) with xz -9e"
    xz -9e -T1 -k -f "$raw"
    xz -t "$raw.xz" || lab_die "xz -t failed for $raw.xz"
    out=$(xz -dc "$raw.xz" | tshark -r - -q -z smb2,srt 2>/dev/null) || true
    if ! grep -q '^SMB2 SRT Statistics' <<<"$out" || ! grep -q ' Write ' <<<"$out"; then
        printf '%s\n' "$out" >&2
        lab_die "xz -dc $raw.xz | tshark -r - -q -z smb2,srt gave no SMB2 WRITE statistics"
    fi
    lab_log "xz -t OK; xz -dc | tshark -r - -q -z smb2,srt OK"
}

# Scenarios with random drops (and the timing-dependent and healthy ones,
# see RETRY_SCENARIOS) are retried until the capture shows the effect they
# are meant to show (dup ACKs can be missing by chance).
MAX_ATTEMPTS=5
failed=()
lab_log "output directory: $OUT_DIR"
for s in "${SCENARIOS[@]}"; do
    f=${SCEN_FILE[$s]}
    tmp_out="$LAB_TMP/out-${f%.xz}"
    attempt=1
    while :; do
        lab_log "=== scenario $s -> $f (attempt $attempt)"
        reset_share
        "scenario_${s//-/_}" "$tmp_out"
        if check_capture "$s" "$tmp_out"; then
            break
        fi
        if [[ $RETRY_SCENARIOS == *" $s "* ]] && [ "$attempt" -lt "${SCEN_ATTEMPTS[$s]:-$MAX_ATTEMPTS}" ]; then
            attempt=$((attempt + 1)); continue
        fi
        failed+=("$s")
        break
    done
    if [[ $f == *.xz ]]; then
        compress_capture "$tmp_out"
        chmod 0644 "$tmp_out.xz"
        mv -f "$tmp_out.xz" "$OUT_DIR/$f"
        summarise "$OUT_DIR/$f" "$tmp_out"
        rm -f "$tmp_out"
    else
        chmod 0644 "$tmp_out"
        mv -f "$tmp_out" "$OUT_DIR/$f"
        summarise "$OUT_DIR/$f"
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    lab_log "captures written, but these did not meet their checks: ${failed[*]}"
    exit 1
fi
lab_log "done: ${#SCENARIOS[@]} capture(s) in $OUT_DIR, all checks passed"
