#!/usr/bin/python
# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: swarm_container
short_description: Place a container on the best Docker engine of a cluster, the way classic Docker Swarm did
version_added: 0.1.0
description:
  - Runs a container somewhere in a cluster of ordinary Docker engines. The engines come from discovery
    (Consul, etcd, ZooKeeper, a file or a list); a chain of filters (health, port, containerslots, dependency,
    affinity, constraint, whitelist) decides which engines may take the container and a strategy (spread,
    binpack, random) ranks them, as classic standalone Docker Swarm did.
  - The container name is unique in the whole cluster. A container of that name is found wherever it runs and
    converged there; it is recreated when its configuration differs (see O(recreate) and the notes), and moved
    (rescheduled) when its engine no longer satisfies the request.
  - Parallel runs cannot double-book an engine. Placement holds a lock from reading the cluster until the
    containers are created - a Consul session lock under the discovery prefix with C(consul://) discovery,
    a file lock on this machine otherwise - and created containers carry their reservation in labels.
extends_documentation_fragment:
  - dockyard.swarm.connection
  - dockyard.swarm.discovery
  - dockyard.swarm.attributes
  - dockyard.swarm.attributes.actiongroup_swarm
attributes:
  check_mode:
    support: full
    details:
      - Reports the engine the container would be placed on and what would change; changes nothing, pulls nothing.
      - With O(pull=always) an image that is already on the engine counts as unchanged, since only a pull could tell.
  diff_mode:
    support: full
  idempotent:
    support: partial
    details:
      - Not idempotent with O(recreate=true).
options:
  name:
    description:
      - The container name, unique in the whole cluster.
      - With O(replicas), the containers are called V(<name>-1) to V(<name>-N).
    type: str
    required: true
  image:
    description:
      - The image, as C(repository[:tag]) or C(repository@digest); the tag defaults to C(latest).
      - Required to create a container. For an existing one, the image is compared by the id the name resolves to
        on the container's engine, and by name.
    type: str
  command:
    description:
      - The command, as a list or as a string split like a shell would. Compared as a list, in order.
    type: raw
  entrypoint:
    description:
      - The entrypoint, as a list or as a string split like a shell would. Compared as a list, in order.
    type: raw
  env:
    description:
      - Environment variables, as a dict of names and values or a list of C(KEY=value) strings (a string is read as a
        comma-separated list, handy in ad-hoc C(-a) arguments).
      - Classic Swarm's env form works in the list - V(constraint:zone==external), V(affinity:container==web),
        V(whitelist:node==node-1|node-2). Such entries are taken out of the container's environment, merged with
        O(constraints), O(affinities), O(whitelists) and the C(com.docker.swarm.*) labels, and stored in those labels.
      - Values must be strings; quote V(yes)/V(no)/V(true) so YAML does not turn them into booleans.
      - The container may have more variables (the image's own); only the given ones are compared.
    type: raw
  env_file:
    description:
      - A file of C(KEY=value) lines (C(#) comments and blank lines skipped) on the machine the module runs on, as
        C(docker run --env-file) reads it. A variable also in O(env) takes its value from O(env).
      - Compared together with O(env).
    type: path
  labels:
    description:
      - Container labels. The container may have more (the image's own); only the given ones are compared.
      - The JSON-array labels C(com.docker.swarm.constraints), C(com.docker.swarm.affinities) and
        C(com.docker.swarm.whitelists) are read as expressions (classic compatibility).
    type: dict
  ports:
    description:
      - Published ports as C([ip:][host_port:]container_port[/tcp|udp|sctp]), for example V(80:80),
        V(127.0.0.1:53:53/udp), V(8080) (any free host port), V(8000-8001:80-81), V([::1]:80:80).
      - The port filter keeps the container off engines where the host port is already published on the same IP
        and protocol (53/udp does not block 53/tcp).
    type: list
    elements: str
    aliases: [published_ports]
  exposed_ports:
    description:
      - Ports the container exposes without publishing them, as C(port[/protocol]) or a range, for example V(80),
        V(53/udp), V(8000-8010). Published O(ports) are exposed anyway.
      - With O(network_mode=host) they count as ports the container binds on its engine (the port filter).
      - The container may expose more (the image's own); only the given ones are compared.
    type: list
    elements: str
    aliases: [exposed, expose]
  volumes:
    description:
      - Volumes as C(/host/path:/path[:mode]), C(name:/path[:mode]) or C(/path) (an anonymous volume).
    type: list
    elements: str
  volumes_from:
    description:
      - Containers (C(name[:ro|rw])) whose volumes to mount. The dependency filter places the container on the
        engine that runs them.
    type: list
    elements: str
  links:
    description:
      - Links to other containers, as C(name) or C(name:alias). The dependency filter places the container beside them.
    type: list
    elements: str
  network_mode:
    description:
      - The network mode, V(bridge) (the default, or the first of O(networks) when they are given), V(host), V(none),
        V(container:<name>) (placed beside that container) or the name of a network that exists on the engines.
    type: str
  networks:
    description:
      - Networks the container joins on the engine it is placed on; they must exist there (engine-local networks,
        see C(docker network create), or overlay networks of the engines' own key-value store).
      - Each entry is a dict with V(name) and optionally V(aliases), V(ipv4_address), V(ipv6_address), V(links). The
        first network (or the one O(network_mode) names) is given at create, the others are joined right after
        create, before the container starts. A network the chosen engine lacks fails the task before anything is
        created (steer the container to engines that have it with O(constraints)); when joining one fails, the
        container is removed again.
      - Without O(network_mode), the first network is the network mode (as C(docker run --network) and
        docker_container's default C(networks_cli_compatible=true)), so the container is not on the default bridge.
      - Not allowed with O(network_mode) V(host), V(none) or V(container:<name>).
      - Compared as docker_container does - every given network must be joined, with at least the given aliases and
        links and with the given addresses. Networks the container is on besides these are not compared.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - The network's name.
        type: str
        required: true
      aliases:
        description:
          - Names other containers on this network reach this one by.
        type: list
        elements: str
      ipv4_address:
        description:
          - The container's IPv4 address on this network.
        type: str
      ipv6_address:
        description:
          - The container's IPv6 address on this network.
        type: str
      links:
        description:
          - Links to containers on this network, as C(name) or C(name:alias). The dependency filter places the
            container beside them.
        type: list
        elements: str
  restart_policy:
    description:
      - The restart policy. Quote V('no') in YAML.
    type: str
    choices: ['no', always, on-failure, unless-stopped]
  restart_retries:
    description:
      - How often to restart with O(restart_policy=on-failure).
    type: int
  cpus:
    description:
      - CPUs the container may use (C(docker run --cpus)); also what it reserves on its engine for scheduling.
        Fractions such as V(0.5) work.
      - An engine takes containers while the reserved CPUs fit its CPU count plus O(overcommit).
    type: float
  memory:
    description:
      - Memory limit (C(docker run -m)), such as V(64M), V(1G) or a number of bytes (binary units); also what the
        container reserves on its engine for scheduling.
    type: str
  memory_reservation:
    description:
      - Memory soft limit (C(docker run --memory-reservation)), in the form of O(memory). Not reserved for
        scheduling (only O(memory) is).
    type: str
  memory_swap:
    description:
      - Total memory limit, memory plus swap (C(docker run --memory-swap)), in the form of O(memory), or V(unlimited)
        (or V(-1)) for unlimited swap. Needs O(memory), and must be at least O(memory).
    type: str
  shm_size:
    description:
      - Size of C(/dev/shm), in the form of O(memory) (the engine's default is 64M).
    type: str
  hostname:
    description:
      - The container's host name.
    type: str
  domainname:
    description:
      - The container's domain name.
    type: str
  user:
    description:
      - The user (and group) the command runs as - V(user), V(user:group), V(uid), V(uid:gid).
    type: str
  working_dir:
    description:
      - The working directory of the command, an absolute path.
    type: str
  healthcheck:
    description:
      - The health check (the C(HEALTHCHECK) of a Dockerfile). Durations are strings such as V(30s), V(1m30s),
        V(500ms) (units V(us), V(ms), V(s), V(m), V(h)).
      - As in docker_container, leaving out O(healthcheck.test) disables the check (unless
        O(healthcheck.test_cli_compatible=true)), and so does a O(healthcheck.test) of V([NONE]).
      - Compared by the given keys (the image may set the others).
    type: dict
    suboptions:
      test:
        description:
          - The command - a string (run by the shell, C(CMD-SHELL)) or a list whose first item is V(NONE), V(CMD) or
            V(CMD-SHELL).
        type: raw
      test_cli_compatible:
        description:
          - With V(true), leaving out O(healthcheck.test) keeps the image's test and only changes the given settings
            (the Docker CLI's behaviour).
        type: bool
        default: false
      interval:
        description:
          - Time between two checks (the engine's default is V(30s)).
        type: str
      timeout:
        description:
          - Time one check may take (the engine's default is V(30s)).
        type: str
      retries:
        description:
          - Consecutive failures that make the container unhealthy (the engine's default is V(3)).
        type: int
      start_period:
        description:
          - Time the container has to start before failures count (the engine's default is V(0s)).
        type: str
  stop_signal:
    description:
      - The signal that stops the container (C(docker run --stop-signal)), for example V(SIGINT).
    type: str
  state:
    description:
      - V(started) - the container exists and runs.
      - V(present) - the container exists; a new or recreated one is not started, a running one keeps running.
      - V(stopped) - the container exists and is stopped.
      - V(absent) - no container of that name exists anywhere in the cluster (with O(replicas), none of the replicas).
    type: str
    default: started
    choices: [started, present, stopped, absent]
  recreate:
    description:
      - Recreate the container even when its configuration matches (on the same engine if that still satisfies
        the request).
    type: bool
    default: false
  pull:
    description:
      - V(missing) pulls the image on the chosen engine when it does not have it, V(always) pulls it every run
        (a newer image then means recreate), V(never) fails when the engine lacks it.
    type: str
    default: missing
    choices: [missing, always, never]
  constraints:
    description:
      - Constraint expressions on engine labels and the engine name - V(zone==external), V(disk!=hdd),
        V(node==node-1), V(storagedriver==overlay2), regular expressions V(zone==/ext.*/), globs V(node==node-*), soft
        (preferred, dropped when nothing satisfies them) V(zone==~external). All must hold.
      - Built-in keys are V(node), V(storagedriver), V(kernelversion), V(operatingsystem), V(ostype).
    type: list
    elements: str
  affinities:
    description:
      - Affinity expressions - V(container==web) (an engine that runs the container web; a 12-character id also
        matches), V(image==redis) (an engine that has the image), V(com.example.type==frontend) (an engine with a
        container carrying that label); V(!=) for anti-affinity, V(==~) for soft ones.
    type: list
    elements: str
  whitelists:
    description:
      - Engine names the container may go to, as V(node==node-1|node-2); V(!=) excludes them instead.
    type: list
    elements: str
  strategy:
    description:
      - How to rank the engines that pass the filters - V(spread) (fewest reserved resources and containers
        first), V(binpack) (fill the fullest engine first), V(random) (any engine whose resources fit).
    type: str
    default: spread
  filters:
    description:
      - The filters to run, in order, instead of the default chain
        V(health), V(port), V(containerslots), V(dependency), V(affinity), V(constraint), V(whitelist).
    type: list
    elements: str
  overcommit:
    description:
      - How much more than an engine's CPUs and memory may be reserved, as a fraction (V(0.05) is 5%, V(-0.1)
        keeps 10% free). Integer maths as classic Swarm - C(total = cpus + cpus * int(overcommit * 100) // 100),
        so with 5% a 2-CPU engine stays at 2 CPUs.
    type: float
    default: 0.05
  replicas:
    description:
      - Run this many containers V(<name>-1) to V(<name>-N), placed together from one snapshot of the cluster.
        Scaling down removes the replicas numbered above N (only containers this module made replicas of O(name)).
      - With O(state=absent), every replica of O(name) is removed.
      - At most 1000 per task (planning is linear, but every create happens while the placement lock is held); larger sets
        are refused before anything is contacted.
    type: int
  stop_timeout:
    description:
      - Seconds to wait for the container to stop before it is killed. A created container gets it as its
        C(StopTimeout) configuration, and it is the wait when this module stops, recreates or moves a container.
      - Without it, the engine decides (the container's own C(StopTimeout), else 10 seconds), as C(docker stop) does.
    type: int
  tty:
    description:
      - Allocate a pseudo-TTY (C(docker run -t)).
    type: bool
  interactive:
    description:
      - Keep the container's standard input open (C(docker run -i)).
    type: bool
  init:
    description:
      - Run an init process in the container that forwards signals and reaps processes (C(docker run --init)).
    type: bool
  privileged:
    description:
      - Give the container extended privileges (C(docker run --privileged)).
    type: bool
  read_only:
    description:
      - Mount the container's root file system read-only.
    type: bool
  auto_remove:
    description:
      - The engine removes the container when its process exits (C(docker run --rm)). The next run then creates it
        again.
    type: bool
  capabilities:
    description:
      - Capabilities to add (C(docker run --cap-add)), such as V(NET_ADMIN) or V(ALL); V(CAP_NET_ADMIN) is the same.
      - The container may have more; only the given ones are compared (also for O(cap_drop)).
    type: list
    elements: str
  cap_drop:
    description:
      - Capabilities to drop (C(docker run --cap-drop)).
    type: list
    elements: str
  devices:
    description:
      - Host devices for the container, as C(/path/on/host[:/path/in/container[:permissions]]), for example V(/dev/fuse)
        or V(/dev/sda:/dev/xvda:rwm) (permissions from V(r), V(w), V(m); V(rwm) by default). The device must exist on
        the engine the container is placed on (use O(constraints) to choose such engines).
    type: list
    elements: str
  ulimits:
    description:
      - Resource limits as C(name:soft[:hard]), for example V(nofile:1024:2048) or V(nproc:512) (hard = soft).
    type: list
    elements: str
  tmpfs:
    description:
      - tmpfs mounts as C(/path[:options]), for example V(/run) or V(/run:rw,size=64m).
    type: list
    elements: str
  sysctls:
    description:
      - Kernel parameters of the container, for example V(net.ipv4.ip_forward=1) as a dict entry. Values are strings
        (numbers are turned into text).
    type: dict
  security_opts:
    description:
      - Security options (C(docker run --security-opt)), for example V(no-new-privileges) or V(apparmor=unconfined).
    type: list
    elements: str
  dns_servers:
    description:
      - DNS servers of the container (C(docker run --dns)). Compared as a list, in order.
    type: list
    elements: str
  dns_search_domains:
    description:
      - DNS search domains (C(docker run --dns-search)). Compared as a list, in order.
    type: list
    elements: str
  dns_opts:
    description:
      - DNS resolver options (C(docker run --dns-option)), for example V(ndots:2).
    type: list
    elements: str
  etc_hosts:
    description:
      - Host names and addresses to add to the container's C(/etc/hosts), as a dict of names and addresses;
        the address V(host-gateway) stands for the engine's own address.
    type: dict
  groups:
    description:
      - Additional groups the command runs with (C(docker run --group-add)).
    type: list
    elements: str
  log_driver:
    description:
      - The logging driver, for example V(json-file), V(local), V(syslog), V(journald) (the engine's default is
        usually V(json-file)).
    type: str
  log_options:
    description:
      - Options of O(log_driver) as a dict, for example C(max-size) and C(max-file) of V(json-file); needs
        O(log_driver). Values are strings.
    type: dict
    aliases: [log_opt]
  pid_mode:
    description:
      - The PID namespace, for example V(host). V(container:<name>) is not supported (the scheduler would not place the
        container beside that one).
    type: str
  ipc_mode:
    description:
      - The IPC namespace - V(private), V(shareable), V(host) or V(none). V(container:<name>) is not supported, as for
        O(pid_mode).
    type: str
  userns_mode:
    description:
      - The user namespace mode, for example V(host).
    type: str
  uts:
    description:
      - The UTS namespace mode, for example V(host).
    type: str
  runtime:
    description:
      - The runtime the engine runs the container with, for example V(runc).
    type: str
  cgroup_parent:
    description:
      - The parent cgroup of the container.
    type: str
  pids_limit:
    description:
      - The most processes the container may run; V(0) or V(-1) means unlimited.
    type: int
  cpu_shares:
    description:
      - Relative CPU weight (C(docker run --cpu-shares)). Not reserved for scheduling (only O(cpus) is).
    type: int
  oom_score_adj:
    description:
      - The container's OOM score adjustment, from V(-1000) to V(1000).
    type: int
  lock_timeout:
    description:
      - Seconds to wait for the placement lock held by another run.
      - With Consul discovery the lock is a Consul session lock under the discovery prefix; otherwise a lock file in a
        directory only its user can write (V(/run/dockyard-swarm) for root, else C($XDG_RUNTIME_DIR/dockyard-swarm), or
        E(SWARM_LOCK_DIR)).
      - The lock only keeps runs from competing; every create is also checked against the engine's own list afterwards,
        so runs that share no lock never overbook a node (see docs/architecture.md).
    type: float
    default: 120
notes:
  - Configuration is compared the way community.docker's M(community.docker.docker_container) does with its default
    O(community.docker.docker_container#module:comparisons) - options not given are not compared; single values and
    ordered lists (O(command), O(entrypoint), O(dns_servers), ...) strictly; O(env), O(labels), O(volumes) and the
    other unordered lists and dicts (O(capabilities), O(ulimits), O(sysctls), O(etc_hosts), O(healthcheck), ...) allow
    more entries on the container; O(networks) by names, aliases and addresses; the image by id and name. Any
    difference means recreate (there is no in-place C(docker update)). The list of supported and unsupported
    docker_container options is in the collection's C(docs/modules.md).
  - Unlike M(community.docker.docker_container), what the scheduler reserves (O(cpus), O(memory), O(ports), O(links),
    O(volumes_from), O(network_mode)) is always compared, strictly, and so are the expression and reservation
    labels this module writes; a container made by another tool is therefore recreated once to carry them.
  - An engine that cannot be read is skipped with a warning (health 0); a container on it is not seen, so a run
    while it is down creates the container elsewhere. When the engine returns, remove one of the two
    (a run fails and names both while there are two).
  - The file lock only excludes runs on the same machine. Runs from several machines (AWX execution nodes) exclude
    each other only with C(consul://) discovery.
seealso:
  - module: dockyard.swarm.swarm_info
  - module: dockyard.swarm.swarm_container_info
  - module: community.docker.docker_container
author:
  - dockyard.swarm contributors (@dockyard-swarm)
"""

EXAMPLES = r"""
- name: The edge web server runs on an external engine with SSD, port 80 published there
  dockyard.swarm.swarm_container:
    name: edge_webserver
    image: busybox:latest
    command: httpd -f -p 80 -h /
    ports:
      - "80:80"
    constraints:
      - zone==external
      - disk==ssd
    discovery: consul://127.0.0.1:8500/swarm
    validate_certs: true
  register: edge

- name: app_1 runs beside it (classic env form of the affinity)
  dockyard.swarm.swarm_container:
    name: app_1
    image: busybox:latest
    command: sleep 3600
    env:
      - affinity:container==edge_webserver
      - APP_MODE=production
    discovery: consul://127.0.0.1:8500/swarm
    validate_certs: true

- name: Show where it went and why
  ansible.builtin.debug:
    msg: "{{ edge.node.name }} ({{ edge.node.addr }}): {{ edge.placement.reason }}"

- name: Connection and discovery set once for the whole play
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/dockyard.swarm.swarm:
      discovery: consul://127.0.0.1:8500/swarm
      validate_certs: true
      ca_path: /etc/docker/certs/ca.pem
      client_cert: /etc/docker/certs/cert.pem
      client_key: /etc/docker/certs/key.pem
  tasks:
    - name: Three workers, packed onto as few engines as possible
      dockyard.swarm.swarm_container:
        name: worker
        image: busybox:latest
        command: sleep 3600
        cpus: 0.5
        memory: 64M
        replicas: 3
        strategy: binpack

    - name: A DNS forwarder on loopback, on internal engines, never on node-3
      dockyard.swarm.swarm_container:
        name: dns
        image: busybox:latest
        command: sleep 3600
        ports:
          - "127.0.0.1:53:53/udp"
        constraints:
          - zone==internal
          - node!=node-3
        restart_policy: unless-stopped

- name: A web server on the engine's backend network, with the usual docker run settings
  dockyard.swarm.swarm_container:
    name: web
    image: nginx:1.27
    hostname: web
    user: "101:101"
    working_dir: /usr/share/nginx/html
    networks:
      - name: backend
        aliases: [www]
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://localhost/"]
      interval: 30s
      timeout: 5s
      retries: 3
      start_period: 10s
    ulimits:
      - nofile:1024:2048
    capabilities: [NET_BIND_SERVICE]
    cap_drop: [ALL]
    read_only: true
    tmpfs:
      - /var/cache/nginx:rw,size=64m
      - /run
    etc_hosts:
      db: 10.0.0.2
    log_driver: json-file
    log_options:
      max-size: 10m
      max-file: "3"
    stop_signal: SIGQUIT
    stop_timeout: 20
    memory: 128M
    memory_reservation: 64M
    constraints:
      - zone==external
    discovery: consul://127.0.0.1:8500/swarm

- name: Which engine would it be? (changes nothing)
  dockyard.swarm.swarm_container:
    name: batch
    image: busybox:latest
    cpus: 1
    nodes:
      - 10.231.1.2:2376
      - 10.231.2.2:2376
      - 10.231.3.2:2376
  check_mode: true
  register: prediction

- name: Remove the workers wherever they run
  dockyard.swarm.swarm_container:
    name: worker
    replicas: 0
    state: absent
    discovery: consul://127.0.0.1:8500/swarm
"""

RETURN = r"""
node:
  description: The engine the container runs on (or would, in check mode; or ran on, for O(state=absent)). Without O(replicas).
  returned: success, without O(replicas)
  type: dict
  contains:
    name:
      description: Engine name (its C(docker info) name).
      type: str
      sample: node-2
    addr:
      description: Engine address as discovery lists it.
      type: str
      sample: 10.231.2.2:2376
    id:
      description: Engine id.
      type: str
      sample: 3GQU:JX6T:...
container:
  description:
    - Inspect data of the container (C(docker inspect)); empty when it does not exist (O(state=absent), or check mode
      before it is created).
  returned: success, without O(replicas)
  type: dict
  sample: {"Id": "5a2c...", "Name": "/edge_webserver", "State": {"Running": true}}
placement:
  description: How the engine was chosen.
  returned: success, without O(replicas)
  type: dict
  contains:
    strategy:
      description: The strategy used.
      type: str
      sample: spread
    filters:
      description: The filters given (null means the default chain).
      type: list
      elements: str
    candidates:
      description: Names of the engines that passed every filter and had room, best first.
      type: list
      elements: str
      sample: [node-2]
    chosen:
      description: Name of the chosen engine.
      type: str
      sample: node-2
    reason:
      description: Why this engine - the ranking, the engines filtered out or unreachable, or why the container stayed.
      type: str
      sample: "spread ranked node-2 first of 1 feasible node(s) (node-2); it had 0 of 2 CPUs and 0 B of 1.9 GiB reserved
        before this container. Filtered out: node-1, node-3."
differences:
  description: The options whose values on the existing container differ from the task (they cause a recreate).
  returned: success, without O(replicas)
  type: list
  elements: dict
  sample: [{"option": "image", "wanted": "busybox:1.36", "current": "busybox:latest"}]
actions:
  description:
    - What was done (or would be, in check mode), in order. A real run lists what really happened, including a
      container that stepped back because a concurrent placement (another controller, discovery or a manager) filled
      its node between the snapshot and the create (C(step back ... from node-1 ... (why))), its placement on another
      node, and creates that failed (C(create ... on node-1 ... failed ...)).
  returned: always
  type: list
  elements: str
  sample: ["create edge_webserver on node-2 (10.231.2.2:2376)", "start edge_webserver on node-2 (10.231.2.2:2376)"]
replicas:
  description: One entry per replica V(<name>-1) to V(<name>-N), each with C(name), C(changed), C(failed), C(actions),
    C(node), C(container), C(placement) and C(differences) as above, and C(msg) when that replica failed (the task
    then fails too, after the other replicas were placed). A replica that failed has an empty C(node) and C(container).
  returned: success, with O(replicas); also on failure
  type: list
  elements: dict
removed:
  description: Replicas removed because they were numbered above O(replicas) (or all, with O(state=absent)).
  returned: success, with O(replicas)
  type: list
  elements: str
  sample: [worker-4, worker-5]
placement_error:
  description:
    - When no engine can take the container - the scheduler's explanation as data (C(msg) has it as text).
    - C(kind) is one of C(no_healthy_node), C(filter_failed), C(no_resources), C(no_nodes); C(steps) lists, per
      filter in chain order, the conditions and how many engines it removed.
  returned: on placement failure
  type: dict
  sample: {"kind": "filter_failed", "filter": "constraint", "expression": "zone==moon", "removed_nodes": ["node-1"]}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dockyard.swarm.plugins.module_utils._container.argspecs import swarm_container_args
from ansible_collections.dockyard.swarm.plugins.module_utils._container.container_run import run_swarm_container


def main() -> None:
    run_swarm_container(AnsibleModule(**swarm_container_args()))


if __name__ == "__main__":
    main()
