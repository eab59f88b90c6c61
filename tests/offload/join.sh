#!/bin/bash
# `netdiag analyze FILE --iface IFACE` joins the capture with the host's
# offload state: the lab capture smb2-lso-drop.pcap shows 10.231.0.1 sending
# oversized segments that are lost; on a namespace interface that owns
# 10.231.0.1, offload.tso_with_loss must fire while TSO/GSO are on and stay
# silent once they are off. Runs in a network namespace it creates.
# usage: join.sh NETDIAG SOURCE_ROOT
set -u
netdiag=$1 root=$2
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for a network namespace"; exit 77; }
command -v ethtool >/dev/null || { echo "SKIP: ethtool is not installed"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the JSON"; exit 77; }
ns=ndjoin-$$
ip netns add "$ns" || { echo "SKIP: cannot create network namespaces here"; exit 77; }
trap 'ip netns del "$ns" 2>/dev/null' EXIT
ip netns exec "$ns" ip link add vj type veth peer name vjp
ip netns exec "$ns" ip addr add 10.231.0.1/24 dev vj
ip netns exec "$ns" ip link set vj up
cap=$root/tests/pcaps/smb2-lso-drop.pcap
pass=0 fail=0
ids() {
	ip netns exec "$ns" "$netdiag" analyze --json -q --iface vj "$cap" |
		python3 -c 'import json,sys; print(" ".join(f["id"] for f in json.load(sys.stdin)["findings"]))'
}
check() { # NAME CONDITION-RESULT
	if [ "$2" = 0 ]; then echo "ok: $1"; pass=$((pass + 1)); else echo "FAIL: $1"; fail=$((fail + 1)); fi
}
ip netns exec "$ns" ethtool -K vj tso on gso on >/dev/null 2>&1
got=$(ids)
[[ " $got " == *" offload.tso_with_loss "* ]]
check "TSO/GSO on: offload.tso_with_loss fires ($got)" $?
ip netns exec "$ns" ethtool -K vj tso off gso off >/dev/null 2>&1
got=$(ids)
[[ " $got " != *" offload.tso_with_loss "* ]]
check "TSO/GSO off: offload.tso_with_loss silent ($got)" $?
ip netns exec "$ns" "$netdiag" analyze --json -q --iface nosuch0 "$cap" >/dev/null 2>"/tmp/$ns.err"
rc=$?
[ $rc -eq 2 ] && grep -q "^netdiag: nosuch0: " "/tmp/$ns.err"
check "unknown --iface: exit 2 and one line naming it (exit $rc)" $?
rm -f "/tmp/$ns.err"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
