#!/usr/bin/env bash
# ansible-test sanity needs the collection at .../ansible_collections/dockyard/swarm: copy the
# checkout's files (tracked and new, not ignored) into a temporary tree of that shape and run it there.
# No ignore file is used: every finding is fixed in the code.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# ansible-test's own --venv mode downloads get-pip from a host that is not reachable here, so the
# sanity tools live in a virtualenv of their own (they pin versions that differ from ansible-lint's).
svenv="$repo/.venv/sanity"
core=$("$repo/.venv/bin/python" -c 'import ansible.release as r; print(r.__version__)')
if [ ! -x "$svenv/bin/ansible-test" ] || [ "$(cat "$svenv/.core" 2>/dev/null)" != "$core" ]; then
  rm -rf "$svenv"
  "$repo/.venv/bin/python" -m venv "$svenv"
  "$svenv/bin/python" -m pip install -q --disable-pip-version-check "ansible-core==$core"
  echo "$core" > "$svenv/.core"
fi
# Its managed virtualenvs (import test) bootstrap pip with a downloaded script: provide a local stand-in.
pipver=$(grep -A2 "default_packages = dict(" "$svenv"/lib/python*/site-packages/ansible_test/_internal/python_requirements.py \
         | sed -n "s/.*pip='\([0-9.]*\)'.*/\1/p")
[ -n "$pipver" ] || { echo "sanity.sh: cannot find the pip version ansible-test bootstraps" >&2; exit 1; }
mkdir -p ~/.ansible/test/cache
cp "$repo/scripts/ansible-test/get_pip_bootstrap.py" ~/.ansible/test/cache/"get_pip_${pipver//./_}.py"
py="$svenv/bin/python"
pyver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
tmp=$(mktemp -d /tmp/dockyard-sanity.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
dest="$tmp/ansible_collections/dockyard/swarm"
mkdir -p "$dest"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
   [ -e "$f" ] && printf '%s\0' "$f"; done | tar --null -T - -cf -) | tar -C "$dest" -xf -
# ansible-test lists files with git when it finds a repository; give it one of its own.
(cd "$dest" && git init -q && git add -A && git -c user.email=ci@invalid -c user.name=ci commit -qm sanity)
cd "$dest"
export PATH="$svenv/bin:$PATH"
exec ansible-test sanity --color no --python "$pyver" --local --requirements "$@"
