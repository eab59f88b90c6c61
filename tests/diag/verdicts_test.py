#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The hand-reviewed verdict table (tests/diag/verdicts.txt): for every
capture in tests/pcaps/ and, when ../shared/corpus is present, every capture
there, `netdiag analyze --json` must give exactly the expected verdict
status, the expected root causes in order, and the expected symptoms each
explained by its cause. Healthy captures (tests/pcaps/*-healthy-*) must also
exit 0 with no finding at warning or above. A capture without an entry fails.
usage: verdicts_test.py NETDIAG SOURCE_ROOT"""
import glob
import json
import os
import subprocess
import sys

netdiag, root = sys.argv[1], sys.argv[2]
corpus = os.path.normpath(os.path.join(root, "..", "shared", "corpus"))


def parse(path):
    """[capture] blocks of `status = `, `cause = ID : reason`,
    `symptom = ID <- CAUSE_ID : reason` lines; '#' comments."""
    table, cur = {}, None
    for n, raw in enumerate(open(path), 1):
        line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        if line.startswith("["):
            cur = {"status": None, "causes": [], "symptoms": [], "line": n}
            table[line.strip("[] ")] = cur
            continue
        key, _, val = line.partition("=")
        key, val = key.strip(), val.strip()
        what, _, reason = val.partition(" : ")
        if not reason.strip():
            sys.exit("%s:%d: every expectation needs ' : a reason'" % (path, n))
        if key == "status":
            cur["status"] = what.strip()
        elif key == "cause":
            cur["causes"].append(what.strip())
        elif key == "symptom":
            sym, _, cause = what.partition("<-")
            cur["symptoms"].append((sym.strip(), cause.strip()))
        else:
            sys.exit("%s:%d: unknown key %s" % (path, n, key))
    return table


def captures():
    for p in sorted(glob.glob(os.path.join(root, "tests/pcaps/*.pcap*"))):
        yield os.path.relpath(p, root), p
    if os.path.isdir(corpus):
        for p in sorted(glob.glob(os.path.join(corpus, "**", "*"), recursive=True)):
            if os.path.isfile(p) and not p.endswith(".md"):
                yield "corpus:" + os.path.relpath(p, corpus), p


def analyze(p):
    out = subprocess.run([netdiag, "analyze", "--json", "-q", p], capture_output=True, text=True)
    return out.returncode, json.loads(out.stdout)


def got_of(d):
    by_key = {f["key"]: f for f in d["findings"]}
    causes = [by_key[k]["id"] for k in d["verdict"]["causes"]]
    symptoms = sorted((f["id"], by_key[c]["id"]) for f in d["findings"]
                      if f["role"] == "symptom" for c in f["explained_by"])
    return d["verdict"]["status"], causes, symptoms


table = parse(os.path.join(root, "tests/diag/verdicts.txt"))
passed = failed = 0
for name, p in captures():
    want = table.pop(name, None)
    if want is None:
        print("FAIL %s: no entry in tests/diag/verdicts.txt" % name)
        failed += 1
        continue
    rc, d = analyze(p)
    status, causes, symptoms = got_of(d)
    problems = []
    if status != want["status"]:
        problems.append("status %s, want %s" % (status, want["status"]))
    if causes != want["causes"]:
        problems.append("causes %s, want %s" % (causes, want["causes"]))
    if symptoms != sorted(want["symptoms"]):
        problems.append("symptoms %s, want %s" % (symptoms, sorted(want["symptoms"])))
    if "-healthy-" in name:
        loud = [f["id"] for f in d["findings"] if f["severity"] != "info"]
        if rc != 0 or loud:
            problems.append("healthy capture: exit %d, warnings %s" % (rc, loud))
    if problems:
        failed += 1
        print("FAIL %s: %s\n  headline: %s" % (name, "; ".join(problems), d["verdict"]["headline"]))
    else:
        passed += 1
        print("ok %s: %s %s" % (name, status, causes))
for name in table:
    if not name.startswith("corpus:") or os.path.isdir(corpus):
        print("FAIL %s: listed in verdicts.txt but not found" % name)
        failed += 1
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
