#!/bin/bash
# The lab scenarios (tests/pcaps/README.md) must give exactly the findings
# their story calls for — no more, no fewer — for the finding families
# listed here. Families that later analyses add are compared only once they
# are named in the table.
# usage: scenarios.sh NETDIAG SOURCE_ROOT
set -u
netdiag=$1 root=$2
command -v python3 >/dev/null || { echo "SKIP: python3 is needed to read the JSON"; exit 77; }
python3 - "$netdiag" "$root" <<'PY'
import json, subprocess, sys
netdiag, root = sys.argv[1], sys.argv[2]
# capture -> finding ids expected among the ids starting with tcp. or capture.
expected = {
    "smb2-clean-transfer.pcap": set(),
    "smb2-clean-transfer.pcapng": set(),
    "smb2-offload-on.pcap": {"tcp.oversized_segments", "capture.truncated_packets"},
    "smb2-lso-drop.pcap": {"tcp.lso_drop_suspected", "capture.truncated_packets"},
    "smb2-lossy-link.pcap": {"tcp.network_loss"},
}
families = ("tcp.", "capture.")
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
