#!/usr/bin/env bash
# Debian packages the tests need: PostgreSQL server, Redis server, Chromium. Installed once (apt), then skipped.
set -euo pipefail
need=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
command -v chromium >/dev/null || need+=(chromium)
command -v nginx >/dev/null || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# the installed packages start their own services: the tests start their own servers on free ports instead
for svc in redis-server postgresql nginx; do
  (command -v service >/dev/null && service "$svc" stop >/dev/null 2>&1) || true
done
