#!/bin/sh
# open.sh starts Jupyter on the lessons and opens the lesson index: in
# JupyterLab when it is installed, else in the classic notebook.
#
#   open.sh [--dir DIR] [--index PATH] [JUPYTER ARGUMENTS...]
#   open.sh --check [--dir DIR] [--index PATH]
#
# DIR is the folder Jupyter serves (default: notebooks/ of this
# repository), PATH the lesson index in it (default: index.ipynb).
#
# --check opens the lessons with nobody there: it starts the server on a
# free port of 127.0.0.1, with a token and no browser, checks over HTTP
# that it lists the golessons kernel (and that the program the kernel runs
# is there) and serves the lesson index, in its API and in the front end,
# then stops the server and exits 0, or 1 with what failed and the
# server's log.
set -eu
kernel="golessons"
check=""
dir="$(dirname "$0")/../notebooks"
index="index.ipynb"
while [ $# -gt 0 ]; do
	case "$1" in
	--check) check=1 ;;
	--dir)
		dir="${2:?open.sh: --dir needs a folder}"
		shift
		;;
	--index)
		index="${2:?open.sh: --index needs a path}"
		shift
		;;
	*) break ;;
	esac
	shift
done

if command -v jupyter-lab >/dev/null 2>&1; then
	front=lab
elif command -v jupyter-notebook >/dev/null 2>&1; then
	front=notebook
else
	echo "open.sh: Jupyter is not installed (neither jupyter-lab nor jupyter-notebook is on PATH); install it:" >&2
	echo "  ./install/deps.sh lessons    (or: sudo apt-get install jupyter-notebook)" >&2
	exit 1
fi
cd "$dir"
if [ ! -f "$index" ]; then
	echo "open.sh: there is no lesson index $index in $(pwd)" >&2
	exit 1
fi
root=""
[ "$(id -u)" -eq 0 ] && root="--allow-root"

if [ -z "$check" ]; then
	if ! jupyter kernelspec list 2>/dev/null | grep -q "^ *$kernel "; then
		echo "open.sh: this Jupyter does not know the $kernel kernel; install it: make install (or: golessons install)" >&2
	fi
	if [ "$front" = lab ]; then
		exec jupyter-lab $root --LabApp.default_url="/lab/tree/$index" "$@" "$index"
	fi
	exec jupyter-notebook $root "$@" "$index"
fi

exec python3 - "$front" "$index" "$kernel" $root <<'EOF'
import json, os, re, secrets, signal, socket, subprocess, sys, tempfile, time
import urllib.error, urllib.parse, urllib.request

front, index, kernel, extra = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]

class Failure(Exception):
    pass

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
token = secrets.token_hex(16)
base = "http://127.0.0.1:%d" % port
log = tempfile.TemporaryFile()
server = subprocess.Popen(
    ["jupyter-" + front, "--no-browser", "--ip=127.0.0.1", "--port=%d" % port, "--port-retries=0"] + extra,
    env=dict(os.environ, JUPYTER_TOKEN=token), stdin=subprocess.DEVNULL, stdout=log,
    stderr=subprocess.STDOUT, start_new_session=True)
# Stopped from outside, stop the server too.
def stopped(signum, frame):
    raise Failure("stopped by signal %d" % signum)
for sig in (signal.SIGTERM, signal.SIGHUP):
    signal.signal(sig, stopped)

def get(path, **params):
    params["token"] = token
    url = base + urllib.parse.quote(path) + "?" + urllib.parse.urlencode(params)
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.read()
    except urllib.error.HTTPError as e:
        raise Failure("GET %s: %s" % (path, e))

def stop():
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            pass
    try:  # what is left of its process group: the server, its kernels
        os.killpg(server.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    server.wait()

try:
    deadline = time.monotonic() + 120
    while True:
        if server.poll() is not None:
            raise Failure("jupyter-%s exited with status %d before it answered" % (front, server.returncode))
        try:
            version = json.loads(get("/api"))["version"]
            break
        except (urllib.error.URLError, ConnectionError, OSError):
            if time.monotonic() > deadline:
                raise Failure("jupyter-%s did not answer on %s within 120 s" % (front, base))
            time.sleep(0.5)

    specs = json.loads(get("/api/kernelspecs"))["kernelspecs"]
    if kernel not in specs:
        raise Failure("the server does not list the %s kernel, only: %s; install it: make install (or: golessons install)"
                      % (kernel, ", ".join(sorted(specs)) or "none"))
    spec = specs[kernel]["spec"]
    program = spec["argv"][0]
    if not os.access(program, os.X_OK):
        raise Failure("the %s kernel runs %s, which is not there; install it again: make install" % (kernel, program))

    model = json.loads(get("/api/contents/" + index, content="1"))
    if model.get("type") != "notebook":
        raise Failure("/api/contents/%s is a %s, not a notebook" % (index, model.get("type")))
    page = "/lab/tree/" + index if front == "lab" else "/notebooks/" + index
    if b"<html" not in get(page).lower():
        raise Failure("%s is not a page" % page)

    # The lessons the index links to; a missing one is worth a word.
    folder = os.path.dirname(index)
    for cell in model["content"]["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for link in re.findall(r"\]\(([^)#?\s]+\.ipynb)\)", "".join(cell["source"])):
            target = os.path.normpath(os.path.join(folder, link))
            try:
                get("/api/contents/" + target, content="0")
            except Failure:
                print("open.sh --check: warning: %s links to %s, which is not there" % (index, target))

    print("open.sh --check: jupyter-%s %s on %s lists the %s kernel (%s, %s) and serves %s (%s); stopping it"
          % (front, version, base, kernel, spec["display_name"], program, index, page))
except BaseException as e:
    stop()
    log.seek(0)
    lines = log.read().decode(errors="replace").splitlines()
    print("open.sh --check: FAILED: %s" % (e if isinstance(e, Failure) else repr(e) or "interrupted"), file=sys.stderr)
    print("The server's log, last lines:\n  " + "\n  ".join(lines[-40:]), file=sys.stderr)
    sys.exit(1)
stop()
EOF
