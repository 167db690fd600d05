#!/bin/sh
# goversion.sh checks that Go is installed and at least as new as the go
# line of go.mod asks, and when it is not, says how to get a Go that is.
# $GO is the go command to check (default: go).
set -eu
cd "$(dirname "$0")/.."
GO="${GO:-go}"
need="$(sed -n 's/^go \([0-9][0-9.]*\).*/\1/p' go.mod)"
# newer_go says how to get Go $need; $1 is "or " when it is an alternative.
newer_go() {
	echo "  ${1:-}get Go $need from go.dev into /usr/local/go:  sudo ./install/downloads.sh go /usr/local"
	echo "  and put it first in PATH:  export PATH=/usr/local/go/bin:\$PATH"
}
if ! command -v "$GO" >/dev/null 2>&1; then
	echo "goversion.sh: Go is not installed (no $GO command on PATH); golessons needs Go $need or later:" >&2
	newer_go >&2
	exit 1
fi
# With Go 1.21 or later, go itself may switch to the toolchain go.mod
# asks for (GOTOOLCHAIN=auto); what it reports is what builds.
if ! have="$("$GO" version 2>&1)"; then
	echo "goversion.sh: \`$GO version\` failed: $have" >&2
	echo "golessons needs Go $need or later:" >&2
	newer_go >&2
	exit 1
fi
have="$(echo "$have" | sed -n 's/^go version \(go[^ ]*\).*/\1/p')"
# at_least A B: version A (1.26.8, 1.27rc1, 1.26) is at least version B.
at_least() {
	a="$(echo "$1" | sed 's/^go//; s/[^0-9.].*//')"
	b="$2"
	for _ in 1 2 3; do
		x="${a%%.*}"
		y="${b%%.*}"
		x="${x:-0}"
		y="${y:-0}"
		[ "$x" -gt "$y" ] && return 0
		[ "$x" -lt "$y" ] && return 1
		case "$a" in *.*) a="${a#*.}" ;; *) a="" ;; esac
		case "$b" in *.*) b="${b#*.}" ;; *) b="" ;; esac
	done
	return 0
}
case "$have" in
go[0-9]*) ;;
*) exit 0 ;; # a development build
esac
at_least "$have" "$need" && exit 0
{
	echo "goversion.sh: golessons needs Go $need or later, and $(command -v "$GO") is $have."
	case "$have" in
	go1.2[1-9]* | go1.[3-9][0-9]*)
		echo "  let go fetch Go $need itself:  GOTOOLCHAIN=go$need make lessons"
		newer_go "or "
		;;
	*) newer_go ;;
	esac
} >&2
exit 1
