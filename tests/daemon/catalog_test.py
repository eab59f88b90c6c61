#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every finding id in the sources has a MESSAGE_ID in src/daemon/msgid.c,
every MESSAGE_ID is unique and has an entry in catalog/netdiag.catalog."""
import glob
import re
import sys

root = sys.argv[1]
table = re.findall(r'\{"([a-z_.]+)", "([0-9a-f]{32})"\}', open(root + "/src/daemon/msgid.c").read())
ids = dict(table)
fail = 0
if len(set(ids.values())) != len(ids):
    print("FAIL duplicate MESSAGE_IDs"); fail = 1
used = set()
for f in glob.glob(root + "/src/diag/*.c") + glob.glob(root + "/src/daemon/*.c"):
    used |= set(re.findall(r'nd_findings_add\(\s*[^,]+,\s*"([a-z_]+\.[a-z_]+)"', open(f).read()))
    used |= set(re.findall(r'\?\s*nd_findings_add\(\s*out,\s*"([a-z_]+\.[a-z_]+)"', open(f).read()))
for u in sorted(used - set(ids)):
    print("FAIL finding id %s has no MESSAGE_ID in src/daemon/msgid.c" % u); fail = 1
catalog = open(root + "/catalog/netdiag.catalog").read()
cat_ids = re.findall(r"^-- ([0-9a-f]{32})$", catalog, re.M)
for fid, mid in table:
    if mid not in cat_ids:
        print("FAIL %s (%s) has no catalog entry" % (fid, mid)); fail = 1
for mid in cat_ids:
    if mid not in ids.values():
        print("FAIL catalog entry %s is not in the table" % mid); fail = 1
print("%d finding ids, %d used in the sources, %d catalog entries" % (len(ids), len(used), len(cat_ids)))
sys.exit(fail)
