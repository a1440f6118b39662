# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One network namespace per engine, joined to the host by a veth pair on 10.231.<i>.0/24."""
from __future__ import annotations

from pathlib import Path

from .config import NETNS_PREFIX, SERVICES_IP, VETH_PREFIX, Engine
from .procs import run


def exists(engine: Engine) -> bool:
    return Path(f"/var/run/netns/{engine.netns}").exists()


def create(engine: Engine) -> None:
    """Create (or complete) the namespace; safe to call again."""
    if not exists(engine):
        run(["ip", "netns", "add", engine.netns])
    if run(["ip", "link", "show", engine.veth], check=False).returncode != 0:
        run(["ip", "link", "add", engine.veth, "type", "veth", "peer", "name", "eth0", "netns", engine.netns])
    if engine.host_ip not in run(["ip", "-4", "addr", "show", "dev", engine.veth]).stdout:
        run(["ip", "addr", "add", f"{engine.host_ip}/24", "dev", engine.veth])
    run(["ip", "link", "set", engine.veth, "up"])
    inside = ["ip", "netns", "exec", engine.netns]
    if engine.addr_ip not in run(inside + ["ip", "-4", "addr", "show", "dev", "eth0"]).stdout:
        run(inside + ["ip", "addr", "add", f"{engine.addr_ip}/24", "dev", "eth0"])
    run(inside + ["ip", "link", "set", "eth0", "up"])
    run(inside + ["ip", "link", "set", "lo", "up"])
    if "default" not in run(inside + ["ip", "route", "show"]).stdout:
        run(inside + ["ip", "route", "add", "default", "via", engine.host_ip])


def ensure_services_address() -> str:
    """Give the root namespace the lab's services address (the registry listens there); safe to call again.

    It sits on a veth pair of its own (both ends in the root namespace: this kernel may lack the dummy
    link type), named like the engines' links so that `down` removes it with them. Engines reach it
    through their default route (the host side of their own veth).
    """
    link = f"{VETH_PREFIX}0"
    if run(["ip", "link", "show", link], check=False).returncode != 0:
        run(["ip", "link", "add", link, "type", "veth", "peer", "name", f"{link}p"])
    if f"{SERVICES_IP}/32" not in run(["ip", "-4", "addr", "show", "dev", link]).stdout:
        run(["ip", "addr", "add", f"{SERVICES_IP}/32", "dev", link])
    for name in (link, f"{link}p"):
        run(["ip", "link", "set", name, "up"])
    return SERVICES_IP


def leftovers() -> tuple[list[str], list[str]]:
    """Namespaces and host veths of the lab that exist now (also ones from a larger earlier lab)."""
    names = [line.split()[0] for line in run(["ip", "netns", "list"], check=False).stdout.splitlines()
             if line.startswith(NETNS_PREFIX)]
    links = []
    for line in run(["ip", "-o", "link", "show"], check=False).stdout.splitlines():
        parts = line.split(": ")
        if len(parts) > 1:
            link = parts[1].split("@")[0]
            if link.startswith(VETH_PREFIX):
                links.append(link)
    return names, links


def remove_all() -> None:
    names, links = leftovers()
    for link in links:
        run(["ip", "link", "del", link], check=False)
    for name in names:
        run(["ip", "netns", "del", name], check=False)
