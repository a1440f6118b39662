# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lazy imports of the store client libraries.

Each store library is imported only when its backend is used, so a `nodes://` or `file://`
cluster needs none of them, and a missing one gives a message that names the pip package.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import MissingLibraryError


def require(module_name: str, pip_name: str, purpose: str) -> ModuleType:
    """Import ``module_name`` or raise MissingLibraryError naming ``pip_name``."""
    try:
        return importlib.import_module(module_name)
    except ImportError:
        raise MissingLibraryError(pip_name, purpose) from None
