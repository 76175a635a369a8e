#!/usr/bin/env bash
# Browser tests drive Debian's Chromium. Install it when missing and we may;
# otherwise say so plainly (the tests then report what they skipped).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "NOTE: /usr/bin/chromium is missing and cannot be installed here (needs root and apt-get)."
echo "      Browser tests will be SKIPPED. Install it with: sudo apt-get install chromium"
if [ "${CI:-}" = "true" ]; then echo "CI=true: browser tests may not be skipped." >&2; exit 1; fi
