# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The classic Swarm expression language: ``key==value``, ``key!=value``, soft ``==~``/``!=~``.

Values are anchored globs where only ``*`` is a wildcard and every other regex
metacharacter stays live (the classic quirk), or ``/regex/`` matched unanchored.
Parsing is cached and common shapes (plain text, ``prefix*``) get a fast matcher,
because the scheduler evaluates the same expression against thousands of strings.
"""
from __future__ import annotations

import functools
import re
from typing import Callable, Iterable, List, Optional, Sequence

from .errors import ExpressionError
from .regex import RegexSyntaxError, compile_matcher

EQ = "=="
NOTEQ = "!="
OPERATORS = (EQ, NOTEQ)

_KEY_RE = re.compile(r"[a-z_][a-z0-9\-_.]+", re.IGNORECASE | re.ASCII)
_VALUE_RE = re.compile(r"[=!/]?(~)?[a-z0-9:\-_\s.*/()?+\[\]\\^$|]+", re.IGNORECASE | re.ASCII)
_VALUE_BODY_CHAR = re.compile(r"[a-z0-9:\-_\s.*/()?+\[\]\\^$|]", re.IGNORECASE | re.ASCII)
_REGEX_META = frozenset(".?+()[]\\^$|")

_ALLOWED_TEXT = "letters, digits, spaces and : - _ . * / ( ) ? + [ ] \\ ^ $ |"
_FORMS = "key==value, key!=value or the soft forms key==~value, key!=~value"

Matcher = Callable[[str], bool]


class Expression:
    """One parsed expression; immutable, shared through the parse cache."""

    __slots__ = ("raw", "kind", "key", "operator", "value", "soft", "literal", "prefix", "match")

    def __init__(self, raw: str, kind: str, key: str, operator: str, value: str, soft: bool,
                 literal: Optional[str], match: Matcher) -> None:
        self.raw = raw
        self.kind = kind
        self.key = key
        self.operator = operator
        self.value = value
        self.soft = soft
        # The exact string the value stands for when it has no wildcard or regex
        # character, and the fixed text of a ``text*`` glob: filters use them for
        # direct string comparisons in hot loops.
        self.literal = literal
        self.prefix = value[:-1] if literal is None and value.endswith("*") and value[:-1] \
            and not (_REGEX_META & set(value)) and "*" not in value[:-1] else None
        # match(s) -> truthy when the value pattern matches s (operator not applied).
        self.match = match

    @property
    def text(self) -> str:
        """Classic display ``key==value`` (soft marker dropped)."""
        return self.key + self.operator + self.value

    @property
    def text_soft(self) -> str:
        """Classic display with the soft flag: ``key==value (soft=false)``."""
        return "%s (soft=%s)" % (self.text, "true" if self.soft else "false")

    def accepts_one(self, candidate: str) -> bool:
        """Operator applied to a single candidate string."""
        return bool(self.match(candidate)) == (self.operator == EQ)

    def accepts(self, candidates: Iterable[str]) -> bool:
        """``==``: any candidate matches; ``!=``: none does (no candidates: == False, != True)."""
        match = self.match
        for candidate in candidates:
            if match(candidate):
                return self.operator == EQ
        return self.operator == NOTEQ

    def __repr__(self) -> str:
        return "Expression(%r)" % self.raw

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expression) and (self.raw, self.kind) == (other.raw, other.kind)

    def __hash__(self) -> int:
        return hash((self.raw, self.kind))


def parse_expression(raw: str, kind: str = "constraint") -> Expression:
    """Parse one expression; raise ExpressionError quoting it and saying what is expected."""
    if not isinstance(raw, str):
        raise ExpressionError(
            "%s %r is invalid: an expression must be a string like %s" % (kind, raw, _FORMS), repr(raw))
    return _parse(raw.strip(), kind)


def parse_expressions(raws: Sequence[str], kind: str = "constraint") -> List[Expression]:
    """Parse a list of expressions of one kind, keeping their order."""
    return [parse_expression(raw, kind) for raw in raws]


@functools.lru_cache(maxsize=2048)
def _parse(raw: str, kind: str) -> Expression:
    for operator in OPERATORS:
        if operator in raw:
            key, value = raw.split(operator, 1)
            break
    else:
        _fail(raw, kind, "one of the operators ==, != is expected (%s)" % _FORMS)
    if not _KEY_RE.fullmatch(key):
        _fail(raw, kind, "key %r is invalid; a key starts with a letter or '_' and has at least 2 "
                         "characters among letters, digits, '-', '_' and '.'" % key)
    if not _VALUE_RE.fullmatch(value):
        _fail(raw, kind, _value_problem(value))
    soft = value.startswith("~")
    value = value.lstrip("~")
    literal, match = _compile(raw, kind, value)
    return Expression(raw, kind, key, operator, value, soft, literal, match)


def _fail(raw: str, kind: str, problem: str) -> None:
    raise ExpressionError('%s "%s" is invalid: %s' % (kind, raw, problem), raw)


def _value_problem(value: str) -> str:
    body = value
    if body[:1] in ("=", "!", "/"):
        body = body[1:]
    if body.startswith("~"):
        body = body[1:]
    if not body:
        return "the value is empty; expected %s" % _FORMS
    for char in body:
        if not _VALUE_BODY_CHAR.fullmatch(char):
            return "value %r contains %r, which is not allowed; use %s (alternatives: a|b)" % (
                value, char, _ALLOWED_TEXT)
    return "value %r is invalid; use %s after an optional ~ for a soft rule" % (value, _ALLOWED_TEXT)


def _compile(raw: str, kind: str, value: str):
    """Return (literal or None, matcher) for a value, like classic ``expr.Match``."""
    if len(value) >= 2 and value[0] == "/" and value[-1] == "/":
        pattern = value[1:-1]
        return None, _plain_regex(pattern) or _regex(raw, kind, pattern, value)
    if not (_REGEX_META & set(value)):
        if "*" not in value:
            return value, value.__eq__
        fast = _star_matcher(value)
        if fast is not None:
            return None, fast
    # classic: "^" + value with * -> .* + "$"; RE2 accepts flags anywhere, as Go does (^(?i)x$)
    return None, _regex(raw, kind, "^" + value.replace("*", ".*") + "$", value)


def _star_matcher(value: str) -> Optional[Matcher]:
    """Fast matchers for globs made of plain text and ``*`` at the ends."""
    inner = value.strip("*")
    if "*" in inner:
        return None
    if not inner:
        return _always
    if value.startswith("*") and value.endswith("*"):
        return lambda s: inner in s
    if value.endswith("*"):
        return lambda s: s.startswith(inner)
    return lambda s: s.endswith(inner)


def _plain_regex(pattern: str) -> Optional[Matcher]:
    """String operations for ``/text/``, ``/^text/``, ``/text$/`` and ``/^text$/`` without other
    metacharacters (the same answers as the regex, without calling RE2)."""
    body = pattern
    start = body.startswith("^")
    if start:
        body = body[1:]
    end = body.endswith("$")
    if end:
        body = body[:-1]
    if not body or (_REGEX_META | {"*"}) & set(body):
        return None
    if start and end:
        return body.__eq__
    if start:
        return lambda s: s.startswith(body)
    if end:
        return lambda s: s.endswith(body)
    return lambda s: body in s


def _always(unused_text: str) -> bool:
    return True


def _regex(raw: str, kind: str, pattern: str, value: str) -> Matcher:
    try:
        return compile_matcher(pattern)
    except RegexSyntaxError as exc:
        hint = "" if value.startswith("/") else (
            "; in a glob only * is a wildcard, . ? + | ( ) [ ] ^ $ \\ keep their regex meaning")
        _fail(raw, kind, "value %r does not compile as a regular expression (%s)%s" % (value, exc, hint))
        raise  # unreachable, keeps type checkers calm
