# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import json

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import (
    SchedulingError, clean_request, gather_expressions, labels_with_expressions, schedule, split_env)

from .helpers import node


def test_split_env_on_first_colon():
    kept, found = split_env(["A=1", "constraint:zone==external", "affinity:container==edge_webserver",
                             "whitelist:node==n1|n2", "reschedule:on-node-failure", "PATH=/usr/bin:/bin",
                             "constraint:image==localhost:5000/x", "Constraint:zone==x"])
    assert kept == ["A=1", "PATH=/usr/bin:/bin", "Constraint:zone==x"]
    assert found == {
        "constraints": ["zone==external", "image==localhost:5000/x"],
        "affinities": ["container==edge_webserver"],
        "whitelists": ["node==n1|n2"],
        "reschedule_policies": ["on-node-failure"],
    }


def test_gather_order_fields_labels_env_without_duplicates():
    request = {
        "constraints": ["a1==x", "dup==x"],
        "labels": {"com.docker.swarm.constraints": json.dumps(["l1==x", "dup==x"]),
                   "com.docker.swarm.affinities": '["image==redis"]',
                   "com.docker.swarm.whitelists": '["node==n1"]'},
        "env": ["constraint:e1==x"],
    }
    found = gather_expressions(request)
    assert found["constraints"] == ["a1==x", "dup==x", "l1==x", "e1==x"]
    assert found["affinities"] == ["image==redis"]
    assert found["whitelists"] == ["node==n1"]


@pytest.mark.parametrize("text", ['["zone==x"', '"zone==x"', '[1]', '{"a": 1}'])
def test_bad_label_json_is_an_error_naming_the_label(text):
    with pytest.raises(SchedulingError, match="com.docker.swarm.constraints"):
        gather_expressions({"labels": {"com.docker.swarm.constraints": text}})


def test_empty_label_is_ignored():
    assert gather_expressions({"labels": {"com.docker.swarm.constraints": ""}})["constraints"] == []


def test_clean_request_moves_env_expressions_into_fields():
    request = {"name": "web", "env": ["A=1", "constraint:zone==external", "affinity:image==~redis"],
               "constraints": ["disk==ssd"], "labels": {"x": "1"}}
    cleaned = clean_request(request)
    assert cleaned["env"] == ["A=1"]
    assert cleaned["constraints"] == ["disk==ssd", "zone==external"]
    assert cleaned["affinities"] == ["image==~redis"]
    assert cleaned["labels"] == {"x": "1"}
    assert request["env"] == ["A=1", "constraint:zone==external", "affinity:image==~redis"]  # not mutated
    assert gather_expressions(cleaned)["constraints"] == ["disk==ssd", "zone==external"]


def test_labels_with_expressions_persist_as_json_arrays():
    labels = labels_with_expressions({"x": "1"}, {"constraints": ["zone==external"], "affinities": [],
                                                  "whitelists": ["node==n1|n2"]})
    assert labels == {"x": "1", "com.docker.swarm.constraints": '["zone==external"]',
                      "com.docker.swarm.whitelists": '["node==n1|n2"]'}
    assert json.loads(labels["com.docker.swarm.constraints"]) == ["zone==external"]
    # round trip: the labels alone reproduce the expressions
    assert gather_expressions({"labels": labels})["whitelists"] == ["node==n1|n2"]


def test_schedule_reads_env_and_labels():
    nodes = [node("n1", {"zone": "external"}), node("n2", {"zone": "internal", "disk": "ssd"})]
    assert schedule({"env": ["constraint:zone==external"]}, nodes) == ["ID-n1"]
    assert schedule({"labels": {"com.docker.swarm.constraints": '["disk==ssd"]'}}, nodes) == ["ID-n2"]


@pytest.mark.parametrize("field, value", [("env", "A=1"), ("constraints", "zone==x"), ("affinities", [1]),
                                          ("labels", ["a"])])
def test_wrong_types_are_rejected(field, value):
    with pytest.raises(SchedulingError, match=field):
        gather_expressions({field: value})
