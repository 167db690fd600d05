#!/bin/sh
# deps.sh installs, from Debian's archive, what is missing of one of these
# sets of packages (the only lists of system packages golessons keeps):
#
#   test     (the default) what the tests drive: Jupyter (the notebook
#            server, console and nbconvert), the client libraries and the
#            kernel conformance suite, a C compiler, which Go's race
#            detector needs, and Chromium, in which the tests look at
#            notebooks as a browser shows them
#   lessons  what the lessons need on a teacher's machine: the classic
#            notebook, unless a Jupyter front end is already on PATH, and
#            the C compiler
#   image    what the Binder image takes from Debian (see Dockerfile):
#            Python to run Jupyter, which install/downloads.sh fetches,
#            the C compiler, certificates and curl for the downloads, and
#            tini to reap the processes of kernels
#
# It asks first when run from a terminal, unless given --yes.
#
#   deps.sh [--yes] [test | lessons | image]
set -eu
yes=""
if [ "${1:-}" = "--yes" ]; then
	yes=1
	shift
fi
set_name="${1:-test}"

notebook="jupyter-notebook"
race="gcc libc6-dev"
case "$set_name" in
test)
	pkgs="$notebook jupyter-client jupyter-console jupyter-nbconvert python3-nbclient python3-nbformat python3-ipykernel python3-zmq python3-jupyter-kernel-test python3-pexpect $race chromium"
	;;
lessons)
	pkgs="$race"
	if ! command -v jupyter-lab >/dev/null 2>&1 && ! command -v jupyter-notebook >/dev/null 2>&1; then
		pkgs="$notebook $pkgs"
	fi
	;;
image)
	pkgs="python3 python3-venv ca-certificates curl tini $race"
	;;
*)
	echo "usage: deps.sh [--yes] [test | lessons | image]" >&2
	exit 2
	;;
esac

if ! command -v dpkg >/dev/null 2>&1; then
	if [ "$set_name" = lessons ] && [ "$pkgs" = "$race" ] && command -v gcc >/dev/null 2>&1; then
		exit 0
	fi
	echo "deps.sh: this is not a Debian or Ubuntu system; install with your package manager what these Debian packages hold: $pkgs" >&2
	exit 1
fi
missing=""
for p in $pkgs; do
	dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing="$missing $p"
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
# shellcheck disable=SC2086 # one word a package
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
