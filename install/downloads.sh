#!/bin/sh
# downloads.sh fetches what setting up takes from outside Debian's archive.
# It is the one place that does: everything else comes from Debian's
# packages (install/deps.sh) or from this repository.
#
#   downloads.sh [--dry-run] go [DIR]       the Go toolchain go.mod names, into DIR/go (default /usr/local)
#   downloads.sh [--dry-run] modules        the Go modules go.sum pins, into Go's module cache
#   downloads.sh [--dry-run] jupyter [DIR]  JupyterLab, the notebook and jupyterhub-singleuser,
#                                           into a Python environment at DIR (default /opt/jupyter)
#
# --dry-run prints what it would fetch, and from where, and fetches nothing.
set -eu
cd "$(dirname "$0")/.."
run=""
if [ "${1:-}" = "--dry-run" ]; then
	run="echo"
	shift
fi
what="${1:-}"
[ $# -gt 0 ] && shift

# ======================================================================
# DOWNLOADS FROM OUTSIDE OUR PACKAGE SOURCES: all of them are here.
#
# The Go toolchain: the official release go.mod's go line names, from
# go.dev, checked against the SHA-256 sum published next to it.
go_version="$(sed -n 's/^go \([0-9][0-9.]*\).*/\1/p' go.mod)"
go_url="https://dl.google.com/go"
# The Go modules go.sum pins, from the Go module proxy ($GOPROXY).
# Jupyter, from PyPI, with the versions Binder's front ends expect.
jupyter_pkgs="jupyterlab>=4,<5 notebook>=7,<8 jupyterhub>=4,<6"
# ======================================================================

case "$what" in
go)
	dest="${1:-/usr/local}"
	case "$(uname -m)" in
	x86_64 | amd64) arch=amd64 ;;
	aarch64 | arm64) arch=arm64 ;;
	*)
		echo "downloads.sh: no Go download for $(uname -m) here; see https://go.dev/dl/" >&2
		exit 1
		;;
	esac
	file="go$go_version.$(uname -s | tr A-Z a-z)-$arch.tar.gz"
	if [ -n "$run" ]; then
		echo "fetch $go_url/$file (checked against $go_url/$file.sha256) into $dest/go"
		exit 0
	fi
	if ! command -v curl >/dev/null 2>&1; then
		echo "downloads.sh: fetching Go needs curl: sudo apt-get install curl ca-certificates" >&2
		exit 1
	fi
	tmp="$(mktemp -d)"
	trap 'rm -rf "$tmp"' EXIT
	curl -fsSL -o "$tmp/$file" "$go_url/$file"
	sum="$(curl -fsSL "$go_url/$file.sha256")"
	echo "$sum  $tmp/$file" | sha256sum -c - >/dev/null || {
		echo "downloads.sh: $file does not match its published SHA-256 sum" >&2
		exit 1
	}
	mkdir -p "$tmp/new"
	tar -C "$tmp/new" -xzf "$tmp/$file"
	mkdir -p "$dest"
	rm -rf "$dest/go"
	mv "$tmp/new/go" "$dest/go"
	"$dest/go/bin/go" version
	;;
modules)
	$run "${GO:-go}" mod download -x
	;;
jupyter)
	dest="${1:-/opt/jupyter}"
	$run python3 -m venv "$dest"
	# shellcheck disable=SC2086 # one word a requirement
	$run "$dest/bin/pip" install --no-cache-dir --disable-pip-version-check $jupyter_pkgs
	[ -n "$run" ] || "$dest/bin/jupyter" --version
	;;
*)
	echo "usage: downloads.sh [--dry-run] go [DIR] | modules | jupyter [DIR]" >&2
	exit 2
	;;
esac
