# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's labels file: good files load, bad ones give a message that names the problem."""
from __future__ import annotations

import pytest

from tests.lab import LabError
from tests.lab.__main__ import main
from tests.lab.config import DEFAULT_LABELS_FILE, load_labels


def test_default_labels_are_the_seed_kind():
    engines = load_labels(DEFAULT_LABELS_FILE, 3)
    assert [(e.name, e.labels, e.addr) for e in engines] == [
        ("node-1", {"status": "master", "disk": "ssd", "zone": "internal"}, "10.231.1.2:2376"),
        ("node-2", {"disk": "ssd", "zone": "external"}, "10.231.2.2:2376"),
        ("node-3", {"disk": "hdd", "zone": "internal"}, "10.231.3.2:2376"),
    ]


def test_more_engines_than_entries_get_default_names(tmp_path):
    path = tmp_path / "l.yml"
    path.write_text("engines:\n  - name: a1\n    labels: {x: 1, flag: true}\n")
    engines = load_labels(path, 2)
    assert [(e.name, e.labels) for e in engines] == [("a1", {"x": "1", "flag": "true"}), ("node-2", {})]


@pytest.mark.parametrize("text, fragment", [
    ("engines: [", "is not valid YAML"),
    ("- 1\n- 2\n", "expected a mapping with a list `engines:`"),
    ("engines:\n  - name: Bad_Name\n", "name 'Bad_Name' must be lower-case"),
    ("engines:\n  - name: a\n  - name: a\n", "name 'a' is used twice"),
    ("engines:\n  - name: a\n    labels: [x]\n", "`labels` must be a mapping"),
    ("engines:\n  - name: a\n    labels: {'bad key': 1}\n", "label key 'bad key' is not a valid"),
    ("engines:\n  - name: a\n    labels: {node: x}\n", "label key 'node' is not a valid"),
    ("engines:\n  - name: a\n    labels: {k: {a: b}}\n", "label 'k' must have a scalar value"),
])
def test_bad_labels_file_names_the_problem(tmp_path, text, fragment):
    path = tmp_path / "labels.yml"
    path.write_text(text)
    with pytest.raises(LabError) as err:
        load_labels(path, 2)
    assert fragment in str(err.value)
    assert str(path) in str(err.value)


def test_missing_file_and_bad_count(tmp_path):
    with pytest.raises(LabError, match="does not exist"):
        load_labels(tmp_path / "nope.yml", 1)
    with pytest.raises(LabError, match="between 1 and 50"):
        load_labels(DEFAULT_LABELS_FILE, 0)


def test_cli_prints_a_clear_message_not_a_traceback(tmp_path, capsys):
    path = tmp_path / "labels.yml"
    path.write_text("engines: [")
    assert main(["up", "--labels", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lab: ") and "Traceback" not in err
