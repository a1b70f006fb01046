"""Where a policy fails: PRIM (the EMA Workbench implementation) finds the box of parameter
space where a policy's failures concentrate, and this module says whether that box tells more
than the base rate does, and in words.

The analysis half of scenario discovery (``bondsim.experiments.discover`` runs the futures; its
pictures are ``bondsim.outputs.discover_plots``). Imports no job.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .._lazy import deferred

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = deferred("pandas")  # imported on first use

SIGNIFICANT = 0.05  # quasi-p value below which a restriction is named in the summary


def _empty() -> pd.DataFrame:
    """An empty table, made when needed (pandas is imported on first use)."""
    return pd.DataFrame()


@dataclass
class Box:
    """Where one policy's failures concentrate, and whether that says more than the base
    rate (the share of all futures that fail) does."""

    policy: str
    found: bool
    coverage: float = float("nan")
    density: float = float("nan")
    mass: float = float("nan")
    limits: pd.DataFrame = field(default_factory=_empty)  # parameter, min, max,
    #                    restricted, restricts_low, restricts_high, qp_low, qp_high, qp
    trajectory: pd.DataFrame = field(default_factory=_empty)  # coverage, density, ...
    chosen: int = -1
    failures: int = 0
    futures: int = 0
    informative: bool = False      # denser in failures than the base rate, beyond chance
    holdout_p: float = float("nan")  # ``holdout_p``: the box's lift tested on unseen futures

    @property
    def base_rate(self) -> float:
        """The share of all sampled futures where the policy fails."""
        return self.failures / self.futures if self.futures else float("nan")


def _prim() -> Any:
    """EMA Workbench's PRIM. Its package warns at import that optional parallel back-ends are
    missing; that is not ours to show."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
    return prim


def lift_p(hits: int, n: int, base_rate: float) -> float:
    """One-sided binomial p value that a box with ``hits`` failures among ``n`` futures is
    denser than ``base_rate`` by more than chance: a box no denser than the futures overall
    says nothing about where a policy fails."""
    from scipy.stats import binomtest

    if n <= 0 or not 0.0 < base_rate < 1.0:
        return float("nan")
    return float(binomtest(int(hits), int(n), base_rate, alternative="greater").pvalue)


def side_qp(value: Any) -> float:
    """A quasi-p value from the library, or NaN for its -1 "this side is not restricted"
    marker (and for anything missing): never a value to compare or print."""
    try:
        q = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return q if np.isfinite(q) and q >= 0.0 else float("nan")


def box_limits(x: pd.DataFrame, lims: pd.DataFrame, qp: dict[str, list[float]]) -> pd.DataFrame:
    """One row per parameter: the box's limits, which side(s) it restricts, and each side's
    quasi-p value. A side is restricted when the library gives it a quasi-p value (it marks
    the other side -1); a parameter's ``qp`` is its most significant restricted side, so a
    parameter that matters on one side is not hidden by a weak trim of the other."""
    rows = []
    for name in x.columns:
        low, high = float(lims[name].iloc[0]), float(lims[name].iloc[1])
        sides = [*qp.get(name, []), None, None]
        q_low, q_high = side_qp(sides[0]), side_qp(sides[1])
        cuts_low = bool(np.isfinite(q_low) and low > float(x[name].min()))
        cuts_high = bool(np.isfinite(q_high) and high < float(x[name].max()))
        restricted = [q for q, cut in ((q_low, cuts_low), (q_high, cuts_high)) if cut]
        rows.append({"parameter": name, "min": low, "max": high,
                     "restricted": bool(restricted), "restricts_low": cuts_low,
                     "restricts_high": cuts_high,
                     "qp_low": q_low if cuts_low else float("nan"),
                     "qp_high": q_high if cuts_high else float("nan"),
                     "qp": min(restricted) if restricted else float("nan")})
    return pd.DataFrame(rows)


def choose_box(trajectory: pd.DataFrame, density: float, base_rate: float,
               alpha: float = SIGNIFICANT) -> tuple[int, float] | None:
    """Of the peeling trajectory, the box with the highest coverage whose density is at least
    ``density`` and above the base rate (one-sided binomial p <= ``alpha`` in the futures
    peeled: with a high base rate the first boxes are no denser than the futures overall);
    failing that, the one with the highest coverage that reaches ``density``. Returns its
    index and that p value, or None when no box reaches ``density``."""
    eligible = trajectory[(trajectory["density"] >= density) & (trajectory["res_dim"] > 0)]
    if eligible.empty:
        return None
    p = {i: lift_p(int(row["k"]), int(row["n"]), base_rate) for i, row in eligible.iterrows()}
    order = eligible.sort_values(["coverage", "density"], ascending=False).index
    for i in order:
        if p[i] <= alpha:
            return int(i), p[i]
    return int(order[0]), p[order[0]]


def _peel(x: pd.DataFrame, failed: np.ndarray, density: float, peel_alpha: float,
          mass_min: float) -> Any:
    """PRIM's peeling on ``x`` towards ``failed``: the library's box object."""
    prim = _prim()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas FutureWarnings from inside the package
        algorithm = prim.Prim(x.reset_index(drop=True), failed, threshold=density,
                              peel_alpha=peel_alpha, mass_min=mass_min)
        return algorithm.find_box()


def inside(x: pd.DataFrame, lims: pd.DataFrame) -> np.ndarray:
    """Which rows of ``x`` lie in the box with limits ``lims`` (row 0 low, row 1 high)."""
    mask = np.ones(len(x), dtype=bool)
    for name in x.columns:
        v = x[name].to_numpy()
        mask &= (v >= float(lims[name].iloc[0])) & (v <= float(lims[name].iloc[1]))
    return mask


def holdout_p(x: pd.DataFrame, failed: np.ndarray, density: float, peel_alpha: float,
              mass_min: float, seed: int = 0) -> float:
    """Is there a region denser in failures than the futures overall, beyond what peeling
    finds in noise? PRIM on a random half of the futures chooses a box as ``find_box`` does;
    the other half, which played no part in choosing it, tests it: the one-sided binomial p
    value that the box's density there exceeds that half's base rate. Peeling always finds
    some box denser than the base rate in the data it peels, even where failures are spread
    at random, so the box's own density cannot answer this."""
    order = np.random.default_rng(seed).permutation(len(x))
    fit, test = np.sort(order[: len(x) // 2]), np.sort(order[len(x) // 2:])
    if failed[fit].all() or not failed[fit].any() or not 0 < failed[test].mean() < 1:
        return float("nan")
    found = _peel(x.iloc[fit], failed[fit], density, peel_alpha, mass_min)
    trajectory = found.peeling_trajectory.reset_index(drop=True)
    chosen = choose_box(trajectory, density, float(failed[fit].mean()))
    if chosen is None:
        return float("nan")
    mask = inside(x.iloc[test], found.box_lims[chosen[0]])
    return lift_p(int(failed[test][mask].sum()), int(mask.sum()), float(failed[test].mean()))


def find_box(x: pd.DataFrame, failed: np.ndarray, policy: str = "", *,
             density: float = 0.5, peel_alpha: float = 0.05, mass_min: float = 0.05) -> Box:
    """PRIM on the futures ``x`` (one column per parameter) with ``failed`` as the case of
    interest. Of the peeling trajectory, the box with the highest coverage whose density is at
    least ``density`` and above the base rate is chosen (``choose_box``); it is informative
    when the same choice made on half the futures holds on the other half (``holdout_p``)."""
    failed = np.asarray(failed, dtype=bool)
    box = Box(policy=policy, found=False, failures=int(failed.sum()), futures=len(failed))
    if failed.sum() == 0 or failed.all():
        return box  # nothing to tell apart
    found = _peel(x, failed, density, peel_alpha, mass_min)
    trajectory = found.peeling_trajectory.reset_index(drop=True)
    box.trajectory = trajectory
    chosen = choose_box(trajectory, density, box.base_rate)
    if chosen is None:
        return box
    i = chosen[0]
    row = trajectory.loc[i]
    box.found, box.chosen = True, i
    box.coverage, box.density, box.mass = (float(row["coverage"]), float(row["density"]),
                                           float(row["mass"]))
    box.limits = box_limits(x, found.box_lims[i], found.qp[i])
    box.holdout_p = holdout_p(x, failed, density, peel_alpha, mass_min)
    box.informative = bool(box.density > box.base_rate and box.holdout_p <= SIGNIFICANT)
    return box


def restrictions(box: Box, units: dict[str, str] | None = None) -> tuple[list[str], int]:
    """The box's significant restrictions in words, most significant first (or the single
    strongest if none is significant), and how many weaker restricted sides were left out."""
    sides = []
    for row in box.limits[box.limits["restricted"]].itertuples():
        if row.restricts_low:
            sides.append((row.qp_low, row.parameter, "low", row.min))
        if row.restricts_high:
            sides.append((row.qp_high, row.parameter, "high", row.max))
    sides.sort(key=lambda s: (np.nan_to_num(s[0], nan=2.0), s[1]))
    named = [s for s in sides if s[0] <= SIGNIFICANT] or sides[:1]
    by_parameter: dict[str, dict[str, float]] = {}
    for _, name, side, limit in named:
        by_parameter.setdefault(name, {})[side] = limit
    parts = []
    for name, cut in by_parameter.items():
        unit = f" {units[name]}" if units and name in units else ""
        if len(cut) == 2:
            parts.append(f"{name} is between {cut['low']:.3g} and {cut['high']:.3g}{unit}")
        elif "low" in cut:
            parts.append(f"{name} exceeds {cut['low']:.3g}{unit}")
        else:
            parts.append(f"{name} is below {cut['high']:.3g}{unit}")
    return parts, len(sides) - len(named)


def sentence(box: Box, units: dict[str, str] | None = None) -> str:
    """A plain-language summary of a box: the base rate always, the region only when it is
    denser in failures than the futures overall."""
    if box.failures == 0:
        return f"{box.policy} never fails in the {box.futures} futures sampled."
    if box.failures == box.futures:
        return f"{box.policy} fails in every one of the {box.futures} futures sampled."
    head = (f"{box.policy} fails in {box.failures} of {box.futures} futures (base rate "
            f"{box.base_rate:.0%})")
    if not box.found:
        return (f"{head}; no informative region: no box of the parameters reaches the density "
                f"of failures asked for.")
    stats = (f"coverage {box.coverage:.0%} of the failures, mass {box.mass:.0%} of the "
             f"futures, density {box.density:.0%} failing against the base rate "
             f"{box.base_rate:.0%}")
    if not box.informative:
        return (f"{head}; no informative region: the best box is no denser in failures than "
                f"the futures overall, or not on futures it was not chosen from ({stats}; "
                f"hold-out p = {box.holdout_p:.2g}).")
    parts, others = restrictions(box, units)
    said = " and ".join(parts) if parts else "no parameter is restricted"
    rest = (f"; {others} weaker restriction{'s' if others > 1 else ''} in boxes.csv"
            if others else "")
    return f"{head}; it fails mainly when {said} ({stats}{rest})."


BOX_COLUMNS = ["policy", "parameter", "min", "max", "restricted", "restricts_low",
               "restricts_high", "qp_low", "qp_high", "qp", "coverage", "density", "mass",
               "base_rate", "informative", "holdout_p"]


def boxes_table(boxes: dict[str, Box]) -> pd.DataFrame:
    """Every chosen box, one row per parameter, with the box's coverage, density, mass, the
    policy's base rate and whether the box is informative (denser than the base rate)."""
    rows = []
    for p, box in boxes.items():
        if box.found:
            frame = box.limits.copy()
            frame.insert(0, "policy", p)
            frame["coverage"], frame["density"], frame["mass"] = (box.coverage, box.density,
                                                                 box.mass)
            frame["base_rate"], frame["informative"] = box.base_rate, box.informative
            frame["holdout_p"] = box.holdout_p
            rows.append(frame[BOX_COLUMNS])
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=BOX_COLUMNS)
