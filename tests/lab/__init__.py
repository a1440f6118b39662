# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local test lab: real Docker engines in network namespaces, Consul, etcd and ZooKeeper.

Run as root: ``python -m tests.lab up|down|status|env``. Everything it creates lives under
``/var/lib/dockyard-lab`` (data) and ``/run/dockyard-lab`` (sockets, pids, state), in network
namespaces named ``dylab-*`` and veth links named ``dylab*``, so ``down`` can remove exactly that.
"""
from __future__ import annotations


class LabError(Exception):
    """A problem the operator can fix; printed without a traceback."""
