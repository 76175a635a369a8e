#!/usr/bin/env bash
# System packages the tests need from Debian: chromium (browser tests),
# gettext (the translation-completeness test runs makemessages) and 7-Zip
# (a receiver's tool: case-export archives must open in it), and wrk (the
# public-site load benchmark, bench/bench_public.py), and the Noto fonts for
# Gurmukhi and Chinese (without them the screenshots of the Punjabi and Chinese
# public pages show empty boxes, which nobody can check). Install them
# when missing and we may; otherwise say so plainly (the tests then report
# what they skipped, and under CI=true a skip fails the run).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v xgettext >/dev/null || missing+=(gettext)
command -v 7z >/dev/null || missing+=(p7zip-full)
command -v wrk >/dev/null || missing+=(wrk)
[ -d /usr/share/fonts/truetype/noto ] || missing+=(fonts-noto-core)
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages for the tests: ${missing[*]}…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "NOTE: missing ${missing[*]} and cannot install here (needs root and apt-get)."
echo "      Tests that need them will be SKIPPED. Install with: sudo apt-get install ${missing[*]}"
if [ "${CI:-}" = "true" ]; then echo "CI=true: nothing may be skipped." >&2; exit 1; fi
