#!/usr/bin/env bash
# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# make demo: the lab is up; start the seed's service-discovery and routing layers on it (registrator agents,
# routing watcher, nginx on $DOCKYARD_DEMO_ROUTER), place the seed's containers and print where they landed
# and the URLs that answer. Everything keeps running afterwards; `make lab-down` removes it all.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
py="$repo/.venv/bin/python"
export DOCKYARD_DEMO_ROUTER=${DOCKYARD_DEMO_ROUTER:-127.0.0.1:8080}
"$py" -m tests.lab status
"$py" -m tests.lab stack-up --listen "$DOCKYARD_DEMO_ROUTER"
eval "$("$py" -m tests.lab env)"
ANSIBLE_COLLECTIONS_PATH="$repo/.venv/collections" ANSIBLE_CONFIG="$repo/ansible.cfg" \
  "$repo/.venv/bin/ansible-playbook" playbooks/demo.yml
echo
echo "Router: http://$DOCKYARD_DEMO_ROUTER/<service>/ (routes: /run/dockyard-lab/stack/nginx/routes.conf)"
echo "Lab connection settings (eval \"\$(.venv/bin/python -m tests.lab env)\" to use them):"
"$py" -m tests.lab env
