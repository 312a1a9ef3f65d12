#!/usr/bin/env bash
# Installs the Debian packages interleave needs, only if some are missing.
# Idempotent and silent when everything is already installed.
set -euo pipefail

packages=(
  build-essential
  cmake
  pkg-config
  libboost-context-dev
  libz3-dev
  doctest-dev
  libcli11-dev
  nlohmann-json3-dev
  libfmt-dev
  graphviz
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing missing packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "setup: not root and sudo is not available; install as root: ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
