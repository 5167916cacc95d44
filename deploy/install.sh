#!/bin/sh
# Install (or upgrade) quizapp from an unpacked bundle (deploy/bundle.sh) with no
# network: pip reads only this bundle's wheels/.
#
#   ./install.sh [PREFIX]          default /opt/quizapp; run as the user that owns PREFIX
#
# Lays out what README "Production" describes: the app in PREFIX/app, a virtualenv in
# PREFIX/venv with the app and its postgres, redis and server extras. An upgrade keeps
# PREFIX/app/instance and leaves the previous app in PREFIX/app.old. Needs the
# server's python3 with venv (Debian: python3-venv), of the version the bundle was
# built for (BUNDLE-INFO); PYTHON=… chooses another interpreter.
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
prefix="${1:-/opt/quizapp}"
python="${PYTHON:-python3}"
. "$here/BUNDLE-INFO"

have="$("$python" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")' 2>/dev/null || echo none)"
if [ "$have" != "$PYTHON_TAG" ]; then
  echo "install.sh: this bundle is for $PYTHON_TAG ($PLATFORM) but $python is $have;" >&2
  echo "  install that Python, set PYTHON=/path/to/it, or build a bundle for this server." >&2
  exit 2
fi

# Only this bundle counts: no index, no pip configuration of the machine or the user.
PIP_CONFIG_FILE=/dev/null
PIP_NO_INDEX=1
PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_CONFIG_FILE PIP_NO_INDEX PIP_DISABLE_PIP_VERSION_CHECK
unset PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_FIND_LINKS PIP_CONSTRAINT PIP_REQUIREMENT 2>/dev/null || true

mkdir -p "$prefix"
rm -rf "$prefix/app.new"
cp -R "$here/app" "$prefix/app.new"
if [ -d "$prefix/app" ]; then
  if [ -d "$prefix/app/instance" ]; then
    mv "$prefix/app/instance" "$prefix/app.new/instance"
  fi
  rm -rf "$prefix/app.old"
  mv "$prefix/app" "$prefix/app.old"
fi
mv "$prefix/app.new" "$prefix/app"

if [ ! -x "$prefix/venv/bin/python" ]; then
  "$python" -m venv "$prefix/venv"
fi
pip="$prefix/venv/bin/python -m pip"
$pip install --quiet --no-index --find-links "$here/wheels" -r "$here/requirements.txt"
# The app itself, editable from PREFIX/app (as README's layout has it): migrations,
# question banks and the instance folder stay beside the code.
$pip install --quiet --no-index --find-links "$here/wheels" --no-deps -e "$prefix/app"
$pip check

echo "quizapp $QUIZAPP_VERSION ($QUIZAPP_COMMIT) installed in $prefix (app, venv)."
echo "Next: the environment file, then $prefix/venv/bin/quizapp db upgrade and quizapp doctor (README, Production)."
