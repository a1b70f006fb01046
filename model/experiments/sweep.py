"""Sweep files and ``bondsim sweep``: global sensitivity analysis of bondsim's scenarios.

A sweep file (TOML, in ``experiments/``) names a scenario, the factors to vary (model
parameters and the scenario's intervention levers), the outcomes to analyse, the method and
the sample size::

    name = "levers_and_assumptions"
    scenario = "../scenarios/combined_package.toml"
    method = "sobol"          # sobol | morris | pawn
    samples = 64              # Sobol base sample (a power of 2) | Morris trajectories | PAWN points
    replicates = 2            # runs per sample point, averaged (noise share reported)
    seed = 1
    households = 1000         # optional overrides of the scenario's population and horizon
    months = 60
    window = 12               # outcomes averaged over the last 12 months (1: the horizon month)
    outcomes = ["bonded_share", "bonded_household_years_averted"]

    [[factors]]
    name = "prison_cost_months"                        # a model parameter
    low = 0.5
    high = 8
    group = "deterrence"                             # optional

    [[factors]]
    name = "inspections.inspections_per_district"    # a lever: <label>.<field>
    low = 0
    high = 40

Outcomes are either monthly outcomes (``bondsim.OUTCOMES``; the mean over the last
``window`` months of the run) or effect metrics against a counterfactual (``paired.METRICS``:
bonded household-years averted, public cost, cost per unit averted, ...; defined in
``paired.py`` for every job). The counterfactual is the scenario with its interventions
removed, in the same world: parameter factors apply to both runs, lever factors only to the
scenario, and both runs share the seed (common random numbers), so that each point measures
the package under that point's assumptions. ``baseline = "FILE"`` names another baseline
scenario instead. The manifest states which (``counterfactual``). Metric names used before
issue 16 (``bonded_share_change_last_year``) are accepted with a warning.

A sweep is a thin layer over the experiment core (``bondsim.experiments.experiment``): its factors
are uncertainties and levers, each sample point and replicate an experiment (the scenario as the
policy, and its counterfactual for effect outcomes), and ``results.parquet`` the results
table. The points run on the shared executor (local processes, or Dask with
``--scheduler``); each finished sample point is saved at once, so ``--resume`` finishes an
interrupted sweep.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .._lazy import deferred
from ..errors import BondsimError
from ..io import atomic_write, input_file, output_folder, read_toml, write_json
from ..shipped import locate
from ..simulation.outcomes import OUTCOMES
from .experiment import Experiment, WindowMean, effects, results_table, run_experiment
from .factors import Factor, Target, check_factors
from .paired import METRICS, counterfactual, renamed
from .scenario import MAX_HOUSEHOLDS, read_spec, scenario_from_dict

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = deferred("pandas")  # imported on first use: validating stays fast

STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
MONTHLY = [name for name in OUTCOMES if name not in ("month", "calendar_month")]
SWEEP_OUTCOMES = [*MONTHLY, *METRICS]


class FactorSpec(BaseModel):
    """One factor of a sweep file's ``[[factors]]`` list."""

    model_config = STRICT
    name: str = Field(min_length=1)
    low: float
    high: float
    group: str | None = Field(None, min_length=1)
    distribution: Literal["uniform", "loguniform", "triangular", "truncnormal"] = "uniform"
    mode: float | None = None
    mean: float | None = None
    sd: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _shape(self) -> FactorSpec:
        try:
            self.factor()
        except BondsimError as exc:
            raise ValueError(str(exc).split(": ", 1)[1]) from None
        return self

    def factor(self) -> Factor:
        return Factor(self.name, self.low, self.high, self.group, self.distribution,
                      self.mode, self.mean, self.sd)


class SweepSpec(BaseModel):
    """The validated content of a sweep file."""

    model_config = STRICT
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    scenario: str = Field(min_length=1)
    baseline: str | None = Field(None, min_length=1)
    method: Literal["sobol", "morris", "pawn"] = "sobol"
    samples: int = Field(64, ge=2, le=1_000_000)
    replicates: int = Field(2, ge=1, le=10_000)
    seed: int = Field(0, ge=0, lt=2**63)
    households: int | None = Field(None, ge=1, le=MAX_HOUSEHOLDS)
    months: int | None = Field(None, ge=1, le=1200)
    window: int = Field(12, ge=1, le=1200)
    second_order: bool = False
    levels: int = Field(4, ge=2, le=20)
    slices: int = Field(10, ge=2, le=100)
    resamples: int = Field(200, ge=10, le=100_000)
    convergence: list[Annotated[int, Field(ge=2)]] | None = None
    outcomes: list[str] = Field(min_length=1)
    factors: list[FactorSpec] = Field(min_length=1)

    @field_validator("samples")
    @classmethod
    def _power_of_two(cls, value: int, info: ValidationInfo) -> int:
        if info.data.get("method") == "sobol" and value & (value - 1):
            raise ValueError(f"Sobol needs a power of 2 (e.g. {1 << (value.bit_length() - 1)})")
        return value

    @field_validator("second_order")
    @classmethod
    def _sobol_only(cls, value: bool, info: ValidationInfo) -> bool:
        if value and info.data.get("method") != "sobol":
            raise ValueError("second_order applies to Sobol only")
        return value

    @field_validator("convergence")
    @classmethod
    def _nested(cls, value: list[int] | None, info: ValidationInfo) -> list[int] | None:
        samples, sobol = info.data.get("samples"), info.data.get("method") == "sobol"
        for size in value or []:
            if (samples is not None and size > samples) or (sobol and size & (size - 1)):
                raise ValueError(f"convergence size {size}: expected sizes up to samples = "
                                 f"{samples}" + (", each a power of 2" if sobol else ""))
        return value

    @field_validator("outcomes")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        value = [renamed(o) or o for o in value]  # old names: a warning (old_names) says so
        unknown = [o for o in value if o not in SWEEP_OUTCOMES]
        if unknown:
            said = ", ".join(f"{u!r}" + "".join(
                f" (did you mean {h!r}?)" for h in difflib.get_close_matches(
                    u, SWEEP_OUTCOMES, n=1)) for u in unknown)
            raise ValueError(f"unknown outcomes {said}; expected monthly outcomes "
                             f"(bondsim.OUTCOMES) or effect metrics ({', '.join(METRICS)})")
        return value

    @field_validator("factors")
    @classmethod
    def _distinct(cls, value: list[FactorSpec], info: ValidationInfo) -> list[FactorSpec]:
        names = [f.name for f in value]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"factors {repeated} appear more than once; expected distinct "
                             f"factors")
        if info.data.get("method") == "pawn" and any(f.group for f in value):
            raise ValueError("PAWN analyses single factors; remove the groups or use Sobol or "
                             "Morris")
        return value


@dataclass(frozen=True)
class ScenarioModel:
    """bondsim as a model for the sensitivity engine: ``f(params, seed) -> outcomes``.
    Picklable, so that it can run in worker processes and on a Dask cluster."""

    data: dict[str, Any]                  # the scenario file's content
    source: str
    baseline: dict[str, Any] | None       # the baseline's content (effect outcomes only)
    targets: tuple[Target, ...]
    outcomes: tuple[str, ...]
    households: int | None
    months: int | None
    window: int

    def __call__(self, params: dict[str, float], seed: int) -> dict[str, float]:
        name = str(self.data.get("name", "scenario"))
        policy = run_experiment(Experiment(
            name, self.data, 0, seed, self.households, self.months, values=params,
            targets=self.targets, source=self.source))
        out = policy.measure([WindowMean(o, self.window) for o in OUTCOMES
                              if o in self.outcomes])
        if self.baseline is not None:  # the same future, without the levers' values
            world = run_experiment(Experiment(
                f"{name} (baseline)", self.baseline, 0, seed, self.households, self.months,
                values=params, targets=self.targets, levers=False,
                source=f"{self.source} (baseline)"))
            out |= effects(world, policy)
        return out


@dataclass
class LoadedSweep:
    spec: SweepSpec
    path: Path
    scenario_file: Path
    baseline_file: Path | None
    model: ScenarioModel
    factors: list[Factor]
    warnings: tuple[str, ...] = ()

    def runs(self) -> int:
        """Model runs the sweep needs (each effect outcome point runs a baseline too)."""
        from .sensitivity import block, salib_problem
        factors = self.factors
        rows = block(self.spec.method, salib_problem(factors), self.spec.second_order)
        runs = self.spec.samples * rows * self.spec.replicates
        return runs * (2 if self.model.baseline is not None else 1)


def load_sweep(path: str | Path) -> LoadedSweep:
    """Read and validate a sweep file, its scenario, and every factor's target and range."""
    path = locate(path, "experiment")
    spec = read_spec(path, "sweep", SweepSpec)
    scenario_file = input_file(path, spec.scenario, "scenario")
    data = read_toml(scenario_file, "scenario")
    scenario_from_dict(data, source=str(scenario_file))  # the scenario itself is valid
    targets = check_factors(path, "factors", spec.factors, data)
    baseline_file = None
    baseline = None
    if any(o in METRICS for o in spec.outcomes):
        if spec.baseline is not None:
            baseline_file = input_file(path, spec.baseline, "baseline")
            baseline = read_toml(baseline_file, "scenario")
            scenario_from_dict(baseline, source=str(baseline_file))
            baseline["population"] = data.get("population", {})  # same families as the policy
            baseline["horizon"] = data.get("horizon", 120)  # and the same months
        else:
            baseline = {k: v for k, v in data.items() if k != "interventions"}
            baseline["name"] = f"{data.get('name', 'scenario')}-without-interventions"
    model = ScenarioModel(data=data, source=str(scenario_file), baseline=baseline,
                          targets=tuple(targets), outcomes=tuple(spec.outcomes),
                          households=spec.households, months=spec.months, window=spec.window)
    return LoadedSweep(spec=spec, path=path, scenario_file=scenario_file,
                       baseline_file=baseline_file, model=model,
                       factors=[f.factor() for f in spec.factors],
                       warnings=old_names(path, read_toml(path, "sweep").get("outcomes")))


def old_names(path: Path, said: Any) -> tuple[str, ...]:
    """One warning line per effect metric a file names as before issue 16 (accepted, under
    its new name)."""
    out = []
    for name in said if isinstance(said, list) else []:
        new = renamed(name) if isinstance(name, str) else None
        if new is not None:
            out.append(f"{path}: outcome {name!r} is now {new!r} (households freed, "
                       f"baseline - scenario: the old share change times -households); "
                       f"the old name is read as the new one")
    return tuple(out)


@dataclass
class SweepResult:
    out: Path
    indices: pd.DataFrame
    noise: pd.DataFrame
    convergence: pd.DataFrame
    results: pd.DataFrame   # every run: point, replicate, seed, factor values, outcomes
    skipped: dict[str, str]  # outcomes that could not be analysed, and why


def run_sweep(sweep: str | Path, *, out: str | Path, workers: int = 1, resume: bool = False,
              progress: bool = False, scheduler: str | None = None) -> SweepResult:
    """Run a sweep file; write and return its ranking, noise, convergence and every run."""
    from ..manifest import input_files
    from .sensitivity import PointStore, analyse_sample

    loaded = load_sweep(sweep)
    spec = loaded.spec
    inputs = input_files(("sweep", loaded.path), ("scenario", loaded.scenario_file),
                         ("baseline", loaded.baseline_file))  # as read, before the runs
    out = output_folder(out, resume, "sweep")
    result = analyse_sample(
        loaded.model, loaded.factors, spec.outcomes, spec.method, spec.samples,
        replicates=spec.replicates, seed=spec.seed, resamples=spec.resamples,
        second_order=spec.second_order, levels=spec.levels, slices=spec.slices,
        workers=workers, progress=progress, scheduler=scheduler,
        store=PointStore(out / "runs"), sizes=spec.convergence,
        layout_extra={"outcome_layout": list(OUTCOMES), "window": spec.window,
                      "households": spec.households, "months": spec.months,
                      "scenario": loaded.model.data, "baseline": loaded.model.baseline})
    results = _long_table(result, loaded)
    _write(out, "indices.csv", result.indices)
    _write(out, "noise.csv", result.noise)
    _write(out, "convergence.csv", result.convergence)
    if not result.second_order.empty:
        _write(out, "second_order.csv", result.second_order)
    atomic_write(out / "results.parquet", lambda tmp: results.to_parquet(tmp, index=False))
    from ..outputs.sensitivity_plots import plot_convergence, plot_morris, plot_ranking
    plot_ranking(result.indices, spec.method, out / "ranking.png")
    plot_convergence(result.convergence, spec.method, out / "convergence.png")
    if spec.method == "morris":
        plot_morris(result.indices, out / "morris.png")
    from ..manifest import core
    write_json(out / "manifest.json", {
        **core("sweep", parameters=_parameters(loaded), seeds=result.seeds, inputs=inputs),
        "sweep": spec.model_dump(), "sweep_file": str(loaded.path),
        "scenario_file": str(loaded.scenario_file),
        "baseline_file": str(loaded.baseline_file) if loaded.baseline_file else None,
        "baseline": ("the scenario without its interventions"
                     if loaded.model.baseline is not None and loaded.baseline_file is None
                     else None),
        "counterfactual": (None if loaded.model.baseline is None else counterfactual(
            "sweep", None if loaded.baseline_file is None else
            str(loaded.model.baseline.get("name", loaded.baseline_file.stem)))),
        "scenario": loaded.model.data,
        "factors": [{"name": t.factor, "sets": t.describe(), "integer": t.integer}
                    for t in loaded.model.targets],
        "skipped_outcomes": result.skipped,
        "points": len(result.samples), "model_runs": loaded.runs(), "workers": workers,
    })
    return SweepResult(out=out, indices=result.indices, noise=result.noise,
                       convergence=result.convergence, results=results,
                       skipped=result.skipped)


def _parameters(loaded: LoadedSweep) -> dict[str, Any]:
    """The parameters of the scenario (and of its baseline) before the factors vary them, by
    scenario name."""
    model = loaded.model
    scenario = scenario_from_dict(model.data, source=model.source)
    out = {scenario.name: scenario.params}
    if model.baseline is not None:
        base = scenario_from_dict(model.baseline, source=model.source)
        out[base.name if base.name != scenario.name else f"{base.name} (baseline)"] = base.params
    return out


def _long_table(result: Any, loaded: LoadedSweep) -> pd.DataFrame:
    """The results table: one row per run (the point, its replicate and seed, the factor
    values, the outcomes)."""
    return results_table(result.samples, [f.name for f in loaded.factors], result.seeds,
                         result.runs, loaded.spec.outcomes)


def _write(out: Path, name: str, table: pd.DataFrame) -> None:
    atomic_write(out / name, lambda tmp: table.to_csv(tmp, index=False, lineterminator="\n",
                                                      float_format="%.6g"))
