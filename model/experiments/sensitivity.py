"""Global sensitivity analysis of any stochastic model: a thin layer over SALib.

The engine accepts any callable ``f(params: dict[str, float], seed: int) -> dict[str, float]``
as the model, so researchers can sweep their own models the same way as bondsim::

    from bondsim.experiments.sensitivity import Factor, sobol
    result = sobol(my_model, [Factor("a", 0, 1), Factor("b", 1, 10, distribution="loguniform")],
                   ["y"], n=256, replicates=4, workers=2)
    result.indices      # outcome, factor, S1, S1_conf, ST, ST_conf, rank, ...
    small_sample(result.indices)   # outcomes whose sample is too small for the indices

Three methods on one footing: Sobol (variance-based first-, total- and optionally
second-order indices with bootstrap intervals), Morris (elementary effects, mu* and sigma, for
screening many factors cheaply) and PAWN (moment-independent, a cross-check when outcomes are
skewed). Factors may be grouped (Sobol, Morris) and drawn from any of the distributions in
``bondsim.experiments.factors``.

Noise. The model is stochastic, so every sample point is run ``replicates`` times with seeds
that are the same at every point (common random numbers: two points differ by their
parameters, not by their luck), and the indices are computed on the replicate means. Two
shares are reported per outcome: ``noise_share``, the share of a single run's variance that
is replicate noise (the mean within-point variance over the variance of all runs), and
``noise_in_means``, the share of the analysed means' variance that is still noise
(``noise_share / R`` relative to the rest). Under common random numbers that leftover noise is
a fixed rough function of the parameters, which the Sobol estimator attributes to factors as
spurious total effect; a factor whose total index's lower bound is not above
``noise_in_means`` is flagged ``distinct_from_noise = False``: its ranking could be noise,
and more replicates are needed to place it.

Convergence. Every method's sample has nested prefixes (the first ``m`` base rows of a Sobol
sample, the first ``m`` Morris trajectories, the first ``m`` Latin-hypercube rows), so the
indices at growing sample sizes come free from the runs already made; ``convergence`` tables
them with their intervals.

Parallel and resumable. The points run through the experiment core
(``bondsim.experiments.experiment``: ``evaluate``, re-exported here): with ``workers``/``scheduler``
on the shared executor, and with ``store`` (a ``PointStore`` folder) each finished point is saved
atomically and a sweep run again does only the missing points. This module samples and analyses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from .._lazy import deferred
from ..errors import BondsimError
from .experiment import (  # the runs: the experiment core's; re-exported for callers
    Model,
    evaluate,
    futures,
    point_seeds,
    run_futures,
    salib_problem,
)
from .factors import Factor
from .paired import replicate_seeds
from .stores import PointStore

if TYPE_CHECKING:
    import pandas as pd
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import pawn as pawn_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import latin
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample
else:  # imported on first use, so that checking a sweep file (its size) stays fast
    pd = deferred("pandas")
    morris_analyze = deferred("SALib.analyze.morris")
    pawn_analyze = deferred("SALib.analyze.pawn")
    sobol_analyze = deferred("SALib.analyze.sobol")
    latin = deferred("SALib.sample.latin")  # PAWN's sample
    morris_sample = deferred("SALib.sample.morris")
    sobol_sample = deferred("SALib.sample.sobol")

Method = Literal["sobol", "morris", "pawn"]
METHODS: tuple[Method, ...] = ("sobol", "morris", "pawn")
# the measure each method ranks factors by, and its interval half-width (if any)
MEASURE = {"sobol": ("ST", "ST_conf"), "morris": ("mu_star", "mu_star_conf"),
           "pawn": ("median", None)}

__all__ = [
    "Factor",
    "Model",
    "PointStore",
    "SensitivityResult",
    "analyse",
    "convergence",
    "evaluate",
    "futures",
    "morris",
    "pawn",
    "point_seeds",
    "run_futures",
    "salib_problem",
    "sample",
    "sobol",
]


def labels(problem: dict) -> list[str]:
    """What indices are reported for: the groups (in first-seen order), else the factors."""
    return list(dict.fromkeys(problem["groups"])) if "groups" in problem else problem["names"]


def block(method: Method, problem: dict, second_order: bool = False) -> int:
    """Rows per base sample (Sobol), per trajectory (Morris) or per row (PAWN)."""
    k = len(labels(problem))
    if method == "sobol":
        return 2 * k + 2 if second_order else k + 2
    return k + 1 if method == "morris" else 1


def sample(method: Method, factors: Sequence[Factor], n: int, *, seed: int = 0,
           second_order: bool = False, levels: int = 4) -> tuple[dict, np.ndarray, np.ndarray]:
    """The SALib problem, the unit sample and the sample in the factors' own units.

    ``n`` is the base sample size for Sobol (a power of 2), the number of trajectories for
    Morris and the number of points for PAWN."""
    problem = salib_problem(factors)
    if method == "sobol":
        if n < 2 or n & (n - 1):
            raise BondsimError(f"n must be a power of 2 (Sobol sequence), got {n}")
        unit = sobol_sample.sample(problem, n, calc_second_order=second_order, seed=seed)
    elif method == "morris":
        if n < 2:
            raise BondsimError(f"Morris needs at least 2 trajectories, got {n}")
        unit = morris_sample.sample(problem, n, num_levels=levels, seed=seed)
    elif method == "pawn":
        if any(f.group for f in factors):
            raise BondsimError("PAWN analyses single factors; remove the groups")
        unit = latin.sample(problem, n, seed=seed)
    else:
        raise BondsimError(f"unknown method {method!r}; expected one of {METHODS}")
    values = np.column_stack([f.values(unit[:, j]) for j, f in enumerate(factors)])
    return problem, unit, values


def _empty() -> pd.DataFrame:
    """An empty table, made when needed (pandas is imported on first use)."""
    return pd.DataFrame()


def noise_table(runs: np.ndarray, outcomes: Sequence[str]) -> pd.DataFrame:
    """Per outcome: the noise share of single runs and of the replicate means (NaN with one
    replicate, when noise cannot be told from signal)."""
    rows = []
    reps = runs.shape[2]
    for k, name in enumerate(outcomes):
        total = runs[k].reshape(-1).var()
        if total == 0:
            share = 0.0
        elif reps > 1:  # unbiased within-point variance, as a share (at most all of it)
            share = min(float(runs[k].var(axis=1, ddof=1).mean() / total), 1.0)
        else:
            share = float("nan")
        left = share / reps
        in_means = left / (left + 1.0 - share) if left + 1.0 - share > 0 else float("nan")
        rows.append({"outcome": name, "noise_share": share, "noise_in_means": in_means,
                     "replicates": reps})
    return pd.DataFrame(rows)


# --- analysis -----------------------------------------------------------------------------

def analyse(method: Method, problem: dict, unit: np.ndarray, y: np.ndarray, outcome: str, *,
            seed: int = 0, resamples: int = 200, second_order: bool = False,
            levels: int = 4, slices: int = 10) -> tuple[list[dict], list[dict]]:
    """One outcome's indices per factor (or group), and its second-order rows (Sobol only)."""
    if np.ptp(y) == 0:
        raise BondsimError(f"outcome {outcome!r} does not vary over the sample; nothing to "
                           f"attribute")
    if not np.all(np.isfinite(y)):
        raise BondsimError(f"outcome {outcome!r} is not finite at {int((~np.isfinite(y)).sum())}"
                           f" sample points (e.g. a cost per unit averted where nothing was "
                           f"averted); choose another outcome or narrow the factors")
    rows, pairs = [], []
    names = labels(problem)
    seed = seed % (2**32 - 1) + 1  # SALib's Sobol and PAWN skip seeding when the seed is 0
    if method == "sobol":
        res = sobol_analyze.analyze(problem, y, calc_second_order=second_order,
                                    num_resamples=resamples, conf_level=0.95, seed=seed)
        for j, label in enumerate(names):
            rows.append({"outcome": outcome, "factor": label,
                         "S1": float(res["S1"][j]), "S1_conf": float(res["S1_conf"][j]),
                         "ST": float(res["ST"][j]), "ST_conf": float(res["ST_conf"][j])})
        if second_order:
            for a in range(len(names)):
                for b in range(a + 1, len(names)):
                    pairs.append({"outcome": outcome, "factor": names[a], "other": names[b],
                                  "S2": float(res["S2"][a, b]),
                                  "S2_conf": float(res["S2_conf"][a, b])})
    elif method == "morris":
        res = morris_analyze.analyze(problem, unit, y, num_resamples=resamples, conf_level=0.95,
                                     num_levels=levels, seed=seed)
        for j, label in enumerate(res["names"]):
            rows.append({"outcome": outcome, "factor": label,
                         "mu_star": float(res["mu_star"][j]),
                         "mu_star_conf": float(res["mu_star_conf"][j]),
                         "sigma": float(res["sigma"][j]), "mu": float(res["mu"][j])})
    else:
        res = pawn_analyze.analyze(problem, unit, y, S=pawn_slices(slices), seed=seed)
        for j, label in enumerate(names):
            rows.append({"outcome": outcome, "factor": label,
                         "median": float(res["median"][j]),
                         "minimum": float(res["minimum"][j]),
                         "maximum": float(res["maximum"][j])})
    return rows, pairs


WIDE = 0.1  # a 95% half-width up to this is readable whatever the index (an index near 0)


def sample_warning(row: pd.Series) -> str:
    """Why one factor's Sobol indices mean nothing at this sample size, or "" if they may:
    a total index above 1 or a first-order index below 0 beyond its interval (impossible
    values the estimator gives when the sample is too small), or an interval wider than the
    index it brackets (and wider than ``WIDE``: a factor whose index is near 0 with a narrow
    interval is simply unimportant)."""
    said = []
    if row["ST"] > 1.0:
        said.append(f"ST {row['ST']:.2f} above 1")
    if row["S1"] + row["S1_conf"] < 0.0:
        said.append(f"S1 {row['S1']:.2f} below 0 beyond its interval")
    for index in ("S1", "ST"):
        conf = row[f"{index}_conf"]
        if conf > max(abs(row[index]), WIDE):
            said.append(f"{index} interval ±{conf:.2f} wider than the index {row[index]:.2f}")
    return "; ".join(said)


def small_sample(indices: pd.DataFrame) -> dict[str, str]:
    """Per outcome whose Sobol indices the sample is too small for, one line saying which
    factors and why (from the ``sample_warning`` column); outcomes without a warning are
    left out."""
    if "sample_warning" not in indices.columns:
        return {}
    out = {}
    for outcome, group in indices.groupby("outcome", sort=False):
        flagged = group[group["sample_warning"].fillna("").astype(str) != ""]
        if not flagged.empty:
            out[str(outcome)] = (
                "the sample is too small for these Sobol indices to mean anything ("
                + "; ".join(f"{r.factor}: {r.sample_warning}" for r in flagged.itertuples())
                + "); raise the sample size")
    return out


def pawn_slices(wanted: int) -> int:
    """The nearest slice count at or below ``wanted`` that SALib 1.6's PAWN can use: it builds
    its quantile grid with ``np.arange(0, 1 + 1/S, 1/S)``, which overshoots 1 for some S (6, 9,
    21, ...) and then fails."""
    for s in range(max(wanted, 2), 1, -1):
        grid = np.arange(0, 1 + 1 / s, 1 / s)
        if len(grid) == s + 1 and grid.max() <= 1:
            return s
    return 2


def rank(table: pd.DataFrame, method: Method) -> pd.DataFrame:
    """Add each factor's rank per outcome (1 = most influential) by the method's measure."""
    by = MEASURE[method][0]
    table["rank"] = (table.groupby("outcome")[by].rank(ascending=False, method="min")
                     .astype(int))
    return table.sort_values(["outcome", "rank", "factor"], kind="stable",
                             ignore_index=True)


def default_sizes(method: Method, n: int) -> list[int]:
    """Nested sample sizes for the convergence table: halvings of ``n`` down to a size where
    the estimators still work (Sobol 8 base rows, Morris 4 trajectories, PAWN 40 points)."""
    least = {"sobol": 8, "morris": 4, "pawn": 40}[method]
    sizes = [n]
    while sizes[-1] // 2 >= least and len(sizes) < 6:
        sizes.append(sizes[-1] // 2)
    return sorted(sizes)


def convergence(method: Method, problem: dict, unit: np.ndarray,
                means: dict[str, np.ndarray], sizes: Sequence[int], *, seed: int = 0,
                resamples: int = 200, second_order: bool = False, levels: int = 4,
                slices: int = 10) -> pd.DataFrame:
    """The indices (with intervals) recomputed on nested prefixes of the sample: ``size`` is
    the base sample (Sobol), trajectories (Morris) or points (PAWN)."""
    rows_per = block(method, problem, second_order)
    frames = []
    for size in sizes:
        m = size * rows_per
        for outcome, y in means.items():
            if np.ptp(y[:m]) == 0 or not np.all(np.isfinite(y[:m])):
                continue
            rows, _ = analyse(method, problem, unit[:m], y[:m], outcome, seed=seed,
                              resamples=resamples, second_order=second_order, levels=levels,
                              slices=min(slices, max(2, m // 10)))
            frame = pd.DataFrame(rows)
            frame.insert(0, "size", size)
            frame.insert(1, "runs_per_replicate", m)
            frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


@dataclass
class SensitivityResult:
    """What a sensitivity analysis found. ``indices`` is the ranking table; ``samples`` the
    points in the factors' own units; ``outputs`` the replicate means at each point."""

    method: Method
    indices: pd.DataFrame
    noise: pd.DataFrame
    samples: np.ndarray
    outputs: dict[str, np.ndarray]
    runs: np.ndarray                     # outcomes x points x replicates
    unit: np.ndarray                     # the sample on the unit hypercube
    problem: dict
    seeds: list[int]
    second_order: pd.DataFrame = field(default_factory=_empty)
    convergence: pd.DataFrame = field(default_factory=_empty)
    skipped: dict[str, str] = field(default_factory=dict)  # outcome -> why it was not analysed


def analyse_sample(model: Model, factors: Sequence[Factor], outcomes: Sequence[str],
                   method: Method, n: int, *, replicates: int = 1, seed: int = 0,
                   resamples: int = 200, second_order: bool = False, levels: int = 4,
                   slices: int = 10, workers: int = 1, progress: bool = False,
                   scheduler: str | None = None, store: PointStore | None = None,
                   sizes: Sequence[int] | None = None, layout_extra: dict | None = None
                   ) -> SensitivityResult:
    """Sample, run (in parallel, resumably), and analyse with any of the three methods."""
    if replicates < 1:
        raise BondsimError(f"replicates must be at least 1, got {replicates}")
    if not outcomes:
        raise BondsimError("name at least one outcome to analyse")
    problem, unit, values = sample(method, factors, n, seed=seed, second_order=second_order,
                                   levels=levels)
    seeds = replicate_seeds(seed, replicates)
    if store is not None:
        digest = hashlib.sha256(np.ascontiguousarray(values).tobytes()).hexdigest()
        store.check({"method": method, "factors": [f.name for f in factors],
                     "outcomes": list(outcomes), "seeds": seeds, "points": len(values),
                     "sample_sha256": digest, **(layout_extra or {})})
    runs = evaluate(model, factors, values, outcomes, seeds, workers=workers,
                    progress=progress, scheduler=scheduler, store=store)
    means = {name: runs[k].mean(axis=1) for k, name in enumerate(outcomes)}
    rows, pairs, skipped = [], [], {}
    for name in outcomes:
        try:
            r, p = analyse(method, problem, unit, means[name], name, seed=seed,
                           resamples=resamples, second_order=second_order, levels=levels,
                           slices=slices)
        except BondsimError as exc:  # one unusable outcome must not lose the others
            skipped[name] = str(exc)
            continue
        rows += r
        pairs += p
    if not rows:
        raise BondsimError("no outcome could be analysed: " + "; ".join(skipped.values()))
    noise = noise_table(runs, outcomes)
    indices = rank(pd.DataFrame(rows), method)
    if method == "sobol":
        floor = indices["outcome"].map(noise.set_index("outcome")["noise_in_means"]).fillna(0)
        indices["distinct_from_noise"] = (indices["ST"] - indices["ST_conf"]) > floor
        indices["sample_warning"] = indices.apply(sample_warning, axis=1).astype(str)
    conv = convergence(method, problem, unit,
                       {k: v for k, v in means.items() if k not in skipped},
                       default_sizes(method, n) if sizes is None else sizes, seed=seed,
                       resamples=resamples, second_order=second_order, levels=levels,
                       slices=slices)
    return SensitivityResult(method=method, indices=indices, noise=noise, samples=values,
                             outputs=means, runs=runs, unit=unit, problem=problem, seeds=seeds,
                             second_order=pd.DataFrame(pairs), convergence=conv,
                             skipped=skipped)


def sobol(model: Model, factors: Sequence[Factor], outcomes: Sequence[str], *, n: int = 512,
          replicates: int = 1, seed: int = 0, resamples: int = 200,
          second_order: bool = False, **run: object) -> SensitivityResult:
    """First- and total-order (optionally second-order) Sobol indices with 95% bootstrap
    intervals; ``n x (factors or groups + 2) x replicates`` runs (``2 x factors + 2`` with
    second order). ``n`` is a power of 2, as the Sobol sequence needs."""
    return analyse_sample(model, factors, outcomes, "sobol", n, replicates=replicates,
                          seed=seed, resamples=resamples, second_order=second_order,
                          **run)  # type: ignore[arg-type]


def morris(model: Model, factors: Sequence[Factor], outcomes: Sequence[str], *,
           trajectories: int = 32, levels: int = 4, replicates: int = 1,
           seed: int = 0, **run: object) -> SensitivityResult:
    """Morris elementary effects: mu* (with a 95% bootstrap interval), mu and sigma per factor,
    ranked by mu*; cheap screening, ``trajectories x (factors + 1) x replicates`` runs.
    Effects are per full range of a factor (the sample lives on the unit hypercube)."""
    return analyse_sample(model, factors, outcomes, "morris", trajectories, levels=levels,
                          replicates=replicates, seed=seed, **run)  # type: ignore[arg-type]


def pawn(model: Model, factors: Sequence[Factor], outcomes: Sequence[str], *, n: int = 1000,
         slices: int = 10, replicates: int = 1, seed: int = 0,
         **run: object) -> SensitivityResult:
    """PAWN, a moment-independent index (Kolmogorov-Smirnov distance between conditional and
    unconditional output distributions) on a Latin hypercube sample: a cross-check on
    variance-based rankings when outcomes are skewed. ``n x replicates`` runs."""
    return analyse_sample(model, factors, outcomes, "pawn", n, slices=slices,
                          replicates=replicates, seed=seed, **run)  # type: ignore[arg-type]
