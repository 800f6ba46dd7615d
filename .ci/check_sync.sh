#!/usr/bin/env bash
# Fails when the library is not what the notebooks export, or when a notebook is not clean.
# Works on copies, so it judges the working tree without touching it (and without needing git): the notebooks are
# exported inside a temporary copy of the project, never into the real kick_nbdev/ (a hand edit there must fail, not vanish).
set -euo pipefail
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/export"
cp settings.ini "$tmp/export/"
cp -r nbs "$tmp/export/nbs"
cp -r kick_nbdev "$tmp/export/kick_nbdev"
(cd "$tmp/export" && nbdev_export)
if ! diff -r -x __pycache__ kick_nbdev "$tmp/export/kick_nbdev"; then
  echo "FAIL: kick_nbdev/ differs from what nbs/ exports. Run nbdev_export and commit both." >&2; exit 1
fi
cp -r nbs "$tmp/nbs"
nbdev_clean --fname "$tmp/nbs" >/dev/null
if ! diff -r -x .ipynb_checkpoints nbs "$tmp/nbs" >/dev/null; then
  diff -rq -x .ipynb_checkpoints nbs "$tmp/nbs" >&2 || true
  echo "FAIL: notebooks above are not clean. Run nbdev_clean and commit." >&2; exit 1
fi
jupyter nbconvert --to markdown nbs/index.ipynb --stdout 2>/dev/null > "$tmp/README.md"
if ! diff -q README.md "$tmp/README.md" >/dev/null; then
  diff README.md "$tmp/README.md" | head -20 >&2
  echo "FAIL: README.md is not nbs/index.ipynb converted. Run make readme and commit." >&2; exit 1
fi
echo "check-sync: library equals the notebooks' export; notebooks are clean; README.md is nbs/index.ipynb."
