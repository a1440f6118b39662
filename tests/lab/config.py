# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the lab is made of: paths, addresses, ports and the engines' labels."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import LabError

DATA_DIR = Path(os.environ.get("DOCKYARD_LAB_DATA", "/var/lib/dockyard-lab"))
RUN_DIR = Path(os.environ.get("DOCKYARD_LAB_RUN", "/run/dockyard-lab"))
STATE_FILE = RUN_DIR / "state.json"
LOCK_FILE = Path(f"{RUN_DIR}.lock")
# A second, private lab next to the shared one (to try start-up paths without touching it) needs its own
# directories, prefix and subnet: DOCKYARD_LAB_DATA/RUN/PREFIX/SUBNET. The defaults are the shared lab's.
LAB_PREFIX = os.environ.get("DOCKYARD_LAB_PREFIX", "dylab")
NETNS_PREFIX = f"{LAB_PREFIX}-"
VETH_PREFIX = LAB_PREFIX
CGROUP_PREFIX = "dockyard-lab-" if LAB_PREFIX == "dylab" else f"{LAB_PREFIX}-lab-"
SUBNET = os.environ.get("DOCKYARD_LAB_SUBNET", "10.231")
ENGINE_PORT = 2376
# The lab's services address: on a veth of its own (index 0, no engine uses it), reachable from every
# engine's namespace through its default route, and independent of any one engine's link.
SERVICES_IP = f"{SUBNET}.0.1"
REGISTRY_PORT = 5000
REGISTRY_ADDR = f"{SERVICES_IP}:{REGISTRY_PORT}"
DEFAULT_LABELS_FILE = Path(__file__).with_name("labels.yml")
REPO_ROOT = Path(__file__).resolve().parents[2]
CONSUL_BIN_CANDIDATES = (REPO_ROOT / ".cache/tools/consul/usr/bin/consul", Path("/usr/bin/consul"))

if not re.fullmatch(r"(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])", SUBNET):
    raise LabError(f"DOCKYARD_LAB_SUBNET must be the first two octets of an IPv4 /16 (like 10.231), not {SUBNET!r}")
if not re.fullmatch(r"[a-z][a-z0-9]{1,8}", LAB_PREFIX):
    raise LabError(f"DOCKYARD_LAB_PREFIX must be 2-9 lower-case letters and digits (a link-name prefix), not {LAB_PREFIX!r}")

_LABEL_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-/]*$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9\-]{0,30}$")


@dataclass
class Engine:
    index: int
    name: str
    labels: dict[str, str]

    @property
    def netns(self) -> str:
        return f"{NETNS_PREFIX}{self.name}"

    @property
    def veth(self) -> str:
        return f"{VETH_PREFIX}{self.index}"

    @property
    def host_ip(self) -> str:
        return f"{SUBNET}.{self.index}.1"

    @property
    def addr_ip(self) -> str:
        return f"{SUBNET}.{self.index}.2"

    @property
    def addr(self) -> str:
        return f"{self.addr_ip}:{ENGINE_PORT}"

    @property
    def docker_host(self) -> str:
        return f"tcp://{self.addr}"

    @property
    def socket(self) -> Path:
        return RUN_DIR / f"{self.name}.sock"

    @property
    def data_root(self) -> Path:
        return DATA_DIR / "engines" / self.name

    @property
    def exec_root(self) -> Path:
        return RUN_DIR / "exec" / self.name

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "addr": self.addr, "docker_host": self.docker_host,
                "labels": dict(self.labels), "socket": f"unix://{self.socket}", "netns": self.netns}


@dataclass
class LabConfig:
    engines: list[Engine]
    consul: bool = True
    etcd: bool = True
    zookeeper: bool = True
    consul_port: int = 8500
    etcd_port: int = 2379
    zookeeper_port: int = 2181
    registry: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def load_labels(path: Path, count: int) -> list[Engine]:
    """Read the labels file and return `count` engines; errors name the file and the entry."""
    try:
        import yaml
    except ImportError as exc:  # pragma: no cover - the Makefile installs PyYAML
        raise LabError("PyYAML is missing: run `make venv` (or pip install PyYAML)") from exc
    if count < 1 or count > 50:
        raise LabError(f"--engines must be between 1 and 50, not {count}")
    try:
        raw = yaml.safe_load(path.read_text())
    except FileNotFoundError as exc:
        raise LabError(f"labels file {path} does not exist") from exc
    except yaml.YAMLError as exc:
        raise LabError(f"labels file {path} is not valid YAML: {exc}") from exc
    if raw is None:
        raw = {"engines": []}
    if not isinstance(raw, dict) or not isinstance(raw.get("engines", []), list):
        raise LabError(f"labels file {path}: expected a mapping with a list `engines:` of {{name, labels}} entries")
    entries = raw.get("engines") or []
    engines: list[Engine] = []
    seen: set[str] = set()
    for i in range(count):
        entry = entries[i] if i < len(entries) else {"name": f"node-{i + 1}", "labels": {}}
        where = f"labels file {path}, engine #{i + 1}"
        if not isinstance(entry, dict):
            raise LabError(f"{where}: expected a mapping with `name` and `labels`, got {entry!r}")
        name = str(entry.get("name") or f"node-{i + 1}")
        if not _NAME.match(name):
            raise LabError(f"{where}: name {name!r} must be lower-case letters, digits and '-' (max 31)")
        if name in seen:
            raise LabError(f"{where}: name {name!r} is used twice")
        seen.add(name)
        labels = entry.get("labels") or {}
        if not isinstance(labels, dict):
            raise LabError(f"{where}: `labels` must be a mapping of key: value, got {labels!r}")
        clean: dict[str, str] = {}
        for key, value in labels.items():
            key = str(key)
            if not _LABEL_KEY.match(key) or key == "node":
                raise LabError(f"{where}: label key {key!r} is not a valid engine label key")
            if isinstance(value, (dict, list)) or value is None:
                raise LabError(f"{where}: label {key!r} must have a scalar value, got {value!r}")
            text = str(value).lower() if isinstance(value, bool) else str(value)
            if "\n" in text or "=" in key:
                raise LabError(f"{where}: label {key}={text!r} is not valid")
            clean[key] = text
        engines.append(Engine(index=i + 1, name=name, labels=clean))
    return engines


def consul_binary() -> str:
    for candidate in CONSUL_BIN_CANDIDATES:
        if candidate.exists():
            return str(candidate)
    raise LabError("consul is not installed: run `make deps` (scripts/install-system-deps.sh fetches it "
                   "from Debian bullseye), or skip it with --no-consul")
