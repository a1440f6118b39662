#!/usr/bin/env bash
# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# make demo: the lab is up; start the seed's stack on it (registrator agents, routing watcher, nginx on
# $DOCKYARD_DEMO_ROUTER, and the classic `swarm manage` endpoint over TLS), then show the seed's example twice:
#   act 1: Ansible places edge_webserver / app_1 with swarm_container and the router answers by service name;
#   act 2: the seed's `docker run` lines typed into the real docker CLI against the manager, as
#          cli_edge_webserver / cli_app_1 (published on $DOCKYARD_DEMO_CLI_PORT: act 1 holds port 80 on node-2),
#          then docker ps, docker info and a curl of the web server.
# Each act replaces its own previous run's containers, so the demo can run again. Everything keeps running
# afterwards; `make lab-down` removes it all.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
py="$repo/.venv/bin/python"
export DOCKYARD_DEMO_ROUTER=${DOCKYARD_DEMO_ROUTER:-127.0.0.1:8080}
cli_port=${DOCKYARD_DEMO_CLI_PORT:-8081}
"$py" -m tests.lab status
"$py" -m tests.lab stack-up --listen "$DOCKYARD_DEMO_ROUTER"

echo
echo "== Act 1: the seed's example placed by Ansible (swarm_container), routed by service name"
(
  eval "$("$py" -m tests.lab env)"
  ANSIBLE_COLLECTIONS_PATH="$repo/.venv/collections" ANSIBLE_CONFIG="$repo/ansible.cfg" \
    "$repo/.venv/bin/ansible-playbook" playbooks/demo.yml
)

echo
echo "== Act 2: the seed's docker commands, typed into the docker CLI against the manager"
(
  eval "$("$py" -m tests.lab env --manager)"
  unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE
  DOCKER_CONFIG=$(mktemp -d)
  export DOCKER_CONFIG
  trap 'rm -rf "$DOCKER_CONFIG"' EXIT
  docker() { /usr/bin/docker "$@"; }
  show() { printf '$ %s\n' "$*"; "$@"; }
  echo "\$ eval \"\$(.venv/bin/python -m tests.lab env --manager)\"   # DOCKER_HOST=$DOCKER_HOST DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$DOCKER_CERT_PATH"
  echo "# the previous run's containers, if any, go first"
  show docker rm -f cli_edge_webserver cli_app_1 2>/dev/null || true
  echo "# the seed: -p 80:80 nginx; here busybox's httpd, and port $cli_port because act 1's edge_webserver holds 80 on node-2"
  show docker run -d --name cli_edge_webserver -e constraint:zone==external -e constraint:disk==ssd \
    -p "$cli_port:80" busybox httpd -f -p 80 -h /www
  show docker run -d --name cli_app_1 -e affinity:container==cli_edge_webserver busybox httpd -f -p 8000 -h /www
  show docker ps
  show docker info
  addr=$(docker port cli_edge_webserver 80/tcp | head -n 1)
  echo "\$ docker port cli_edge_webserver 80/tcp   # $addr"
  show curl -sS --noproxy "${addr%%:*}" --retry 10 --retry-connrefused --retry-delay 1 --max-time 5 "http://$addr/"
)

echo
echo "Router: http://$DOCKYARD_DEMO_ROUTER/<service>/ (routes: /run/dockyard-lab/stack/nginx/routes.conf)"
echo "Lab connection settings (eval \"\$(.venv/bin/python -m tests.lab env)\" to use them; env --manager for the manager):"
"$py" -m tests.lab env
