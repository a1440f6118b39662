# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Engine connection and TLS options, documented once (names and env vars as community.docker's).

Modules use ``dockyard.swarm.connection``. Plugins that read options through Ansible's config
system (the inventory) add ``dockyard.swarm.connection.env``, which holds only the ``env:`` entries;
Ansible merges the two per option. The values come from plugins/module_utils/_engine/options.py; a
unit test keeps the data, the argument spec and both fragments in step.
"""

from __future__ import annotations


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  docker_host:
    description:
      - The engine to use when no discovery source or node list is given, as C(unix://path), C(tcp://host:port)
        or C(ssh://user@host). With O(tls) or O(validate_certs), C(tcp://) is used as C(https://).
      - C(https://host:port) means TLS even without O(tls) (certificates are verified only with O(validate_certs), as
        for C(tcp://)); C(http://host:port) is plain HTTP, and giving it with O(tls=true) or O(validate_certs=true) is an
        error that names both.
      - Engines found through discovery are addressed as C(host:port) and use the TLS options below.
      - If not set in the task, the environment variable E(DOCKER_HOST) is used.
    type: str
    default: unix:///var/run/docker.sock
    aliases: [docker_url]
  tls:
    description:
      - Encrypt the connection to the engines without verifying their certificates.
      - O(validate_certs=true) takes precedence and also verifies.
      - If not set in the task, the environment variable E(DOCKER_TLS) is used.
    type: bool
    default: false
  validate_certs:
    description:
      - Encrypt the connection and verify each engine's certificate against O(ca_path). Every engine address
        (as discovery lists it) must be in its certificate's subject alternative names.
      - If not set in the task, the environment variable E(DOCKER_TLS_VERIFY) is used.
    type: bool
    default: false
    aliases: [tls_verify]
  ca_path:
    description:
      - The CA certificate that signed every engine's certificate; one CA for the whole cluster, like classic Swarm.
      - If not set and E(DOCKER_CERT_PATH) is, C(ca.pem) in that folder is used.
    type: path
    aliases: [ca_cert, tls_ca_cert, cacert_path]
  client_cert:
    description:
      - The client certificate presented to the engines (they run with C(--tlsverify)); requires O(client_key).
      - If not set and E(DOCKER_CERT_PATH) is, C(cert.pem) in that folder is used.
    type: path
    aliases: [tls_client_cert, cert_path]
  client_key:
    description:
      - The private key of O(client_cert).
      - If not set and E(DOCKER_CERT_PATH) is, C(key.pem) in that folder is used.
    type: path
    aliases: [tls_client_key, key_path]
  api_version:
    description:
      - The Docker API version to use; V(auto) asks each engine for its own.
      - If not set in the task, the environment variable E(DOCKER_API_VERSION) is used.
    type: str
    default: auto
    aliases: [docker_api_version]
  timeout:
    description:
      - Seconds allowed for each engine, in total, when the cluster is read (engines are read in parallel; one that
        does not finish in time is reported unhealthy), and for each API request.
      - If not set in the task, the environment variable E(DOCKER_TIMEOUT) is used.
    type: int
    default: 60

notes:
  - The same connection and TLS settings apply to every engine of the cluster.
  - An environment variable set to an empty string counts as unset, as for the docker CLI (E(DOCKER_TLS_VERIFY=) turns
    verification off instead of failing as an invalid boolean).
  - Connections ignore E(REQUESTS_CA_BUNDLE) and proxy variables, so the cluster CA is always the one used.
requirements:
  - docker (Docker SDK for Python) >= 7.0
"""

    # Only the env: entries; plugins list this fragment after DOCUMENTATION and Ansible merges them per option.
    ENV = r"""
options:
  docker_host:
    env:
      - name: DOCKER_HOST
  tls:
    env:
      - name: DOCKER_TLS
  validate_certs:
    env:
      - name: DOCKER_TLS_VERIFY
  api_version:
    env:
      - name: DOCKER_API_VERSION
  timeout:
    env:
      - name: DOCKER_TIMEOUT
"""
