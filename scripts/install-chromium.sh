#!/usr/bin/env bash
# Installs Debian's Chromium for the tracker's browser tests, if missing. Playwright for Python
# drives it through executable_path: `playwright install` (which downloads a browser build of its
# own) is never run.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing chromium from Debian's packages..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
