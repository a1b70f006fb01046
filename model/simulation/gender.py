"""Rule 6b, girls and boys; and the women who mould in the family unit.

Rule 6 decides *how many* children of each age band work or go to school. This layer decides
*who*: it keeps, per household and band, how many of the working and the schooled children
are girls (boys are the rest), and how many of the moulding adults are women. It never changes
a count that rule 6 (or an intervention) set, so every other rule and outcome is untouched; it
draws only from its own ``gender`` stream.

Each month, after rule 6, the change in a band's counts since the split was last made
consistent (``SexSplit.counts``) is read as moves of single children, drawn one at a time:

1. children who left work or school for idleness (a ban, an inspection) are drawn in
   proportion to the girls and boys in that activity;
2. children who moved between work and school are drawn from the activity they left, a girl
   with probability ``weight x girls / (weight x girls + boys)``, where ``weight`` belongs to
   the activity they join (``girl_work_weight`` or ``girl_school_weight``);
3. children who took up work or school from idleness are drawn the same way from the idle.

Adults' sex (``women``) and who is paid (``women_paid``) are drawn once, at the start.

A weight of 1 makes every child equally likely to be the one who moves; a weight below 1 makes
a girl less likely than a boy. Where only one sex is available, that sex moves.
"""

from __future__ import annotations

import numpy as np

from .parameters import Params
from .state import HouseholdState

BANDS = ("5_9", "10_14")


def pick_girls(rng: np.random.Generator, k: np.ndarray, girls: np.ndarray, boys: np.ndarray,
               weight: float) -> np.ndarray:
    """How many of ``k`` children, drawn one at a time without replacement from a pool of
    ``girls`` and ``boys`` (one entry per household, integer arrays), are girls.

    Each draw is a girl with probability ``weight x g / (weight x g + b)``, with ``g`` and
    ``b`` the girls and boys still in the pool (a boy if no girl is left, a girl if no boy is
    left): with ``u`` uniform on [0, 1), a girl when ``u x (weight x g + b) < weight x g``.
    One uniform is drawn per child, round by round: in round j for every household that
    draws more than j children, in household order. The pool must hold ``k`` children.
    Returns an array of the type of ``k``; the pools are not changed.
    """
    picked = np.zeros_like(k)
    idx = np.flatnonzero(k)
    if idx.size == 0:
        return picked
    todo = k[idx]
    rounds = int(todo.max())
    g, b = girls[idx], boys[idx]  # copies (fancy indexing)
    got = np.zeros_like(todo)
    wg = weight * g
    girl = (rng.random(idx.size) * (wg + b) < wg) | (b == 0)
    got += girl
    for j in range(1, rounds):  # rarely: more than one child of a household this month
        if j == 1:
            g -= girl
            b -= ~girl
        more = todo > j
        gi, bi = g[more], b[more]
        wg = weight * gi
        girl = (rng.random(gi.size) * (wg + bi) < wg) | (bi == 0)
        got[more] += girl
        g[more] = gi - girl
        b[more] = bi - ~girl
    picked[idx] = got
    return picked


def _move(rng: np.random.Generator, k: np.ndarray, g_from: np.ndarray, b_from: np.ndarray,
          weight: float) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``k`` children from a pool; return (girls, boys) drawn."""
    girls = pick_girls(rng, k, g_from, b_from, weight)
    return girls, k - girls


def split_band(rng: np.random.Generator, children: np.ndarray, girls: np.ndarray,
               work_before: np.ndarray, school_before: np.ndarray, work: np.ndarray,
               school: np.ndarray, girls_work: np.ndarray, girls_school: np.ndarray,
               work_weight: float, school_weight: float) -> np.ndarray:
    """Rule 6b for one band, in place on ``girls_work`` and ``girls_school`` (int8): bring
    the sex split, consistent with the counts ``work_before`` and ``school_before``, in line
    with the counts ``work`` and ``school`` (see the module docstring). Draws only for
    households whose counts changed, and returns their indices; never writes the counts.

    The net change of a household's counts is read as the fewest moves of single children: a
    fall in work matched by a rise in school is that many moves from work to school (and the
    reverse); the rest of a fall is moves to idleness, the rest of a rise moves from
    idleness. Kinds of move are drawn in the order of the module docstring."""
    changed = np.flatnonzero((work != work_before) | (school != school_before))
    if changed.size == 0:
        return changed
    # int8 throughout: counts are at most 5
    c, g = children[changed], girls[changed]
    w0, s0 = work_before[changed], school_before[changed]
    dw, ds = work[changed] - w0, school[changed] - s0
    gw, gs = girls_work[changed], girls_school[changed]
    bw, bs = w0 - gw, s0 - gs
    zero = np.zeros(1, dtype=dw.dtype)
    work_out, work_in = np.maximum(-dw, zero), np.maximum(dw, zero)
    school_out, school_in = np.maximum(-ds, zero), np.maximum(ds, zero)
    to_school = np.minimum(work_out, school_in)  # moved from work to school
    to_work = np.minimum(work_in, school_out)    # moved from school to work

    # 1. to idleness, in proportion
    x, y = _move(rng, work_out - to_school, gw, bw, 1.0)
    gw, bw = gw - x, bw - y
    x, y = _move(rng, school_out - to_work, gs, bs, 1.0)
    gs, bs = gs - x, bs - y
    # 2. between work and school: the weight of the activity joined, among those leaving
    x, y = _move(rng, to_school, gw, bw, school_weight)
    gw, bw, gs, bs = gw - x, bw - y, gs + x, bs + y
    x, y = _move(rng, to_work, gs, bs, work_weight)
    gs, bs, gw, bw = gs - x, bs - y, gw + x, bw + y
    # 3. from idleness
    x, y = _move(rng, work_in - to_work, g - gw - gs, (c - g) - bw - bs, work_weight)
    gw, bw = gw + x, bw + y
    x, _ = _move(rng, school_in - to_school, g - gw - gs, (c - g) - bw - bs, school_weight)
    gs = gs + x
    girls_work[changed] = gw
    girls_school[changed] = gs
    return changed


class SexSplit:
    """Rule 6b's memory: the band counts the sex split was last made consistent with."""

    def __init__(self, hh: HouseholdState) -> None:
        self.counts = {band: (getattr(hh, f"work_{band}").copy(),
                              getattr(hh, f"school_{band}").copy()) for band in BANDS}

    def update(self, rng: np.random.Generator, hh: HouseholdState, params: Params) -> None:
        """Apply rule 6b to every band, then remember the counts."""
        for band in BANDS:
            w0, s0 = self.counts[band]
            work, school = getattr(hh, f"work_{band}"), getattr(hh, f"school_{band}")
            changed = split_band(rng, getattr(hh, f"children_{band}"),
                                 getattr(hh, f"girls_{band}"), w0, s0, work, school,
                                 getattr(hh, f"girls_work_{band}"),
                                 getattr(hh, f"girls_school_{band}"),
                                 params.girl_work_weight, params.girl_school_weight)
            w0[changed] = work[changed]
            s0[changed] = school[changed]

    def remember(self, hh: HouseholdState) -> None:
        """Take the counts as they are now: rule 10 moved children with their sex, so the
        split is consistent with them already."""
        for band in BANDS:
            w0, s0 = self.counts[band]
            w0[:] = getattr(hh, f"work_{band}")
            s0[:] = getattr(hh, f"school_{band}")


def init_gender(adults: np.ndarray, children: dict[str, np.ndarray],
                work: dict[str, np.ndarray], school: dict[str, np.ndarray], params: Params,
                rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The initial sex split (int8 columns by name), from the ``gender`` stream, for counts
    already drawn: women among the moulding adults, girls in each band, then girls among the
    working children (``girl_work_weight``) and among the other children in school
    (``girl_school_weight``), and women paid directly."""
    i8 = np.int8
    out = {"women": rng.binomial(adults, params.women_moulder_share).astype(i8)}
    for band in BANDS:
        c = children[band].astype(np.int64)
        g = rng.binomial(c, params.girl_share)
        w = work[band].astype(np.int64)
        gw = pick_girls(rng, w, g, c - g, params.girl_work_weight)
        gs = pick_girls(rng, school[band].astype(np.int64), g - gw, (c - g) - (w - gw),
                        params.girl_school_weight)
        out[f"girls_{band}"] = g.astype(i8)
        out[f"girls_work_{band}"] = gw.astype(i8)
        out[f"girls_school_{band}"] = gs.astype(i8)
    out["women_paid"] = rng.binomial(out["women"], params.women_paid_directly).astype(i8)
    return out
