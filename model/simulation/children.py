"""Rule 6, children's work and schooling.

A family whose consumption had to fall in a moulding month (unmet need above a share
``child_work_trigger`` of the month's need) puts one more child to work, the older band
first, taking the child out of school if it was enrolled. A family with room (it met its
need, and its owner would still lend it at least a working child's monthly pay, so it can
afford to lose that pay) takes one child out of work, the younger band first, and sends it to
school, or enrols one idle child. One child
a month keeps changes gradual. Owners who fear inspection refuse children's work; those
children stop working.
Counts never exceed the children a family has: work + school <= children in each band.
"""

from __future__ import annotations

import numpy as np


def _add_worker(press: np.ndarray, children: np.ndarray, work: np.ndarray,
                school: np.ndarray) -> np.ndarray:
    """Put one child of a band to work where pressed; return where it happened."""
    can = press & (work < children)
    idle = children - work - school
    from_school = can & (idle <= 0)
    work += can
    school -= from_school
    return can


def _to_school(room: np.ndarray, children: np.ndarray, work: np.ndarray,
               school: np.ndarray) -> np.ndarray:
    """Move one child of a band from work (or idleness) to school where there is room."""
    from_work = room & (work > 0)
    work -= from_work
    idle = children - work - school
    enrol = room & ~from_work & (idle > 0)
    school += from_work | enrol
    return from_work | enrol


def update_children(pressed: np.ndarray, room: np.ndarray, banned: np.ndarray,
                    c59: np.ndarray, c1014: np.ndarray, w59: np.ndarray, w1014: np.ndarray,
                    s59: np.ndarray, s1014: np.ndarray) -> None:
    """Apply rule 6 in place to the work and school counts (int8 arrays)."""
    if banned.any():
        w59[banned] = 0
        w1014[banned] = 0
    press = pressed & ~banned
    if press.any():
        done = _add_worker(press, c1014, w1014, s1014)
        _add_worker(press & ~done, c59, w59, s59)
    room = room & ~pressed
    if room.any():
        done = _to_school(room, c59, w59, s59)
        _to_school(room & ~done, c1014, w1014, s1014)
