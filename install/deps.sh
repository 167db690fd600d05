#!/bin/sh
# deps.sh installs what the kernel's lessons and tests need from Debian's
# archive: Jupyter (the notebook server, console and nbconvert), the client
# libraries and the kernel conformance suite the tests drive, and a C
# compiler, which Go's race detector needs, and Chromium, in which the
# tests look at notebooks as a browser shows them.
#
# It installs only what is missing, and asks first when run from a
# terminal, unless given --yes.
set -eu
yes=""
[ "${1:-}" = "--yes" ] && yes=1
pkgs="jupyter-notebook jupyter-client jupyter-console jupyter-nbconvert python3-nbclient python3-nbformat python3-ipykernel python3-zmq python3-jupyter-kernel-test python3-pexpect gcc libc6-dev chromium"
if ! command -v dpkg >/dev/null 2>&1; then
	echo "deps.sh: this is not a Debian or Ubuntu system; install Jupyter (notebook, nbconvert, nbclient, jupyter_kernel_test) with your package manager" >&2
	exit 1
fi
missing=""
for p in $pkgs; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "Missing system packages:$missing"
if [ -z "$yes" ] && [ -t 0 ]; then
	printf "Install them with apt-get? [Y/n] "
	read -r answer
	case "$answer" in
	n* | N*)
		echo "deps.sh: not installing; run: sudo apt-get install$missing" >&2
		exit 1
		;;
	esac
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "deps.sh: run as root, or install sudo, to install:$missing" >&2
		exit 1
	fi
	SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
