"""Which group figures an employer may see: none from fewer than 5 people, none by subtraction.

Every person of an organisation is in exactly one group (a team, or "no
team"), so each group's figure and the organisation's total add up. A group
of fewer than ``MIN_GROUP`` people is hidden. What is hidden must not be
recoverable by subtracting the shown groups from the total: the hidden
groups' combined figure can always be worked out (and a single hidden
group's own figure), so together they must hold at least ``MIN_GROUP``
people. When that does not hold, the smallest shown groups are hidden too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MIN_GROUP = 5
# The people of the organisation who are in no team: never shown by name.
REST = ""


@dataclass(frozen=True)
class Shown:
    total: bool
    groups: frozenset[str]


def safe(hidden: Mapping[str, int]) -> bool:
    """Whatever subtraction reveals (the hidden groups' combined figure) covers 5+ people."""
    return not hidden or sum(hidden.values()) >= MIN_GROUP


def suppress(sizes: Mapping[str, int]) -> Shown:
    """SIZES: people per group, REST included; which figures may be shown."""
    total = sum(sizes.values())
    if total < MIN_GROUP:
        return Shown(False, frozenset())
    hidden = {g: n for g, n in sizes.items() if g == REST or n < MIN_GROUP}
    hidden = {g: n for g, n in hidden.items() if n > 0}
    visible = sorted(((n, g) for g, n in sizes.items() if g not in hidden and g != REST and n > 0))
    while not safe(hidden) and visible:
        n, g = visible.pop(0)
        hidden[g] = n
    if not safe(hidden):
        # Everything is hidden and still too few: only the total, which is >= MIN_GROUP.
        return Shown(True, frozenset())
    return Shown(True, frozenset(g for _, g in visible))
