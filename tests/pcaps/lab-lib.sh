# shellcheck shell=bash
# lab-lib.sh - shared helpers for the netdiag SMB capture lab.
#
# Sourced by tests/pcaps/make-captures.sh and bench/make-large-capture.sh.
# Builds a private three-namespace topology, runs a real smbd in it and
# captures the traffic on the bridge:
#
#   ndlab-<tag>-cli            ndlab-<tag>-br                 ndlab-<tag>-srv
#   +--------------+      +------------------------+      +----------------+
#   | veth0        |------| vcli --[ br0 ]-- vsrv  |------| veth0          |
#   | 10.231.0.1/24|      |   (capture on br0)     |      | 10.231.0.2/24  |
#   | smbclient    |      |   (nftables drops)     |      | smbd :445      |
#   +--------------+      +------------------------+      +----------------+
#
# Nothing is sent outside these namespaces: none of them has a route or a
# link to the host's network, and the only addresses are 10.231.0.1/.2.
#
# Callers must set LAB_TAG (short word used in namespace names) before
# calling lab_init, and should call `trap lab_cleanup EXIT` right after.

# Root shells without sbin in PATH (su without -) still find ip/smbd/nft.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin:/sbin ;; esac

LAB_TAG=${LAB_TAG:-cap}
LAB_CLI_IP=10.231.0.1
LAB_SRV_IP=10.231.0.2
LAB_PREFIXLEN=24
LAB_MTU=1500
LAB_USER=${LAB_USER:-ndlab}
LAB_PASS=${LAB_PASS:-ndlab-Passw0rd}
LAB_NFT_TABLE=ndlab
# smbd and smbclient are pinned to this CPU (LAB_CPU= : no pinning; default:
# the first CPU this process may run on). veth hands packets to the per-CPU
# backlog of whichever CPU transmits them; with the two ends on different
# CPUs, bursts overtake each other and even the "clean" capture shows
# out-of-order segments, D-SACKs and spurious retransmissions.
if [ -z "${LAB_CPU+set}" ]; then
    LAB_CPU=$(awk '/^Cpus_allowed_list:/ {split($2, a, /[-,]/); print a[1]}' /proc/self/status 2>/dev/null)
fi

# Filled in by lab_init / lab_setup_*.
LAB_NS_CLI=
LAB_NS_SRV=
LAB_NS_BR=
LAB_TMP=
LAB_SMBD_PID=
LAB_CAP_PID=
LAB_CAP_TOOL=
LAB_LOCK_FD=
LAB_STRACE_PID=
LAB_SMBD_CONF=
LAB_RESOLVER_IP=

lab_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
lab_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# lab_ns NS CMD...  -- run a command inside one of the lab namespaces.
lab_ns() {
    local ns=$1; shift
    ip netns exec "$ns" "$@"
}

lab_require_root() {
    [ "$(id -u)" -eq 0 ] || lab_die "must be run as root (needs network namespaces, smbd, tcpdump)"
}

# lab_require_tools TOOL...  -- fail clearly if a tool is missing.
lab_require_tools() {
    local t missing=()
    for t in "$@"; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        lab_die "missing tools: ${missing[*]} (Debian: apt-get install -y samba smbclient tcpdump tshark iproute2 ethtool nftables openssl strace xz-utils)"
    fi
}

# Check that network namespaces can actually be created here.
lab_check_netns() {
    local probe="ndlab-${LAB_TAG}-probe$$"
    if ! ip netns add "$probe" 2>/dev/null; then
        lab_die "cannot create network namespaces (ip netns add failed); run as root on a kernel with netns support, outside restrictive containers"
    fi
    if ! ip netns exec "$probe" ip link add ndprobe0 type bridge 2>/dev/null; then
        ip netns del "$probe" 2>/dev/null
        lab_die "cannot create a Linux bridge inside a network namespace (bridge module missing?)"
    fi
    if ! ip netns exec "$probe" ip link add ndprobe1 type veth peer name ndprobe2 2>/dev/null; then
        ip netns del "$probe" 2>/dev/null
        lab_die "cannot create veth pairs inside a network namespace (veth module missing?)"
    fi
    ip netns del "$probe"
}

# Kill every process still running inside one of our namespaces (only our
# own ndlab-<tag>-* namespaces are ever touched), then delete it.
lab_del_ns() {
    local ns=$1 pids
    ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$ns" || return 0
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    if [ -n "$pids" ]; then
        # shellcheck disable=SC2086
        kill -TERM $pids 2>/dev/null || true
        sleep 0.5
        pids=$(ip netns pids "$ns" 2>/dev/null || true)
        # shellcheck disable=SC2086
        if [ -n "$pids" ]; then kill -KILL $pids 2>/dev/null || true; fi
    fi
    ip netns del "$ns" 2>/dev/null || true
}

lab_init() {
    LAB_NS_CLI="ndlab-${LAB_TAG}-cli"
    LAB_NS_SRV="ndlab-${LAB_TAG}-srv"
    LAB_NS_BR="ndlab-${LAB_TAG}-br"
    # One run per tag at a time.
    exec {LAB_LOCK_FD}>"/run/ndlab-${LAB_TAG}.lock"
    flock -n "$LAB_LOCK_FD" || lab_die "another run with tag '${LAB_TAG}' is active (/run/ndlab-${LAB_TAG}.lock)"
    # Idempotence: remove leftovers of an earlier, killed run.
    lab_del_ns "$LAB_NS_CLI"; lab_del_ns "$LAB_NS_SRV"; lab_del_ns "$LAB_NS_BR"
    local stale
    for stale in /tmp/ndlab-"${LAB_TAG}".??????; do
        [ -d "$stale" ] || continue
        lab_log "removing stale temp dir $stale"
        chmod -R u+rwx "$stale" 2>/dev/null; rm -rf "$stale"
    done
    lab_srv_resolver_files_remove   # /etc/netns files a killed run left behind
    LAB_TMP=$(mktemp -d "/tmp/ndlab-${LAB_TAG}.XXXXXX")
    chmod 0755 "$LAB_TMP"   # the smb user must be able to traverse to the share
    mkdir -p "$LAB_TMP/log" "$LAB_TMP/client"
}

lab_cleanup() {
    local rc=$?
    set +e
    lab_inject_stop
    if [ -n "$LAB_CAP_PID" ] && kill -0 "$LAB_CAP_PID" 2>/dev/null; then
        kill -INT "$LAB_CAP_PID" 2>/dev/null; wait "$LAB_CAP_PID" 2>/dev/null
    fi
    lab_stop_smbd
    lab_srv_resolver_files_remove
    [ -n "$LAB_NS_CLI" ] && lab_del_ns "$LAB_NS_CLI"
    [ -n "$LAB_NS_SRV" ] && lab_del_ns "$LAB_NS_SRV"
    [ -n "$LAB_NS_BR" ] && lab_del_ns "$LAB_NS_BR"
    if [ -n "$LAB_TMP" ] && [ -d "$LAB_TMP" ]; then
        if [ "${LAB_KEEP_TMP:-0}" = 1 ]; then
            lab_log "keeping temp dir $LAB_TMP (LAB_KEEP_TMP=1)"
        else
            # Share dirs may have been made unreadable on purpose.
            chmod -R u+rwx "$LAB_TMP" 2>/dev/null
            rm -rf "$LAB_TMP"
        fi
    fi
    lab_log "cleaned up (namespaces, smbd, /etc/netns files, temp dir)"
    return $rc
}

# Build the three namespaces, the bridge and the veth pairs.
lab_setup_topology() {
    local ns
    lab_log "creating namespaces $LAB_NS_CLI, $LAB_NS_BR, $LAB_NS_SRV"
    for ns in "$LAB_NS_CLI" "$LAB_NS_SRV" "$LAB_NS_BR"; do
        ip netns add "$ns"
        lab_ns "$ns" ip link set lo up
        # No IPv6: keeps router/neighbour solicitations out of the captures.
        lab_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
        lab_ns "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
    done
    # Bridge namespace: br0 with two ports. Fixed MACs keep captures stable.
    lab_ns "$LAB_NS_BR" ip link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
    lab_ns "$LAB_NS_BR" ip link set br0 address 02:6e:64:00:00:fe mtu "$LAB_MTU"
    lab_ns "$LAB_NS_BR" ip link add vcli type veth peer name veth0 netns "$LAB_NS_CLI"
    lab_ns "$LAB_NS_BR" ip link add vsrv type veth peer name veth0 netns "$LAB_NS_SRV"
    lab_ns "$LAB_NS_BR" ip link set vcli address 02:6e:64:00:01:fe mtu "$LAB_MTU" master br0
    lab_ns "$LAB_NS_BR" ip link set vsrv address 02:6e:64:00:02:fe mtu "$LAB_MTU" master br0
    lab_ns "$LAB_NS_CLI" ip link set veth0 address 02:6e:64:00:01:01 mtu "$LAB_MTU"
    lab_ns "$LAB_NS_SRV" ip link set veth0 address 02:6e:64:00:02:02 mtu "$LAB_MTU"
    lab_ns "$LAB_NS_CLI" ip addr add "$LAB_CLI_IP/$LAB_PREFIXLEN" dev veth0
    lab_ns "$LAB_NS_SRV" ip addr add "$LAB_SRV_IP/$LAB_PREFIXLEN" dev veth0
    # Static neighbour entries: no ARP in the captures, whenever they start.
    lab_ns "$LAB_NS_CLI" ip neigh replace "$LAB_SRV_IP" lladdr 02:6e:64:00:02:02 nud permanent dev veth0
    lab_ns "$LAB_NS_SRV" ip neigh replace "$LAB_CLI_IP" lladdr 02:6e:64:00:01:01 nud permanent dev veth0
    lab_ns "$LAB_NS_BR" ip link set vcli up
    lab_ns "$LAB_NS_BR" ip link set vsrv up
    lab_ns "$LAB_NS_BR" ip link set br0 up
    lab_ns "$LAB_NS_CLI" ip link set veth0 up
    lab_ns "$LAB_NS_SRV" ip link set veth0 up
    # Wait for both bridge ports to reach the forwarding state.
    local _
    for _ in $(seq 1 50); do
        if [ "$(lab_ns "$LAB_NS_BR" bridge link show | grep -c 'state forwarding')" -ge 2 ]; then
            lab_log "topology up: $LAB_CLI_IP <-> br0 <-> $LAB_SRV_IP (MTU $LAB_MTU)"
            return 0
        fi
        sleep 0.2
    done
    lab_ns "$LAB_NS_BR" bridge link show >&2
    lab_die "bridge ports did not reach the forwarding state"
}

# TCP reachability of the server's port 445 from the client namespace
# (no ping on minimal systems; bash's /dev/tcp is enough).
lab_check_reach() {
    if ! lab_ns "$LAB_NS_CLI" timeout 5 bash -c "exec 3<>/dev/tcp/$LAB_SRV_IP/445" 2>/dev/null; then
        lab_die "client namespace cannot reach $LAB_SRV_IP:445 through the bridge"
    fi
    lab_log "client reaches $LAB_SRV_IP:445 through br0"
}

# lab_offload NS DEV on|off
#   off: tx checksum, TSO, GSO, GRO off (frames never exceed the MTU and the
#        captured checksums are the real ones).
#   on : tx checksum, TSO, GSO, GRO on (kernel builds super-segments).
lab_offload() {
    local ns=$1 dev=$2 mode=$3
    if [ "$mode" = off ]; then
        lab_ns "$ns" ethtool -K "$dev" tso off gso off gro off tx off >/dev/null 2>&1 ||
            lab_ns "$ns" ethtool -K "$dev" tso off gso off gro off >/dev/null
    else
        lab_ns "$ns" ethtool -K "$dev" tx on tso on gso on gro on >/dev/null 2>&1 ||
            lab_ns "$ns" ethtool -K "$dev" tso on gso on gro on >/dev/null
    fi
}

# lab_offloads CLIENT_MODE [REST_MODE]
#   CLIENT_MODE applies to the client's veth0, REST_MODE (default off) to the
#   bridge ports, br0 and the server's veth0.
lab_offloads() {
    local cli=$1 rest=${2:-off}
    lab_offload "$LAB_NS_CLI" veth0 "$cli"
    lab_offload "$LAB_NS_BR" vcli "$rest"
    lab_offload "$LAB_NS_BR" vsrv "$rest"
    lab_offload "$LAB_NS_BR" br0 "$rest"
    lab_offload "$LAB_NS_SRV" veth0 "$rest"
    lab_log "offloads: client veth0=$cli, bridge ports/br0/server veth0=$rest"
}

# Remove any nftables rules of ours from the bridge namespace.
lab_nft_clear() {
    lab_ns "$LAB_NS_BR" nft delete table bridge "$LAB_NFT_TABLE" 2>/dev/null || true
}

# lab_nft_drop_rule 'RULE'  -- install one rule in a bridge-family forward
# chain in the bridge namespace. `meta length` there is the L3 length
# (the Ethernet header is already pulled), so "> 1500" == frame > 1514.
lab_nft_drop_rule() {
    local rule=$1
    lab_nft_clear
    lab_ns "$LAB_NS_BR" nft -f - <<EOF
table bridge $LAB_NFT_TABLE {
    chain forward {
        type filter hook forward priority 0; policy accept;
        $rule
    }
}
EOF
    lab_log "nftables (bridge ns): $rule"
}

lab_nft_counters() {
    lab_ns "$LAB_NS_BR" nft list table bridge "$LAB_NFT_TABLE" 2>/dev/null | grep -o 'counter packets [0-9]* bytes [0-9]*' || true
}

lab_ensure_user() {
    if ! id "$LAB_USER" >/dev/null 2>&1; then
        lab_log "creating local system user $LAB_USER"
        useradd --system --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$LAB_USER"
    fi
    [ "$(id -u "$LAB_USER")" -ne 0 ] || lab_die "smb user $LAB_USER must not be root"
}

# Write the smbd / smbclient configs. Extra share stanzas can be passed in
# LAB_EXTRA_SHARES (text appended to smb.conf).
lab_write_configs() {
    local t=$LAB_TMP
    mkdir -p "$t/private" "$t/lock" "$t/state" "$t/cache" "$t/pid" "$t/ncalrpc" \
             "$t/share/data" "$t/cli-lock" "$t/cli-state" "$t/cli-cache"
    chmod 0700 "$t/private"
    chown "$LAB_USER" "$t/share/data"
    chmod 0755 "$t/share" "$t/share/data"
    cat >"$t/smb.conf" <<EOF
# Generated by netdiag lab-lib.sh - self-contained, nothing outside $t.
[global]
    workgroup = NDLAB
    netbios name = NDLAB-SRV
    server string = netdiag lab
    server role = standalone server
    server min protocol = SMB2
    disable netbios = yes
    smb ports = 445
    interfaces = $LAB_SRV_IP/$LAB_PREFIXLEN
    bind interfaces only = yes
    private dir = $t/private
    lock directory = $t/lock
    state directory = $t/state
    cache directory = $t/cache
    pid directory = $t/pid
    ncalrpc dir = $t/ncalrpc
    passdb backend = tdbsam:$t/private/passdb.tdb
    log file = $t/log/smbd.%m.log
    logging = file
    log level = 1
    max log size = 0
    map to guest = never
    load printers = no
    printing = bsd
    printcap name = /dev/null
    disable spoolss = yes
    usershare path =
    obey pam restrictions = no
    smb encrypt = if_required
    kernel oplocks = no
${LAB_EXTRA_SHARES:-}

[data]
    path = $t/share/data
    read only = no
    browseable = yes
    valid users = $LAB_USER
EOF
    cat >"$t/client.conf" <<EOF
# Generated by netdiag lab-lib.sh - smbclient config.
[global]
    workgroup = NDLAB
    client min protocol = SMB2
    smb ports = 445
    disable netbios = yes
    lock directory = $t/cli-lock
    state directory = $t/cli-state
    cache directory = $t/cli-cache
    private dir = $t/cli-state
    log file = $t/log/smbclient.log
    name resolve order = host
EOF
    testparm -s "$t/smb.conf" >"$t/log/testparm.out" 2>&1 ||
        { cat "$t/log/testparm.out" >&2; lab_die "testparm rejected the generated smb.conf"; }
    printf '%s\n%s\n' "$LAB_PASS" "$LAB_PASS" |
        smbpasswd -c "$t/smb.conf" -a -s "$LAB_USER" >"$t/log/smbpasswd.out" 2>&1 ||
        { cat "$t/log/smbpasswd.out" >&2; lab_die "smbpasswd -a failed"; }
}

# Command prefix pinning a process to LAB_CPU (empty when pinning is off).
LAB_PIN=()
if [ -n "$LAB_CPU" ] && command -v taskset >/dev/null 2>&1; then
    LAB_PIN=(taskset -c "$LAB_CPU")
fi

# lab_start_smbd [CONF]  -- start smbd in the server namespace with CONF
# (default: the generated $LAB_TMP/smb.conf). `ip netns exec` starts it, so
# it sees the /etc/netns/<server ns>/ files, if there are any.
lab_start_smbd() {
    LAB_SMBD_CONF=${1:-$LAB_TMP/smb.conf}
    lab_log "starting smbd in $LAB_NS_SRV ($LAB_SMBD_CONF)"
    # setsid: smbd must not share our process group - on shutdown it
    # signals its whole group, which would also hit this script.
    ip netns exec "$LAB_NS_SRV" setsid "${LAB_PIN[@]}" smbd --foreground --no-process-group --debug-stdout \
        -s "$LAB_SMBD_CONF" >>"$LAB_TMP/log/smbd.stdout" 2>&1 &
    LAB_SMBD_PID=$!
    local _
    for _ in $(seq 1 100); do
        if ! kill -0 "$LAB_SMBD_PID" 2>/dev/null; then
            tail -20 "$LAB_TMP/log/smbd.stdout" >&2
            lab_die "smbd exited during startup (see above)"
        fi
        if lab_ns "$LAB_NS_SRV" ss -ltnH "sport = :445" 2>/dev/null | grep -q .; then
            lab_log "smbd (pid $LAB_SMBD_PID) listening on $LAB_SRV_IP:445"
            lab_check_reach
            return 0
        fi
        sleep 0.1
    done
    tail -20 "$LAB_TMP/log/smbd.stdout" >&2
    lab_die "smbd did not start listening on port 445 within 10 s"
}

# Stop smbd (TERM, KILL after 2 s) and wait until nothing listens on port
# 445 in the server namespace any more. No-op if smbd is not running.
lab_stop_smbd() {
    local _
    if [ -n "$LAB_SMBD_PID" ] && kill -0 "$LAB_SMBD_PID" 2>/dev/null; then
        kill -TERM "$LAB_SMBD_PID" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$LAB_SMBD_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$LAB_SMBD_PID" 2>/dev/null || true
        wait "$LAB_SMBD_PID" 2>/dev/null || true
    fi
    LAB_SMBD_PID=
    [ -n "$LAB_NS_SRV" ] && ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$LAB_NS_SRV" || return 0
    for _ in $(seq 1 50); do
        lab_ns "$LAB_NS_SRV" ss -ltnH "sport = :445" 2>/dev/null | grep -q . || return 0
        sleep 0.1
    done
    return 0
}

# lab_restart_smbd [CONF]  -- stop smbd and start it again with CONF.
lab_restart_smbd() {
    lab_stop_smbd
    lab_start_smbd "$@"
}

# A resolver that never answers, for the server namespace only.
#
# `ip netns exec NS` bind-mounts each file in /etc/netns/NS/ over the file
# of the same name in /etc for the command it starts. A process started
# that way after lab_srv_resolver_on (smbd: lab_restart_smbd) uses:
#   resolv.conf    nameserver IP, options timeout:SECONDS attempts:1 - one
#                  query per lookup, then a fixed wait of SECONDS;
#   nsswitch.conf  the host's, with "hosts: files dns" (no resolve/mdns/...
#                  module that would ask a daemon outside the namespace);
#   hosts          the host's /etc/hosts without lines for the lab client,
#                  so a lookup of the client's address goes to DNS.
# IP is added as a /32 to lo in the server namespace: the queries are
# routed over lo, never reach veth0 (no ARP, nothing on br0), and an
# nftables table there drops them silently (no ICMP port unreachable, which
# would end the wait at once). See lab_srv_resolver_counters. Each file
# starts with LAB_NETNS_MARK; lab_srv_resolver_files_remove deletes only
# such files (lab_cleanup and lab_init call it too).
LAB_NETNS_MARK='# ndlab lab-lib.sh: server-namespace override'
LAB_NETNS_FILES="resolv.conf nsswitch.conf hosts"
LAB_NFT_DNS_TABLE=ndlab_dns

lab_netns_dir() { echo "/etc/netns/ndlab-${LAB_TAG}-srv"; }

# lab_srv_resolver_on IP SECONDS
lab_srv_resolver_on() {
    local ip=$1 secs=$2 dir f
    dir=$(lab_netns_dir)
    [ -n "$LAB_NS_SRV" ] || lab_die "lab_srv_resolver_on: the lab namespaces do not exist yet"
    for f in $LAB_NETNS_FILES; do
        if [ -e "$dir/$f" ] && ! head -1 "$dir/$f" | grep -qF "$LAB_NETNS_MARK"; then
            lab_die "$dir/$f exists and was not made by lab-lib.sh; not touching it"
        fi
    done
    mkdir -p "$dir"
    LAB_RESOLVER_IP=$ip
    printf '%s\n# Nothing answers at %s (dropped in %s): each lookup waits %s s.\nnameserver %s\noptions timeout:%s attempts:1\n' \
        "$LAB_NETNS_MARK" "$ip" "$LAB_NS_SRV" "$secs" "$ip" "$secs" >"$dir/resolv.conf"
    { printf '%s\n' "$LAB_NETNS_MARK"
      if grep -q '^hosts:' /etc/nsswitch.conf 2>/dev/null; then
          sed 's/^hosts:.*/hosts:          files dns/' /etc/nsswitch.conf
      else
          cat /etc/nsswitch.conf 2>/dev/null; echo 'hosts:          files dns'
      fi; } >"$dir/nsswitch.conf"
    { printf '%s\n# The host file without lines for %s (the lab client).\n' "$LAB_NETNS_MARK" "$LAB_CLI_IP"
      awk -v c="$LAB_CLI_IP" '$1 != c' /etc/hosts 2>/dev/null; } >"$dir/hosts"
    chmod 0644 "$dir/resolv.conf" "$dir/nsswitch.conf" "$dir/hosts"
    lab_ns "$LAB_NS_SRV" ip addr replace "$ip/32" dev lo
    lab_ns "$LAB_NS_SRV" nft delete table inet "$LAB_NFT_DNS_TABLE" 2>/dev/null || true
    lab_ns "$LAB_NS_SRV" nft -f - <<EOF
table inet $LAB_NFT_DNS_TABLE {
    chain output {
        type filter hook output priority 0; policy accept;
        oifname != "lo" meta l4proto { tcp, udp } th dport 53 counter drop comment "leak"
        ip daddr $ip meta l4proto { tcp, udp } th dport 53 counter comment "query"
    }
    chain input {
        type filter hook input priority 0; policy accept;
        ip daddr $ip meta l4proto { tcp, udp } th dport 53 counter drop comment "unanswered"
    }
}
EOF
    lab_log "server resolver: $dir/{resolv.conf,nsswitch.conf,hosts}; nameserver $ip on lo of $LAB_NS_SRV, queries dropped; timeout ${secs}s, 1 attempt"
}

# lab_srv_resolver_counters -> "QUERIES DROPPED LEAKED": packets to port 53
# of the resolver address, the same dropped on input, and port-53 packets
# that tried to leave through an interface other than lo (dropped too).
lab_srv_resolver_counters() {
    lab_ns "$LAB_NS_SRV" nft list table inet "$LAB_NFT_DNS_TABLE" 2>/dev/null |
        awk '/counter packets/ { n = 0; for (i = 1; i < NF; i++) if ($i == "packets") n = $(i + 1)
                                 if ($0 ~ /"query"/) q = n; else if ($0 ~ /"unanswered"/) d = n; else if ($0 ~ /"leak"/) l = n }
             END { print q + 0, d + 0, l + 0 }'
}

# Undo lab_srv_resolver_on: nft table, lo address and files. Restart smbd
# afterwards so that it uses the host's files again.
lab_srv_resolver_off() {
    if [ -n "$LAB_NS_SRV" ] && ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$LAB_NS_SRV"; then
        lab_ns "$LAB_NS_SRV" nft delete table inet "$LAB_NFT_DNS_TABLE" 2>/dev/null || true
        [ -z "$LAB_RESOLVER_IP" ] || lab_ns "$LAB_NS_SRV" ip addr del "$LAB_RESOLVER_IP/32" dev lo 2>/dev/null || true
    fi
    LAB_RESOLVER_IP=
    lab_srv_resolver_files_remove
}

# Remove our /etc/netns/<server ns>/ files (only those that start with
# LAB_NETNS_MARK), then the directory and /etc/netns if they are empty.
lab_srv_resolver_files_remove() {
    local dir f
    dir=$(lab_netns_dir)
    [ -d "$dir" ] || return 0
    for f in $LAB_NETNS_FILES; do
        if [ -f "$dir/$f" ] && head -1 "$dir/$f" | grep -qF "$LAB_NETNS_MARK"; then
            rm -f "$dir/$f"
        fi
    done
    rmdir "$dir" 2>/dev/null && { rmdir /etc/netns 2>/dev/null || true; }
    return 0
}

# lab_capture_start FILE [pcap|pcapng] [extra capture args...]
# Starts tcpdump (pcap) or dumpcap (pcapng) on br0 in the bridge namespace.
lab_capture_start() {
    lab_capture_start_on "$LAB_NS_BR" br0 "$@"
}

# lab_capture_start_on NS DEV FILE [pcap|pcapng] [extra capture args...]
# Same, on any interface of one of the lab namespaces (e.g. the client's
# veth0 for a capture on the sending host).
lab_capture_start_on() {
    local ns=$1 dev=$2 file=$3 fmt=${4:-pcap}; shift 3; shift || true
    rm -f "$file"
    local err="$LAB_TMP/log/capture.err"
    : >"$err"
    if [ "$fmt" = pcapng ]; then
        LAB_CAP_TOOL=dumpcap
        ip netns exec "$ns" dumpcap -q -i "$dev" -w "$file" "$@" 2>"$err" &
    else
        LAB_CAP_TOOL=tcpdump
        # -Z root: Debian's tcpdump would otherwise drop to user tcpdump and
        # be unable to write into the repository.
        # --immediate-mode: no packets left behind in an unretired ring
        # block when tcpdump is stopped.
        ip netns exec "$ns" tcpdump -i "$dev" -n -U --immediate-mode -Z root -w "$file" "$@" 2>"$err" &
    fi
    LAB_CAP_PID=$!
    local _
    for _ in $(seq 1 100); do
        kill -0 "$LAB_CAP_PID" 2>/dev/null || { cat "$err" >&2; lab_die "$LAB_CAP_TOOL exited"; }
        if grep -qE 'listening on|Capturing on' "$err" && [ -s "$file" ]; then
            sleep 0.2
            return 0
        fi
        sleep 0.1
    done
    cat "$err" >&2
    lab_die "$LAB_CAP_TOOL did not start on $dev in $ns"
}

lab_capture_stop() {
    [ -n "$LAB_CAP_PID" ] || return 0
    sleep 1.5   # let the last FIN/ACKs pass and the capture ring drain
    kill -INT "$LAB_CAP_PID" 2>/dev/null || true
    wait "$LAB_CAP_PID" 2>/dev/null || true
    LAB_CAP_PID=
    grep -E 'packets (captured|received|dropped)|Packets' "$LAB_TMP/log/capture.err" 2>/dev/null |
        sed 's/^/    /' >&2 || true
}

# lab_capture_kernel_drops -- packets the last capture lost in the kernel
# (tcpdump's "dropped by kernel", dumpcap's received/dropped); "?" if the
# capture tool did not say.
lab_capture_kernel_drops() {
    local err="$LAB_TMP/log/capture.err" n
    n=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$err" 2>/dev/null | head -1)
    [ -n "$n" ] || n=$(sed -n "s|^Packets received/dropped on interface '[^']*': [0-9]*/\([0-9]*\).*|\1|p" "$err" 2>/dev/null | head -1)
    echo "${n:-?}"
}

# lab_smbclient SHARE [smbclient args...]  -- runs in the client namespace.
lab_smbclient() {
    lab_smbclient_as "$LAB_USER" "$LAB_PASS" "$@"
}

# lab_smbclient_as USER PASSWORD SHARE [smbclient args...]  -- same, with
# other credentials (wrong password, unknown user).
lab_smbclient_as() {
    local user=$1 pass=$2 share=$3; shift 3
    ip netns exec "$LAB_NS_CLI" "${LAB_PIN[@]}" smbclient "//$LAB_SRV_IP/$share" \
        -s "$LAB_TMP/client.conf" -U "$user%$pass" "$@"
}

# lab_inject_delay SYSCALL USEC NAME...  -- make smbd slow for a few paths:
# strace attaches to the smbd parent (-f: and to every per-client child it
# forks from now on, so call this before the client connects) and delays
# each SYSCALL whose path argument is exactly one of NAMEs by USEC
# microseconds (inject=...:delay_enter). smbd opens files relative to a
# directory fd (openat(dirfd, "name", ...)), so NAME is the bare file name
# as smbd passes it. Only matching calls are traced and delayed; the strace
# log is $LAB_TMP/log/strace.out (delayed calls end in "(DELAYED)").
lab_inject_delay() {
    local sc=$1 usec=$2; shift 2
    local paths=() p
    for p in "$@"; do paths+=(-P "$p"); done
    [ -n "$LAB_SMBD_PID" ] || lab_die "lab_inject_delay: smbd is not running"
    lab_inject_stop
    : >"$LAB_TMP/log/strace.err"
    # cd /: strace also resolves each -P path against its own cwd.
    (cd / && exec strace -f -qq -p "$LAB_SMBD_PID" -e trace="$sc" \
        -e inject="$sc:delay_enter=$usec" "${paths[@]}" \
        -o "$LAB_TMP/log/strace.out") 2>"$LAB_TMP/log/strace.err" &
    LAB_STRACE_PID=$!
    # Wait until the tracer is attached (smbd then shows a TracerPid).
    local _ tracer
    for _ in $(seq 1 50); do
        kill -0 "$LAB_STRACE_PID" 2>/dev/null ||
            { cat "$LAB_TMP/log/strace.err" >&2; LAB_STRACE_PID=; lab_die "strace could not attach to smbd (pid $LAB_SMBD_PID)"; }
        tracer=$(awk '/^TracerPid:/ {print $2}' "/proc/$LAB_SMBD_PID/status" 2>/dev/null)
        if [ -n "$tracer" ] && [ "$tracer" != 0 ]; then
            lab_log "strace (pid $LAB_STRACE_PID) on smbd: $sc delayed by ${usec} us for: $*"
            return 0
        fi
        sleep 0.1
    done
    cat "$LAB_TMP/log/strace.err" >&2
    lab_die "strace did not attach to smbd within 5 s"
}

# Detach strace from smbd again (no-op if it is not running).
lab_inject_stop() {
    [ -n "$LAB_STRACE_PID" ] || return 0
    kill -TERM "$LAB_STRACE_PID" 2>/dev/null || true
    wait "$LAB_STRACE_PID" 2>/dev/null || true
    LAB_STRACE_PID=
}

# lab_make_file PATH BYTES [SEED] -- deterministic pseudo-random content
# (AES-CTR keystream of a key derived from SEED), same bytes on every run.
lab_make_file() {
    local path=$1 bytes=$2 seed=${3:-netdiag}
    local key
    key=$(printf '%s' "$seed" | sha256sum | cut -c1-32)
    { openssl enc -aes-128-ctr -nosalt -K "$key" -iv 00000000000000000000000000000000 \
        -in /dev/zero 2>/dev/null || true; } | head -c "$bytes" >"$path"
    [ "$(stat -c %s "$path")" -eq "$bytes" ] || lab_die "could not create $path"
}
