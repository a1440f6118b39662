#!/usr/bin/env bash
# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
#
# make molecule / make test: run the molecule scenarios in extensions/molecule/ on a Docker engine of
# their own. Prepares everything on a fresh machine:
#   * a root-namespace dockerd just for molecule (socket /run/dockyard-molecule.sock, data-root
#     /var/lib/dockyard-molecule, bridge dymol0, no iptables changes beyond one NAT rule), unless one runs;
#   * the base image local/debian-systemd:bookworm (debootstrap minbase with systemd) and from it the
#     instance image local/dockyard-molecule:bookworm (docker.io, nginx and the roles' packages preinstalled);
#     both stay in the data-root between runs, .deb downloads are cached in .cache/molecule;
#   * the wheels the host agents install offline (.cache/molecule/wheels): py-consul, the Docker SDK
#     for the registrator, aiohttp and google-re2 (with their dependencies) for the swarm command.
# At the end (trap) it removes its containers and stops its dockerd, unless it found one running.
#
# Usage: scripts/molecule.sh [molecule-command [args...]]   (default: test, for every scenario)
#   DOCKYARD_MOLECULE_KEEP=1   leave the dockerd running (development: converge/verify/login by hand)
#   scripts/molecule.sh stop-engine   stop a dockerd left running that way
#   DOCKYARD_MOLECULE_SCENARIOS="a b"   only these scenarios
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
export PATH="$repo/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$repo/.venv/collections"

name=dockyard-molecule
data_root=/var/lib/$name
exec_root=/run/$name
sock=/run/$name.sock
pidfile=/run/$name.pid
conf=/run/$name.json
forward_file=/run/$name.ip_forward
bridge=dymol0
subnet=${DOCKYARD_MOLECULE_SUBNET:-10.234.0.0/24}
gateway=${subnet%.*}.1
prefix_len=${subnet#*/}
base_image=local/debian-systemd:bookworm
image=local/dockyard-molecule:bookworm
# Bump when build_image changes: an instance image with another recipe is rebuilt.
image_recipe=3
cache="$repo/.cache/molecule"
log="$cache/dockerd.log"
export DOCKER_HOST="unix://$sock"
# Plain logs when not on a terminal (CI).
if [ ! -t 1 ]; then export NO_COLOR=1 ANSIBLE_NOCOLOR=1 PY_COLORS=0; fi
# The engine is local and plain (a unix socket): nothing here should verify TLS against the machine's
# CA bundle. REQUESTS_CA_BUNDLE would override the client certificates' CA (see tests/lab/README.md).
unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE DOCKER_TLS_VERIFY DOCKER_CERT_PATH DOCKER_TLS

say() { echo "molecule.sh: $*"; }
die() { echo "molecule.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (it starts a dockerd for the molecule instances)"
for cmd in dockerd docker debootstrap ip iptables molecule timeout; do
  command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found (make deps && make venv install it)"
done
mkdir -p "$cache"

engine_up() { timeout 10 docker version >/dev/null 2>&1; }

started=0
old_forward=""
nat_rule=(POSTROUTING -s "$subnet" ! -o "$bridge" -j MASQUERADE -m comment --comment "$name")

cleanup() {
  local rc=$?
  set +e
  if [ "$started" = 1 ] && [ "${DOCKYARD_MOLECULE_KEEP:-0}" != 1 ]; then
    say "stopping the molecule dockerd"
    mapfile -t ids < <(timeout 30 docker ps -aq --filter "label=owner=$name")
    [ ${#ids[@]} -gt 0 ] && timeout 120 docker rm -f "${ids[@]}" >/dev/null
    if [ -s "$pidfile" ]; then
      pid=$(cat "$pidfile")
      kill -TERM "$pid" 2>/dev/null
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    iptables -t nat -D "${nat_rule[@]}" 2>/dev/null
    ip link del "$bridge" 2>/dev/null
    [ -n "$old_forward" ] || old_forward=$(cat "$forward_file" 2>/dev/null)
    [ -n "$old_forward" ] && sysctl -qw net.ipv4.ip_forward="$old_forward"
    rm -f "$conf" "$sock" "$pidfile" "$forward_file"
  elif [ "$started" = 1 ]; then
    say "DOCKYARD_MOLECULE_KEEP=1: the molecule dockerd keeps running (DOCKER_HOST=$DOCKER_HOST)"
  fi
  exit "$rc"
}

start_engine() {
  say "starting a dockerd for molecule ($sock, data-root $data_root)"
  if ! ip link show "$bridge" >/dev/null 2>&1; then
    ip link add "$bridge" type bridge
    ip addr add "$gateway/$prefix_len" dev "$bridge"
  fi
  ip link set "$bridge" up
  old_forward=$(sysctl -n net.ipv4.ip_forward)
  [ -e "$forward_file" ] || echo "$old_forward" > "$forward_file"
  old_forward=$(cat "$forward_file")
  sysctl -qw net.ipv4.ip_forward=1
  iptables -t nat -C "${nat_rule[@]}" 2>/dev/null || iptables -t nat -A "${nat_rule[@]}"
  # iptables=false: this engine must not rewrite the machine's firewall (the lab's engines share it).
  cat > "$conf" <<EOF
{"bridge": "$bridge", "iptables": false, "ip-forward": false, "storage-driver": "overlay2",
 "log-driver": "json-file", "log-opts": {"max-size": "10m"}, "userland-proxy": false}
EOF
  mkdir -p "$data_root" "$exec_root"
  started=1
  setsid dockerd --config-file "$conf" --data-root "$data_root" --exec-root "$exec_root" \
    --pidfile "$pidfile" -H "unix://$sock" >"$log" 2>&1 </dev/null 9>&- &
  for _ in $(seq 1 60); do engine_up && return 0; sleep 0.5; done
  tail -n 20 "$log" >&2
  die "the molecule dockerd did not answer within 30 s (log: $log)"
}

# The Debian mirror this machine's apt sources name (no registry host is written here).
debian_mirror() {
  local mirror
  mirror=$(apt-get indextargets --no-release-info --format "\$(REPO_URI)" | grep -v -- '-security' | sort -u | head -n 1)
  [ -n "$mirror" ] || die "cannot find a Debian mirror in this machine's apt sources"
  echo "$mirror"
}

build_base_image() {
  local mirror root start=$SECONDS
  mirror=$(debian_mirror)
  root=$(mktemp -d /var/tmp/$name-rootfs.XXXXXX)
  say "building $base_image with debootstrap from $mirror (downloads cached in $cache/debs)"
  mkdir -p "$cache/debs"
  if ! timeout 900 debootstrap --variant=minbase --cache-dir="$cache/debs" \
      --include=systemd,systemd-sysv,python3,iproute2,ca-certificates,dbus \
      bookworm "$root" "$mirror" >"$cache/debootstrap.log" 2>&1; then
    cp "$root/debootstrap/debootstrap.log" "$cache/debootstrap-inner.log" 2>/dev/null
    tail -n 30 "$cache/debootstrap.log" >&2
    rm -rf "$root"
    die "debootstrap failed (logs: $cache/debootstrap*.log)"
  fi
  tar -C "$root" -c . | timeout 600 docker import -c 'CMD ["/lib/systemd/systemd"]' \
    - "$base_image" >/dev/null
  rm -rf "$root"
  say "built $base_image in $((SECONDS - start)) s"
}

# The instance image: the base plus everything the roles install on a docker host, a manager or a
# router, so a converge only configures (the roles' package tasks still run and find the packages
# present). No service starts while the image is built (policy-rc.d), and nginx stays disabled: a
# router's role enables it, and on a docker host it would hold port 80 that containers publish.
build_image() {
  local start=$SECONDS builder=$name-image-build
  timeout 30 docker image inspect "$base_image" >/dev/null 2>&1 || build_base_image
  say "building $image from $base_image (apt downloads cached in $cache/apt)"
  mkdir -p "$cache/apt/partial"
  timeout 60 docker rm -f "$builder" >/dev/null 2>&1 || true
  if ! timeout 900 docker run --name "$builder" --label owner=$name -v "$cache/apt:/var/cache/apt/archives" \
      -e DEBIAN_FRONTEND=noninteractive "$base_image" sh -ec '
        rm -f /etc/apt/apt.conf.d/docker-clean
        printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d
        chmod 0755 /usr/sbin/policy-rc.d
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends docker.io python3-venv python3-requests \
          python3-cryptography python3-apt python3-jinja2 nginx iptables procps >/dev/null
        rm -f /usr/sbin/policy-rc.d
        systemctl disable nginx.service >/dev/null 2>&1
        systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_reap.service >/dev/null 2>&1 || true' \
      >"$cache/image-build.log" 2>&1; then
    tail -n 30 "$cache/image-build.log" >&2
    timeout 60 docker rm -f "$builder" >/dev/null 2>&1
    die "building $image failed (log: $cache/image-build.log)"
  fi
  timeout 600 docker commit -c 'CMD ["/lib/systemd/systemd"]' -c "LABEL dockyard.molecule.recipe=$image_recipe" \
    "$builder" "$image" >/dev/null
  timeout 60 docker rm -f "$builder" >/dev/null
  say "built $image in $((SECONDS - start)) s"
}

# The agents' wheels at the versions of the development venv: py-consul and the Docker SDK alone (their
# dependencies, requests and urllib3, come from the instances' Debian packages: the agents' virtualenv
# sees the system site packages), and the swarm command's aiohttp and google-re2 with every package
# they need (read from the venv's metadata, so a new dependency of aiohttp is picked up).
wheel_pins() {
  "$repo/.venv/bin/python" - <<'EOF'
import importlib.metadata as md
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pins = {name: md.version(name) for name in ("py-consul", "docker")}
todo = ["aiohttp", "google-re2"]
while todo:
    name = canonicalize_name(todo.pop())
    if name in pins:
        continue
    pins[name] = md.version(name)
    for text in md.requires(name) or []:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            todo.append(req.name)
for name, version in sorted(pins.items()):
    print("%s==%s" % (name, version))
EOF
}

fetch_wheels() {
  local pin dist file version keep w want=() missing=()
  for pin in $(wheel_pins); do
    dist=${pin%%==*}
    version=${pin#*==}
    file=${dist//-/_}-$version-
    want+=("$file")
    ls "$cache/wheels/$file"*.whl >/dev/null 2>&1 || missing+=("$pin")
  done
  [ ${#want[@]} -gt 0 ] || die "cannot read the agents' package versions from the development venv"
  if [ ${#missing[@]} -gt 0 ]; then
    say "downloading the wheels for the host agents: ${missing[*]}"
    mkdir -p "$cache/wheels"
    timeout 300 "$repo/.venv/bin/python" -m pip download -q --no-deps --only-binary=:all: \
      -d "$cache/wheels" "${missing[@]}"
  fi
  # only these versions: the agents' virtualenv is installed from every wheel in the folder
  for file in "$cache/wheels"/*.whl; do
    keep=0
    for w in "${want[@]}"; do [[ ${file##*/} == "$w"* ]] && keep=1; done
    [ "$keep" = 1 ] || rm -f "$file"
  done
}

# One run at a time on this machine (the instances' names are fixed); wait at most 30 minutes.
exec 9>"/run/$name.lock"
if ! flock -w 1800 9; then die "another scripts/molecule.sh still runs after 30 minutes (lock /run/$name.lock)"; fi
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ "${1:-}" = stop-engine ]; then
  if engine_up; then started=1; DOCKYARD_MOLECULE_KEEP=0; else say "no molecule dockerd runs at $sock"; fi
  exit 0
fi
if engine_up; then
  say "using the molecule dockerd that already runs at $sock"
else
  [ -e "$sock" ] && rm -f "$sock"
  start_engine
fi
recipe=$(timeout 30 docker image inspect -f '{{ index .Config.Labels "dockyard.molecule.recipe" }}' "$image" 2>/dev/null || true)
[ "$recipe" = "$image_recipe" ] || build_image
fetch_wheels
export DOCKYARD_MOLECULE_WHEELS="$cache/wheels"
export DOCKYARD_MOLECULE_IMAGE="$image"
export DOCKYARD_MOLECULE_CONSUL="$repo/.cache/tools/consul/usr/bin/consul"
[ -x "$DOCKYARD_MOLECULE_CONSUL" ] || die "$DOCKYARD_MOLECULE_CONSUL is missing (make deps fetches it)"

scenarios=${DOCKYARD_MOLECULE_SCENARIOS:-}
if [ -z "$scenarios" ]; then
  for f in ${MOLECULE_GLOB:-extensions/molecule/*/molecule.yml}; do
    [ -e "$f" ] || continue
    f=${f#extensions/molecule/}
    scenarios+=" ${f%/molecule.yml}"
  done
fi
[ -n "${scenarios// /}" ] || die "no scenario in extensions/molecule/*/molecule.yml"
[ $# -gt 0 ] || set -- test
rc=0
for s in $scenarios; do
  start=$SECONDS
  say "molecule $1 -s $s"
  if timeout 1800 molecule "$1" -s "$s" "${@:2}"; then
    say "scenario $s: ok ($((SECONDS - start)) s)"
  else
    say "scenario $s: FAILED ($((SECONDS - start)) s)"
    rc=1
  fi
done
[ "$rc" = 0 ] # the exit status (an explicit exit here hides the EXIT trap from shellcheck 0.9)
