#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine for inspector-app: the system libraries Qt needs, then a virtual
# environment in .venv with the app installed from this checkout.
#   bash packaging/setup.sh          # to run the app
#   bash packaging/setup.sh --test   # also the test tools (pytest, pytest-qt, hypothesis, PyInstaller) and test servers
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-app}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
if [ -n "$sudo" ] && ! command -v sudo >/dev/null 2>&1; then
  echo "Not root and no sudo: run this script as root once, or install sudo." >&2
  exit 1
fi

# Qt (PySide6) on Linux needs these shared libraries even offscreen; python3-venv for the virtual environment.
apt_packages=(python3-venv python3-pip libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1
              libfreetype6 libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
              libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libx11-xcb1 libxcb-shm0
              libxcb-sync1 libxcb-xfixes0 libxcb-render0 libxcb-xkb1)
if [ "$mode" = "--test" ]; then
  # xvfb for screenshots of the real window, poppler-utils to look at and check PDFs, postgresql for the
  # throwaway server the central-merge tests start on 127.0.0.1 (tests/helpers/postgres.py), binutils
  # (objdump) without which PyInstaller refuses to build on Linux (tests/test_frozen_build.py), faketime for
  # the suite under faked clocks (tests/test_faked_dates.py).
  apt_packages+=(xvfb xauth poppler-utils postgresql binutils faketime)
fi
if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for package in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    # Another package manager (often unattended-upgrades just after a start-up) may hold dpkg's lock: wait for
    # it, bounded and saying so, instead of failing at once (INSPECTOR_APT_LOCK_WAIT seconds, default 600).
    # The waiter says who holds it; apt-get's own lock timeout covers a lock taken again in between.
    lock_wait="${INSPECTOR_APT_LOCK_WAIT:-600}"
    $sudo bash packaging/wait-for-apt-lock.sh --timeout "$lock_wait"
    $sudo apt-get -o DPkg::Lock::Timeout="$lock_wait" update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$lock_wait" \
      install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "apt-get not found: install Qt's system libraries (EGL, xkbcommon, fontconfig) yourself." >&2
fi

# Debian 11 / Ubuntu 20.04 ship an older Python: say so plainly instead of failing deep inside pip.
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "inspector-app needs Python 3.10 or newer; this machine has $(python3 --version 2>&1 || echo 'no python3')." >&2
  echo "Use Debian 12 / Ubuntu 22.04 or newer, or install python3.11 and run: python3.11 -m venv .venv" >&2
  exit 1
fi
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ "$mode" = "--test" ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
  # an editable install leaves the app's modules uncompiled: where PYTHONDONTWRITEBYTECODE is set (many CI
  # images) every process, each test's subprocess too, would compile them again (about 0.5 s a start)
  .venv/bin/python -m compileall -q inspector_app
else
  .venv/bin/python -m pip install -q .
fi
venv_bin="$(pwd)/.venv/bin"
echo "inspector-app is set up in $(pwd)/.venv"
echo "The program is $venv_bin/inspector-app (setup.sh does not change PATH). To type just inspector-app,"
echo "run one of these in each new terminal (or add the second to ~/.bashrc):"
echo "  source \"$venv_bin/activate\""
printf '  export PATH="%s:$PATH"\n' "$venv_bin"
if [ "$mode" = "--test" ]; then
  echo "Then: inspector-app --help, or run the tests: $venv_bin/python -m pytest -q"
else
  echo "Then: inspector-app demo-data --inspections 60 --sign-sheets && inspector-app"
fi
