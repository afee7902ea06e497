#!/usr/bin/env bash
# Wait, bounded, until no other process holds the Debian package manager's locks (unattended-upgrades just
# after boot, another apt-get or Software Updater), saying so once, instead of letting apt-get fail at once.
#   bash packaging/wait-for-apt-lock.sh [--timeout SECONDS] [LOCKFILE...]
# SECONDS: at most this long (default $INSPECTOR_APT_LOCK_WAIT, else 600; 0 = do not wait). LOCKFILE: the
# files to watch (default: dpkg's and apt's own lock files). Exit 0 when they are free, 1 when the time ran out
# (with a sentence saying what holds the lock and what to do), 2 on wrong usage.
# dpkg and apt lock with fcntl(F_SETLK) (POSIX record locks, not flock), so the probe is a POSIX lock from
# python3; reading the real lock files needs root (setup.sh runs this with sudo). A file that does not exist
# or cannot be opened counts as free: apt-get's own -o DPkg::Lock::Timeout then does the waiting.
set -euo pipefail

timeout="${INSPECTOR_APT_LOCK_WAIT:-600}"
if [ "${1:-}" = "--timeout" ]; then
  if [ $# -lt 2 ]; then echo "--timeout needs a number of seconds." >&2; exit 2; fi
  timeout="$2"
  shift 2
fi
if ! [[ "$timeout" =~ ^[0-9]+$ ]]; then
  echo "The wait for the package manager must be a whole number of seconds (INSPECTOR_APT_LOCK_WAIT or" \
       "--timeout), not '$timeout'." >&2
  exit 2
fi
if [ $# -eq 0 ]; then
  set -- /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock
fi
if ! command -v python3 >/dev/null 2>&1; then
  exit 0  # cannot look; apt-get's own lock timeout waits instead
fi

exec python3 - "$timeout" "$@" <<'PYTHON'
import fcntl
import os
import sys
import time

timeout = int(sys.argv[1])
paths = sys.argv[2:]


def lock_owner(path):
    """The pid holding a POSIX lock on path according to /proc/locks (0 if it cannot be told)."""
    try:
        st = os.stat(path)
        with open("/proc/locks", encoding="ascii", errors="replace") as locks:
            lines = locks.read().splitlines()
    except OSError:
        return 0
    for line in lines:
        fields = line.split()
        if len(fields) < 6 or fields[1] == "->" or fields[1] != "POSIX":
            continue
        try:
            major, minor, inode = fields[5].split(":")
            if (int(major, 16), int(minor, 16), int(inode)) == (os.major(st.st_dev), os.minor(st.st_dev),
                                                                st.st_ino):
                return int(fields[4])
        except ValueError:
            continue
    return 0


def holder(path):
    """None when nobody holds the lock on path (or it cannot be told), else the holder's pid (0: unknown)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:  # missing (nothing to hold) or not readable (not root): cannot tell
        return None
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released again when fd closes
    except OSError:
        return lock_owner(path)
    finally:
        os.close(fd)
    return None


def describe(pid):
    if not pid:
        return "pid unknown"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            command = " ".join(f.read().replace(b"\0", b" ").decode(errors="replace").split())
    except OSError:
        command = ""
    if len(command) > 80:
        command = command[:77] + "..."
    return f"pid {pid}: {command}" if command else f"pid {pid}"


def held():
    for path in paths:
        pid = holder(path)
        if pid is not None:
            return path, pid
    return None


deadline = time.monotonic() + timeout
announced = set()
while True:
    found = held()
    if found is None:
        if announced:
            print("The other package manager has finished; continuing.", file=sys.stderr, flush=True)
        sys.exit(0)
    path, pid = found
    left = deadline - time.monotonic()
    if left <= 0:
        who = describe(pid)
        see = f" (see: ps -o pid,etime,cmd -p {pid})" if pid else ""
        print(f"Another package manager ({who}) still holds {path} after {timeout} s, so the system "
              f"libraries cannot be installed now. This is usually the automatic updates (unattended-upgrades) "
              f"after a start-up: wait until it has finished{see}, then run the set-up again (bash "
              f"packaging/setup.sh), or let it wait longer with INSPECTOR_APT_LOCK_WAIT=SECONDS (e.g. 1800). "
              f"Do not delete the lock file.", file=sys.stderr, flush=True)
        sys.exit(1)
    if pid not in announced:
        announced.add(pid)
        who = f"pid {pid}" if pid else "pid unknown"
        print(f"Waiting for another package manager ({who}) to finish… (up to {timeout} s)",
              file=sys.stderr, flush=True)
    time.sleep(min(0.5, left))
PYTHON
