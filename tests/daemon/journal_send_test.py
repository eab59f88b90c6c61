#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Findings reach the journal as structured entries. No journald runs here, so
this test plays it: run inside a private mount namespace with a fresh /run
(journal_send.sh sets that up), it binds /run/systemd/journal/socket — where
sd_journal_send() writes — decodes the native protocol of each datagram, and
checks the entry netdiag daemon writes for an AppArmor denial: MESSAGE_ID,
PRIORITY, NETDIAG_FINDING, NETDIAG_SHARE, NETDIAG_PATH and a readable MESSAGE.

usage: journal_send_test.py NETDIAG JOURNAL_REMOTE"""
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

NETDIAG, REMOTE = sys.argv[1], sys.argv[2]
SOCK = "/run/systemd/journal/socket"
entries, lock = [], threading.Lock()
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def parse_native(data):
    """journald's native protocol: KEY=VALUE lines, or KEY, a 64-bit
    little-endian length, the binary value and a newline."""
    fields, i = {}, 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1)
            fields[k.decode()] = v.decode(errors="replace")
            i = nl + 1
        else:
            (n,) = struct.unpack_from("<Q", data, nl + 1)
            start = nl + 9
            fields[line.decode()] = data[start:start + n].decode(errors="replace")
            i = start + n + 1
    return fields


def journald(sock):
    while True:
        data = sock.recv(1 << 20)
        with lock:
            entries.append(parse_native(data))


os.makedirs(os.path.dirname(SOCK), exist_ok=True)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
srv.bind(SOCK)
threading.Thread(target=journald, args=(srv,), daemon=True).start()

tmp = tempfile.mkdtemp(prefix="nd-jsend.")
jdir, state = os.path.join(tmp, "journal"), os.path.join(tmp, "state")
os.makedirs(jdir)
os.makedirs(state)
smb = os.path.join(tmp, "smb.conf")
with open(smb, "w") as f:
    f.write("[global]\n  workgroup = WG\n[winshare]\n  path = /mnt/data/winshare\n")
conf = os.path.join(tmp, "netdiag.conf")
ffile = os.path.join(tmp, "findings.jsonl")
with open(conf, "w") as f:
    f.write(f"journal_dir = {jdir}\nstate_dir = {state}\nsmb_conf = {smb}\n"
            f"findings_file = {ffile}\njournal_send = yes\nrate_limit = 0\n")

env = dict(os.environ)
env.pop("NOTIFY_SOCKET", None)
p = subprocess.Popen([NETDIAG, "daemon", "--config", conf], env=env,
                     stderr=subprocess.PIPE, text=True)
time.sleep(1.0)
now = int(time.time() * 1e6)
export = (f"__REALTIME_TIMESTAMP={now}\n__MONOTONIC_TIMESTAMP=1000\n"
          "_BOOT_ID=3a1f0c8e5b7d4e2f9a6b1c0d2e3f4a5b\n_TRANSPORT=kernel\n"
          "SYSLOG_IDENTIFIER=kernel\nPRIORITY=5\n"
          f"MESSAGE=audit: type=1400 audit({now // 1000000}.123:77): "
          'apparmor="DENIED" operation="open" profile="smbd" name="/mnt/data/winshare/" '
          'pid=5535 comm="smbd" requested_mask="r" denied_mask="r" fsuid=1000 ouid=1000\n\n')
r = subprocess.run([REMOTE, "--output=" + os.path.join(jdir, "a.journal"), "-"],
                   input=export.encode(), capture_output=True)
check(r.returncode == 0, "journal file written with systemd-journal-remote")

mine = []
for _ in range(100):
    with lock:
        mine = [e for e in entries if e.get("NETDIAG_FINDING", "").startswith("apparmor.")]
    if mine:
        break
    time.sleep(0.1)
# The audit-route copy of the same denial (same boot, stamp and serial),
# arriving in a later batch, must not be reported again.
stamp = (now // 1000000) * 1000000 + 123000
audit = (f"__REALTIME_TIMESTAMP={now + 200}\n__MONOTONIC_TIMESTAMP=1200\n"
         "_BOOT_ID=3a1f0c8e5b7d4e2f9a6b1c0d2e3f4a5b\n_TRANSPORT=audit\n_AUDIT_TYPE=1400\n"
         f"_AUDIT_ID=77\n_SOURCE_REALTIME_TIMESTAMP={stamp}\nSYSLOG_IDENTIFIER=audit\n"
         'MESSAGE=AVC apparmor="DENIED" operation="open" profile="smbd" name="/mnt/data/winshare/" '
         'pid=5535 comm="smbd" requested_mask="r" denied_mask="r" fsuid=1000 ouid=1000\n\n')
r = subprocess.run([REMOTE, "--output=" + os.path.join(jdir, "b.journal"), "-"],
                   input=audit.encode(), capture_output=True)
time.sleep(1.5)
with lock:
    again = [e for e in entries if e.get("NETDIAG_FINDING", "").startswith("apparmor.")]
check(len(again) == len(mine), "the audit-route copy in a later batch is not reported again "
      "(%d entries)" % len(again))
with open(ffile) as f:
    check(len(f.read().splitlines()) == 1, "findings file has one line")
p.send_signal(signal.SIGTERM)
_, err = p.communicate(timeout=10)
check(p.returncode == 0, "daemon exits 0 on SIGTERM (%s)" % p.returncode)
check(len(mine) == 1, "one journal entry for the denial (%d): %s" % (len(mine), err.strip()[:200]))
if mine:
    e = mine[0]
    check(e.get("NETDIAG_FINDING") == "apparmor.share_denied", "NETDIAG_FINDING=apparmor.share_denied")
    check(re.fullmatch(r"[0-9a-f]{32}", e.get("MESSAGE_ID", "")) is not None,
          "MESSAGE_ID is a 128-bit id: " + e.get("MESSAGE_ID", "-"))
    check(e.get("PRIORITY") == "3", "PRIORITY=3 for an error finding (%s)" % e.get("PRIORITY"))
    check(e.get("NETDIAG_SHARE") == "winshare", "NETDIAG_SHARE=winshare (%s)" % e.get("NETDIAG_SHARE"))
    check("winshare" in e.get("MESSAGE", "") and "lrwk" in e.get("MESSAGE", ""),
          "MESSAGE names the share and the fix")
shutil.rmtree(tmp, ignore_errors=True)
print(f"{7 + (5 if mine else 0) - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
