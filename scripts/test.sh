#!/usr/bin/env bash
# make test: every step runs (lint, sanity, molecule, unit + integration); any failure fails the run.
# The lab is started once for the whole run and stopped at the end if this run started it.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
py="$repo/.venv/bin/python"
export PATH="$repo/.venv/bin:$PATH"
failed=()

step() {
  local name=$1 start=$SECONDS
  shift
  echo "=== $name"
  if "$@"; then
    echo "=== $name: ok ($((SECONDS - start))s)"
  else
    echo "=== $name: FAILED ($((SECONDS - start))s)"
    failed+=("$name")
  fi
}

started_lab=0
if ! "$py" -m tests.lab status >/dev/null 2>&1; then
  "$py" -m tests.lab up || { echo "make test: the lab did not come up" >&2; exit 1; }
  started_lab=1
fi
cleanup() { if [ "$started_lab" = 1 ]; then "$py" -m tests.lab down; fi; }
trap cleanup EXIT
export DOCKYARD_KEEP_LAB=1

# molecule (through ansible-compat) installs a copy of this checkout into ~/.ansible/collections; a copy left
# by an earlier run shadows the checkout for ansible-lint and makes it judge old roles. The link in
# .venv/collections is the only dockyard.swarm the suite may see.
rm -rf "${HOME:-/root}/.ansible/collections/ansible_collections/dockyard/swarm"
step lint ansible-lint --profile production
step sanity bash scripts/sanity.sh
if compgen -G "extensions/molecule/*/molecule.yml" >/dev/null; then
  step molecule bash scripts/molecule.sh
fi
step pytest "$py" -m pytest tests/unit tests/integration -q -p no:cacheprovider

if [ ${#failed[@]} -gt 0 ]; then
  echo "make test: FAILED steps: ${failed[*]}"
  exit 1
fi
echo "make test: all steps passed"
