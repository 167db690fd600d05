#!/bin/sh
# html.sh exports the lessons to static HTML, ready to publish: every
# notebook as it is stored (executed, outputs and pictures included; the
# pages need no JavaScript to show them), links between notebooks turned
# into links between pages, and an index page per language.
#
#   notebooks/html.sh [OUTDIR]     (default: public)
set -eu
out="${1:-public}"
here="$(cd "$(dirname "$0")" && pwd)"
case "$out" in
/*) ;;
*) out="$(pwd)/$out" ;;
esac
if ! /usr/bin/python3 -c 'import nbconvert' 2>/dev/null; then
	echo "html.sh: nbconvert is missing; run ./install/deps.sh (or: sudo apt-get install jupyter-nbconvert)" >&2
	exit 1
fi
cd "$here"
n=0
for nb in *.ipynb en/*.ipynb es/*.ipynb ru/*.ipynb; do
	[ -f "$nb" ] || continue
	dir="$out/$(dirname "$nb")"
	mkdir -p "$dir"
	/usr/bin/python3 -m nbconvert --to html --log-level=WARN --output-dir "$dir" "$nb"
	page="$dir/$(basename "$nb" .ipynb).html"
	# Links to notebooks become links to their pages.
	sed -i 's/\(href="[^":"]*\)\.ipynb\([#"]\)/\1.html\2/g' "$page"
	n=$((n + 1))
done
echo "html.sh: $n pages in $out (open $out/index.html)"
