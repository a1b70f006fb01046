"""Rule 3, consumption need and shocks.

Need grows with household size. Lumpy shocks (illness, funeral, marriage) are what push
families to borrow (domain.md 1.8); their costs are lognormal. Whether a household is hit is
drawn from the ``shocks`` stream (sparsely: only the households hit are drawn, see
``rng.sparse_bernoulli``), so the same households are hit in every scenario that shares the
seed (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .parameters import Params

SHOCK_KINDS = ("illness", "funeral", "marriage")


def consumption_need(size: np.ndarray, params: Params,
                     per_person: float | np.ndarray | None = None) -> np.ndarray:
    """Monthly consumption need in rupees for households of ``size`` members, at
    ``per_person`` (one figure, or one per household, its district's; default the parameter
    ``need_per_person``)."""
    per_person = params.need_per_person if per_person is None else per_person
    return params.need_base + per_person * size.astype(np.float64)


@dataclass
class ShockDraw:
    """Which households were hit this month, by what, and at what cost."""

    index: np.ndarray  # households hit (intp, ascending)
    kind: np.ndarray   # 0 illness, 1 funeral, 2 marriage
    cost: np.ndarray   # Rs (float64)


def shock_rates(params: Params) -> np.ndarray:
    return np.array([params.illness_rate, params.funeral_rate, params.marriage_rate])


def draw_shocks(u: np.ndarray, cost_rng: np.random.Generator, params: Params) -> ShockDraw:
    """Classify households by their uniform draw ``u`` and draw the costs of those hit.

    The dense form of what the model does sparsely (``rng.sparse_bernoulli`` then
    ``classify_shocks``), for one given uniform number per household. At most one shock a
    month: the unit interval is cut into consecutive pieces of length
    illness, funeral and marriage rate.
    """
    index = np.flatnonzero(u < shock_rates(params).sum())
    return classify_shocks(index, u[index], cost_rng, params)


def classify_shocks(index: np.ndarray, v: np.ndarray, cost_rng: np.random.Generator,
                    params: Params) -> ShockDraw:
    """Shocks of households ``index`` whose uniform draws ``v`` fell below the total rate:
    the kind from where ``v`` falls among the cut points, the cost lognormal by kind.
    Interventions change the costs afterwards, at the point ``shock_costs`` (``points.py``),
    so they change neither who is hit nor the draws."""
    edges = np.cumsum(shock_rates(params))
    kind = np.minimum(np.searchsorted(edges, v, side="right"), len(SHOCK_KINDS) - 1)
    medians = np.array([params.illness_cost_median, params.funeral_cost_median,
                        params.marriage_cost_median])
    sigmas = np.array([params.illness_cost_sigma, params.funeral_cost_sigma,
                       params.marriage_cost_sigma])
    z = cost_rng.standard_normal(index.size)
    cost = medians[kind] * np.exp(sigmas[kind] * z)
    return ShockDraw(index=index, kind=kind, cost=cost)


def expected_shock_cost(params: Params) -> float:
    """Expected cost of shocks a household-month, Rs: each kind's rate times the mean of its
    lognormal cost (median x exp(sigma^2 / 2)). Part of the need rule 7's capacity counts."""
    medians = np.array([params.illness_cost_median, params.funeral_cost_median,
                        params.marriage_cost_median])
    sigmas = np.array([params.illness_cost_sigma, params.funeral_cost_sigma,
                       params.marriage_cost_sigma])
    return float(shock_rates(params) @ (medians * np.exp(sigmas ** 2 / 2.0)))
