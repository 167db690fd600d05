#!/bin/sh
# kernel.sh builds the golessons program with Go and installs the
# kernelspec that makes Jupyter find the kernel.
#
#   kernel.sh --user         go install the program, then `golessons install --user`
#                            (make install; make lessons)
#   kernel.sh --prefix DIR   build DIR/bin/golessons, then install its kernelspec in
#                            DIR/share/jupyter/kernels (the Binder image: /usr/local)
#   kernel.sh --uninstall    remove what --user added: the kernelspec and the program
#
# $GO is the go command (default: go).
set -eu
cd "$(dirname "$0")/.."
GO="${GO:-go}"
usage() {
	echo "usage: kernel.sh --user | --prefix DIR | --uninstall" >&2
	exit 2
}
# user_bin prints where go install puts programs.
user_bin() {
	bin="$("$GO" env GOBIN)"
	[ -n "$bin" ] || bin="$("$GO" env GOPATH | cut -d: -f1)/bin"
	echo "$bin"
}
case "${1:-}" in
--user)
	./install/goversion.sh
	"$GO" install .
	"$(user_bin)/golessons" install --user
	;;
--prefix)
	[ -n "${2:-}" ] || usage
	./install/goversion.sh
	mkdir -p "$2/bin"
	"$GO" build -o "$2/bin/golessons" .
	"$2/bin/golessons" install --prefix "$2"
	;;
--uninstall)
	bin="$(user_bin)/golessons"
	if [ ! -x "$bin" ]; then
		echo "kernel.sh: $bin is not there: nothing to uninstall" >&2
		exit 1
	fi
	"$bin" install --user --uninstall
	rm -f "$bin"
	echo "Removed $bin"
	;;
*)
	usage
	;;
esac
