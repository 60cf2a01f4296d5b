#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs every Debian 12 package pcp needs to build, test and benchmark.
# Idempotent: installs only what is missing; uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  g++-12 clang-14 libclang-rt-14-dev lld-14 llvm-14
  liburing-dev libboost1.81-dev libssl-dev libsodium-dev
  libprotobuf-dev protobuf-compiler libabsl-dev
  libngtcp2-dev libngtcp2-crypto-gnutls-dev libgnutls28-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libfmt-dev libspdlog-dev nlohmann-json3-dev libc-ares-dev
  iproute2 iputils-ping nftables iperf3 openssh-server openssh-client gnuplot-nox jq rsync
  nodejs python3 util-linux procps psmisc time
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# npm ships inside some nodejs builds (nodesource); Debian's own nodejs needs the npm package.
if dpkg-query -W -f='${Status}' nodejs 2>/dev/null | grep -q "install ok installed" && ! command -v npm >/dev/null; then
  missing+=(npm)
fi

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
