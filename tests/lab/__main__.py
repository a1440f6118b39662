# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""python -m tests.lab up|down|status|env|stop-engine|start-engine|stack-up|stack-down|manager-up|manager-down"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from . import LabError, core
from .config import DEFAULT_LABELS_FILE, LabConfig, load_labels
from .manager import DEFAULT_PORT, STRATEGIES


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tests.lab", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start (or complete) the lab; idempotent")
    up.add_argument("--engines", type=int, default=3, help="number of Docker engines (default 3)")
    up.add_argument("--labels", type=Path, default=DEFAULT_LABELS_FILE, help="YAML file with engine labels")
    for store, port in (("consul", 8500), ("etcd", 2379), ("zookeeper", 2181)):
        up.add_argument(f"--no-{store}", action="store_true", help=f"do not start {store}")
        up.add_argument(f"--{store}-port", type=int, default=port, help=f"{store} port on 127.0.0.1")
    up.add_argument("--no-registry", action="store_true", help="do not start the private registry")
    sub.add_parser("down", help="stop and remove everything the lab made; safe to run twice")
    status = sub.add_parser("status", help="what runs and whether it answers")
    status.add_argument("--json", action="store_true")
    env = sub.add_parser("env", help="connection details for tests, demo and benchmarks")
    env.add_argument("--json", action="store_true")
    env.add_argument("--manager", action="store_true",
                     help="DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for the manager instead of node-1")
    for name in ("stop-engine", "start-engine"):
        cmd = sub.add_parser(name, help=f"{name.split('-', maxsplit=1)[0]} one engine's dockerd (failure tests)")
        cmd.add_argument("name")
    stack_up = sub.add_parser("stack-up", help="start registrator agents, nginx and the routing watcher on the lab (make demo)")
    stack_up.add_argument("--listen", default="127.0.0.1:8080", help="the router's address (default 127.0.0.1:8080)")
    stack_up.add_argument("--prefix", default="services", help="the Consul KV prefix of the services (default services)")
    stack_up.add_argument("--manager-port", type=int, help=f"the manager's port on 127.0.0.1 (default {DEFAULT_PORT})")
    stack_up.add_argument("--json", action="store_true")
    sub.add_parser("stack-down", help="stop the stack's processes and the manager (the lab keeps running)")
    manager_up = sub.add_parser("manager-up", help="start the classic `swarm manage` endpoint over TLS in front of the engines")
    manager_up.add_argument("--port", type=int, help=f"its port on 127.0.0.1 (default {DEFAULT_PORT}, or the running one's)")
    manager_up.add_argument("--strategy", choices=STRATEGIES, help="spread (default), binpack or random")
    manager_up.add_argument("--json", action="store_true")
    sub.add_parser("manager-down", help="stop the manager (the lab keeps running)")
    return parser


def _exports(env: dict, manager: bool = False) -> str:
    """Shell exports: DOCKER_* for node-1, or for the manager with `manager`; the stores' addresses."""
    docker = env["engines"][0]
    if manager:
        docker = env.get("manager")
        if not docker:
            raise LabError("the manager is not running: start it with `python -m tests.lab manager-up` (or stack-up)")
    values = {
        "DOCKER_HOST": docker["docker_host"],
        "DOCKER_TLS_VERIFY": "1",
        "DOCKER_CERT_PATH": docker.get("cert_path") or env["tls"]["cert_path"],
        "SWARM_NODES": ",".join(e["addr"] for e in env["engines"]),
        "LAB_ENGINES": " ".join(e["name"] for e in env["engines"]),
    }
    if env.get("consul"):
        values["CONSUL_HTTP_ADDR"] = env["consul"]
    if env.get("etcd"):
        values["ETCD_ENDPOINTS"] = env["etcd"]
    if env.get("zookeeper"):
        values["ZOOKEEPER_HOSTS"] = env["zookeeper"]
    if env.get("registry"):  # the password stays in `env --json`
        values["LAB_REGISTRY"] = env["registry"]["addr"]
    return "\n".join(f"export {k}={shlex.quote(v)}" for k, v in values.items())


def _manager_line(manager: dict | None) -> str:
    if manager is None:
        return f"{'manager':<10} {'-':<18} not running (manager-up or stack-up starts it)"
    endpoint = manager["docker_host"].replace("tcp://", "")
    if not manager["ok"]:
        return f"{'manager':<10} {endpoint:<18} {manager['error']} (log {manager['log']})"
    healthy = sum(1 for state in manager["nodes"].values() if state == "Healthy")
    return f"{'manager':<10} {endpoint:<18} ok, TLS, {healthy} Healthy engines, {manager['strategy']}, {manager['discovery']}"


def _quiet(quiet: bool):
    """Progress lines go to stderr when stdout carries JSON."""
    return (lambda line: print(line, file=sys.stderr)) if quiet else print


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "up":
            cfg = LabConfig(engines=load_labels(args.labels, args.engines),
                            consul=not args.no_consul, etcd=not args.no_etcd, zookeeper=not args.no_zookeeper,
                            consul_port=args.consul_port, etcd_port=args.etcd_port,
                            zookeeper_port=args.zookeeper_port, registry=not args.no_registry)
            core.up(cfg)
        elif args.command == "down":
            core.down()
        elif args.command == "status":
            result = core.status(None)
            if args.json:
                print(json.dumps(result, indent=2, sort_keys=True))
            elif not result["up"]:
                print("lab is down" + (f"; leftovers: {result['leftovers']}" if any(result["leftovers"].values())
                                       else ""))
            else:
                for e in result["engines"]:
                    state = f"ok, {e['containers']} containers, {e['labels']}" if e["ok"] else e["error"]
                    print(f"{e['name']:<10} {e['addr']:<18} {state}")
                for s in result["stores"] + ([result["registry"]] if result.get("registry") else []):
                    print(f"{s['name']:<10} {s['endpoint']:<18} {'ok' if s['ok'] else s.get('error')}")
                print(_manager_line(result.get("manager")))
            return 0 if result.get("healthy") else 3
        elif args.command == "env":
            env = core.env()
            print(json.dumps(env, indent=2, sort_keys=True) if args.json else _exports(env, manager=args.manager))
        elif args.command == "stack-up":
            from . import stack

            info = stack.up(core.env(), listen=args.listen, prefix=args.prefix, manager_port=args.manager_port,
                            log=_quiet(args.json))
            print(json.dumps(info, indent=2, sort_keys=True) if args.json else f"router {info['router']}, "
                  f"services under {info['prefix']}/, manager {info['manager']['docker_host']} (TLS), "
                  f"logs {info['logs']}/stack-*.log")
        elif args.command == "stack-down":
            from . import stack

            stopped = stack.down()
            print("stopped " + ", ".join(stopped) if stopped else "the stack was not running")
        elif args.command == "manager-up":
            from . import manager

            entry = manager.up(core.env(), port=args.port, strategy=args.strategy, log=_quiet(args.json))
            if args.json:
                print(json.dumps(entry, indent=2, sort_keys=True))
        elif args.command == "manager-down":
            from . import manager

            core.env()  # the lab must be up
            print("manager: " + ("stopped" if manager.down() else "was not running"))
        elif args.command == "stop-engine":
            print(f"{args.name}: {'stopped' if core.stop_engine(args.name) else 'was not running'}")
        elif args.command == "start-engine":
            core.start_engine(args.name)
            print(f"{args.name}: running")
    except LabError as exc:
        print(f"lab: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
