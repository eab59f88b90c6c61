#!/usr/bin/env python3
# Prints, from `netdiag analyze --json FILE`, the lines tests/smb/oracle.sh
# compares with tshark and the research note:
#   srt <code> <calls> <min_s> <max_s> <sum_s>
#   status 0x<hex> <COMMAND> <count>     (summed over shares and paths)
#   open_handles <n>
#   pending <COMMAND> <n>
# CANCEL and OPLOCK_BREAK get no srt line, as in tshark's table.
# usage: netdiag_srt.py NETDIAG FILE
import json
import subprocess
import sys

CODES = ["NEGOTIATE", "SESSION_SETUP", "LOGOFF", "TREE_CONNECT", "TREE_DISCONNECT", "CREATE",
         "CLOSE", "FLUSH", "READ", "WRITE", "LOCK", "IOCTL", "CANCEL", "ECHO", "QUERY_DIRECTORY",
         "CHANGE_NOTIFY", "QUERY_INFO", "SET_INFO", "OPLOCK_BREAK"]

run = subprocess.run([sys.argv[1], "analyze", "--json", "-q", sys.argv[2]],
                     capture_output=True, text=True)
if run.returncode > 2 or not run.stdout:
    sys.stderr.write(f"netdiag exited {run.returncode}: {run.stderr}")
    sys.exit(1)
smb = json.loads(run.stdout)["smb"]
for name, c in smb.get("commands", {}).items():
    if name in ("CANCEL", "OPLOCK_BREAK") or name not in CODES or not c.get("count"):
        continue
    print(f"srt {CODES.index(name)} {c['count']} {c['min_ms'] / 1000:.9f} "
          f"{c['max_ms'] / 1000:.9f} {c['sum_ms'] / 1000:.9f}")
status = {}
for e in smb.get("errors", []):
    key = (e["status"], e["command"])
    status[key] = status.get(key, 0) + e["count"]
for (st, cmd), n in sorted(status.items()):
    print(f"status {st} {cmd} {n}")
print(f"open_handles {len(smb.get('open_handles', []))}")
for cmd, n in sorted(smb.get("pending_at_end", {}).items()):
    if n:
        print(f"pending {cmd} {n}")
