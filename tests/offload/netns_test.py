#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""netdiag offload against ethtool and iproute2 in a private network namespace.

Makes veth pairs, a bridge with two veth ports and a tap in a namespace
named ndoff-<pid>, toggles features with `ethtool -K` and MTUs with
`ip link`, and after every change checks that `netdiag offload --json`
agrees with `ethtool --json -k` (every feature netdiag reports: active,
requested, fixed) and with `ethtool -k` text (the highlighted lines), with
`ip -j -d link` (MTU, GSO/GRO/TSO limits, master, state, kind), and that the
SIOCETHTOOL fallback (NETDIAG_ETHTOOL_IOCTL=1) gives the same features as
netlink. Then that the findings fire on the setups that cause them and stay
silent on a clean one, and the bad-input contract.

Usage: netns_test.py NETDIAG. Exit 77 (skip) without root, ip, ethtool or
network namespaces. The namespace is always deleted.
"""
import fnmatch
import json
import os
import shutil
import subprocess
import sys

NETDIAG = sys.argv[1] if len(sys.argv) > 1 else "netdiag"
NS = "ndoff-%d" % os.getpid()

# ethtool's legacy groups (common.c off_flag_def): a group that matches
# exactly one kernel feature is printed under the group's name instead.
LEGACY = [
    ("rx-checksumming", "rx-checksum"),
    ("tx-checksumming", "tx-checksum-*"),
    ("scatter-gather", "tx-scatter-gather*"),
    ("tcp-segmentation-offload", "tx-tcp*-segmentation"),
    ("udp-fragmentation-offload", "tx-udp-fragmentation"),
    ("generic-segmentation-offload", "tx-generic-segmentation"),
    ("generic-receive-offload", "rx-gro"),
    ("large-receive-offload", "rx-lro"),
    ("rx-vlan-offload", "rx-vlan-hw-parse"),
    ("tx-vlan-offload", "tx-vlan-hw-insert"),
    ("ntuple-filters", "rx-ntuple-filter"),
    ("receive-hashing", "rx-hashing"),
]
HIGHLIGHTED = [
    "tx-tcp-segmentation", "tx-tcp6-segmentation", "tx-generic-segmentation", "rx-gro",
    "rx-lro", "tx-scatter-gather", "tx-checksum-ipv4", "tx-checksum-ip-generic",
    "tx-checksum-ipv6", "rx-checksum", "tx-udp-segmentation", "rx-gro-hw",
]

checks = 0
failures = []


def skip(reason):
    print("SKIP: " + reason)
    sys.exit(77)


def sh(*args, check=True, env=None):
    p = subprocess.run(list(args), capture_output=True, text=True, env=env)
    if check and p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.strip()))
    return p


def nsx(*args, check=True, env=None):
    return sh("ip", "netns", "exec", NS, *args, check=check, env=env)


def expect(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL: " + what)


def netdiag(*args, ioctl=False):
    env = dict(os.environ)
    env.pop("NETDIAG_ETHTOOL_IOCTL", None)
    if ioctl:
        env["NETDIAG_ETHTOOL_IOCTL"] = "1"
    return nsx(NETDIAG, "offload", *args, check=False, env=env)


def netdiag_json(*args, ioctl=False, want_rc=None):
    p = netdiag("--json", *args, ioctl=ioctl)
    if want_rc is not None:
        expect(p.returncode == want_rc, "netdiag offload --json %s: exit %d, want %d (%s)"
               % (" ".join(args), p.returncode, want_rc, p.stderr.strip()))
    doc = json.loads(p.stdout)
    return doc, p


def ethtool_features(name, kernel_names):
    """ethtool --json -k, with single-feature legacy groups renamed back."""
    raw = json.loads(nsx("ethtool", "--json", "-k", name).stdout)[0]
    out = {}
    for key, val in raw.items():
        if isinstance(val, dict) and val.get("fixed") is not None:
            out[key] = val
    for group, pattern in LEGACY:
        matches = [k for k in kernel_names if fnmatch.fnmatchcase(k, pattern)]
        if len(matches) == 1 and group in out:
            out[matches[0]] = out.pop(group)
    return out


def ethtool_text(name, kernel_names):
    """ethtool -k lines: feature -> 'on [fixed]' (groups renamed as above)."""
    lines = {}
    for line in nsx("ethtool", "-k", name).stdout.splitlines()[1:]:
        key, _, val = line.strip().partition(": ")
        lines[key] = val
    for group, pattern in LEGACY:
        matches = [k for k in kernel_names if fnmatch.fnmatchcase(k, pattern)]
        if len(matches) == 1 and group in lines:
            lines[matches[0]] = lines.pop(group)
    return lines


def text_features(stdout):
    """netdiag offload text: iface -> {feature: 'on [fixed]'}."""
    res, cur = {}, None
    for line in stdout.splitlines():
        if line and not line.startswith(" ") and "  " in line and ", mtu " in line:
            cur = line.split()[0]
            res[cur] = {}
        elif cur and line.startswith("    ") and ": " in line:
            k, _, v = line.strip().partition(": ")
            res[cur][k] = v
    return res


def iproute(name):
    return json.loads(nsx("ip", "-j", "-d", "link", "show", "dev", name).stdout)[0]


def compare(names, label):
    """Every reported feature against ethtool; links against ip; ioctl
    against netlink; text against ethtool -k."""
    doc, p = netdiag_json(*names)
    ifs = {i["name"]: i for i in doc["offload"]["interfaces"]}
    expect(doc["netdiag"]["command"] == "offload" and doc["netdiag"]["schema"] == 2,
           "%s: meta object" % label)
    expect(set(names) <= set(ifs), "%s: interfaces %s reported (got %s)" % (label, names, sorted(ifs)))
    io, _ = netdiag_json(*names, ioctl=True)
    io_ifs = {i["name"]: i for i in io["offload"]["interfaces"]}
    txt = text_features(netdiag(*names).stdout)
    for name, i in ifs.items():
        feats = i["features"]
        expect(i["feature_source"] == "netlink", "%s %s: source netlink" % (label, name))
        expect(len(feats) > 30, "%s %s: %d features" % (label, name, len(feats)))
        eth = ethtool_features(name, list(feats))
        for fname, st in feats.items():
            e = eth.get(fname)
            if e is None:
                expect(False, "%s %s: ethtool does not show %s" % (label, name, fname))
                continue
            for key in ("active", "requested", "fixed"):
                expect(st[key] == e[key], "%s %s %s.%s: netdiag %s, ethtool %s"
                       % (label, name, fname, key, st[key], e[key]))
        missing = set(eth) - set(feats)
        expect(not missing, "%s %s: ethtool shows features netdiag lacks: %s"
               % (label, name, sorted(missing)))
        # The ioctl fallback sees the same kernel fields.
        j = io_ifs.get(name)
        expect(j is not None and j["feature_source"] == "ioctl",
               "%s %s: ioctl source" % (label, name))
        expect(j is not None and j["features"] == feats,
               "%s %s: ioctl features differ from netlink" % (label, name))
        # The text lines read exactly as ethtool -k's.
        et = ethtool_text(name, list(feats))
        for fname in HIGHLIGHTED:
            if fname in feats:
                expect(txt.get(name, {}).get(fname) == et.get(fname),
                       "%s %s text %s: netdiag '%s', ethtool '%s'"
                       % (label, name, fname, txt.get(name, {}).get(fname), et.get(fname)))
        # rtnetlink against ip -d link.
        ipl = iproute(name)
        for key in ("mtu", "min_mtu", "max_mtu", "gso_max_size", "gso_max_segs",
                    "gro_max_size", "tso_max_size", "tso_max_segs"):
            if key in ipl:
                expect(i[key] == ipl[key], "%s %s %s: netdiag %s, ip %s"
                       % (label, name, key, i[key], ipl[key]))
        expect(i["master"] == ipl.get("master"), "%s %s master: %s vs %s"
               % (label, name, i["master"], ipl.get("master")))
        expect(i["oper_state"].upper() == ipl["operstate"], "%s %s oper_state %s vs %s"
               % (label, name, i["oper_state"], ipl["operstate"]))
        kind = ipl.get("linkinfo", {}).get("info_kind") or (
            "loopback" if ipl.get("link_type") == "loopback" else "physical")
        expect(i["kind"] == kind, "%s %s kind %s vs %s" % (label, name, i["kind"], kind))
    return doc


def ethtool_k(name, *settings):
    # Exit 1 ("Could not change any device features") is a state too.
    nsx("ethtool", "-K", name, *settings, check=False)


def finding_ids(doc):
    return sorted((f["id"], f["subject"]["name"]) for f in doc["findings"])


def main():
    if os.geteuid() != 0:
        skip("needs root for network namespaces")
    for tool in ("ip", "ethtool"):
        if not shutil.which(tool):
            skip(tool + " is not installed")
    if sh("ip", "netns", "add", NS, check=False).returncode != 0:
        skip("cannot create a network namespace")
    try:
        run()
    finally:
        sh("ip", "netns", "del", NS, check=False)
    print("%d checks, %d failures" % (checks, len(failures)))
    return 1 if failures else 0


def run():
    n = ["ip", "-n", NS]
    sh(*n, "link", "add", "name", "v0a", "type", "veth", "peer", "name", "v0b")
    sh(*n, "link", "add", "name", "br0", "type", "bridge")
    for p in ("p1", "p2"):
        sh(*n, "link", "add", "name", p, "type", "veth", "peer", "name", p + "x")
        sh(*n, "link", "set", "dev", p, "master", "br0")
    for dev in ("v0a", "v0b", "br0", "p1", "p1x", "p2", "p2x", "lo"):
        sh(*n, "link", "set", "dev", dev, "up")
    have_tap = sh(*n, "tuntap", "add", "dev", "t0", "mode", "tap", check=False).returncode == 0

    # Clean setup: nothing to report, exit 0; the bridge brings its ports.
    doc, _ = netdiag_json("br0", "v0a", "v0b", want_rc=0)
    expect(doc["findings"] == [], "clean setup: no findings (got %s)" % finding_ids(doc))
    expect(doc["verdict"]["status"] == "healthy" and doc["verdict"]["causes"] == [],
           "clean setup: healthy verdict (%s)" % doc["verdict"])
    names = [i["name"] for i in doc["offload"]["interfaces"]]
    expect(names == ["br0", "p1", "p2", "v0a", "v0b"], "bridge ports follow it: %s" % names)
    br = doc["offload"]["interfaces"][0]
    expect(br["kind"] == "bridge" and br["ports"] == ["p1", "p2"], "br0 kind and ports")
    expect(doc["offload"]["interfaces"][1]["master"] == "br0", "p1 master br0")

    base = ["br0", "p1", "p2", "v0a", "lo"] + (["t0"] if have_tap else [])
    compare(base, "defaults")

    # Every toggle, one at a time, on a veth, a bridge port and the bridge.
    toggles = [
        ("tso", "off"), ("tso", "on"), ("gso", "off"), ("gso", "on"), ("gro", "on"),
        ("gro", "off"), ("lro", "on"), ("lro", "off"), ("sg", "off"), ("sg", "on"),
        ("tx", "off"), ("tx", "on"), ("rx", "off"), ("rx", "on"),
        ("tx-udp-segmentation", "off"), ("tx-udp-segmentation", "on"),
        ("tx-checksum-ip-generic", "off"), ("tx-checksum-ip-generic", "on"),
        ("tx-tcp6-segmentation", "off"), ("tx-tcp6-segmentation", "on"),
    ]
    for dev in ("v0a", "p1", "br0") + (("t0",) if have_tap else ()):
        for feat, val in toggles:
            ethtool_k(dev, feat, val)
            compare([dev], "%s %s %s" % (dev, feat, val))
    # Several states at once, including requested-on-but-off everywhere.
    ethtool_k("v0a", "sg", "off", "gro", "on", "rx", "off")
    ethtool_k("p2", "tso", "off", "tx", "off")
    compare(["v0a", "br0"], "combined")
    ethtool_k("v0a", "sg", "on", "gro", "off", "rx", "on")
    ethtool_k("p2", "tso", "on", "tx", "on")

    # offload.requested_not_active: sg off on every port, so the bridge has
    # no sg and keeps GSO/TSO off although requested: the seed's
    # "generic-segmentation-offload: off [requested on]" on br0.
    ethtool_k("p1", "sg", "off")
    ethtool_k("p2", "sg", "off")
    out = nsx("ethtool", "-k", "br0").stdout
    expect("generic-segmentation-offload: off [requested on]" in out,
           "setup: br0 shows gso off [requested on]")
    doc = compare(["br0"], "sg off on ports")
    ids = finding_ids(doc)
    expect(("offload.requested_not_active", "br0") in ids, "requested_not_active on br0: %s" % ids)
    f = [x for x in doc["findings"] if x["subject"]["name"] == "br0"][0]
    expect("tx-generic-segmentation" in f["summary"] and f["severity"] == "warning",
           "br0 finding names gso: %s" % f["summary"])
    expect("`ethtool -K p1 sg on`" in f["advice"] and "Disable-NetAdapterLso" in f["advice"],
           "br0 advice: %s" % f["advice"])
    expect(f["subject"]["kind"] == "interface", "subject kind interface")
    # The verdict model: the first command is the fix, the kernel feature
    # names are evidence, and nothing explains it, so it is the root cause.
    expect(f["fix"].startswith("ethtool -K br0 ") and "tx-generic-segmentation off" in f["fix"],
           "br0 fix: %r" % f["fix"])
    expect("tx-generic-segmentation" in f["evidence"]["features"]
           and f["evidence"]["segmentation_features"] >= 1
           and f["evidence"]["mtu_bytes"] == 1500, "br0 evidence %s" % f["evidence"])
    expect(f["role"] == "cause" and doc["verdict"]["status"] == "problems"
           and "offload.requested_not_active:br0" in doc["verdict"]["causes"],
           "br0 is a root cause: %s %s" % (f["role"], doc["verdict"]))
    p = netdiag("br0")
    expect(p.returncode == 1, "exit 1 with a warning (got %d)" % p.returncode)
    expect("off [requested on]" in p.stdout and "offload.requested_not_active" in p.stdout,
           "text report shows it")
    ethtool_k("p1", "sg", "on")
    ethtool_k("p2", "sg", "on")
    doc, _ = netdiag_json("br0", want_rc=0)
    expect(doc["findings"] == [], "sg back on: silent (%s)" % finding_ids(doc))

    # offload.bridge_mtu_mismatch: ports with different MTUs (the bridge
    # follows the smallest), then a user-set bridge MTU above a port's.
    sh(*n, "link", "set", "dev", "p1", "mtu", "9000")
    doc = compare(["br0"], "p1 mtu 9000")
    ids = finding_ids(doc)
    expect(("offload.bridge_mtu_mismatch", "br0") in ids, "mtu mismatch fires: %s" % ids)
    f = [x for x in doc["findings"] if x["id"] == "offload.bridge_mtu_mismatch"][0]
    # Evidence keys carry their unit (_bytes) since the verdict model.
    expect(f["severity"] == "warning" and f["evidence"]["max_port_mtu_bytes"] == 9000
           and f["evidence"]["min_port_mtu_bytes"] == 1500
           and f["evidence"]["bridge_mtu_bytes"] == 1500 and f["evidence"]["ports"] == 2,
           "mtu mismatch evidence %s" % f["evidence"])
    expect("`ip link set dev p1 mtu 1500`" in f["advice"], "mtu advice %s" % f["advice"])
    # The first command is the fix, without backquotes; it is a root cause.
    expect(f["fix"] == "ip link set dev p1 mtu 1500", "mtu fix %r" % f["fix"])
    expect(f["role"] == "cause" and f["key"] == "offload.bridge_mtu_mismatch:br0",
           "mtu mismatch role/key %s %s" % (f["role"], f["key"]))
    expect(doc["verdict"]["status"] == "problems"
           and doc["verdict"]["causes"] == ["offload.bridge_mtu_mismatch:br0"],
           "mtu mismatch verdict %s" % doc["verdict"])
    # A bridge MTU set by the user (to a new value: setting the current one
    # is a no-op that does not pin it) stays above its ports.
    sh(*n, "link", "set", "dev", "p1", "mtu", "1500")
    sh(*n, "link", "set", "dev", "br0", "mtu", "9000")
    expect(iproute("br0")["mtu"] == 9000, "setup: br0 MTU 9000 above its ports")
    doc, p = netdiag_json("br0", want_rc=1)
    f = [x for x in doc["findings"] if x["id"] == "offload.bridge_mtu_mismatch"]
    expect(f and f[0]["severity"] == "error" and f[0]["evidence"]["bridge_mtu_bytes"] == 9000
           and f[0]["evidence"]["ports_below_bridge_mtu"] == 2, "ports below bridge MTU: %s" % f)
    for dev in ("p1", "p2"):
        sh(*n, "link", "set", "dev", dev, "mtu", "1500")
    sh(*n, "link", "set", "dev", "br0", "mtu", "1500")
    doc, _ = netdiag_json("br0", want_rc=0)
    expect(doc["findings"] == [], "MTUs equal again: silent (%s)" % finding_ids(doc))

    # offload.lro_on_forwarding: no virtual device here lets LRO on (veth,
    # bridge and tap have rx-lro fixed off; the kernel also turns LRO off on
    # bridge ports): check that, the rule itself is unit-tested.
    ethtool_k("p1", "lro", "on")
    doc, _ = netdiag_json("p1")
    lro = doc["offload"]["interfaces"][0]["features"]["rx-lro"]
    expect(not lro["active"], "rx-lro stays off on a veth bridge port")
    expect(not any(f["id"] == "offload.lro_on_forwarding" for f in doc["findings"]),
           "no lro finding")

    # Bad input: the unknown one gets a line on stderr and exit 2; the
    # others are still reported.
    doc, p = netdiag_json("nosuch0", "v0a", want_rc=2)
    expect("netdiag: nosuch0: no such interface" in p.stderr, "stderr names it: %r" % p.stderr)
    expect(len(p.stderr.strip().splitlines()) == 1, "one line on stderr")
    expect([i["name"] for i in doc["offload"]["interfaces"]] == ["v0a"], "v0a still reported")
    expect(doc["offload"]["errors"] == [{"name": "nosuch0", "error": "no such interface"}],
           "errors[] %s" % doc["offload"]["errors"])
    # What could not be read is a gap, not a problem: offload.unreadable
    # (context, incomplete) and an incomplete verdict.
    expect(finding_ids(doc) == [("offload.unreadable", "nosuch0")]
           and doc["findings"][0]["role"] == "context" and doc["findings"][0]["incomplete"],
           "unreadable interface finding: %s" % finding_ids(doc))
    expect(doc["verdict"]["status"] == "incomplete"
           and doc["verdict"]["incomplete"] == ["offload.unreadable:nosuch0"],
           "unreadable interface verdict: %s" % doc["verdict"])
    p = netdiag("averyveryverylongname0")
    expect(p.returncode == 2 and "netdiag: averyveryverylongname0: no such interface" in p.stderr,
           "long name: %r" % p.stderr)
    p = netdiag()
    expect(p.returncode == 2 and "no interface given" in p.stderr, "no argument: usage error")
    p = netdiag("--all", "v0a")
    expect(p.returncode == 2, "--all with names: usage error")
    p = netdiag("--bogus")
    expect(p.returncode == 2, "unknown option: usage error")

    # --all: every interface of the namespace, in ifindex order, once.
    doc, p = netdiag_json("--all", want_rc=0)
    got = [i["name"] for i in doc["offload"]["interfaces"]]
    want = [l["ifname"] for l in json.loads(nsx("ip", "-j", "link", "show").stdout)]
    expect(got == want, "--all lists %s, ip lists %s" % (got, want))
    io, _ = netdiag_json("--all", ioctl=True, want_rc=0)
    expect([i["features"] for i in io["offload"]["interfaces"]]
           == [i["features"] for i in doc["offload"]["interfaces"]], "--all: ioctl == netlink")


if __name__ == "__main__":
    sys.exit(main())
