# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Regular expressions with classic Swarm's engine: RE2 (linear time, Go's syntax).

Python's ``re`` backtracks, so a pattern such as ``(a+)+$`` takes exponential time on a
long non-matching name, and it accepts syntax classic never did (backreferences) while
refusing some that classic did (``a(?i)b``). The ``google-re2`` package is imported only
when an expression needs a regex, so everything else works without it.

Calls into RE2 cost about a microsecond each (the text is encoded on every call), so
every matcher remembers its answers for the strings it has seen (label values and node
names repeat across nodes and placements), up to a bound.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional

from .errors import MISSING_DEPENDENCY, SchedulingError

PIP_PACKAGE = "google-re2"
MEMO_LIMIT = 4096

Matcher = Callable[[str], bool]

_engine: Optional[Any] = None


class RegexSyntaxError(ValueError):
    """The pattern does not compile; the message is RE2's."""


def _re2() -> Any:
    global _engine  # pylint: disable=global-statement
    if _engine is None:
        try:
            import re2  # pylint: disable=import-error,import-outside-toplevel
        except ImportError:
            raise SchedulingError(
                "this expression needs a regular expression, and the scheduler matches them with RE2 like "
                "classic Swarm: install the Python package %s (pip install %s)" % (PIP_PACKAGE, PIP_PACKAGE),
                kind=MISSING_DEPENDENCY)
        _engine = re2
    return _engine


def compile_matcher(pattern: str) -> Matcher:
    """A function telling whether ``pattern`` matches somewhere in a string (unanchored search).

    Raises RegexSyntaxError for a pattern RE2 refuses, SchedulingError when RE2 is missing.
    """
    re2 = _re2()
    options = re2.Options()
    options.log_errors = False  # RE2 would also print every syntax error on stderr
    options.never_capture = True  # only "does it match" is asked: the cheapest program
    try:
        compiled = re2.compile(pattern, options)
    except re2.error as exc:
        detail = exc.args[0] if exc.args else exc
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise RegexSyntaxError(str(detail))
    return _remembering(_searcher(re2, compiled))


def _searcher(re2: Any, compiled: Any) -> Matcher:
    """Plain ``compiled.search``, or the binding's direct call when this version has it (2-5x cheaper)."""
    low = getattr(compiled, "_regexp", None)
    anchor = getattr(getattr(getattr(re2, "_re2", None), "RE2", None), "Anchor", None)
    if low is not None and anchor is not None and hasattr(low, "Match"):
        match = low.Match
        unanchored = anchor.UNANCHORED

        def search_direct(text: str) -> bool:
            data = text.encode("utf-8")
            return match(unanchored, data, 0, len(data))[0][0] >= 0
        try:
            if search_direct("") == (compiled.search("") is not None):
                return search_direct
        except Exception:  # pylint: disable=broad-except  # an API change: fall back to the public call
            pass
    return lambda text: compiled.search(text) is not None


def _remembering(search: Matcher) -> Matcher:
    answers: Dict[str, bool] = {}

    def match(text: str) -> bool:
        answer = answers.get(text)
        if answer is None:
            answer = search(text)
            if len(answers) < MEMO_LIMIT:
                answers[text] = answer
        return answer
    return match
