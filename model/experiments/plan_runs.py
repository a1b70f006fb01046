"""A plan's runs: each strategy (or the no-spending baseline) in each district, one
replicate, as experiments of the experiment core; what each run keeps; and the effect of
each run against the baseline run of the same district and seed.

Shared by the plan (``bondsim.experiments.plan``) and its search
(``bondsim.experiments.plan_search``), which import this module and not each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._lazy import deferred
from ..simulation.outcomes import LAST_YEAR
from .executor import run_all
from .experiment import Experiment, Series, run_experiment
from .paired import paired_metrics
from .stores import JsonStore

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = deferred("pandas")  # imported on first use: validating stays fast

BASELINE = "baseline"
SERIES = ("bonded_share", "bonded_share_ilo", "indebted_to_owner_share", "child_labour_rate",
          "intervention_cost", "unmet_need", "households_short",
          "school_enrolment")  # what a run keeps


@dataclass(frozen=True)
class PlanRun:
    """One run: a strategy (or the baseline) in a district, one replicate (and optionally
    one draw of uncertain parameters)."""

    strategy: str
    district: str
    replicate: int
    seed: int
    scenario: dict[str, Any]
    labels: tuple[str, ...]     # the plan's allocations in this run
    draw: int = 0

    @property
    def key(self) -> str:
        return f"{self.strategy}/{self.district}/d{self.draw:03d}-r{self.replicate:04d}"

    def experiment(self) -> Experiment:
        """The run as an experiment: the strategy in the district's world (its scenario)."""
        return Experiment(self.strategy, self.scenario, self.replicate, self.seed,
                          future=self.draw, source=self.key)


def run_one(task: PlanRun) -> tuple[PlanRun, dict[str, Any]]:
    """Simulate one run (in a worker) and keep what the plan's metrics need: the monthly
    series of months 1..H that ``paired.paired_metrics`` reads, the population, and what each
    of the plan's allocations spent (from its books)."""
    run = run_experiment(task.experiment())
    model = run.model
    spent = {i.name: float(i.spent) for i in model.interventions if i.name in task.labels}
    return task, {
        **run.measure([Series(name) for name in SERIES]),
        "households": int(model.hh.n), "children_5_14": int(model.children_5_14),
        "spent": spent,
    }


def paired(base: dict[str, Any], run: dict[str, Any]) -> dict[str, float]:
    """The effect metrics (``paired.paired_metrics``) of one run against the baseline run of
    the same district and seed; the end of the run is its last year."""
    return paired_metrics(_months(base), _months(run), run["households"],
                          run["children_5_14"], LAST_YEAR)


def _months(run: dict[str, Any]) -> dict[str, Any]:
    """A kept run's series with their months (1..H)."""
    return {"month": np.arange(1, len(run["bonded_share"]) + 1),
            **{name: run[name] for name in SERIES if name in run}}  # older runs: no welfare


def execute(tasks: list[PlanRun], out: Path | None, *, workers: int = 1,
            progress: bool = False, scheduler: str | None = None) -> dict[str, dict[str, Any]]:
    """Run the tasks, saving each as it finishes in ``out/runs`` (if ``out``), skipping saved
    ones."""
    store = JsonStore(out / "runs") if out is not None else None
    results: dict[str, dict[str, Any]] = {}
    todo = []
    for task in tasks:
        saved = store.load(task.key) if store is not None else None
        if saved is not None and all(name in saved for name in SERIES):
            results[task.key] = saved
        else:  # not run yet, or saved by a version that kept less of each run: run it
            todo.append(task)
    for task, result in run_all(run_one, todo, workers=workers, progress=progress,
                                scheduler=scheduler):
        if store is not None:
            store.save(task.key, result)
        results[task.key] = result
    return results


def metrics_table(tasks: list[PlanRun], results: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """One row per strategy, district and replicate: the paired metrics."""
    rows = []
    for task in tasks:
        if task.strategy == BASELINE:
            continue
        base = results[PlanRun(BASELINE, task.district, task.replicate, task.seed, {}, (),
                               task.draw).key]
        rows.append({"strategy": task.strategy, "district": task.district,
                     "replicate": task.replicate, "seed": task.seed,
                     **paired(base, results[task.key])})
    return pd.DataFrame(rows)


def spending(allocated: pd.DataFrame, tasks: list[PlanRun],
             results: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """The ``allocated`` table (strategy, district, type, label, allocated, capacity) with
    what the runs spent per allocation, from the interventions' books: the mean over
    replicates and the most any replicate spent."""
    spent: dict[tuple[str, str, str], list[float]] = {}
    for task in tasks:
        for label, value in results[task.key]["spent"].items():
            spent.setdefault((task.strategy, task.district, label), []).append(value)
    table = allocated.copy()
    if table.empty:
        return pd.DataFrame(columns=["strategy", "district", "type", "label", "allocated",
                                     "capacity", "spent_mean", "spent_max"])
    keys = list(zip(table["strategy"], table["district"], table["label"], strict=True))
    table["spent_mean"] = [float(np.mean(spent.get(k, [0.0]))) for k in keys]
    table["spent_max"] = [float(np.max(spent.get(k, [0.0]))) for k in keys]
    return table


