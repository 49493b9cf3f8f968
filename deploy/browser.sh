#!/usr/bin/env bash
# Chromium for the browser tests: Debian's package (Playwright's own browser download does not work offline).
# Installs it with apt-get when missing (needs root), then prints its path.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "no chromium and cannot apt-get install it (need root on Debian): install the 'chromium' package" >&2
    exit 3
  fi
  echo "==> apt-get install chromium" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
command -v chromium
