#!/bin/bash
# The lab scenarios (tests/pcaps/README.md) must give exactly the findings
# their story calls for — no more, no fewer — among the tcp., capture. and
# smb. findings. Families that later analyses add are compared only once
# they are named here.
# usage: scenarios.sh NETDIAG SOURCE_ROOT
set -u
netdiag=$1 root=$2
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the JSON"; exit 77; }
python3 - "$netdiag" "$root" <<'PY'
import json, subprocess, sys
netdiag, root = sys.argv[1], sys.argv[2]
# capture -> the set of finding ids expected (a set: how many subjects a
# finding has is the regression test's business)
expected = {
    "smb2-clean-transfer.pcap": set(),
    "smb2-clean-transfer.pcapng": set(),
    "smb2-offload-on.pcap": {"tcp.oversized_segments", "capture.truncated_packets"},
    # smb.slow_writes went with the RTT-based rule (smb module rewrite); the
    # diag rewrite on smb.shares[].operations is to bring a slow-WRITE
    # finding back here (the WRITE is judged slow, with network trouble).
    "smb2-lso-drop.pcap": {"tcp.lso_drop_suspected", "capture.truncated_packets"},
    "smb2-lossy-link.pcap": {"tcp.network_loss"},
    "smb2-access-denied.pcap": {"smb.access_denied"},
    "smb2-bad-share.pcap": {"smb.bad_share"},
    "smb2-many-opens.pcap": {"smb.handle_leak_suspected"},
    "smb3-encrypted.pcap": {"smb.encrypted"},
}
families = ("tcp.", "capture.", "smb.")
passed = failed = 0
for cap, want in expected.items():
    out = subprocess.run([netdiag, "analyze", "--json", "-q", f"{root}/tests/pcaps/{cap}"],
                         capture_output=True, text=True)
    got = {f["id"] for f in json.loads(out.stdout)["findings"] if f["id"].startswith(families)}
    if got == want:
        passed += 1
        print(f"ok: {cap}: {sorted(got)}")
    else:
        failed += 1
        print(f"FAIL: {cap}: got {sorted(got)}, want {sorted(want)}")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
