#!/usr/bin/env bash
# make demo: the lab is up; show the cluster the way classic `docker info` against Swarm did.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
py="$repo/.venv/bin/python"
"$py" -m tests.lab status
if [ -f playbooks/demo.yml ]; then
  eval "$("$py" -m tests.lab env)"
  ANSIBLE_COLLECTIONS_PATH="$repo/.venv/collections" ANSIBLE_CONFIG="$repo/ansible.cfg" \
    "$repo/.venv/bin/ansible-playbook" playbooks/demo.yml
fi
echo
echo "Lab connection settings (eval \"\$(.venv/bin/python -m tests.lab env)\" to use them):"
"$py" -m tests.lab env
