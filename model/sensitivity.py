"""Global sensitivity analysis (Sobol) on any stochastic model, a thin layer over SALib.

The engine accepts any callable ``f(params: dict[str, float], seed: int) -> dict[str, float]``
as the model, so researchers can sweep their own models the same way as bondsim. Factors are
declared with bounds (and optional groups); SALib draws the Sobol (Saltelli) sample and
computes first- and total-order indices with bootstrap confidence intervals.

The model is stochastic, so each sample point is run ``replicates`` times with seeds that are
the same at every point (common random numbers across points), and the indices are computed
on the replicate means. The share of the outcome's variance that is replicate noise (the
mean within-point variance over the total variance of single runs) is reported beside the
indices: when it is large, a ranking may be an artefact of noise, and more replicates are
needed.

Three methods: Sobol (variance-based, with bootstrap intervals), Morris (elementary effects,
for screening many factors cheaply) and PAWN (moment-independent, a cross-check). This is the
engine and its Python API; the sweep file, the ``bondsim sweep`` command, convergence curves
and plots come next.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import pawn as pawn_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import latin
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from .effect import replicate_seeds
from .errors import BondsimError

Model = Callable[[dict[str, float], int], dict[str, float]]


@dataclass(frozen=True)
class Factor:
    """An uncertain parameter or a policy lever, uniform on [low, high]."""

    name: str
    low: float
    high: float
    group: str | None = None

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise BondsimError(f"factor {self.name!r}: expected low < high, got "
                               f"{self.low!r} and {self.high!r}")


def salib_problem(factors: Sequence[Factor]) -> dict:
    """The SALib problem dict for ``factors`` (with groups if any factor has one)."""
    names = [f.name for f in factors]
    if len(set(names)) != len(names):
        raise BondsimError(f"factor names must be distinct, got {names}")
    problem = {"num_vars": len(factors), "names": names,
               "bounds": [[f.low, f.high] for f in factors]}
    if any(f.group for f in factors):
        problem["groups"] = [f.group or f.name for f in factors]
    return problem


@dataclass
class SobolResult:
    indices: pd.DataFrame   # outcome, factor, S1, S1_conf, ST, ST_conf, rank (by ST)
    noise: pd.DataFrame     # outcome, noise_share
    samples: np.ndarray     # the sample points (rows) in factor order
    outputs: dict[str, np.ndarray]  # outcome -> replicate means at each point


def evaluate(model: Model, factors: Sequence[Factor], samples: np.ndarray,
             outcomes: Sequence[str], seeds: Sequence[int]
             ) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Run the model at every sample point and seed; return the replicate means per outcome
    and each outcome's noise share."""
    names = [f.name for f in factors]
    runs = np.empty((len(outcomes), samples.shape[0], len(seeds)))
    for i, row in enumerate(samples):
        params = dict(zip(names, (float(x) for x in row), strict=True))
        for r, seed in enumerate(seeds):
            result = model(params, int(seed))
            for k, name in enumerate(outcomes):
                try:
                    runs[k, i, r] = result[name]
                except KeyError:
                    raise BondsimError(f"the model returned no outcome {name!r}; it returned "
                                       f"{sorted(result)}") from None
    means = {name: runs[k].mean(axis=1) for k, name in enumerate(outcomes)}
    noise = {}
    for k, name in enumerate(outcomes):
        total = runs[k].reshape(-1).var()
        within = runs[k].var(axis=1).mean() if len(seeds) > 1 else 0.0
        noise[name] = float(within / total) if total > 0 else 0.0
    return means, noise


def sobol(model: Model, factors: Sequence[Factor], outcomes: Sequence[str], *, n: int = 512,
          replicates: int = 1, seed: int = 0, resamples: int = 200) -> SobolResult:
    """First- and total-order Sobol indices with 95% bootstrap intervals.

    ``n`` is the base sample size (a power of 2, as the Sobol sequence needs); the model runs
    ``n x (factors or groups + 2) x replicates`` times.
    """
    if n < 2 or n & (n - 1):
        raise BondsimError(f"n must be a power of 2 (Sobol sequence), got {n}")
    problem = salib_problem(factors)
    samples = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    seeds = replicate_seeds(seed, replicates)
    means, noise = evaluate(model, factors, samples, outcomes, seeds)
    rows = []
    labels = list(dict.fromkeys(problem["groups"])) if "groups" in problem else problem["names"]
    for name in outcomes:
        y = means[name]
        if np.ptp(y) == 0:
            raise BondsimError(f"outcome {name!r} does not vary over the sample; nothing to "
                               f"attribute")
        result = sobol_analyze.analyze(problem, y, calc_second_order=False,
                                       num_resamples=resamples, conf_level=0.95, seed=seed)
        for j, label in enumerate(labels):
            rows.append({"outcome": name, "factor": label,
                         "S1": float(result["S1"][j]), "S1_conf": float(result["S1_conf"][j]),
                         "ST": float(result["ST"][j]), "ST_conf": float(result["ST_conf"][j])})
    indices = pd.DataFrame(rows)
    indices["rank"] = (indices.groupby("outcome")["ST"].rank(ascending=False, method="min")
                       .astype(int))
    noise_table = pd.DataFrame({"outcome": list(noise), "noise_share": list(noise.values())})
    return SobolResult(indices=indices, noise=noise_table, samples=samples, outputs=means)


@dataclass
class ScreeningResult:
    indices: pd.DataFrame   # outcome, factor, the method's measures, rank
    noise: pd.DataFrame     # outcome, noise_share
    samples: np.ndarray


def _rank(table: pd.DataFrame, by: str) -> pd.DataFrame:
    table["rank"] = (table.groupby("outcome")[by].rank(ascending=False, method="min")
                     .astype(int))
    return table


def morris(model: Model, factors: Sequence[Factor], outcomes: Sequence[str], *,
           trajectories: int = 32, levels: int = 4, replicates: int = 1,
           seed: int = 0) -> ScreeningResult:
    """Morris elementary effects: mu* (with a 95% bootstrap interval) and sigma per factor,
    ranked by mu*; cheap screening, ``trajectories x (factors + 1) x replicates`` runs."""
    problem = salib_problem(factors)
    samples = morris_sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    means, noise = evaluate(model, factors, samples, outcomes, replicate_seeds(seed, replicates))
    rows = []
    for name in outcomes:
        result = morris_analyze.analyze(problem, samples, means[name], num_resamples=200,
                                        conf_level=0.95, num_levels=levels, seed=seed)
        for j, label in enumerate(result["names"]):
            rows.append({"outcome": name, "factor": label,
                         "mu_star": float(result["mu_star"][j]),
                         "mu_star_conf": float(result["mu_star_conf"][j]),
                         "sigma": float(result["sigma"][j])})
    return ScreeningResult(indices=_rank(pd.DataFrame(rows), "mu_star"),
                           noise=_noise_table(noise), samples=samples)


def pawn(model: Model, factors: Sequence[Factor], outcomes: Sequence[str], *, n: int = 1000,
         slices: int = 10, replicates: int = 1, seed: int = 0) -> ScreeningResult:
    """PAWN, a moment-independent index (Kolmogorov-Smirnov distance between conditional and
    unconditional output distributions) on a Latin hypercube sample: a cross-check on
    variance-based rankings when outcomes are skewed. ``n x replicates`` runs."""
    if any(f.group for f in factors):
        raise BondsimError("PAWN analyses single factors; remove the groups")
    problem = salib_problem(factors)
    samples = latin.sample(problem, n, seed=seed)
    means, noise = evaluate(model, factors, samples, outcomes, replicate_seeds(seed, replicates))
    rows = []
    for name in outcomes:
        result = pawn_analyze.analyze(problem, samples, means[name], S=slices, seed=seed)
        for j, label in enumerate(problem["names"]):
            rows.append({"outcome": name, "factor": label,
                         "median": float(result["median"][j]),
                         "minimum": float(result["minimum"][j]),
                         "maximum": float(result["maximum"][j])})
    return ScreeningResult(indices=_rank(pd.DataFrame(rows), "median"),
                           noise=_noise_table(noise), samples=samples)


def _noise_table(noise: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({"outcome": list(noise), "noise_share": list(noise.values())})
