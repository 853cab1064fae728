#!/usr/bin/env bash
# System packages the browser and report tests need: Debian's chromium (driven by Playwright with
# executable_path; no browser is ever downloaded), headless LibreOffice Calc (xlsx -> PDF) and
# fonts: Liberation Serif for Times New Roman, Carlito for Calibri (the default font that column
# widths are measured in), both metric-compatible. Idempotent:
# installs only what is missing; without apt-get (not Debian) it says so and does nothing.
set -euo pipefail
PACKAGES=(chromium libreoffice-calc-nogui fonts-liberation2 fonts-crosextra-carlito)
if ! command -v apt-get > /dev/null; then
    echo "ci-packages: no apt-get here; the browser and PDF tests will skip" >&2
    exit 0
fi
missing=()
for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2> /dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
