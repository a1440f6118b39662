#!/usr/bin/env bash
# make test: every step runs (lint, sanity, molecule, unit + integration); any failure fails the run.
# The lab is started once for the whole run and stopped at the end if this run started it.
#
# The steps overlap where they do not compete for the same thing, so the suite fits its time budget on
# two cores: molecule runs on a Docker engine of its own in the background from the start, while lint,
# sanity and the unit tests run; the integration tests then run in two phases: the modules that leave
# the lab as they found it side by side (DOCKYARD_TEST_WORKERS workers, one module per worker at a
# time), then, alone, the modules that stop engines or need exact free capacity (tests/integration/conftest.py).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
py="$repo/.venv/bin/python"
export PATH="$repo/.venv/bin:$PATH"
workers=${DOCKYARD_TEST_WORKERS:-3}
failed=()
started_all=$SECONDS

step() {
  local name=$1 start=$SECONDS
  shift
  echo "=== $name ($(date -u +%H:%M:%S))"
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
molecule_pid=
cleanup() {
  if [ -n "$molecule_pid" ] && kill -0 "$molecule_pid" 2>/dev/null; then kill -- -"$molecule_pid" 2>/dev/null; fi
  if [ "$started_lab" = 1 ]; then "$py" -m tests.lab down; fi
}
trap cleanup EXIT
export DOCKYARD_KEEP_LAB=1

# molecule (through ansible-compat) installs a copy of this checkout into ~/.ansible/collections; a copy left
# by an earlier run shadows the checkout for ansible-lint and makes it judge old roles. The link in
# .venv/collections is the only dockyard.swarm the suite may see; ansible-lint runs before molecule makes a copy.
rm -rf "${HOME:-/root}/.ansible/collections/ansible_collections/dockyard/swarm"
step lint ansible-lint --profile production

molecule_log=$(mktemp /tmp/dockyard-molecule.XXXXXX.log)
if compgen -G "extensions/molecule/*/molecule.yml" >/dev/null; then
  echo "=== molecule: started in the background ($(date -u +%H:%M:%S)), log $molecule_log"
  molecule_start=$SECONDS
  setsid bash scripts/molecule.sh >"$molecule_log" 2>&1 &
  molecule_pid=$!
fi

step sanity bash scripts/sanity.sh
step unit "$py" -m pytest tests/unit -q -p no:cacheprovider -n 2
step integration "$py" -m pytest tests/integration -q -p no:cacheprovider -m "not exclusive" -n "$workers" --dist loadgroup
step integration-exclusive "$py" -m pytest tests/integration -q -p no:cacheprovider -m exclusive

if [ -n "$molecule_pid" ]; then
  if wait "$molecule_pid"; then
    tail -n 20 "$molecule_log"
    echo "=== molecule: ok ($((SECONDS - molecule_start))s, in the background)"
  else
    cat "$molecule_log"
    echo "=== molecule: FAILED ($((SECONDS - molecule_start))s, in the background)"
    failed+=(molecule)
  fi
  molecule_pid=
fi
rm -f "$molecule_log"

echo "make test: $((SECONDS - started_all))s in all"
if [ ${#failed[@]} -gt 0 ]; then
  echo "make test: FAILED steps: ${failed[*]}"
  exit 1
fi
echo "make test: all steps passed"
