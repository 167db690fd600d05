#!/bin/sh
# lessons.sh copies the lessons, the notebooks/ folder of this repository,
# into DEST (default: ~/notebooks), which it creates; it leaves a DEST that
# already holds a lesson index alone, to keep a student's work.
#
#   lessons.sh [DEST]
set -eu
src="$(cd "$(dirname "$0")/../notebooks" && pwd)"
dest="${1:-$HOME/notebooks}"
if [ -e "$dest/index.ipynb" ]; then
	echo "lessons.sh: $dest already holds lessons; remove it first to copy them again" >&2
	exit 1
fi
mkdir -p "$dest"
cp -R "$src/." "$dest/"
find "$dest" -name .ipynb_checkpoints -prune -exec rm -rf {} +
echo "Lessons copied into $dest"
