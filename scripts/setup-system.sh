#!/usr/bin/env bash
# Installs the Debian packages ekasarn's tests and tools need. Idempotent: apt-get runs only when something is missing.
#   poppler-utils  pdfsig, pdffonts, pdfdetach, pdftoppm, pdfinfo (independent signature and PDF checks)
#   qpdf           structural check of every PDF we write
#   libnss3-tools  certutil, to trust the development root in pdfsig's NSS database
#   zbar-tools     zbarimg, decodes the QR code from a page render
#   openssl        cms / ts verification
#   postgresql     the PostgreSQL half of the integration suite
#   chromium       real-browser tests (driven by playwright-core)
#   fonts-tlwg-laksaman-ttf  Laksaman, the Thai official-style face (Sarabun comes from npm)
#   unzip          unzip -t / -l: independent check of the bulk zips of PDFs
set -euo pipefail
PKGS=(poppler-utils qpdf libnss3-tools zbar-tools openssl postgresql chromium fonts-tlwg-laksaman-ttf python3 unzip ca-certificates)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: all Debian packages present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo -n"; fi
export DEBIAN_FRONTEND=noninteractive
echo "setup-system: installing ${missing[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup-system: done"
