#!/usr/bin/env bash
# Installs what the tests need on a Debian machine (Chromium, PostgreSQL, age, rsync, rclone, OpenSSH; apt needs root or
# sudo), installs the npm packages, and runs every test. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v age >/dev/null 2>&1 || need+=(age)
command -v rsync >/dev/null 2>&1 || need+=(rsync)
command -v rclone >/dev/null 2>&1 || need+=(rclone)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
[ -x "$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -n 1)" ] || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Tests start their own throwaway PostgreSQL cluster; the packaged one need not run.
  if [[ " ${need[*]} " == *" postgresql "* ]]; then
    $sudo_cmd service postgresql stop >/dev/null 2>&1 || true
  fi
  # Likewise the SFTP tests start their own sshd on 127.0.0.1 with a throwaway host key.
  if [[ " ${need[*]} " == *" openssh-server "* ]]; then
    $sudo_cmd service ssh stop >/dev/null 2>&1 || true
  fi
fi

# Electron's binary cannot be downloaded on every machine; the tests do not need it.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
npm ci --no-audit --no-fund
npm test
