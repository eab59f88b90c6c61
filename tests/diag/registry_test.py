#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The finding registry (src/diag/findings.def, evidence.def) is the one
place a finding is defined: the committed journal catalog and the reference
section of docs/findings.md must equal what `netdiag explain` generates from
it, MESSAGE_IDs are unique, and every finding a report carries — on every
bundled capture and, when present, the third-party corpus — uses a registered
id and only registered evidence keys, with keys, links and the verdict
consistent. usage: registry_test.py NETDIAG SOURCE_ROOT"""
import glob
import json
import os
import re
import subprocess
import sys

netdiag, root = sys.argv[1], sys.argv[2]
failed = passed = 0


def check(ok, what):
    global failed, passed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)


def run(*args):
    return subprocess.run([netdiag, *args], capture_output=True, text=True)


reg = json.loads(run("explain", "--json").stdout)
ids = {r["id"]: r for r in reg}
mids = [r["message_id"] for r in reg]
check(len(set(mids)) == len(mids), "MESSAGE_IDs are unique")
check(all(re.fullmatch(r"[0-9a-f]{32}", m) for m in mids), "MESSAGE_IDs are 32 hex digits")

catalog = open(os.path.join(root, "catalog/netdiag.catalog")).read()
check(catalog == run("explain", "--catalog").stdout,
      "catalog/netdiag.catalog differs from `netdiag explain --catalog` (scripts/update-generated.sh)")
doc = open(os.path.join(root, "docs/findings.md")).read()
m = re.search(r"<!-- BEGIN GENERATED[^\n]*-->\n(.*)<!-- END GENERATED -->", doc, re.S)
check(m is not None and m.group(1) == run("explain", "--markdown").stdout,
      "docs/findings.md differs from `netdiag explain --markdown` (scripts/update-generated.sh)")
for fid in ids:
    check(run("explain", fid).returncode == 0, "netdiag explain %s" % fid)

units = ("_ms", "_s", "_bytes", "_bits_per_s", "_percent")


def check_report(name, d):
    fs = d["findings"]
    keys = [f["key"] for f in fs]
    check(len(set(keys)) == len(keys), "%s: finding keys are unique" % name)
    for f in fs:
        r = ids.get(f["id"])
        check(r is not None, "%s: finding id %s is not in the registry" % (name, f["id"]))
        if not r:
            continue
        for k in f["evidence"]:
            check(k in r["evidence"], "%s: %s carries unregistered evidence %s" % (name, f["id"], k))
        for c in f["explained_by"]:
            check(c in keys, "%s: %s explained by unknown key %s" % (name, f["key"], c))
        check(f["role"] == "symptom" if f["explained_by"] else True,
              "%s: %s is explained but not a symptom" % (name, f["key"]))
        check(f["message_id"] == r["message_id"], "%s: %s MESSAGE_ID" % (name, f["id"]))
    fixes = [(f["subject"]["name"], f["fix"]) for f in fs if f["fix"]]
    check(len(set(fixes)) == len(fixes), "%s: two findings give the same fix for one subject" % name)
    check(all(not f["fix"] for f in fs if f["explained_by"]),
          "%s: an explained symptom carries a fix of its own" % name)
    v = d["verdict"]
    by_key = {f["key"]: f for f in fs}
    check(all(by_key.get(k, {}).get("role") == "cause" for k in v["causes"]),
          "%s: verdict causes are root-cause findings" % name)
    check((v["status"] == "problems") == bool(v["causes"]), "%s: status matches causes" % name)


def captures():
    for p in sorted(glob.glob(os.path.join(root, "tests/pcaps/*.pcap*"))):
        yield p
    corpus = os.path.join(root, "..", "shared", "corpus")
    for p in sorted(glob.glob(os.path.join(corpus, "**", "*.pcap*"), recursive=True)):
        yield p
    for p in sorted(glob.glob(os.path.join(corpus, "**", "*.cap"), recursive=True)):
        yield p


for p in captures():
    out = run("analyze", "--json", "-q", p)
    try:
        check_report(os.path.basename(p), json.loads(out.stdout))
    except ValueError:
        check(False, "%s: no JSON document" % p)
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
