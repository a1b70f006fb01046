"""The search for a good allocation of a plan's budget, robust to what we do not know.

The plan file's ``[search]`` table names the interventions the money may go to, their fixed
fields, the objective (bonded household-years averted, by default), the uncertain parameters
(declared as sweep factors) and how many draws of them to test::

    [search]
    interventions = ["inspections", "rehabilitation", "cash_transfer"]
    objective = "bonded_household_years_averted"
    robust = "mean"            # or "worst": the best allocation for the worst draw
    draws = 3                  # Latin-hypercube draws of the uncertain parameters
    replicates = 1
    generations = 6            # differential evolution
    population = 2             # candidates per generation, per decision variable
    budgets = [20_000_000, 40_000_000]   # optional: search at each, ascending

    [search.fields.inspections]
    targeting = "risk_based"

    [[search.uncertain]]
    name = "prison_cost_months"
    low = 1.0
    high = 20.0

An allocation is a mix of the interventions (shares), a weight per district and an unspent
share: the budget of intervention t in district d is ``budget x (1 - unspent) x district
weight x intervention share``, in whole rupees, but never more than that intervention can
spend in that district over the horizon (its absorptive capacity, ``bondsim.experiments.absorb``);
an allocation is worth its objective, and of two that achieve the same, the one that spends
less. scipy's differential evolution searches that
space; every candidate is judged on the same draws and seeds (common random numbers), so the
objective is a deterministic function and the search is reproducible, serially or in
parallel. With several budgets, each search also judges the previous budget's best allocation
(still affordable), so more budget never gives a worse result.

Every run is an experiment of the core (``bondsim.experiments.plan_runs``, shared with
``bondsim.experiments.plan``; this module does not import the plan, which imports it).
"""

from __future__ import annotations

import functools
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .._lazy import deferred
from ..errors import BondsimError
from ..interventions import REGISTRY
from ..interventions.visits import capped
from .executor import process_pool, run_all
from .factors import apply, resolve
from .paired import replicate_seeds
from .plan_runs import BASELINE, PlanRun, execute, metrics_table, paired, run_one, spending
from .scenario import format_errors
from .sweep import FactorSpec

if TYPE_CHECKING:
    import pandas as pd
    from scipy import optimize

    from .districts import DistrictProfile
else:  # imported on first use: checking a plan's search stays fast
    pd = deferred("pandas")
    optimize = deferred("scipy.optimize")

# the effect metrics (paired.py) a search may maximise: every one but the costs
OBJECTIVES = ("bonded_household_years_averted", "bonded_households_freed_last_year",
              "child_work_years_averted", "children_out_of_work_last_year")
OPTIMISED = "optimised"


class LoadedPlan(Protocol):
    """What the search needs of a loaded plan (``bondsim.experiments.plan.LoadedPlan``): named here
    so that the search does not import the plan, which imports it."""

    spec: Any                          # the plan file's content (``plan.PlanSpec``)
    path: Path
    districts: list[DistrictProfile]

    def scenario(self, strategy: str, district: DistrictProfile) -> dict[str, Any]: ...


class SearchSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    interventions: list[str] = Field(min_length=1)
    fields: dict[str, dict[str, Any]] = Field(default_factory=dict)
    objective: Literal[OBJECTIVES] = "bonded_household_years_averted"  # type: ignore[valid-type]
    robust: Literal["mean", "worst"] = "mean"
    draws: int = Field(3, ge=1, le=1000)
    replicates: int = Field(1, ge=1, le=1000)
    generations: int = Field(6, ge=1, le=1000)
    population: int = Field(2, ge=1, le=100)
    budgets: list[float] | None = None
    seed: int = Field(0, ge=0, lt=2**32)
    uncertain: list[FactorSpec] = Field(default_factory=list)

    @field_validator("interventions")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in REGISTRY]
        if unknown:
            raise ValueError(f"unknown interventions {unknown}; expected some of "
                             f"{sorted(REGISTRY)}")
        if len(set(value)) != len(value):
            raise ValueError("each intervention once")
        return value

    @field_validator("budgets")
    @classmethod
    def _ascending(cls, value: list[float] | None) -> list[float] | None:
        if value is not None and (not value or any(b < 0 for b in value)
                                  or sorted(value) != value):
            raise ValueError("expected non-negative budgets in ascending order")
        return value


@dataclass(frozen=True)
class Context:
    """What judging a candidate needs, shipped to each worker."""

    districts: tuple[str, ...]
    kinds: tuple[str, ...]
    worlds: tuple[tuple[dict[str, Any], ...], ...]   # [draw][district] scenario data
    baselines: tuple[tuple[tuple[dict[str, Any], ...], ...], ...]  # [draw][district][rep]
    seeds: tuple[int, ...]
    templates: dict[str, dict[str, Any]]              # per intervention type
    capacity: dict[str, int]                          # inspections a month, per district
    kilns: dict[str, int]
    horizon: int
    objective: str


def amounts(x: np.ndarray, budget: float, districts: int, kinds: int) -> np.ndarray:
    """The budget of each (district, intervention), whole rupees, from a decision vector
    ``[intervention shares..., district weights..., unspent share]``."""
    mix = np.asarray(x[:kinds], dtype=float) + 1e-12
    weights = np.asarray(x[kinds:kinds + districts], dtype=float) + 1e-12
    spend = budget * (1.0 - float(x[-1]))
    out = spend * np.outer(weights / weights.sum(), mix / mix.sum())
    return np.floor(out)


def interventions_for(ctx: Context, budgets: np.ndarray, d: int) -> list[dict[str, Any]]:
    items = []
    for t, kind in enumerate(ctx.kinds):
        if budgets[d, t] <= 0:
            continue
        item = {"type": kind, "label": f"{OPTIMISED}-{kind}", "budget": float(budgets[d, t]),
                "start": 1, "end": ctx.horizon, "pacing": "even", **ctx.templates.get(kind, {})}
        if kind == "inspections":  # at most the district's capacity; at it by default
            name = ctx.districts[d]
            item, _ = capped(item, ctx.capacity[name], ctx.kilns[name])
        items.append(item)
    return items


def absorbable(ctx: Context, budgets: np.ndarray) -> np.ndarray:
    """``budgets`` (district x intervention) lowered to what each intervention can spend in
    its district over the horizon (``bondsim.experiments.absorb``: its absorptive capacity, given
    the district's other allocations), in the draw of the uncertain parameters where it can spend
    most. Money above it stays unallocated: the search cannot claim what cannot be spent."""
    from .absorb import cap

    out = np.zeros_like(budgets, dtype=float)
    for d in range(len(ctx.districts)):
        items = interventions_for(ctx, budgets, d)
        for worlds in ctx.worlds:
            for item in cap(items, worlds[d]):
                t = ctx.kinds.index(item["type"])
                out[d, t] = max(out[d, t], item["budget"])
    return np.floor(np.minimum(out, budgets))


def capacities(ctx: Context, budgets: np.ndarray) -> np.ndarray:
    """Each allocation's absorptive capacity given the district's other allocations (the
    largest over the draws); NaN where nothing is allocated."""
    from .absorb import capacity

    out = np.full(budgets.shape, np.nan)
    for d in range(len(ctx.districts)):
        items = interventions_for(ctx, budgets, d)
        for worlds in ctx.worlds:
            scenario = dict(worlds[d], interventions=list(worlds[d]["interventions"]) + items)
            for item in items:
                t = ctx.kinds.index(item["type"])
                out[d, t] = np.fmax(out[d, t], capacity(item, scenario))
    return out


def judge(ctx: Context, budgets: np.ndarray) -> dict[str, Any]:
    """Run the allocation in every district, draw and replicate: the objective per draw (the
    districts summed, replicates averaged), the cost per draw, what each allocation spent
    (district x intervention, averaged over draws and replicates), and per-district
    metrics."""
    per_draw = np.zeros(len(ctx.worlds))
    outlay = np.zeros(len(ctx.worlds))  # what the allocation spent, per draw
    spent = np.zeros((len(ctx.districts), len(ctx.kinds)))
    runs = len(ctx.worlds) * len(ctx.seeds)
    rows = []
    for k, worlds in enumerate(ctx.worlds):
        for d, world in enumerate(worlds):
            items = interventions_for(ctx, budgets, d)
            scenario = dict(world, interventions=list(world["interventions"]) + items)
            labels = tuple(i["label"] for i in items)
            for r, seed in enumerate(ctx.seeds):
                task = PlanRun(OPTIMISED, ctx.districts[d], r, seed, scenario, labels, k)
                _, result = run_one(task)
                metrics = paired(ctx.baselines[k][d][r], result)
                per_draw[k] += metrics[ctx.objective] / len(ctx.seeds)
                outlay[k] += float(sum(result["spent"].values())) / len(ctx.seeds)
                for t, kind in enumerate(ctx.kinds):
                    spent[d, t] += result["spent"].get(f"{OPTIMISED}-{kind}", 0.0) / runs
                rows.append({"draw": k, "district": ctx.districts[d], "replicate": r,
                             **metrics})
    return {"per_draw": per_draw, "outlay": outlay, "spent": spent, "rows": rows}


def allocation(ctx: Context, x: np.ndarray, budget: float) -> np.ndarray:
    """The rupees per (district, intervention) of a decision vector, within capacity."""
    return absorbable(ctx, amounts(x, budget, len(ctx.districts), len(ctx.kinds)))


TIE = 1e-9  # objective units per share of the budget spent: breaks exact ties only


def _value(judged: dict[str, Any], robust: str, budget: float) -> float:
    """An allocation's worth: the (mean or worst) objective, and between allocations that
    achieve the same, the one that spends less."""
    return _robust(judged, robust) - TIE * float(judged["outlay"].mean()) / max(budget, 1.0)


def _score(ctx: Context, budget: float, robust: str, x: np.ndarray) -> float:
    """What differential evolution minimises: minus the allocation's worth (``_value``)."""
    return -_value(judge(ctx, allocation(ctx, x, budget)), robust, budget)


def _indexed(func: Any, task: tuple[int, np.ndarray]) -> tuple[int, float]:
    return task[0], func(task[1])


class _Mapper:
    """differential evolution's ``workers``: judge a generation on the shared executor, with
    one process pool kept for the whole search (starting workers costs seconds)."""

    def __init__(self, workers: int, scheduler: str | None) -> None:
        self.workers, self.scheduler = workers, scheduler
        self.pool: ProcessPoolExecutor | None = None
        if workers > 1 and scheduler is None:
            self.pool = process_pool(workers)

    def __call__(self, func: Any, xs: Any) -> list[float]:
        tasks = list(enumerate(xs))
        out = [0.0] * len(tasks)
        for i, value in run_all(functools.partial(_indexed, func), tasks,
                                workers=self.workers, scheduler=self.scheduler, unit="plan",
                                pool=self.pool):
            out[i] = value
        return out

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


@dataclass
class SearchResult:
    best: pd.DataFrame          # budget, district, intervention, capacity, allocated, spent
    curve: pd.DataFrame         # budget, expected, worst, cost (per budget searched)
    by_run: pd.DataFrame        # the optimised allocation at the plan budget, by replicate
    allocations: pd.DataFrame   # as plan.allocations, for the optimised strategy
    summary: dict[str, Any] = field(default_factory=dict)


def load_search(loaded: LoadedPlan) -> SearchSpec:
    try:
        return SearchSpec.model_validate(loaded.spec.search)
    except ValidationError as exc:
        lines = format_errors(exc, str(loaded.path), SearchSpec)
        raise BondsimError("\n".join(line.replace("field '", "field 'search.", 1)
                                     for line in lines)) from None


# the search sets these; and the plan's price_year dates its fields (a year of their own would
# convert the search's budget, already in base-year rupees, a second time)
RESERVED = ("type", "label", "budget", "start", "end", "pacing", "price_year")


def check_search(loaded: LoadedPlan) -> SearchSpec:
    """Validate the ``[search]`` table before anything runs: its fields, each intervention's
    fixed fields, the uncertain parameters' names and the budgets."""
    spec = load_search(loaded)
    where = str(loaded.path)
    for kind, fields in spec.fields.items():
        if kind not in spec.interventions:
            raise BondsimError(f"{where}: field 'search.fields.{kind}': {kind!r} is not in "
                               f"search.interventions {spec.interventions}")
        taken = sorted(set(fields) & set(RESERVED))
        if taken:
            raise BondsimError(f"{where}: field 'search.fields.{kind}': {taken} are set by the "
                               f"search itself (price_year: the plan's); expected only the "
                               f"intervention's own fields")
    for kind in spec.interventions:  # the fixed fields must be valid for the type
        fields = {"type": kind, "budget": 1.0, "end": loaded.spec.horizon,
                  **spec.fields.get(kind, {})}
        try:
            REGISTRY[kind].spec_class.model_validate(fields)
        except ValidationError as exc:
            lines = format_errors(exc, where, REGISTRY[kind].spec_class)
            raise BondsimError("\n".join(line.replace("field '", f"field 'search.fields.{kind}.",
                                                      1) for line in lines)) from None
    for i, item in enumerate(spec.uncertain):
        try:
            resolve(item.name, {"interventions": []})
        except BondsimError as exc:
            raise BondsimError(f"{where}: field 'search.uncertain.{i}.name': {exc}") from None
    budgets = spec.budgets or [loaded.spec.budget]
    if budgets[-1] > loaded.spec.budget:
        raise BondsimError(f"{where}: field 'search.budgets': {budgets[-1]:,.0f} is above the "
                           f"plan budget of Rs {loaded.spec.budget:,.0f}; expected budgets up "
                           f"to it")
    return spec


def context(loaded: LoadedPlan, spec: SearchSpec, out: Path | None, *, workers: int,
            progress: bool, scheduler: str | None) -> Context:
    """Draw the uncertain parameters, run each district's baseline in each draw."""
    from .experiment import futures

    names = [d.name for d in loaded.districts]
    worlds: list[list[dict[str, Any]]] = []
    bare = [loaded.scenario(BASELINE, d) for d in loaded.districts]
    if spec.uncertain:
        factors = [f.factor() for f in spec.uncertain]
        targets = [resolve(f.name, {"interventions": []}) for f in factors]
        for row in futures(factors, spec.draws, seed=spec.seed + 1):
            values = {f.name: float(v) for f, v in zip(factors, row, strict=True)}
            worlds.append([apply(b, targets, values) for b in bare])
    else:
        worlds = [bare] * spec.draws if spec.draws == 1 else [bare]
    seeds = replicate_seeds(spec.seed, spec.replicates)
    tasks = [PlanRun(BASELINE, names[d], r, seed, world, (), k)
             for k, draw in enumerate(worlds) for d, world in enumerate(draw)
             for r, seed in enumerate(seeds)]
    results = execute(tasks, None if out is None else out / "search", workers=workers,
                      progress=progress, scheduler=scheduler)
    baselines = tuple(tuple(tuple(results[PlanRun(BASELINE, names[d], r, seed, {}, (), k).key]
                                  for r, seed in enumerate(seeds))
                            for d in range(len(names))) for k in range(len(worlds)))
    return Context(districts=tuple(names), kinds=tuple(spec.interventions),
                   worlds=tuple(tuple(w) for w in worlds), baselines=baselines,
                   seeds=tuple(seeds), templates=spec.fields,
                   capacity={d.name: d.inspections_per_month.value for d in loaded.districts},
                   kilns={d.name: d.kilns.value for d in loaded.districts},
                   horizon=loaded.spec.horizon, objective=spec.objective)


def optimise(ctx: Context, spec: SearchSpec, budgets: list[float], *, workers: int = 1,
             scheduler: str | None = None) -> list[dict[str, Any]]:
    """The best allocation at each budget (ascending); each search also judges the previous
    budget's best allocation, so the objective never falls as the budget grows."""
    dims = len(ctx.kinds) + len(ctx.districts) + 1
    bounds = [(0.0, 1.0)] * (dims - 1) + [(0.0, 0.95)]
    found: list[dict[str, Any]] = []
    incumbent: np.ndarray | None = None  # rupees per (district, intervention)
    mapper = _Mapper(workers, scheduler)
    try:
        for budget in budgets:
            found.append(_search_at(ctx, spec, bounds, budget, incumbent, mapper))
            incumbent = found[-1]["amounts"]
    finally:
        mapper.close()
    return found


def _search_at(ctx: Context, spec: SearchSpec, bounds: list[tuple[float, float]],
               budget: float, incumbent: np.ndarray | None, mapper: _Mapper
               ) -> dict[str, Any]:
    """One budget's search; the previous budget's best allocation competes too."""
    score = functools.partial(_score, ctx, budget, spec.robust)
    result = optimize.differential_evolution(
        score, bounds, maxiter=spec.generations, popsize=spec.population,
        seed=spec.seed, polish=False, updating="deferred", tol=0.0, workers=mapper)
    best = allocation(ctx, result.x, budget)
    judged = judge(ctx, best)
    if incumbent is not None and incumbent.sum() <= budget:
        previous = judge(ctx, incumbent)
        if _value(previous, spec.robust, budget) > _value(judged, spec.robust, budget):
            best, judged = incumbent, previous
    return {"budget": budget, "amounts": best, "judged": judged}


def _robust(judged: dict[str, Any], robust: str) -> float:
    per_draw = judged["per_draw"]
    return float(per_draw.mean() if robust == "mean" else per_draw.min())


def search_plan(loaded: LoadedPlan, out: Path, *, workers: int = 1, progress: bool = False,
                scheduler: str | None = None) -> SearchResult:
    """Search, then run the best allocation at the plan's budget like any strategy."""
    spec = check_search(loaded)
    budgets = spec.budgets or [loaded.spec.budget]
    ctx = context(loaded, spec, out, workers=workers, progress=progress, scheduler=scheduler)
    found = optimise(ctx, spec, budgets, workers=workers, scheduler=scheduler)
    best_rows, curve = [], []
    for item in found:
        judged = item["judged"]
        caps = capacities(ctx, item["amounts"])
        for d, district in enumerate(ctx.districts):
            for t, kind in enumerate(ctx.kinds):
                best_rows.append({"budget": item["budget"], "district": district,
                                  "intervention": kind, "capacity": float(caps[d, t]),
                                  "allocated": float(item["amounts"][d, t]),
                                  "spent": float(judged["spent"][d, t])})
        curve.append({"budget": item["budget"], "objective": ctx.objective,
                      "expected": float(judged["per_draw"].mean()),
                      "worst": float(judged["per_draw"].min()),
                      "best_draw": float(judged["per_draw"].max()),
                      "spent_expected": float(judged["outlay"].mean()),
                      "allocated": float(item["amounts"].sum())})
    # the best allocation at the largest budget searched, judged like the written strategies
    # (the plan's replicates, default parameters)
    by_run, allocations = _as_strategy(loaded, ctx, found[-1]["amounts"], out, workers,
                                       progress, scheduler)
    summary = {"objective": ctx.objective, "robust": spec.robust, "draws": len(ctx.worlds),
               "curve": curve, "uncertain": [f.model_dump() for f in spec.uncertain]}
    return SearchResult(best=pd.DataFrame(best_rows), curve=pd.DataFrame(curve), by_run=by_run,
                        allocations=allocations, summary=summary)


def _as_strategy(loaded: LoadedPlan, ctx: Context, top: np.ndarray, out: Path, workers: int,
                 progress: bool, scheduler: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    from .absorb import capacity

    seeds = replicate_seeds(loaded.spec.seed, loaded.spec.replicates)
    tasks, rows = [], []
    for d, district in enumerate(loaded.districts):
        items = interventions_for(ctx, top, d)
        world = loaded.scenario(BASELINE, district)
        scenario = dict(world, interventions=list(world["interventions"]) + items)
        labels = tuple(i["label"] for i in items)
        for r, seed in enumerate(seeds):
            tasks.append(PlanRun(BASELINE, district.name, r, seed, world, ()))
            tasks.append(PlanRun(OPTIMISED, district.name, r, seed, scenario, labels))
        for item in items:
            rows.append({"strategy": OPTIMISED, "district": district.name,
                         "type": item["type"], "label": item["label"],
                         "allocated": item["budget"], "capacity": capacity(item, scenario)})
    results = execute(tasks, out, workers=workers, progress=progress, scheduler=scheduler)
    return metrics_table(tasks, results), spending(pd.DataFrame(rows), tasks, results)
