# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The logic behind the modules swarm_container, swarm_info, swarm_container_info and swarm_node.

Each module's ``main()`` only builds its AnsibleModule (``argspecs``) and calls one ``run_*``:

* ``container_run.run_swarm_container``: validate (the option table ``option``/``options_container``/
  ``options``, ``desired``, ``parsing``), list the engines (``cluster``, or a manager), take the placement
  lock (``lock``), snapshot, plan on the run's ``picture`` (``plan``: compare with ``compare``, choose
  with ``node_choice``), apply with the exclusion rule (``execute``), report.
* ``cluster_info.run_swarm_info``, ``container_listing.run_swarm_container_info``,
  ``node_registration.run_swarm_node``.

Only ``argspecs`` imports ansible (through ``_argspec``); the rest is plain Python on top of
``_scheduler``, ``_discovery`` and ``_engine``.
"""

from __future__ import annotations
