#!/bin/sh
# user.sh creates the user the Binder image runs as, with Binder's NB_USER
# and NB_UID: a group of its own and a home directory it owns.
#
#   user.sh [--prefix DIR] NAME UID
#
# --prefix DIR acts on DIR/etc/passwd and the like, and makes the home
# under DIR, rather than this system's (useradd --prefix).
set -eu
prefix=""
if [ "${1:-}" = "--prefix" ]; then
	prefix="${2:?usage: user.sh [--prefix DIR] NAME UID}"
	shift 2
fi
if [ $# -ne 2 ]; then
	echo "usage: user.sh [--prefix DIR] NAME UID" >&2
	exit 2
fi
name="$1"
uid="$2"
set -- --create-home --uid "$uid" --user-group --shell /bin/bash --comment "Default user" --no-log-init "$name"
if [ -n "$prefix" ]; then
	set -- --prefix "$prefix" "$@"
fi
useradd "$@"
home="$prefix/home/$name"
if [ "$(stat -c %u "$home")" != "$uid" ]; then
	echo "user.sh: $home is not owned by $name ($uid)" >&2
	exit 1
fi
echo "User $name ($uid), home $home"
