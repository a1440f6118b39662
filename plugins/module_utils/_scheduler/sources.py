# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a request's expressions come from, and how they persist on the container.

Classic Swarm accepted expressions from three places: the request fields, env entries
(``constraint:zone==external``; removed from the container's env) and JSON-array labels
(``com.docker.swarm.constraints``). The merged lists are written back into those labels
so that the created container remembers why it was placed where it is.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional

from .errors import SchedulingError
from .validation import string_list, string_map

KINDS = ("constraints", "affinities", "whitelists")
# env prefix -> kind (classic also strips ``reschedule:`` entries; kept for completeness)
ENV_PREFIXES = {
    "constraint": "constraints",
    "affinity": "affinities",
    "whitelist": "whitelists",
    "reschedule": "reschedule_policies",
}
LABELS = {
    "constraints": "com.docker.swarm.constraints",
    "affinities": "com.docker.swarm.affinities",
    "whitelists": "com.docker.swarm.whitelists",
    "reschedule_policies": "com.docker.swarm.reschedule-policies",
}


def split_env(env: Any) -> "tuple[List[str], Dict[str, List[str]]]":
    """Split env into (kept entries, expressions by kind) the classic way (first ``:``)."""
    kept: List[str] = []
    found: Dict[str, List[str]] = {kind: [] for kind in ENV_PREFIXES.values()}
    for entry in string_list(env, "request 'env'"):
        prefix, sep, rest = entry.partition(":")
        kind = ENV_PREFIXES.get(prefix) if sep else None
        if kind is None:
            kept.append(entry)
        else:
            found[kind].append(rest)
    return kept, found


def label_expressions(labels: Mapping[str, Any]) -> Dict[str, List[str]]:
    """Expressions stored in the JSON-array labels, by kind.

    Classic ignored malformed JSON silently, which drops constraints without a word;
    here it is an error naming the label.
    """
    found: Dict[str, List[str]] = {}
    for kind, label in LABELS.items():
        text = labels.get(label)
        if text is None or text == "":
            found[kind] = []
            continue
        try:
            value = json.loads(text) if isinstance(text, str) else text
        except ValueError as exc:
            raise SchedulingError(
                "label %s must be a JSON array of strings such as [\"zone==external\"], got %r (%s)"
                % (label, text, exc))
        found[kind] = string_list(value, "label %s" % label)
    return found


def gather_expressions(request: Mapping[str, Any]) -> Dict[str, List[str]]:
    """All expressions of a request by kind: fields first, then labels, then env; no duplicates."""
    labels = string_map(request.get("labels"), "request 'labels'")
    from_labels = label_expressions(labels)
    unused_kept, from_env = split_env(request.get("env"))
    merged: Dict[str, List[str]] = {}
    for kind in LABELS:
        fields = string_list(request.get(kind), "request %r" % kind) if kind in KINDS else []
        merged[kind] = _unique(fields + from_labels[kind] + from_env[kind])
    return merged


def clean_request(request: Mapping[str, Any]) -> Dict[str, Any]:
    """A copy of the request whose env no longer holds scheduler entries.

    The env expressions are moved into the request fields (labels are left as they
    are), so ``schedule(clean_request(r), ...)`` places exactly like ``schedule(r, ...)``.
    Give the container ``labels_with_expressions(cleaned["labels"],
    gather_expressions(cleaned))`` so the expressions persist on it.
    """
    cleaned = dict(request)
    merged = gather_expressions(request)
    kept, unused_found = split_env(request.get("env"))
    cleaned["env"] = kept
    for kind in KINDS:
        cleaned[kind] = merged[kind]
    if merged["reschedule_policies"]:
        cleaned["reschedule_policies"] = merged["reschedule_policies"]
    return cleaned


def labels_with_expressions(labels: Optional[Mapping[str, Any]],
                            expressions: Mapping[str, List[str]]) -> Dict[str, str]:
    """Labels plus the merged expressions as JSON arrays (written only when non-empty).

    ``expressions`` is what gather_expressions returns (or any subset of its keys).
    """
    result = dict(string_map(labels, "labels"))
    for kind, label in LABELS.items():
        values = expressions.get(kind) or []
        if values:
            result[label] = json.dumps(list(values), separators=(",", ":"))
    return result


def _unique(values: List[str]) -> List[str]:
    seen = set()
    out = []
    for value in values:
        if value not in seen:
            seen.add(value)
            out.append(value)
    return out
