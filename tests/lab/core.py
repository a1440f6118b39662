# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""up / down / status / env for the lab, serialised by a lock so two `up`s cannot collide."""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator

from . import LabError, certs, engines, image, netns, registry, stores
from .config import CGROUP_PREFIX, DATA_DIR, LOCK_FILE, REGISTRY_ADDR, RUN_DIR, STATE_FILE, Engine, LabConfig
from .procs import read_pid, run


@contextlib.contextmanager
def locked(timeout: float = 300.0) -> Iterator[None]:
    LOCK_FILE.parent.mkdir(parents=True, exist_ok=True)
    with open(LOCK_FILE, "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LabError(f"another lab command holds {LOCK_FILE} for over {timeout:.0f}s") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _require_root() -> None:
    if os.geteuid() != 0:
        raise LabError("the lab needs root (network namespaces, dockerd): run it as root")
    for tool in ("ip", "nsenter", "unshare", "dockerd", "iptables"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            raise LabError(f"`{tool}` is not installed: run `make deps` (scripts/install-system-deps.sh)")


def _tls(cfg: LabConfig) -> dict[str, str]:
    tls_dir = DATA_DIR / "tls"
    client = certs.issue(tls_dir, "client", "dockyard-client", ips=["127.0.0.1"], dns=["localhost"],
                         client=True, server=True)
    for engine in cfg.engines:
        certs.issue(tls_dir, engine.name, engine.name, ips=[engine.addr_ip, "127.0.0.1"],
                    dns=[engine.name, "localhost"], client=True, server=True)
    return client


def _env(cfg: LabConfig, tls: dict[str, str], image_id: str | None, private_image: str | None) -> dict[str, Any]:
    store_ends = {s.name: s.endpoint for s in stores.stores(cfg)}
    registry_env = None
    if cfg.registry:
        registry_env = dict(registry.credentials(), addr=REGISTRY_ADDR, private_image=private_image)
    return {
        "engines": [e.as_dict() for e in cfg.engines],
        "consul": store_ends.get("consul"),
        "etcd": store_ends.get("etcd"),
        "zookeeper": store_ends.get("zookeeper"),
        "tls": dict(tls, cert_path=str(Path(tls["client_cert"]).parent),
                    wrong_ca_path=certs.other_ca(DATA_DIR / "tls")),
        "image": {"name": image.IMAGE, "id": image_id},
        "data_dir": str(DATA_DIR),
        "registry": registry_env,
    }


def _save(cfg: LabConfig, env: dict[str, Any]) -> None:
    state = {"config": {"consul": cfg.consul, "etcd": cfg.etcd, "zookeeper": cfg.zookeeper,
                        "consul_port": cfg.consul_port, "etcd_port": cfg.etcd_port,
                        "zookeeper_port": cfg.zookeeper_port, "registry": cfg.registry,
                        "engines": [{"name": e.name, "labels": e.labels} for e in cfg.engines]},
             "env": env}
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    tmp = STATE_FILE.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    # 0600: the state holds the registry's password
    fd = os.open(str(tmp), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps(state, indent=2, sort_keys=True))
    tmp.replace(STATE_FILE)


def load_state() -> dict[str, Any] | None:
    try:
        return json.loads(STATE_FILE.read_text())
    except (OSError, ValueError):
        return None


def config_from_state(state: dict[str, Any]) -> LabConfig:
    c = state["config"]
    return LabConfig(engines=[Engine(i + 1, e["name"], e["labels"]) for i, e in enumerate(c["engines"])],
                     consul=c["consul"], etcd=c["etcd"], zookeeper=c["zookeeper"],
                     consul_port=c["consul_port"], etcd_port=c["etcd_port"], zookeeper_port=c["zookeeper_port"],
                     registry=c.get("registry", False))


def up(cfg: LabConfig, log=print) -> dict[str, Any]:
    _require_root()
    with locked():
        state = load_state()
        if state is not None:
            previous = config_from_state(state)
            if [(e.name, e.labels) for e in previous.engines] != [(e.name, e.labels) for e in cfg.engines]:
                raise LabError("a lab with other engines or labels is up: run `python -m tests.lab down` first")
        started = time.monotonic()
        for path in (DATA_DIR, RUN_DIR):
            path.mkdir(parents=True, exist_ok=True)
        tls = _tls(cfg)
        all_stores = stores.stores(cfg)
        for store in all_stores:
            log(f"{store.name}: {stores.ensure_running(store)} on {store.endpoint}")
        if cfg.registry:
            netns.ensure_services_address()
            log(f"registry: {registry.ensure_running()} on {REGISTRY_ADDR}")
        for engine in cfg.engines:
            netns.create(engine)
            log(f"{engine.name}: {engines.ensure_running(engine, tls)} at {engine.docker_host} {engine.labels}")
        with ThreadPoolExecutor(max_workers=8) as pool:
            waits = [pool.submit(engines.wait_ready, e, tls) for e in cfg.engines]
            waits += [pool.submit(stores.wait_ready, s) for s in all_stores]
            if cfg.registry:
                waits.append(pool.submit(registry.wait_ready))
            for future in waits:
                future.result()
        image_id = image.ensure(cfg.engines)
        private = registry.ensure_private_image(cfg.engines, image_id, engines.client, log) if cfg.registry else None
        env = _env(cfg, tls, image_id, private)
        _save(cfg, env)
        services = [s.name for s in all_stores] + (["registry"] if cfg.registry else [])
        log(f"lab up in {time.monotonic() - started:.1f}s: {len(cfg.engines)} engines, "
            f"{', '.join(services) or 'no stores'}; image {image.IMAGE} {image_id[:19]}")
        return env


def _lab_processes() -> list[int]:
    """Processes that still reference the lab's directories (containerd shims, containers)."""
    marks = (str(DATA_DIR) + "/", str(RUN_DIR) + "/")
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if any(mark in cmdline for mark in marks):
            found.append(int(entry.name))
    return found


def _unmount_all() -> None:
    roots = (str(DATA_DIR), str(RUN_DIR))
    mounts = []
    with open("/proc/self/mountinfo") as handle:
        for line in handle:
            point = line.split()[4].replace("\\040", " ")
            if point.startswith(roots):
                mounts.append(point)
    for point in sorted(mounts, key=len, reverse=True):
        run(["umount", "-l", point], check=False)


def _remove_cgroups() -> None:
    for controller in Path("/sys/fs/cgroup").iterdir():
        for group in sorted(controller.glob(f"{CGROUP_PREFIX}*"), reverse=True):
            for sub in sorted(group.rglob("*"), key=lambda p: len(str(p)), reverse=True):
                if sub.is_dir():
                    with contextlib.suppress(OSError):
                        sub.rmdir()
            with contextlib.suppress(OSError):
                group.rmdir()


def down(log=print) -> None:
    _require_root()
    with locked():
        pids_dir = RUN_DIR / "pids"
        names = sorted(p.stem for p in pids_dir.glob("*.pid")) if pids_dir.exists() else []
        from .procs import stop

        with ThreadPoolExecutor(max_workers=8) as pool:
            for name, stopped in zip(names, pool.map(lambda n: stop(n, timeout=20.0), names)):
                if stopped:
                    log(f"stopped {name}")
        for pid in _lab_processes():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _unmount_all()
        netns.remove_all()
        _remove_cgroups()
        for path in (DATA_DIR, RUN_DIR):
            if path.exists():
                shutil.rmtree(path, ignore_errors=True)
                if path.exists():  # a busy mount: unmount again and retry once
                    _unmount_all()
                    shutil.rmtree(path, ignore_errors=True)
                if path.exists():
                    raise LabError(f"could not remove {path}: something still uses it")
        log("lab down")


def status(cfg: LabConfig | None) -> dict[str, Any]:
    state = load_state()
    if state is None:
        names, links = netns.leftovers()
        return {"up": False, "leftovers": {"netns": names, "veth": links,
                                           "data_dir": DATA_DIR.exists()}}
    cfg = config_from_state(state)
    tls = state["env"]["tls"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        engine_states = list(pool.map(lambda e: dict(engines.describe(e, tls),
                                                     pid=read_pid(engines.proc_name(e))), cfg.engines))
        store_states = list(pool.map(stores.describe, stores.stores(cfg)))
    registry_state = registry.describe() if cfg.registry else None
    ok = (all(e["ok"] for e in engine_states) and all(s["ok"] for s in store_states)
          and (registry_state is None or registry_state["ok"]))
    from . import manager  # manager imports this module (the lock)

    # the manager is optional (manager-up, stack-up): shown, never part of `healthy`
    return {"up": True, "healthy": ok, "engines": engine_states, "stores": store_states, "registry": registry_state,
            "manager": manager.describe(state["env"])}


def env() -> dict[str, Any]:
    """The lab's connection details; `manager` is the running manager's endpoint (None when it does not run)."""
    from . import manager  # manager imports this module (the lock)

    state = load_state()
    if state is None:
        raise LabError("the lab is not up: run `python -m tests.lab up`")
    return dict(state["env"], manager=manager.entry(state["env"]))


def engine_by_name(name: str) -> tuple[Engine, dict[str, str]]:
    state = load_state()
    if state is None:
        raise LabError("the lab is not up: run `python -m tests.lab up`")
    cfg = config_from_state(state)
    for engine in cfg.engines:
        if engine.name == name:
            return engine, state["env"]["tls"]
    raise LabError(f"no engine named {name!r}; the lab has {', '.join(e.name for e in cfg.engines)}")


def stop_engine(name: str) -> bool:
    return engines.stop_engine(engine_by_name(name)[0])


def start_engine(name: str) -> None:
    engine, tls = engine_by_name(name)
    engines.ensure_running(engine, tls)
    engines.wait_ready(engine, tls)
