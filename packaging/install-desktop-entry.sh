#!/usr/bin/env bash
# Linux: put inspector-app in the desktop's application menu for this user (icon + desktop entry).
#   bash packaging/install-desktop-entry.sh [PROGRAM]
# PROGRAM defaults to the checkout's .venv/bin/inspector-app; pass dist/inspector-app/inspector-app for the
# built program. Nothing is written outside ~/.local/share.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
program="$(realpath "${1:-$root/.venv/bin/inspector-app}")"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
for size in 16 24 32 48 64 128 256; do
  install -D -m 0644 "$root/resources/icons/inspector-app-$size.png" "$data/icons/hicolor/${size}x${size}/apps/inspector-app.png"
done
install -D -m 0644 "$root/resources/icons/inspector-app.svg" "$data/icons/hicolor/scalable/apps/inspector-app.svg"
mkdir -p "$data/applications"
sed -e "s|^Exec=inspector-app|Exec=\"$program\"|" -e "s|^TryExec=inspector-app|TryExec=$program|" \
  "$root/packaging/inspector-app.desktop" > "$data/applications/inspector-app.desktop"
echo "installed: $data/applications/inspector-app.desktop → $program"
