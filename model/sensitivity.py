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

This is the first slice of issue 5: the engine and its Python API. The sweep file, the
``bondsim sweep`` command, Morris and a moment-independent method, convergence curves and
plots come next.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from SALib.analyze import sobol as sobol_analyze
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
