# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared fixtures of the discovery unit tests."""

from __future__ import annotations

import importlib

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import consul_store

from .fakes import ConsulServer


@pytest.fixture()
def consul_server(monkeypatch: pytest.MonkeyPatch) -> ConsulServer:
    """An in-memory Consul that the Consul backend and lock talk to instead of py-consul."""
    fake = ConsulServer()
    module = fake.module()
    monkeypatch.setattr(consul_store, "require",
                        lambda name, pip, purpose: module if name == "consul" else importlib.import_module(name))
    return fake
