#!/usr/bin/env bash
# Set up hkai_publish on a fresh Debian machine: the system packages it needs, then a virtualenv
# in .venv with the package and its Python dependencies. Safe to run again: it skips what is done.
#   scripts/setup.sh          what building the publication needs
#   scripts/setup.sh --test   also what the test suite needs
set -euo pipefail
cd "$(dirname "$0")/.."

# Fonts with Hong Kong glyph forms, Pango (WeasyPrint's text layout; it brings fontconfig's fc-list),
# the HarfBuzz subsetter WeasyPrint needs to embed CJK fonts fast, and gettext's msgfmt for
# catalogue checks; the colour emoji font for emoji in the PDFs (🐬 ✅ ⭐; without it they are spelt out).
packages=(fonts-noto-cjk fonts-noto-core fonts-noto-color-emoji libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
          gettext)
if [[ "${1:-}" == "--test" ]]; then
  # pdftotext/pdffonts to read PDFs back; Chromium for the browser tests; Java for the Nu HTML
  # Checker; git for the translation status tests (status reads an original's history; the tool
  # itself works without git); OmegaT, the free CAT tool, whose console mode translates a hand-off
  # headless in the tests (97 packages with Java's, 94 MB to fetch, 142 MB on disk).
  packages+=(poppler-utils chromium chromium-driver default-jre-headless git omegat)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if (( ${#missing[@]} )); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: run as root, or ask an administrator to: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$python" -m venv .venv
fi
# Reinstall only when the dependencies changed.
stamp=.venv/.hkai-publish-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "setup: installing Python packages into .venv" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
  echo "$want" > "$stamp"
fi
