#!/bin/sh
# open.sh opens the lessons in JupyterLab, or in the classic notebook when
# JupyterLab is not installed.
set -eu
cd "$(dirname "$0")/../notebooks"
if command -v jupyter-lab >/dev/null 2>&1; then
	exec jupyter-lab "$@"
fi
exec jupyter-notebook "$@"
