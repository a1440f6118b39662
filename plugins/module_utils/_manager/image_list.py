# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`GET /images/json` for the cluster (pure: the handler gathers the engines' lists).

As classic Swarm listed them: every engine's images grouped by image id, ``RepoTags`` and
``RepoDigests`` merged without duplicates, so an image present on three engines is listed once.
``Containers`` is summed when every engine counted it (-1, "not computed", otherwise). The
``before``/``since`` filters are applied here, on the cluster's images (the reference image may be
on another engine than the ones listed); the engines apply the others.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import ApiError
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.filters import filter_values

DEFAULT_REGISTRY_PREFIXES = ("docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/")
MERGED = ("RepoTags", "RepoDigests")


def normalize_reference(reference: str) -> str:
    """``busybox`` -> ``busybox:latest``, ``docker.io/library/busybox:1`` -> ``busybox:1`` (how RepoTags read)."""
    ref = reference.strip()
    for prefix in DEFAULT_REGISTRY_PREFIXES:
        if ref.startswith(prefix):
            ref = ref[len(prefix):]
            break
    if "@" in ref:
        return ref
    name, sep, tag = ref.rpartition(":")
    if sep and "/" not in tag:
        return ref
    return ref + ":latest"


def _merge(into: Dict[str, Any], other: Mapping[str, Any]) -> None:
    for key in MERGED:
        values = list(into.get(key) or [])
        for value in other.get(key) or []:
            if value not in values:
                values.append(value)
        if values or key in into:
            into[key] = values
    count, more = into.get("Containers"), other.get("Containers")
    if isinstance(count, int) and isinstance(more, int):
        into["Containers"] = count + more if count >= 0 and more >= 0 else -1


def group_images(lists: Iterable[Sequence[Mapping[str, Any]]]) -> List[Dict[str, Any]]:
    """One entry per image id over the engines' lists, newest first (the engine's order)."""
    grouped: Dict[str, Dict[str, Any]] = {}
    for images in lists:
        for image in images or []:
            image_id = str(image.get("Id") or "")
            if image_id in grouped:
                _merge(grouped[image_id], image)
            else:
                grouped[image_id] = copy.deepcopy(dict(image))
    return sorted(grouped.values(), key=lambda image: (-int(image.get("Created") or 0), str(image.get("Id"))))


def find_image(images: Sequence[Mapping[str, Any]], reference: str) -> Optional[Mapping[str, Any]]:
    """The listed image a reference names: tag, digest, full id or unique id prefix (with or without sha256:)."""
    wanted = normalize_reference(reference)
    for image in images:
        if wanted in (image.get("RepoTags") or []) or reference in (image.get("RepoDigests") or []):
            return image
    bare = reference[len("sha256:"):] if reference.startswith("sha256:") else reference
    if bare and all(c in "0123456789abcdef" for c in bare):
        hits = [image for image in images if str(image.get("Id") or "").replace("sha256:", "", 1).startswith(bare)]
        if len(hits) == 1:
            return hits[0]
    return None


def _created_of(images: Sequence[Mapping[str, Any]], values: Sequence[str], name: str) -> List[int]:
    found = []
    for value in values:
        image = find_image(images, value)
        if image is None:
            raise ApiError(404, "No such image: %s (filter %s)" % (value, name))
        found.append(int(image.get("Created") or 0))
    return found


def created_window(images: Sequence[Mapping[str, Any]], pool: Sequence[Mapping[str, Any]],
                   filters: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """The images older than every ``before`` image and newer than every ``since`` image (the engine's rule);
    the reference images are looked up in ``pool`` (every engine's images)."""
    before = _created_of(pool, filter_values(filters, "before"), "before")
    since = _created_of(pool, filter_values(filters, "since"), "since")
    if not before and not since:
        return [dict(image) for image in images]
    return [dict(image) for image in images
            if all(int(image.get("Created") or 0) < limit for limit in before)
            and all(int(image.get("Created") or 0) > limit for limit in since)]
