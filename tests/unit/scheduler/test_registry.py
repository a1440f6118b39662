# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import (
    COST_NODE, DEFAULT_FILTERS, Check, Filter, SchedulingError, Strategy, filter_names, fitting,
    register_filter, register_strategy, schedule, strategy_names, unregister_filter, unregister_strategy)

from .helpers import container, names, node


class GpuFilter(Filter):
    name = "gpu"

    def checks(self, request, soft):
        wanted = request.raw.get("gpus")
        if not wanted:
            return []
        return [Check("gpus>=%d" % wanted, lambda n: int(n.label("gpus") or 0) >= wanted, COST_NODE,
                      lambda n: "%s GPUs" % (n.label("gpus") or 0))]


class FewestCpusFirst(Strategy):
    name = "fewest-cpus"

    def rank(self, request, nodes, ratio, seed):
        return sorted(fitting(request, nodes, ratio), key=lambda n: (n.cpus, n.name))


@pytest.fixture
def gpu():
    register_filter("gpu", GpuFilter())
    yield
    unregister_filter("gpu")


NODES = [node("a", {"gpus": "2"}, cpus=8), node("b", {"gpus": "0"}, cpus=2), node("c", cpus=4)]


def test_custom_filter(gpu):
    assert "gpu" in filter_names()
    chain = list(DEFAULT_FILTERS) + ["gpu"]
    assert names(NODES, schedule({"gpus": 1}, NODES, filters=chain)) == ["a"]
    assert names(NODES, schedule({}, NODES, filters=chain)) == ["a", "b", "c"]
    # not in the default chain
    assert len(schedule({"gpus": 1}, NODES)) == 3


def test_custom_filter_in_error_message(gpu):
    with pytest.raises(SchedulingError) as info:
        schedule({"gpus": 4}, NODES, filters=["health", "gpu"])
    assert str(info.value).splitlines() == [
        "Unable to find a node that satisfies the following conditions",
        "[gpus>=4] removed 3 of 3 nodes",
        "gpu gpus>=4 removed the last 3 nodes: a (2 GPUs), b (0 GPUs), c (0 GPUs)",
    ]
    assert info.value.filter == "gpu"


def test_plain_object_with_checks_method_is_enough():
    class Minimal:
        def checks(self, request, soft):
            return [Check("not b", lambda n: n.name != "b")]
    register_filter("minimal", Minimal())
    try:
        assert names(NODES, schedule({}, NODES, filters=["minimal"])) == ["a", "c"]
    finally:
        unregister_filter("minimal")


def test_duplicate_names_need_replace(gpu):
    with pytest.raises(SchedulingError, match="already registered"):
        register_filter("gpu", GpuFilter())
    register_filter("gpu", GpuFilter(), replace=True)
    with pytest.raises(SchedulingError, match="already registered"):
        register_strategy("spread", FewestCpusFirst())


@pytest.mark.parametrize("name, obj, message", [
    ("", GpuFilter(), "non-empty string"),
    (3, GpuFilter(), "non-empty string"),
    ("x", object(), "must have a checks"),
])
def test_invalid_filter_registration(name, obj, message):
    with pytest.raises(SchedulingError, match=message):
        register_filter(name, obj)


def test_invalid_strategy_registration():
    with pytest.raises(SchedulingError, match="must have a rank"):
        register_strategy("x", object())


def test_custom_strategy():
    register_strategy("fewest-cpus", FewestCpusFirst())
    try:
        assert "fewest-cpus" in strategy_names()
        assert names(NODES, schedule({}, NODES, strategy="fewest-cpus")) == ["b", "c", "a"]
        assert names(NODES, schedule({"cpus": 3}, NODES, strategy="fewest-cpus")) == ["c", "a"]
    finally:
        unregister_strategy("fewest-cpus")
    with pytest.raises(SchedulingError, match="not supported"):
        schedule({}, NODES, strategy="fewest-cpus")


def test_label_only_check_runs_before_views_are_built():
    class RackFilter(Filter):
        name = "rack"

        def checks(self, request, soft):
            return [Check("rack==r1", None, COST_NODE, keep_labels=lambda labels: labels.get("rack") == "r1")]
    register_filter("rack", RackFilter())
    try:
        nodes = [node("a", {"rack": "r1"}), node("b", {"rack": "r2"})]
        assert names(nodes, schedule({}, nodes, filters=["rack"])) == ["a"]
        with pytest.raises(SchedulingError, match=r"\[rack==r1\] removed 1 of 1 node"):
            schedule({}, nodes[1:], filters=["rack"])
    finally:
        unregister_filter("rack")


def test_check_needs_a_predicate():
    with pytest.raises(TypeError):
        Check("nothing")


def test_filter_written_against_container_dicts_keeps_working():
    class NoDbFilter(Filter):
        name = "nodb"

        def checks(self, request, soft):
            return [Check("no db", lambda n: not any(c.get("name") == "db" or c["labels"].get("tier") == "db"
                                                     for c in n.containers))]
    register_filter("nodb", NoDbFilter())
    try:
        nodes = [node("a", containers=[container("/db")]), node("b", containers=[container("x", labels={"tier": "db"})]),
                 node("c", containers=[container("web")])]
        assert names(nodes, schedule({}, nodes, filters=["nodb"])) == ["c"]
    finally:
        unregister_filter("nodb")
