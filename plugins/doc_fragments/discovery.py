# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Discovery source and discovery store options (TLS, ACL token, credentials), documented once.

``dockyard.swarm.discovery`` for modules; plugins add ``dockyard.swarm.discovery.env``, which holds
only the ``env:`` entries (so AWX credentials can inject every secret); Ansible merges the two per
option. The values come from plugins/module_utils/_discovery/options.py; a unit test keeps the data,
the argument spec and both fragments in step.
"""

from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  discovery:
    description:
      - Where the cluster's engines are listed, as a discovery URL.
      - V(consul://host:8500/<prefix>), V(etcd://h1:2379,h2:2379/<prefix>) and V(zk://h1:2181,h2:2181/<prefix>)
        read the keys C(<prefix>/docker/swarm/nodes/<ip:port>) of the store. Several hosts are tried in order.
        Without hosts (V(consul:///swarm)) the store's own address variable is used
        (E(CONSUL_HTTP_ADDR), E(ETCDCTL_ENDPOINTS)), else the local default port.
      - V(file:///etc/swarm/cluster.conf) (one C(host:port) per line, C(#) comments), or
        V(nodes://10.0.0.1:2376,10.0.0.2:2376) and the bare list, with ranges such as C(10.0.0.[10:20]:2376).
      - A node list, range or cluster file may stand for at most 4096 engine addresses (per range and in total), and a
        cluster file may be at most 1 MiB; more is refused before any engine is contacted, naming the entry and the limit.
      - V(token://) (Docker Hub's hosted discovery) was shut down in 2019 and is rejected with an explanation.
      - If neither this nor O(nodes) nor O(manager) is set, the environment variable E(SWARM_MANAGER), then
        E(SWARM_DISCOVERY) is used.
    type: str
  nodes:
    description:
      - The engines as a list of C(host:port) or C(tcp://host:port) (ranges allowed, at most 4096 addresses in all);
        instead of O(discovery).
    type: list
    elements: str
  manager:
    description:
      - A dockyard.swarm manager (C(swarm manage), see the collection's docs/manager.md) to read the cluster from,
        as C(tcp://host:port) or C(host:port); instead of O(discovery) and O(nodes).
      - The manager keeps the cluster in memory, so one request replaces reading every engine. The connection options
        (TLS, CA, client certificate) apply to it as to the engines; containers are still created, checked and
        started on the engines themselves, so they must be reachable from here too.
      - A classic Docker Swarm manager or a plain engine is refused with an explanation (it lacks the manager's
        C(/dockyard/v1/nodes) answer).
      - If none of O(manager), O(nodes) and O(discovery) is set, the environment variable E(SWARM_MANAGER) is used,
        then E(SWARM_DISCOVERY).
    type: str
  discovery_tls:
    description:
      - Use HTTPS (Consul, etcd) or TLS (ZooKeeper) to the discovery store.
      - Defaults to true when a CA or client certificate is given, or when the store's own variables say so
        (E(CONSUL_HTTP_SSL), an C(https://) address in E(CONSUL_HTTP_ADDR) or E(ETCDCTL_ENDPOINTS)).
    type: bool
  discovery_validate_certs:
    description:
      - Verify the store's certificate. Defaults to true, unless E(CONSUL_HTTP_SSL_VERIFY=false) (Consul) or
        E(ETCDCTL_INSECURE_SKIP_TLS_VERIFY=true) (etcd) is set.
    type: bool
  discovery_ca_cert:
    description:
      - CA certificate of the discovery store.
      - Defaults to E(SWARM_DISCOVERY_CACERT), then E(CONSUL_CACERT) (Consul) or E(ETCDCTL_CACERT) (etcd).
    type: path
    aliases: [discovery_cacert]
  discovery_client_cert:
    description:
      - Client certificate for stores that verify clients; requires O(discovery_client_key).
      - Defaults to E(SWARM_DISCOVERY_CLIENT_CERT), then E(CONSUL_CLIENT_CERT) or E(ETCDCTL_CERT).
    type: path
  discovery_client_key:
    description:
      - Private key of O(discovery_client_cert).
      - Defaults to E(SWARM_DISCOVERY_CLIENT_KEY), then E(CONSUL_CLIENT_KEY) or E(ETCDCTL_KEY).
    type: path
  discovery_token:
    description:
      - Consul ACL token (it needs key and session write rights on the prefix to register, read to list).
      - Defaults to E(SWARM_DISCOVERY_TOKEN), then E(CONSUL_HTTP_TOKEN).
    type: str
  discovery_username:
    description:
      - etcd user (authenticated through etcd's gateway) or ZooKeeper digest user; C(user:password) is accepted when
        O(discovery_password) is not set.
      - Because of that form it is kept out of logs and C(-v) output like a password (C(no_log)).
      - Defaults to E(SWARM_DISCOVERY_USERNAME), then E(ETCDCTL_USER) (which may be C(user:password)).
    type: str
  discovery_password:
    description:
      - Password of O(discovery_username).
      - Defaults to E(SWARM_DISCOVERY_PASSWORD), then E(ETCDCTL_PASSWORD).
    type: str
  discovery_timeout:
    description:
      - Seconds to wait for the discovery store.
      - If not set in the task, the environment variable E(SWARM_DISCOVERY_TIMEOUT) is used.
    type: float
    default: 10

notes:
  - Store client libraries are needed only for their backend - py-consul for C(consul://), etcd3gw for C(etcd://),
    kazoo for C(zk://); a missing one is reported with its pip package name.
  - ZooKeeper has no standard client variables; use the E(SWARM_DISCOVERY_*) ones.
  - O(discovery_token), O(discovery_username) and O(discovery_password) are C(no_log), also when they come from their
    environment variables. An environment variable set to an empty string counts as unset.
"""

    # Only the env: entries; plugins list this fragment after DOCUMENTATION and Ansible merges them per option.
    ENV = r"""
options:
  discovery_ca_cert:
    env:
      - name: SWARM_DISCOVERY_CACERT
  discovery_client_cert:
    env:
      - name: SWARM_DISCOVERY_CLIENT_CERT
  discovery_client_key:
    env:
      - name: SWARM_DISCOVERY_CLIENT_KEY
  discovery_token:
    env:
      - name: SWARM_DISCOVERY_TOKEN
  discovery_username:
    env:
      - name: SWARM_DISCOVERY_USERNAME
  discovery_password:
    env:
      - name: SWARM_DISCOVERY_PASSWORD
  discovery_timeout:
    env:
      - name: SWARM_DISCOVERY_TIMEOUT
"""
