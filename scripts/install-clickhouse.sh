#!/usr/bin/env bash
# Installs Debian's ClickHouse server for the test suite's driver-adapter tests, if missing.
# The tests start their own server on a free port from a temporary config; nothing is enabled.
set -euo pipefail
if [ -x /usr/sbin/clickhouse-server ] || command -v clickhouse-server >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing clickhouse-server from Debian's packages..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq clickhouse-server >/dev/null
# The package starts nothing under our control; make sure no stray service holds port 9000.
$SUDO service clickhouse-server stop >/dev/null 2>&1 || true
