#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""netdiag daemon end to end, without systemd: a datagram socket plays the
service manager (NOTIFY_SOCKET, WATCHDOG_USEC), journal files are made with
systemd-journal-remote from export format, findings are read from
--findings-file and counters from --metrics-file.

usage: daemon_test.py NETDIAG JOURNAL_REMOTE PROMTOOL   ('' when missing)"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

NETDIAG, REMOTE, PROMTOOL = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []
serial = [1000]


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def denial(path, profile="smbd"):
    """One kernel-route AppArmor DENIED entry in journal export format."""
    serial[0] += 1
    now = int(time.time() * 1e6)
    return (f"__REALTIME_TIMESTAMP={now}\n__MONOTONIC_TIMESTAMP={serial[0] * 1000}\n"
            "_BOOT_ID=3a1f0c8e5b7d4e2f9a6b1c0d2e3f4a5b\n_TRANSPORT=kernel\n"
            "SYSLOG_IDENTIFIER=kernel\nPRIORITY=5\n"
            f"MESSAGE=audit: type=1400 audit({now // 1000000}.123:{serial[0]}): "
            f'apparmor="DENIED" operation="open" profile="{profile}" name="{path}" '
            'pid=5535 comm="smbd" requested_mask="r" denied_mask="r" fsuid=1000 ouid=1000\n\n')


def samba_error(msg):
    now = int(time.time() * 1e6)
    return (f"__REALTIME_TIMESTAMP={now}\n__MONOTONIC_TIMESTAMP=1\n"
            "_BOOT_ID=3a1f0c8e5b7d4e2f9a6b1c0d2e3f4a5b\n_TRANSPORT=stdout\n"
            f"_COMM=smbd\nSYSLOG_IDENTIFIER=smbd\nPRIORITY=3\nMESSAGE={msg}\n\n")


def noise():
    now = int(time.time() * 1e6)
    return (f"__REALTIME_TIMESTAMP={now}\n__MONOTONIC_TIMESTAMP=1\n_TRANSPORT=kernel\n"
            "PRIORITY=6\nMESSAGE=e1000e: eth0 NIC Link is Up\n\n")


def journal_write(path, text):
    r = subprocess.run([REMOTE, "--output=" + path, "-"], input=text.encode(),
                       capture_output=True)
    if r.returncode != 0:
        sys.exit("systemd-journal-remote failed: " + r.stderr.decode())


class Manager:
    """The notify socket a service manager would own. A thread reads it all
    the time, as systemd does: a full queue would block sd_notify()."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.path = path
        self.msgs = []
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            m = self.sock.recv(4096).decode()
            with self.lock:
                self.msgs.append(m)

    def pump(self, timeout):
        time.sleep(timeout)

    def wait_for(self, line, timeout=10):
        end = time.time() + timeout
        while time.time() < end:
            self.pump(0.05)
            with self.lock:
                for i, m in enumerate(self.msgs):
                    if line in m.split("\n"):
                        del self.msgs[:i + 1]
                        return m
        return None

    def count(self, line):
        with self.lock:
            return sum(line in m.split("\n") for m in self.msgs)


def findings(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def wait_findings(path, n, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        fs = findings(path)
        if len(fs) >= n:
            time.sleep(0.3)  # nothing more should arrive
            return findings(path)
        time.sleep(0.1)
    return findings(path)


def metrics(path):
    out = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            k, v = line.rsplit(" ", 1)
            out[k] = float(v)
    return out


def wait_metric(path, key, value, timeout=5):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if metrics(path).get(key) == value:
                return True
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    return False


tmp = tempfile.mkdtemp(prefix="nd-daemon-")
jdir, state = os.path.join(tmp, "journal"), os.path.join(tmp, "state")
os.mkdir(jdir)
os.mkdir(state)
ffile, mfile = os.path.join(tmp, "findings.jsonl"), os.path.join(tmp, "netdiag.prom")
conf = os.path.join(tmp, "netdiag.conf")
smb_none, smb_share = os.path.join(tmp, "none.conf"), os.path.join(tmp, "share.conf")
with open(smb_none, "w") as f:
    f.write("[global]\n  workgroup = WG\n")
with open(smb_share, "w") as f:
    f.write("[global]\n  workgroup = WG\n[winshare]\n  path = /mnt/data/winshare\n")


def write_conf(smb, extra=""):
    with open(conf, "w") as f:
        f.write(f"# test configuration\njournal_dir = {jdir}\nstate_dir = {state}\n"
                f"findings_file = {ffile}\nmetrics_file = {mfile}\nsmb_conf = {smb}\n"
                f"journal_send = no\n{extra}")


def start(mgr, args=(), prefix=()):
    env = dict(os.environ, NOTIFY_SOCKET=mgr.path, WATCHDOG_USEC="400000")
    env.pop("WATCHDOG_PID", None)
    return subprocess.Popen([*prefix, NETDIAG, "daemon", "--config", conf, *args], env=env,
                            stderr=subprocess.PIPE, text=True)


# ---- 1. a broken configuration is refused before READY ----
mgr = Manager(os.path.join(tmp, "notify"))
write_conf(smb_none, "window = 10\nfoo = 1\n")
p = start(mgr)
_, err = p.communicate(timeout=10)
mgr.pump(0.2)
check(p.returncode != 0, "broken config: non-zero exit (%s)" % p.returncode)
check(f"{conf}:9: unknown key 'foo'" in err, "broken config: error names file and line: "
      + err.strip().splitlines()[0])
check(mgr.count("READY=1") == 0, "broken config: no READY=1")
check(any("ERRNO=" in m for m in list(mgr.msgs)), "broken config: ERRNO= sent")
write_conf(smb_none, "window = banana\n")
r = subprocess.run([NETDIAG, "daemon", "--config", conf, "--check-config"],
                   capture_output=True, text=True)
check(r.returncode == 1 and f"{conf}:8: window must be" in r.stderr,
      "--check-config names a bad value")
write_conf(smb_none, "capture_busy_poll = sometimes\n")
r = subprocess.run([NETDIAG, "daemon", "--config", conf, "--check-config"],
                   capture_output=True, text=True)
check(r.returncode == 1 and f"{conf}:8: capture_busy_poll" in r.stderr,
      "--check-config refuses capture_busy_poll = sometimes: " + r.stderr.strip())
write_conf(smb_none, "capture_busy_poll = no\n")
r = subprocess.run([NETDIAG, "daemon", "--config", conf, "--check-config"],
                   capture_output=True, text=True)
check(r.returncode == 0, "--check-config takes capture_busy_poll = no: " + r.stderr.strip())
with mgr.lock:
    mgr.msgs.clear()

# ---- 2. start, READY, watchdog, one denial reported once ----
write_conf(smb_none)
journal_write(os.path.join(jdir, "old.journal"), denial("/srv/old/x"))  # before the start
p = start(mgr)
check(mgr.wait_for("READY=1") is not None, "READY=1 arrives")
time.sleep(1.0)
mgr.pump(0.1)
check(mgr.count("WATCHDOG=1") >= 2, "WATCHDOG=1 keeps arriving (%d in 1 s)"
      % mgr.count("WATCHDOG=1"))
check(len(findings(ffile)) == 0, "first start begins at the tail (old denial not reported)")
journal_write(os.path.join(jdir, "a.journal"), noise() + denial("/mnt/data/winshare/a"))
fs = wait_findings(ffile, 1)
check(len(fs) == 1 and fs[0]["id"] == "apparmor.denied" and fs[0]["subject"]["name"] == "smbd",
      "denial in a new journal file reported once: %s" % [f["id"] for f in fs])
if fs:
    check(re.fullmatch(r"[0-9a-f]{32}", fs[0]["message_id"]) is not None and
          fs[0]["priority"] == 4, "finding has MESSAGE_ID and PRIORITY 4")
check(wait_metric(mfile, "netdiag_apparmor_denials_total", 1), "metrics: 1 denial")
check(wait_metric(mfile, 'netdiag_findings_total{id="apparmor.denied"}', 1),
      "metrics: findings counter matches the findings file")

# smbd error messages
journal_write(os.path.join(jdir, "a.journal"), samba_error("smbd: open_sockets_smbd failed"))
fs = wait_findings(ffile, 2)
check(len(fs) == 2 and fs[1]["id"] == "samba.log_error" and fs[1]["subject"]["name"] == "smbd"
      and "open_sockets_smbd" in fs[1]["summary"], "smbd error message reported")
check(wait_metric(mfile, 'netdiag_samba_errors_total{comm="smbd"}', 1), "metrics: smbd error")

# ---- 3. SIGHUP with a new smb.conf ----
write_conf(smb_share, "rate_limit = 300\n")
p.send_signal(signal.SIGHUP)
check(mgr.wait_for("RELOADING=1") is not None, "SIGHUP: RELOADING=1")
check(mgr.wait_for("READY=1") is not None, "SIGHUP: READY=1 after the reload")
journal_write(os.path.join(jdir, "b.journal"), denial("/mnt/data/winshare/b"))
fs = wait_findings(ffile, 3)
check(len(fs) == 3 and fs[2]["id"] == "apparmor.share_denied" and
      fs[2]["subject"]["name"].startswith("winshare"),
      "after SIGHUP the new smb.conf maps the denial to its share: %s"
      % (fs[2]["subject"]["name"] if len(fs) > 2 else None))
# rate limit: the same (id, subject) again is suppressed
journal_write(os.path.join(jdir, "b.journal"), denial("/mnt/data/winshare/c"))
time.sleep(1.0)
check(len(findings(ffile)) == 3, "repeat within rate_limit suppressed")
check(wait_metric(mfile, 'netdiag_findings_suppressed_total{id="apparmor.share_denied"}', 1),
      "metrics: suppressed repeat counted")
# a broken config on SIGHUP is refused, the daemon keeps running
write_conf(smb_share, "bogus = 1\n")
p.send_signal(signal.SIGHUP)
check(mgr.wait_for("READY=1") is not None and p.poll() is None,
      "SIGHUP with a broken config: refused, still running")
write_conf(smb_share)

if PROMTOOL:
    r = subprocess.run([PROMTOOL, "check", "metrics"], stdin=open(mfile), capture_output=True,
                       text=True)
    check(r.returncode == 0, "promtool check metrics: " + (r.stdout + r.stderr).strip()[:300])
else:
    print("SKIP promtool check metrics: promtool not installed (package prometheus)")

# ---- 4. SIGTERM ----
p.send_signal(signal.SIGTERM)
rc = p.wait(timeout=10)
check(mgr.wait_for("STOPPING=1") is not None, "SIGTERM: STOPPING=1")
check(rc == 0, "SIGTERM: exit status 0 (%s)" % rc)
check(os.path.exists(os.path.join(state, "cursor")), "cursor saved in the state dir")

# ---- 5. written while down, reported after the restart, nothing repeated ----
journal_write(os.path.join(jdir, "b.journal"), denial("/srv/down/x", profile="nmbd"))
before = len(findings(ffile))
p = start(mgr)
check(mgr.wait_for("READY=1") is not None, "restart: READY=1")
fs = wait_findings(ffile, before + 1)
new = fs[before:]
check(len(new) == 1 and new[0]["id"] == "apparmor.denied" and new[0]["subject"]["name"] == "nmbd",
      "restart: the denial written while down is reported, nothing repeated: %s"
      % [(f["id"], f["subject"]["name"]) for f in new])
p.send_signal(signal.SIGTERM)
check(p.wait(timeout=10) == 0, "second stop: exit status 0")

# ---- 6. live capture on lo in 1 s windows, in a network namespace of the
# test's own (needs root); a link change there triggers an offload check ----
ns = "nddaemon-%d" % os.getpid()
if os.geteuid() != 0 or subprocess.run(["ip", "netns", "add", ns]).returncode != 0:
    print("SKIP capture on lo: needs root and network namespaces")
else:
    subprocess.run(["ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"], check=True)
    inns = ["ip", "netns", "exec", ns]
    cap_m = os.path.join(tmp, "cap.prom")
    p = start(mgr, ["--capture", "lo", "--window", "1", "--metrics-file", cap_m], prefix=inns)
    check(mgr.wait_for("READY=1") is not None, "capture: READY=1")
    snaps = []
    syn = ("import socket\nfor _ in range(2):\n c = socket.socket(); c.settimeout(0.2)\n"
           " try: c.connect(('127.0.0.1', 445))\n except OSError: pass\n c.close()\n")
    for i in range(3):
        # SYN to a closed port 445 inside the namespace: SYN + RST on its lo
        subprocess.run([*inns, sys.executable, "-c", syn], check=True)
        mgr.pump(1.2)  # a real manager always reads; a full queue blocks sd_notify
        snaps.append(metrics(cap_m))
    checks_before = metrics(cap_m).get("netdiag_offload_checks_total", 0)
    subprocess.run([*inns, "ip", "link", "add", "ndl0", "type", "veth", "peer", "name", "ndl1"],
                   check=True)
    mgr.pump(3.5)  # the check runs 2 s after the last link change
    after = metrics(cap_m)
    check(after.get("netdiag_link_events_total", 0) >= 1 and
          after.get("netdiag_offload_checks_total", 0) > checks_before,
          "capture: a link change is seen over rtnetlink and offloads are checked again")
    # A reload with a new filter reopens the running capture with it: SYNs to
    # port 445 are no longer seen, SYNs to 446 are.
    write_conf(smb_share, "capture_filter = tcp port 446\ncapture_busy_poll = no\n")
    with mgr.lock:
        mgr.msgs.clear()
    p.send_signal(signal.SIGHUP)
    check(mgr.wait_for("READY=1") is not None, "capture: READY=1 after a reload")
    mgr.pump(1.2)
    key = 'netdiag_capture_packets_total{interface="lo"}'
    before = metrics(cap_m).get(key, 0)
    subprocess.run([*inns, sys.executable, "-c", syn], check=True)
    mgr.pump(1.5)
    after445 = metrics(cap_m).get(key, 0)
    subprocess.run([*inns, sys.executable, "-c", syn.replace("445", "446")], check=True)
    mgr.pump(1.5)
    after446 = metrics(cap_m).get(key, 0)
    check(after445 == before and after446 >= before + 4,
          "capture: the reloaded filter applies to the running capture: %s -> %s -> %s"
          % (before, after445, after446))
    p.send_signal(signal.SIGTERM)
    check(mgr.wait_for("STOPPING=1") is not None and p.wait(timeout=10) == 0,
          "capture: exit status 0")
    subprocess.run(["ip", "netns", "del", ns])
    final = metrics(cap_m)
    key = 'netdiag_capture_packets_total{interface="lo"}'
    seq = [m.get(key, 0) for m in snaps] + [final.get(key, 0)]
    check(final.get(key, 0) >= 6 and seq == sorted(seq),
          "capture: packets counted across windows, monotonic: %s" % seq)
    check(final.get('netdiag_capture_windows_total{interface="lo"}', 0) >= 2,
          "capture: several windows analysed")
    check(final.get("netdiag_tcp_segments_total", 0) >= 6 and
          final.get("netdiag_offload_checks_total", 0) >= 1,
          "capture: TCP segments analysed, offloads checked")

print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
