"""Scenario discovery: under which plausible conditions does a policy fail, and which policy
holds up best across all of them?

A discovery file (TOML, in ``experiments/``) names the uncertain parameters with their ranges
(declared like sweep factors), the policies (scenario files), the number of sampled futures
(Latin hypercube), the replicates per future, and a failure criterion on an outcome::

    name = "where_policies_fail"
    policies = ["../scenarios/inspections_only.toml", "../scenarios/combined_package.toml"]
    baseline = "../scenarios/baseline.toml"   # needed for a relative criterion
    futures = 200
    replicates = 2
    households = 2000
    months = 60
    window = 12                               # outcomes: the mean of the last 12 months

    [criterion]
    outcome = "bonded_share"
    kind = "relative"                         # or "absolute"
    ratio = 0.5                               # fails unless the baseline's value is halved
    # kind = "absolute": threshold = 0.10 and direction = "above" (fails above it)

    [[uncertain]]
    name = "prison_cost_months"
    low = 1.0
    high = 20.0

Every policy (and the baseline) runs in every future on the same seeds (common random numbers
within a future; each future has seeds of its own), as experiments of the experiment core
(``bondsim.experiments.experiment``), on the shared executor, resumably. Then
(``bondsim.experiments.boxes``), per policy, PRIM (the EMA Workbench implementation) finds the box
of parameter space where failure concentrates: its coverage (the share of all failures inside it),
density (the share of futures inside it that fail), mass (the share of futures inside it), the
restricted parameters, the side of each that is restricted, their limits and each side's
significance (quasi-p value), beside the policy's base rate (the share of all futures that fail). A
box is reported as a region where the policy fails only when it is denser in failures than the base
rate on futures it was not chosen from; otherwise the summary says "no informative region".
Across policies: mean, 10th and 90th percentile of
each outcome, the share of futures where the policy satisfies the criterion, and its regret
against the best policy in each future.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .._lazy import deferred
from ..errors import BondsimError
from ..io import atomic_write, input_file, output_folder, read_toml, write_json
from ..shipped import locate
from ..simulation.outcomes import OUTCOMES
from .boxes import Box, boxes_table, find_box, sentence
from .experiment import Experiment, WindowMean, results_table, run_experiment, run_futures
from .factors import Factor, Target, check_factors
from .scenario import MAX_HOUSEHOLDS, read_spec, scenario_from_dict
from .sweep import FactorSpec

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = deferred("pandas")  # imported on first use: validating stays fast

STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
MONTHLY = [name for name in OUTCOMES if name not in ("month", "calendar_month")]
BASELINE = "baseline"


class Criterion(BaseModel):
    """When a policy fails in a future."""

    model_config = STRICT
    outcome: str
    kind: Literal["absolute", "relative"] = "absolute"
    direction: Literal["above", "below"] = "above"
    threshold: float | None = None
    ratio: float | None = Field(None, gt=0)

    @field_validator("outcome")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in MONTHLY:
            hint = difflib.get_close_matches(value, MONTHLY, n=1)
            raise ValueError(f"unknown outcome {value!r}" + (f"; did you mean {hint[0]!r}?"
                                                              if hint else ""))
        return value

    def describe(self) -> str:
        worse = "above" if self.direction == "above" else "below"
        if self.kind == "absolute":
            return f"{self.outcome} {worse} {self.threshold:g}"
        return f"{self.outcome} {worse} {self.ratio:g} x the baseline's in the same future"

    def fails(self, value: np.ndarray, baseline: np.ndarray | None) -> np.ndarray:
        """Failure per future (NaN outcomes count as failures)."""
        bound = (np.full_like(value, self.threshold, dtype=float) if self.kind == "absolute"
                 else self.ratio * baseline)
        worse = value > bound if self.direction == "above" else value < bound
        return worse | ~np.isfinite(value)


class PrimSettings(BaseModel):
    model_config = STRICT
    density: float = Field(0.5, gt=0, le=1)     # least share of failures inside a box
    peel_alpha: float = Field(0.05, gt=0, lt=0.5)
    mass_min: float = Field(0.05, gt=0, lt=1)


class DiscoverySpec(BaseModel):
    """The validated content of a discovery file."""

    model_config = STRICT
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    policies: list[str] = Field(min_length=1)
    baseline: str | None = None
    futures: int = Field(200, ge=10, le=1_000_000)
    replicates: int = Field(2, ge=1, le=1000)
    seed: int = Field(0, ge=0, lt=2**32)
    households: int | None = Field(None, ge=1, le=MAX_HOUSEHOLDS)
    months: int | None = Field(None, ge=1, le=1200)
    window: int = Field(12, ge=1, le=1200)
    outcomes: list[str] | None = None
    criterion: Criterion
    uncertain: list[FactorSpec] = Field(min_length=2)
    prim: PrimSettings = Field(default_factory=PrimSettings)

    @field_validator("outcomes")
    @classmethod
    def _known(cls, value: list[str] | None) -> list[str] | None:
        for item in value or []:
            if item not in MONTHLY:
                hint = difflib.get_close_matches(item, MONTHLY, n=1)
                raise ValueError(f"unknown outcome {item!r}" + (f"; did you mean {hint[0]!r}?"
                                                                 if hint else ""))
        return value


@dataclass(frozen=True)
class DiscoveryModel:
    """Every policy (and the baseline) in one future: ``f(params, seed) -> {policy:outcome}``.
    Parameters apply to every scenario alike."""

    scenarios: dict[str, dict[str, Any]]   # name -> scenario data (the baseline included)
    targets: tuple[Target, ...]
    outcomes: tuple[str, ...]
    households: int | None
    months: int | None
    window: int

    def __call__(self, params: dict[str, float], seed: int) -> dict[str, float]:
        measured = [WindowMean(o, self.window) for o in self.outcomes]
        out = {}
        for name, data in self.scenarios.items():
            run = run_experiment(Experiment(name, data, 0, seed, self.households, self.months,
                                            values=params, targets=self.targets))
            for outcome, value in run.measure(measured).items():
                out[f"{name}:{outcome}"] = value
        return out


@dataclass
class LoadedDiscovery:
    spec: DiscoverySpec
    path: Path
    factors: list[Factor]
    policies: list[str]
    model: DiscoveryModel
    files: dict[str, Path]

    @property
    def outcomes(self) -> list[str]:
        return list(self.model.outcomes)


def load_discovery(path: str | Path) -> LoadedDiscovery:
    """Read and validate a discovery file, its scenarios and every parameter's range."""
    path = locate(path, "experiment")
    spec = read_spec(path, "discovery", DiscoverySpec)
    c = spec.criterion
    if c.kind == "absolute" and c.threshold is None:
        raise BondsimError(f"{path}: field 'criterion.threshold' is missing; an absolute "
                           f"criterion needs a threshold")
    if c.kind == "relative" and (c.ratio is None or spec.baseline is None):
        raise BondsimError(f"{path}: field 'criterion.ratio' and field 'baseline': a relative "
                           f"criterion needs both (e.g. ratio = 0.5: the baseline's value "
                           f"halved)")
    scenarios: dict[str, dict[str, Any]] = {}
    files: dict[str, Path] = {}
    entries = [(f"policies.{i}", p) for i, p in enumerate(spec.policies)]
    if spec.baseline is not None:
        entries.append(("baseline", spec.baseline))
    policies = []
    for field_name, name in entries:
        file = input_file(path, name, field_name)
        data = read_toml(file, "scenario")
        scenario = scenario_from_dict(data, source=str(file))
        key = BASELINE if field_name == "baseline" else scenario.name
        if key in scenarios:
            raise BondsimError(f"{path}: field '{field_name}': scenario {key!r} appears twice")
        scenarios[key], files[key] = data, file
        if field_name != "baseline":
            policies.append(key)
    names = [u.name for u in spec.uncertain]
    if len(set(names)) != len(names):
        raise BondsimError(f"{path}: field 'uncertain': names {names} must be distinct")
    targets = check_factors(path, "uncertain", spec.uncertain,
                            next(iter(scenarios.values())), levers=False)
    outcomes = list(dict.fromkeys([c.outcome, *(spec.outcomes or ["child_labour_rate"])]))
    model = DiscoveryModel(scenarios=scenarios, targets=tuple(targets), outcomes=tuple(outcomes),
                           households=spec.households, months=spec.months, window=spec.window)
    return LoadedDiscovery(spec=spec, path=path, factors=[u.factor() for u in spec.uncertain],
                           policies=policies, model=model, files=files)


# --- the analysis: failures, robustness, boxes ------------------------------------------

def failures(criterion: Criterion, values: pd.DataFrame, policies: list[str]) -> pd.DataFrame:
    """Futures x policies: True where the policy fails the criterion in that future."""
    base = values[f"{BASELINE}:{criterion.outcome}"].to_numpy() if (
        criterion.kind == "relative") else None
    return pd.DataFrame({p: criterion.fails(values[f"{p}:{criterion.outcome}"].to_numpy(),
                                            base) for p in policies})


def regret(scores: pd.DataFrame, lower_is_better: bool = True) -> pd.DataFrame:
    """Futures x policies: how much worse each policy does than the best policy in the same
    future (0 for the best), on the criterion's outcome."""
    best = scores.min(axis=1) if lower_is_better else scores.max(axis=1)
    return (scores.sub(best, axis=0) if lower_is_better else (-scores).add(best, axis=0))


def robustness(values: pd.DataFrame, failed: pd.DataFrame, criterion: Criterion,
               policies: list[str], outcomes: list[str]) -> pd.DataFrame:
    """One row per policy: the satisficing share, regret (mean, 90th percentile, max) on the
    criterion's outcome, and the mean, 10th and 90th percentile of every outcome across
    futures; ranked by satisficing share, then by the 90th percentile of regret."""
    scores = pd.DataFrame({p: values[f"{p}:{criterion.outcome}"] for p in policies})
    regrets = regret(scores, lower_is_better=criterion.direction == "above")
    rows = []
    for p in policies:
        row: dict[str, Any] = {"policy": p,
                               "satisficing_share": float(1.0 - failed[p].mean()),
                               "regret_mean": float(regrets[p].mean()),
                               "regret_p90": float(regrets[p].quantile(0.9)),
                               "regret_max": float(regrets[p].max())}
        for outcome in outcomes:
            v = values[f"{p}:{outcome}"]
            row[f"{outcome}_mean"] = float(v.mean())
            row[f"{outcome}_p10"] = float(v.quantile(0.1))
            row[f"{outcome}_p90"] = float(v.quantile(0.9))
        rows.append(row)
    table = pd.DataFrame(rows).sort_values(["satisficing_share", "regret_p90"],
                                           ascending=[False, True], kind="stable")
    table.insert(1, "rank", np.arange(1, len(table) + 1))
    return table.reset_index(drop=True)


@dataclass
class DiscoveryResult:
    out: Path
    values: pd.DataFrame          # futures: parameters, then every policy's outcomes
    failed: pd.DataFrame          # futures x policies
    robustness: pd.DataFrame
    boxes: dict[str, Box]
    summary: list[str]
    experiments: pd.DataFrame     # the results table: every future x replicate, its seed,
    #                               parameters and every policy's outcomes


def run_discovery(discovery: str | Path, *, out: str | Path, workers: int = 1,
                  resume: bool = False, progress: bool = False,
                  scheduler: str | None = None) -> DiscoveryResult:
    """Run every policy in every future, then discovery and robustness; write the outputs."""
    from ..manifest import input_files

    loaded = load_discovery(discovery)
    spec = loaded.spec
    inputs = input_files(("discovery", loaded.path),
                         *(("scenario", f) for f in loaded.files.values()))  # as read
    out = output_folder(out, resume, "discovery")
    factors = loaded.factors
    keys = [f"{name}:{o}" for name in loaded.model.scenarios for o in loaded.outcomes]
    samples, seeds, runs = run_futures(
        loaded.model, factors, keys, n=spec.futures, seed=spec.seed,
        replicates=spec.replicates, folder=out / "runs", job="discovery", workers=workers,
        progress=progress, scheduler=scheduler,
        layout={"kind": "discovery", "households": spec.households, "months": spec.months,
                "window": spec.window, "scenarios": loaded.model.scenarios})
    values = pd.DataFrame(samples, columns=[f.name for f in factors])
    for k, key in enumerate(keys):
        values[key] = runs[k].mean(axis=1)
    failed = failures(spec.criterion, values, loaded.policies)
    table = robustness(values, failed, spec.criterion, loaded.policies, loaded.outcomes)
    x = values[[f.name for f in factors]]
    boxes = {p: find_box(x, failed[p].to_numpy(), p, density=spec.prim.density,
                         peel_alpha=spec.prim.peel_alpha, mass_min=spec.prim.mass_min)
             for p in loaded.policies}
    summary = [sentence(boxes[p]) for p in loaded.policies]
    _write_outputs(out, loaded, values, failed, table, boxes, summary, seeds, workers, inputs)
    experiments = results_table(samples, [f.name for f in factors], seeds, runs, keys,
                                index="future", common=False)
    return DiscoveryResult(out=out, values=values, failed=failed, robustness=table,
                           boxes=boxes, summary=summary, experiments=experiments)


def _write_outputs(out: Path, loaded: LoadedDiscovery, values: pd.DataFrame,
                   failed: pd.DataFrame, table: pd.DataFrame, boxes: dict[str, Box],
                   summary: list[str], seeds: list[int], workers: int,
                   inputs: list[dict[str, str]]) -> None:
    from ..manifest import core
    from ..outputs.discover_plots import plot_box, plot_robustness, plot_trajectory

    spec = loaded.spec
    futures = values.copy()
    for p in loaded.policies:
        futures[f"{p}:failed"] = failed[p].to_numpy()
    atomic_write(out / "futures.parquet", lambda tmp: futures.to_parquet(tmp, index=False))
    _csv(out / "robustness.csv", table)
    _csv(out / "boxes.csv", boxes_table(boxes))
    text = [f"# Scenario discovery: {spec.name}", "",
            f"Failure: {spec.criterion.describe()} (mean of the last {spec.window} months), "
            f"over {spec.futures} futures x {spec.replicates} replicates.", ""]
    text += [f"- {line}" for line in summary]
    best = table.iloc[0]
    text += ["", f"Most robust: {best['policy']} satisfies the criterion in "
                 f"{best['satisficing_share']:.0%} of futures (90th percentile of regret "
                 f"{best['regret_p90']:.3g})."]
    atomic_write(out / "summary.md", lambda tmp: Path(tmp).write_text("\n".join(text) + "\n"))
    names = [f.name for f in loaded.factors]
    for p, box in boxes.items():
        if box.found:
            plot_trajectory(box, out / f"peeling-{p}.png")
            plot_box(box, values[names], failed[p].to_numpy(), out / f"box-{p}.png",
                     {f.name: f.distribution for f in loaded.factors})
    plot_robustness(table, out / "robustness.png", spec.criterion.outcome)
    parameters = {name: scenario_from_dict(data, source=name).params
                  for name, data in loaded.model.scenarios.items()}
    write_json(out / "manifest.json", {
        **core("discovery", parameters=parameters, seeds=seeds, inputs=inputs),
        "discovery": spec.model_dump(),
        "discovery_file": str(loaded.path),
        "scenario_files": {k: str(v) for k, v in loaded.files.items()},
        "criterion": spec.criterion.describe(), "summary": summary,
        "futures": spec.futures, "workers": workers,
    })


def _csv(path: Path, table: pd.DataFrame) -> None:
    atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, lineterminator="\n",
                                                float_format="%.6g"))
