#!/usr/bin/env bash
# Install the system packages the lab and the tests need, on Debian/Ubuntu, as root.
# Idempotent: packages already present are not reinstalled; consul is fetched from
# Debian bullseye (it is not in bookworm) through the mirror this machine already uses.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
tools="$here/.cache/tools"
mkdir -p "$tools"

if [ "$(id -u)" != 0 ]; then
  echo "install-system-deps: run as root (the lab creates network namespaces and starts dockerd)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "install-system-deps: apt-get not found: only Debian/Ubuntu are supported" >&2
  exit 1
fi

need=()
changed=0  # say "ok" only after installing something: silent when everything is present
have_cmd() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
have_cmd dockerd || need+=(docker.io)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx httpd || need+=(busybox-static)
have_cmd etcd || need+=(etcd-server)
[ -d /usr/share/zookeeper ] || need+=(zookeeper)
have_cmd java || need+=(default-jre-headless)
have_cmd nginx || need+=(nginx)
have_cmd haproxy || need+=(haproxy)
have_cmd ip || need+=(iproute2)
have_cmd iptables || need+=(iptables)
have_cmd nsenter || need+=(util-linux)
have_cmd debootstrap || need+=(debootstrap)
have_cmd shellcheck || need+=(shellcheck)
have_cmd git || need+=(git)
have_cmd curl || need+=(curl)
have_cmd docker-compose || need+=(docker-compose)
have_cmd docker-registry || need+=(docker-registry)
have_cmd htpasswd || need+=(apache2-utils)

if [ ${#need[@]} -gt 0 ]; then
  echo "install-system-deps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  changed=1
fi

# Consul from Debian bullseye, unpacked (not installed) into .cache/tools.
if [ ! -x "$tools/consul/usr/bin/consul" ]; then
  mirror=""
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    mirror=$(awk '/^URIs:/ {for (i=2;i<=NF;i++) if ($i !~ /security/) {print $i; exit}}' "$f")
    [ -n "$mirror" ] && break
  done
  if [ -z "$mirror" ] && [ -e /etc/apt/sources.list ]; then
    mirror=$(awk '/^deb / && $0 !~ /security/ {for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
  fi
  if [ -z "$mirror" ]; then
    echo "install-system-deps: cannot find a Debian mirror in this machine's apt sources to fetch consul from bullseye" >&2
    exit 1
  fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  echo "deb [signed-by=$keyring] $mirror bullseye main" > "$work/bullseye.list"
  aptopts=(-o "Dir::Etc::SourceList=$work/bullseye.list" -o Dir::Etc::SourceParts=/dev/null
           -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o APT::Get::List-Cleanup=0
           -o APT::Sandbox::User=root)
  apt-get "${aptopts[@]}" update -qq
  (cd "$work" && apt-get "${aptopts[@]}" download consul >/dev/null)
  rm -rf "$tools/consul"
  dpkg -x "$work"/consul_*.deb "$tools/consul"
  echo "install-system-deps: consul $("$tools/consul/usr/bin/consul" version | head -1)"
  changed=1
fi
if [ "$changed" = 1 ]; then
  echo "install-system-deps: ok"
fi
