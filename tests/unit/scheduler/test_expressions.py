# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import re
import sys
import time

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import (
    ExpressionError, SchedulingError, parse_expression, schedule)
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import regex
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler.regex import compile_matcher


@pytest.mark.parametrize("raw, key, op, value, soft", [
    ("zone==external", "zone", "==", "external", False),
    ("zone!=external", "zone", "!=", "external", False),
    ("zone==~external", "zone", "==", "external", True),
    ("zone!=~external", "zone", "!=", "external", True),
    ("node==node-1", "node", "==", "node-1", False),
    ("com.example.type==frontend", "com.example.type", "==", "frontend", False),
    ("_x==/(?i)abc/", "_x", "==", "/(?i)abc/", False),
    ("image==localhost:5000/test:v1", "image", "==", "localhost:5000/test:v1", False),
    ("zone==~/ext.*/", "zone", "==", "/ext.*/", True),
    ("  zone==external  ", "zone", "==", "external", False),
    ("key===x", "key", "==", "=x", False),  # classic: split on the first ==
])
def test_parse(raw, key, op, value, soft):
    e = parse_expression(raw)
    assert (e.key, e.operator, e.value, e.soft) == (key, op, value, soft)


def test_equal_operator_searched_before_not_equal():
    # "a!=b==c" splits on "==" first, so the key "a!=b" is invalid (classic order).
    with pytest.raises(ExpressionError, match=r"key 'a!=b' is invalid"):
        parse_expression("a!=b==c")


@pytest.mark.parametrize("raw", ["zone=external", "name=!node0", "image=image-0:tag3", "zone<3", "zone"])
def test_missing_operator_message(raw):
    with pytest.raises(ExpressionError) as info:
        parse_expression(raw)
    assert str(info.value).startswith(
        'constraint "%s" is invalid: one of the operators ==, != is expected' % raw)
    assert info.value.expression == raw
    assert isinstance(info.value, SchedulingError)


@pytest.mark.parametrize("raw, bad", [
    ("z==x", "z"), ("1zone==x", "1zone"), ("zo ne==x", "zo ne"), ("zo/ne==x", "zo/ne"), ("zo:ne==x", "zo:ne"),
    ("zo*==x", "zo*"), ("==x", ""),
])
def test_invalid_key(raw, bad):
    with pytest.raises(ExpressionError, match=re.escape("key %r is invalid" % bad)):
        parse_expression(raw, "affinity")


@pytest.mark.parametrize("raw, char", [
    ("zone==a,b", ","), ("image==redis@sha256:abc", "@"), ("zone==a{2}", "{"), ("zone=='x'", "'"),
    ("zone==a~b", "~"), ("zone==a#", "#"),
])
def test_invalid_value_names_the_character(raw, char):
    with pytest.raises(ExpressionError) as info:
        parse_expression(raw)
    assert str(info.value).startswith('constraint "%s" is invalid: value' % raw)
    assert "contains %r, which is not allowed" % char in str(info.value)


@pytest.mark.parametrize("raw", ["zone==", "zone==~", "zone!=~"])
def test_empty_value(raw):
    with pytest.raises(ExpressionError, match="the value is empty"):
        parse_expression(raw)


@pytest.mark.parametrize("raw", ["zone==/[a/", "zone==a[", "zone==/(a)\\1/", "zone==/a**/"])
def test_invalid_regex_is_a_parse_error(raw):
    # RE2 syntax, as classic's Go regexp: backreferences and nested repetition do not compile.
    with pytest.raises(ExpressionError, match=r'^whitelist "%s" is invalid: value .* does not compile'
                       % re.escape(raw)):
        parse_expression(raw, "whitelist")


def test_non_string_expression():
    with pytest.raises(ExpressionError, match="must be a string"):
        parse_expression(3)  # type: ignore[arg-type]


def m(value: str, candidate: str) -> bool:
    return parse_expression("key==" + value).accepts_one(candidate)


@pytest.mark.parametrize("value, candidate, expected", [
    ("external", "external", True),
    ("external", "External", False),          # case-sensitive
    ("external", "external2", False),         # anchored
    ("ext*", "external", True),
    ("ext*", "myext", False),
    ("*nal", "external", True),
    ("*ter*", "external", True),
    ("e*t*l", "external", True),
    ("*", "", True),                          # key==* matches a missing label
    ("ext.rnal", "extXrnal", True),           # glob keeps . live (classic quirk)
    ("ab?c", "ac", True),                     # ? live
    ("a+", "aaa", True),                      # + live
    ("[ab]c", "bc", True),                    # [] live
    ("n1|n2", "n1x", True),                   # ^n1|n2$: top-level | splits the anchors (quirk)
    ("n1|n2", "xn2", True),
    ("n1|n2", "xn1", False),
    ("(?i)EXTERNAL", "external", True),       # leading flags work in globs too
    ("/ext/", "myexternal", True),            # regex is unanchored
    ("/^ext$/", "external", False),
    ("/(?i)EXT/", "external", True),
    ("/ext/", "", False),
    ("us*", "", False),
])
def test_match(value, candidate, expected):
    assert m(value, candidate) is expected


def test_operator_semantics_with_candidates():
    eq = parse_expression("container==web")
    ne = parse_expression("container!=web")
    assert eq.accepts(["db", "web"]) is True
    assert ne.accepts(["db", "web"]) is False
    assert eq.accepts([]) is False            # no candidates: == false
    assert ne.accepts([]) is True             # no candidates: != true
    assert ne.accepts(["db"]) is True


def test_soft_flag_and_display():
    e = parse_expression("image==~redis")
    assert e.soft and e.value == "redis"
    assert e.text == "image==redis"
    assert e.text_soft == "image==redis (soft=true)"
    assert parse_expression("image!=redis").text_soft == "image!=redis (soft=false)"


def test_fast_matchers_agree_with_the_classic_regex():
    values = ["web", "web*", "*web", "*web*", "*", "w*b", "web-1", "we b"]
    candidates = ["", "web", "web1", "aweb", "awebb", "wb", "w-b", "we b", "web-1", "Web"]
    for value in values:
        classic = re.compile("^" + value.replace("*", ".*") + "$")
        e = parse_expression("key==" + value)
        for candidate in candidates:
            assert bool(e.match(candidate)) == bool(classic.search(candidate)), (value, candidate)


def test_literal_and_prefix_shapes():
    assert parse_expression("key==web").literal == "web"
    assert parse_expression("key==web*").prefix == "web"
    assert parse_expression("key==w.b*").prefix is None
    assert parse_expression("key==/web/").literal is None


def test_regex_runs_in_linear_time():
    # (a+)+$ makes a backtracking engine (Python's re) take exponential time on "aaa...ax".
    name = "a" * 40 + "x"
    started = time.perf_counter()
    assert not parse_expression("node==/(a+)+$/").accepts_one(name)
    assert schedule({"constraints": ["zone==/(a+)+$/"]}, [{"id": "n", "labels": {"zone": name}}, {"id": "m",
                    "labels": {"zone": "aaa"}}]) == ["m"]
    assert time.perf_counter() - started < 0.1


@pytest.mark.parametrize("value, candidate, expected", [
    ("/a(?i)b/", "aB", True),           # flags anywhere, as Go's RE2 (Python's re refuses this)
    ("/a(?i)b/", "AB", False),
    ("^(?i)web$", "WEB", True),         # glob: ^ + value + $, flags after the anchor
    ("/ext$/", "ext\n", False),         # $ is the end of the text (Python's re also matches before a final \n)
    ("/^ext/", "my ext", False),
    ("/\\d+/", "node-\u0663", False),   # \d is ASCII digits only, as in Go
    ("/\\d+/", "node-3", True),
])
def test_re2_syntax_and_semantics(value, candidate, expected):
    assert m(value, candidate) is expected


def test_plain_regex_shapes_agree_with_re2():
    patterns = ["ext", "^ext", "ext$", "^ext$", "e-x t"]
    candidates = ["", "ext", "external", "myext", "my ext", "e-x t", "EXT"]
    for pattern in patterns:
        fast = parse_expression("key==/%s/" % pattern).match
        reference = compile_matcher("(?:%s)" % pattern)  # a group: no shortcut, always RE2
        for candidate in candidates:
            assert fast(candidate) == reference(candidate), (pattern, candidate)


def test_missing_re2_names_the_package(monkeypatch):
    monkeypatch.setattr(regex, "_engine", None)
    monkeypatch.setitem(sys.modules, "re2", None)  # import re2 -> ImportError
    with pytest.raises(SchedulingError) as info:
        parse_expression("zone==/^ext-(a|b)$/")
    assert "google-re2" in str(info.value) and info.value.kind == "missing_dependency"
    # values that need no regex keep working without it
    assert parse_expression("zone==ext*").accepts_one("external")
    assert parse_expression("zone==/^external$/").accepts_one("external")
