#!/usr/bin/env bash
# Build one archive that installs quizapp on a server with no network at all:
#
#   deploy/bundle.sh [--output DIR] [--python PYTHON] [--wheel-cache DIR]
#   deploy/bundle.sh --platform TAG [--platform TAG …] --python-version X.Y [--output DIR]
#
# The archive, quizapp-<version>-<commit>-<python tag>-<platform>.tar.gz, holds
#   app/               the source tree of this checkout (tracked files: code, migrations,
#                      question banks, deploy files, wsgi.py)
#   wheels/            a wheel of every dependency, the postgres, redis and server extras
#                      included, and of the build backend the app installs with
#   requirements.txt   every wheel pinned (name==version)
#   install.sh         installs it: deploy/install.sh (pip --no-index --find-links wheels/)
#   BUNDLE-INFO        version, commit, Python tag and platform it was built for
#
# Wheels are for the target's Python and platform. Without --platform they are built
# for PYTHON on this machine (default python3): build on a machine like the server
# (same CPU architecture, same Python minor version, a glibc no newer than the
# server's). With --platform (e.g. manylinux2014_x86_64, repeatable) and
# --python-version, released wheels for that target are downloaded instead, so a
# bundle can be built elsewhere; a dependency without such a wheel then fails the build.
# pip's own cache (~/.cache/pip) is reused, so a second build downloads nothing new.
# With --wheel-cache DIR (for CI) the wheels of an earlier build in DIR are used
# without asking any index when they satisfy every requirement; only otherwise does
# pip resolve online, and DIR takes the new wheels.
set -euo pipefail
cd "$(dirname "$0")/.."

output=dist
python=python3
platforms=()
python_version=""
wheel_cache=""
while [ $# -gt 0 ]; do
  case "$1" in
    --output) output="$2"; shift 2 ;;
    --python) python="$2"; shift 2 ;;
    --platform) platforms+=("$2"); shift 2 ;;
    --python-version) python_version="$2"; shift 2 ;;
    --wheel-cache) wheel_cache="$2"; shift 2 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "bundle.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ ${#platforms[@]} -gt 0 ] && [ -z "$python_version" ]; then
  echo "bundle.sh: --platform needs --python-version (the server's Python, e.g. 3.11)" >&2
  exit 2
fi
"$python" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null \
  || { echo "bundle.sh: $python must be Python 3.11 or newer" >&2; exit 2; }

# What the bundle is made of, read from pyproject.toml: the runtime dependencies with
# the production extras, and the build backend (installing the app builds it once).
read_project() {
  "$python" - "$1" <<'PY'
import sys
import tomllib

with open("pyproject.toml", "rb") as handle:
    project = tomllib.load(handle)
what = sys.argv[1]
if what == "version":
    print(project["project"]["version"])
elif what == "requirements":
    extras = project["project"]["optional-dependencies"]
    for requirement in project["project"]["dependencies"] + extras["postgres"] + extras["redis"] + extras["server"]:
        print(requirement)
    for requirement in project["build-system"]["requires"]:
        print(requirement)
    print("wheel")  # older setuptools ask for it to build the editable install
PY
}

version="$(read_project version)"
commit="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit-modified"
fi
if [ ${#platforms[@]} -gt 0 ]; then
  python_tag="cp${python_version/./}"
  platform="${platforms[0]}"
else
  python_tag="$("$python" -c 'import sys; print(f"cp{sys.version_info[0]}{sys.version_info[1]}")')"
  platform="$("$python" -c 'import sysconfig; print(sysconfig.get_platform().replace("-", "_").replace(".", "_"))')"
fi
name="quizapp-$version-$commit-$python_tag-$platform"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stage="$work/$name"
mkdir -p "$stage/app" "$stage/wheels"

# The app: tracked files as they are in the working tree (never .venv, instance/, caches).
if git rev-parse --git-dir >/dev/null 2>&1; then
  git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$stage/app"
else
  tar --exclude=.venv --exclude=instance --exclude=dist --exclude=__pycache__ --exclude='*.db*' -cf - . \
    | tar -xf - -C "$stage/app"
fi

read_project requirements > "$work/requirements.in"
pip_quiet=(--quiet --disable-pip-version-check)
if [ ${#platforms[@]} -gt 0 ]; then
  platform_args=()
  for tag in "${platforms[@]}"; do platform_args+=(--platform "$tag"); done
  "$python" -m pip download "${pip_quiet[@]}" --only-binary=:all: "${platform_args[@]}" \
    --python-version "$python_version" --implementation cp --abi "$python_tag" --abi abi3 --abi none \
    --dest "$stage/wheels" -r "$work/requirements.in"
elif [ -n "$wheel_cache" ] && mkdir -p "$wheel_cache" && "$python" -m pip wheel "${pip_quiet[@]}" --no-index \
    --find-links "$wheel_cache" --wheel-dir "$stage/wheels" -r "$work/requirements.in" 2>/dev/null; then
  echo "bundle.sh: every wheel came from $wheel_cache (no index asked)"
else
  # pip wheel also turns any dependency published only as a source archive into a wheel,
  # so that the server never builds anything.
  "$python" -m pip wheel "${pip_quiet[@]}" ${wheel_cache:+--find-links "$wheel_cache"} \
    --wheel-dir "$stage/wheels" -r "$work/requirements.in"
  if [ -n "$wheel_cache" ]; then
    cp -n "$stage"/wheels/*.whl "$wheel_cache"/
  fi
fi

# Pin exactly the wheels in the bundle (file names carry name and version).
"$python" - "$stage/wheels" > "$stage/requirements.txt" <<'PY'
import pathlib
import re
import sys

print("# Every wheel in wheels/, pinned: install.sh installs exactly these.")
for wheel in sorted(pathlib.Path(sys.argv[1]).glob("*.whl")):
    name, version = wheel.name.split("-")[:2]
    name = re.sub(r"[-_.]+", "-", name).lower()
    if name not in ("setuptools", "wheel"):  # the build backend is used, not installed
        print(f"{name}=={version}")
PY

cp deploy/install.sh "$stage/install.sh"
chmod 0755 "$stage/install.sh"
cat > "$stage/BUNDLE-INFO" <<EOF
QUIZAPP_VERSION=$version
QUIZAPP_COMMIT=$commit
PYTHON_TAG=$python_tag
PLATFORM=$platform
BUILT_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF

mkdir -p "$output"
archive="$(cd "$output" && pwd)/$name.tar.gz"
tar -czf "$archive" -C "$work" "$name"
echo "$archive ($(du -h "$archive" | cut -f1), $(ls "$stage/wheels" | wc -l) wheels)"
