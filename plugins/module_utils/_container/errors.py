# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The errors a module reports as a plain ``msg`` (no traceback): they explain themselves."""

from __future__ import annotations

from ansible_collections.dockyard.swarm.plugins.module_utils._container.lock import LockError, LockLost
from ansible_collections.dockyard.swarm.plugins.module_utils._container.parsing import ContainerOptionError
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import EngineError
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import SchedulingError

USER_ERRORS = (ContainerOptionError, DiscoveryError, EngineError, SchedulingError, LockError, LockLost)
