# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
name: swarm_expressions
short_description: Validate and normalise classic Swarm constraint, affinity or whitelist expressions
version_added: 0.1.0
author: dockyard.swarm contributors
description:
  - Parses each expression with the scheduler's own parser (C(key==value), C(key!=value), soft C(key==~value)) and
    returns them normalised - surrounding spaces removed, duplicates dropped, order kept.
  - An invalid expression fails the task with the scheduler's message, which quotes the expression and says what is
    wrong (operator, key, value character, regular expression).
positional: kind
options:
  _input:
    description: The expressions (a single string counts as a list of one).
    type: list
    elements: str
    required: true
  kind:
    description: What the expressions are, for the messages.
    type: str
    choices: [constraint, affinity, whitelist]
    default: constraint
seealso:
  - name: docs/scheduling.md
    description: The expression language.
    link: https://github.com/dockyard/swarm/blob/main/docs/scheduling.md
"""

EXAMPLES = r"""
- name: Check constraints before using them
  ansible.builtin.set_fact:
    web_constraints: "{{ [' zone==external', 'disk==~ssd', 'zone==external'] | dockyard.swarm.swarm_expressions }}"
    # ['zone==external', 'disk==~ssd']

- name: Affinities
  ansible.builtin.debug:
    msg: "{{ ['container==edge_webserver'] | dockyard.swarm.swarm_expressions('affinity') }}"

# ['zone=external'] | dockyard.swarm.swarm_expressions fails with:
# constraint "zone=external" is invalid: one of the operators ==, != is expected (...)
"""

RETURN = r"""
_value:
  description: The expressions, normalised (C(key), operator, C(~) when soft, value).
  type: list
  elements: str
  sample: ["zone==external", "disk==~ssd"]
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import SchedulingError, parse_expressions

KINDS = ("constraint", "affinity", "whitelist")


def swarm_expressions(expressions, kind="constraint"):
    """Validate and normalise a list of expressions."""
    if kind not in KINDS:
        raise AnsibleFilterError("swarm_expressions: kind must be one of %s, got %r" % (", ".join(KINDS), kind))
    if isinstance(expressions, str):
        expressions = [expressions]
    if expressions is None:
        expressions = []
    if not isinstance(expressions, (list, tuple)):
        raise AnsibleFilterError("swarm_expressions: expected a list of %s expressions, got %s"
                                 % (kind, type(expressions).__name__))
    try:
        parsed = parse_expressions(list(expressions), kind)
    except SchedulingError as exc:
        raise AnsibleFilterError("swarm_expressions: %s" % exc) from None
    normalised = []
    for expression in parsed:
        text = expression.key + expression.operator + ("~" if expression.soft else "") + expression.value
        if text not in normalised:
            normalised.append(text)
    return normalised


class FilterModule:
    """dockyard.swarm.swarm_expressions"""

    def filters(self):
        return {"swarm_expressions": swarm_expressions}
