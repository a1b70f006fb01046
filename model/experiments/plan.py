"""Plans: strategies for pilot districts under a budget, compared district by district.

A plan file (TOML, in ``experiments/``) names a district profile file and the districts, the
horizon, the total budget, the replicates, and strategies: how much of which intervention goes
to which districts, and when::

    name = "balochistan_pilot"
    districts_file = "../scenarios/districts/balochistan.toml"
    districts = ["Quetta", "Lasbela"]     # default: every district in the file
    horizon = 60                          # months
    budget = 40_000_000                   # Rs, the whole programme
    price_year = 2016                     # fiscal year of the file's rupees (default: 2020)
    over_budget = "reject"                # or "scale": shrink every allocation to fit
    replicates = 5

    [[strategies]]
    name = "enforcement"
    [[strategies.allocations]]
    type = "inspections"                  # any intervention type, with its fields
    districts = ["Quetta"]                # default: every district of the plan
    budget = 2_000_000                    # Rs for each district named

Every strategy runs in every district on the same replicate seeds as the baseline (no plan
spending; the district's existing cash-transfer programme runs in both), so the difference is
the plan's effect. The file's rupee figures (the budget, allocations, search budgets) are in
rupees of its ``price_year`` and are converted to base-year rupees when it is read
(``plan_prices.py``); the manifest keeps the budget as written. Allocations spend evenly
over their window by default (``pacing``), and an inspection allocation can never exceed
the district's inspection capacity, visits a month (its ``inspections_per_kiln_year`` is
capped at capacity x 12 / kilns, an ``inspections_per_district`` at the capacity; an
allocation with neither visits at capacity). What
each allocation spent is summed exactly from the interventions' books, never more than
allocated (``allocations.csv``). The effect metrics are those of every job (``paired.py``):
the counterfactual is the district without the plan's allocations, and ``public_cost`` is
incremental, so it also counts what the plan changes in the existing programmes that run in
both.
"""

from __future__ import annotations

import difflib
import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .._lazy import deferred
from ..errors import BondsimError
from ..interventions import REGISTRY
from ..interventions.visits import capped
from ..io import atomic_write, input_file, output_folder, read_toml, write_json
from ..prices import BASE_YEAR, check_year
from ..shipped import locate
from ..simulation.outcomes import LAST_YEAR
from .districts import DistrictProfile, check_base, district_scenario, load_districts, pick
from .paired import (
    COST_PER,
    counterfactual,
    metric_definitions,
    metric_interval,
    metric_units,
    replicate_seeds,
)
from .plan_prices import plan_in_base_year, stated_budget
from .plan_runs import BASELINE, PlanRun, execute, metrics_table, spending
from .plan_runs import paired as paired  # re-exported: the plan's effect of one run
from .plan_search import check_search, search_plan
from .scenario import format_errors, read_spec, scenario_from_dict

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = deferred("pandas")  # imported on first use: validating stays fast

STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
# every metric's name and its meaning in the plan's tables: its definition and unit
METRICS = {name: f"{said} ({metric_units(LAST_YEAR)[name]})"
           for name, said in metric_definitions(LAST_YEAR).items()}


class Allocation(BaseModel):
    """Money for one intervention in some districts; the other keys are the intervention's
    fields (validated against its type)."""

    model_config = ConfigDict(extra="allow", strict=True)
    type: str
    districts: list[Annotated[str, Field(min_length=1)]] | None = None
    budget: float = Field(ge=0)
    start: int = Field(1, ge=1)
    end: int | None = Field(None, ge=1)
    pacing: Literal["as_needed", "even"] = "even"


class Strategy(BaseModel):
    model_config = STRICT
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    allocations: list[Allocation] = Field(default_factory=list)


class PlanSpec(BaseModel):
    """The validated content of a plan file."""

    model_config = STRICT
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    districts_file: str = Field(min_length=1)
    districts: list[str] | None = None
    base_scenario: str | None = None
    horizon: int = Field(60, ge=1, le=600)
    budget: float = Field(ge=0)
    price_year: int = BASE_YEAR  # the fiscal year of the file's rupee figures (plan_prices.py)
    over_budget: Literal["reject", "scale"] = "reject"
    replicates: int = Field(5, ge=1, le=10_000)
    seed: int = Field(0, ge=0, lt=2**63)
    strategies: list[Strategy] = Field(min_length=1)
    search: dict[str, Any] | None = None  # validated by bondsim.experiments.plan_search

    @field_validator("price_year")
    @classmethod
    def _year_in_table(cls, year: int) -> int:
        """The prices of the file's rupee figures: a year the CPI table can convert."""
        return check_year(year)


@dataclass
class LoadedPlan:
    spec: PlanSpec
    path: Path
    districts: list[DistrictProfile]
    base: dict[str, Any]                       # the base scenario's data
    interventions: dict[str, dict[str, list[dict[str, Any]]]]  # strategy -> district -> items
    rows: list[dict[str, Any]]                 # strategy, district, type, label, allocated,
    #                                            capacity (bondsim.experiments.absorb)
    notes: list[str]                           # scaling and capping, for the manifest
    budget_as_written: dict[str, Any]          # the budget in the file's prices and converted

    @functools.cached_property
    def allocated(self) -> pd.DataFrame:
        """The allocations as a table (built when first needed: validating needs no pandas)."""
        return pd.DataFrame(self.rows)

    def scenario(self, strategy: str, district: DistrictProfile) -> dict[str, Any]:
        items = self.interventions.get(strategy, {}).get(district.name, [])
        return district_scenario(district, self.base, self.spec.horizon, items)


def load_plan(path: str | Path) -> LoadedPlan:
    """Read and validate a plan file: its districts, every allocation's fields, the budget."""
    path = locate(path, "experiment")
    written = read_spec(path, "plan", PlanSpec)
    spec = plan_in_base_year(written, path)  # every rupee from here on is a base-year rupee
    profiles = load_districts(input_file(path, spec.districts_file, "districts_file",
                                         "a district profile file"))
    districts = pick(profiles, spec.districts or list(profiles), str(path))
    base: dict[str, Any] = {}
    if spec.base_scenario:
        base_path = input_file(path, spec.base_scenario, "base_scenario")
        base = read_toml(base_path, "scenario")
        check_base(base, str(base_path))
    names = [s.name for s in spec.strategies]
    reserved = [BASELINE] + (["optimised"] if spec.search is not None else [])
    if any(n in reserved for n in names) or len(set(names)) != len(names):
        raise BondsimError(f"{path}: field 'strategies': names {names} must be distinct and "
                           f"none of {reserved} (the plan's own no-spending run and the "
                           f"search's result)")
    interventions, rows, notes = _allocate(path, spec, districts)
    loaded = LoadedPlan(spec, path, districts, base, interventions, rows, notes,
                        stated_budget(written))
    if spec.search is not None:  # check the search now, not after the strategies have run
        check_search(loaded)
    for strategy in names:  # every district scenario of every strategy is valid
        for district in districts:
            try:
                scenario_from_dict(loaded.scenario(strategy, district), source="")
            except BondsimError as exc:
                raise BondsimError(f"{path}: strategy {strategy!r} in district "
                                   f"{district.name!r}: {str(exc).split(': ', 1)[-1]}") from None
    _absorption(loaded)
    return loaded


def _absorption(loaded: LoadedPlan) -> None:
    """Each written allocation's absorptive capacity (``bondsim.experiments.absorb``) in the
    ``capacity`` column, and a note for every allocation above it: that money cannot be spent
    however the plan is run, so its cost and cost-effectiveness are judged on what is spent."""
    from .absorb import capacity

    scenarios = {(s, d.name): loaded.scenario(s, d) for s in loaded.interventions
                 for d in loaded.districts}
    items = {(s, d, item["label"]): item for s, by in loaded.interventions.items()
             for d, listed in by.items() for item in listed}
    over: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (strategy, label) -> rows
    for row in loaded.rows:
        key = (row["strategy"], row["district"], row["label"])
        row["capacity"] = capacity(items[key], scenarios[key[:2]])
        if row["allocated"] > row["capacity"]:
            over.setdefault((row["strategy"], row["label"]), []).append(row)
    for (strategy, label), group in over.items():
        said = ", ".join(f"{r['district']} (Rs {r['allocated']:,.0f} against "
                         f"Rs {r['capacity']:,.0f})" for r in group)
        loaded.notes.append(f"strategy {strategy!r}, {label}: allocates more than it can "
                            f"spend over its window (its absorptive capacity) in {said}; the "
                            f"rest stays unspent")


def _allocate(path: Path, spec: PlanSpec, districts: list[DistrictProfile]
              ) -> tuple[dict, list[dict], list[str]]:
    """Each strategy's interventions per district, with the budget checked (or scaled)."""
    names = [d.name for d in districts]
    by_name = {d.name: d for d in districts}
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    rows: list[dict] = []
    notes: list[str] = []
    for i, strategy in enumerate(spec.strategies):
        plan: list[tuple[str, dict[str, Any]]] = []
        for j, alloc in enumerate(strategy.allocations):
            where = f"strategies.{i}.allocations.{j}"
            kind = REGISTRY.get(alloc.type)
            if kind is None:
                hint = difflib.get_close_matches(alloc.type, list(REGISTRY), n=1)
                raise BondsimError(f"{path}: field '{where}.type': {alloc.type!r} is not an "
                                   f"intervention" + (f"; did you mean {hint[0]!r}?" if hint
                                                      else f"; expected one of {list(REGISTRY)}"))
            wanted = alloc.districts or names
            pick(by_name, wanted, str(path), f"{where}.districts")
            fields = alloc.model_dump(exclude={"districts"})
            fields["end"] = fields["end"] or spec.horizon
            fields["label"] = fields.get("label") or f"{alloc.type}-{j + 1}"
            _check_fields(path, where, kind.spec_class, fields)
            for district in wanted:
                plan.append((district, dict(fields)))
        total = sum(item["budget"] for _, item in plan)
        if total > spec.budget * (1 + 1e-12) + 1e-6:  # converted rupees: rounding is no excess
            if spec.over_budget == "reject":
                raise BondsimError(
                    f"{path}: strategy {strategy.name!r} (strategies.{i}) allocates "
                    f"Rs {total:,.0f}, Rs {total - spec.budget:,.0f} over the plan budget of "
                    f"Rs {spec.budget:,.0f} (rupees of {BASE_YEAR}, converted from the "
                    f"file's price years); expected at most the budget, or set "
                    f"over_budget = \"scale\"")
            factor = spec.budget / total
            for _, item in plan:  # whole rupees, rounded down: the sum never exceeds the budget
                item["budget"] = math.floor(item["budget"] * factor)
            notes.append(f"strategy {strategy.name!r}: allocations scaled by {factor:.4f} to "
                         f"fit the budget of Rs {spec.budget:,.0f}")
        for district, item in plan:
            if item["type"] == "inspections":
                profile = by_name[district]
                capacity = profile.inspections_per_month.value
                item, asked = capped(item, capacity, profile.kilns.value)
                if asked:
                    notes.append(f"strategy {strategy.name!r}, {district}: inspections capped "
                                 f"at the district's capacity of {capacity} a month "
                                 f"(asked {asked})")
            out.setdefault(strategy.name, {}).setdefault(district, []).append(item)
            rows.append({"strategy": strategy.name, "district": district,
                         "type": item["type"], "label": item["label"],
                         "allocated": float(item["budget"])})
    return out, rows, notes


def _check_fields(path: Path, where: str, spec_class: type[BaseModel],
                  fields: dict[str, Any]) -> None:
    try:
        spec_class.model_validate(fields)
    except ValidationError as exc:
        lines = format_errors(exc, str(path), spec_class)
        raise BondsimError("\n".join(line.replace("field '", f"field '{where}.", 1)
                                     for line in lines)) from None


# --- running: each run is an experiment of the core (bondsim.experiments.plan_runs) -------------

def plan_tasks(loaded: LoadedPlan, seeds: list[int]) -> list[PlanRun]:
    """Every run of the written strategies: the baseline first, then each strategy, in each
    district, each replicate on the same seeds (common random numbers)."""
    out = []
    for strategy in [BASELINE, *(s.name for s in loaded.spec.strategies)]:
        for district in loaded.districts:
            items = loaded.interventions.get(strategy, {}).get(district.name, [])
            labels = tuple(item["label"] for item in items)
            for r, seed in enumerate(seeds):
                out.append(PlanRun(strategy, district.name, r, seed,
                                   loaded.scenario(strategy, district), labels))
    return out


def summarise(by_run: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per strategy and district, and per strategy in total (districts summed within a
    replicate, then the interval across replicates; a cost per unit averted as the ratio of
    the means, ``paired.metric_interval``)."""
    rows = []
    for (strategy, district), g in by_run.groupby(["strategy", "district"], sort=False):
        for name, unit in METRICS.items():
            mean, low, high = metric_interval(g, name)
            rows.append({"strategy": strategy, "district": district, "metric": name,
                         "mean": mean, "low": low, "high": high, "meaning": unit})
    totals = by_run.groupby(["strategy", "replicate"], sort=False)[
        [m for m in METRICS if m not in COST_PER]].sum().reset_index()
    for ratio, averted in COST_PER.items():  # from the sums, not a sum of ratios
        years = totals[averted]
        totals[ratio] = np.where(years > 0, totals["public_cost"] / years.where(years > 0, 1.0),
                                 np.nan)
    trows = []
    for strategy, g in totals.groupby("strategy", sort=False):
        for name, unit in METRICS.items():
            mean, low, high = metric_interval(g, name)
            trows.append({"strategy": strategy, "metric": name, "mean": mean, "low": low,
                          "high": high, "meaning": unit})
    return pd.DataFrame(rows), pd.DataFrame(trows)


@dataclass
class PlanResult:
    out: Path
    by_run: pd.DataFrame
    districts: pd.DataFrame
    totals: pd.DataFrame
    allocations: pd.DataFrame
    search: Any = None


def run_plan(plan: str | Path, *, out: str | Path, workers: int = 1, resume: bool = False,
             progress: bool = False, scheduler: str | None = None) -> PlanResult:
    """Run every strategy in every district with replicates; write and return the tables."""
    loaded = load_plan(plan)
    inputs = plan_inputs(loaded)  # as read, before the runs
    out = output_folder(out, resume, "plan")
    _check_layout(out, loaded)
    seeds = replicate_seeds(loaded.spec.seed, loaded.spec.replicates)
    tasks = plan_tasks(loaded, seeds)
    results = execute(tasks, out, workers=workers, progress=progress, scheduler=scheduler)
    by_run = metrics_table(tasks, results)
    allocations = spending(loaded.allocated, tasks, results)
    search = None
    if loaded.spec.search is not None:
        search = search_plan(loaded, out, workers=workers, progress=progress,
                             scheduler=scheduler)
        by_run = pd.concat([by_run, search.by_run], ignore_index=True)
        allocations = pd.concat([allocations, search.allocations], ignore_index=True)
    districts, totals = summarise(by_run)
    _write_csv(out / "by_run.csv", by_run)
    _write_csv(out / "districts.csv", districts)
    _write_csv(out / "totals.csv", totals)
    _write_csv(out / "allocations.csv", allocations)
    from ..outputs.plan_plots import plot_allocation, plot_pareto
    plot_pareto(totals, out / "pareto.png", loaded.spec.budget)
    plot_allocation(allocations, out / "allocation.png")
    if search is not None:
        _write_csv(out / "search_curve.csv", search.curve)
        _write_csv(out / "search_best.csv", search.best)
        from ..outputs.plan_plots import plot_budget_curve
        plot_budget_curve(search.curve, out / "search_curve.png")
    from ..manifest import core
    parameters = {d.name: scenario_from_dict(loaded.scenario(BASELINE, d), source=d.name).params
                  for d in loaded.districts}
    write_json(out / "manifest.json", {
        **core("plan", parameters=parameters, seeds=seeds, inputs=inputs),
        "plan": loaded.spec.model_dump(), "plan_file": str(loaded.path),
        "budget_as_written": loaded.budget_as_written,
        "districts": [d.model_dump() for d in loaded.districts], "notes": loaded.notes,
        "counterfactual": counterfactual("plan"),
        "runs": len(tasks), "workers": workers,
        "search": None if search is None else search.summary,
    })
    return PlanResult(out, by_run, districts, totals, allocations, search)


def plan_inputs(loaded: LoadedPlan) -> list[dict[str, str]]:
    """The plan file, its district profile file and base scenario, with the sha256 of each,
    for the manifest. (Each district's parameters, which the profile sets, are recorded
    by district.)"""
    from ..manifest import input_files

    spec = loaded.spec
    profile = input_file(loaded.path, spec.districts_file, "districts_file",
                         "a district profile file")
    base = (input_file(loaded.path, spec.base_scenario, "base_scenario")
            if spec.base_scenario else None)
    return input_files(("plan", loaded.path), ("district profile", profile),
                       ("base scenario", base))


def _check_layout(out: Path, loaded: LoadedPlan) -> None:
    """A resumed plan must be the same plan: refuse a folder whose runs came from another."""
    from .stores import PointStore

    PointStore(out / "runs", "plan").check({
        "plan": loaded.spec.model_dump(mode="json"),
        "districts": [d.model_dump(mode="json") for d in loaded.districts],
        "base": loaded.base})


def _write_csv(path: Path, table: pd.DataFrame) -> None:
    atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, lineterminator="\n",
                                                float_format="%.6g"))
