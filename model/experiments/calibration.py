"""Calibration: fit uncertain parameters so that scenarios reproduce field figures.

A calibration file (TOML, in ``experiments/``) names the parameters to fit, each with a prior
range (declared like a sweep factor: bounds, distribution), and the targets: a statistic of a
scenario's outcomes with the field value, a tolerance and the source::

    name = "baseline_calibration"
    samples = 400            # draws from the priors (Latin hypercube)
    replicates = 2           # runs per draw, averaged
    households = 2000
    months = 96
    window = 48              # statistics over the last 48 months

    [[parameters]]
    name = "markup_annual"
    low = 0.0
    high = 1.0

    [[targets]]
    scenario = "../scenarios/baseline.toml"
    outcome = "indebted_share"          # mean over the window
    value = 0.82
    tolerance = 0.08
    source = "70-97% of kiln households carry advances [@nchr-2025]"   # docs/references.md

    [[targets]]
    scenario = "../scenarios/inspections_only.toml"
    outcome = "cases_registered"
    per = "inspections"                 # a ratio of sums over the window
    value = 0.08
    tolerance = 0.03
    source = "about 0.08 cases per inspection [@nation-2018-police]"

The method is approximate Bayesian computation by rejection, which needs nothing of the
model but runs, copes with its noise and says how well the figures pin each parameter down:
draw parameter sets from the priors, run every target scenario with each (replicates
averaged, each draw on seeds of its own so that luck does not shift every draw alike), and
accept the draws whose statistics all lie within
their tolerances (distance ``max |simulated - value| / tolerance <= 1``). The accepted draws
approximate the posterior: their median is the fitted value and their 5-95% range its spread.
If fewer than ``min_accepted`` draws meet every tolerance, the closest ``min_accepted`` are
accepted instead and the result says so (the tolerances, the priors or the model need
another look). The fitted values are then run again on fresh seeds and compared with every
target in a table and a plot.

Each draw is a future and each run an experiment of the experiment core
(``bondsim.experiments.experiment``): parallel on the shared executor and resumable draw by draw;
``CalibrationResult.experiments`` is the results table.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .._lazy import deferred
from ..errors import BondsimError
from ..io import atomic_write, input_file, output_folder, read_toml, write_json
from ..shipped import locate
from ..simulation.outcomes import OUTCOMES
from .experiment import (
    Experiment,
    RatioOverWindow,
    WindowMean,
    evaluate,
    results_table,
    run_experiment,
    run_futures,
)
from .factors import Factor, Target, check_factors
from .paired import replicate_seeds
from .scenario import MAX_HOUSEHOLDS, read_spec, scenario_from_dict
from .sweep import FactorSpec

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = deferred("pandas")  # imported on first use: validating stays fast

STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
STATISTICS = [name for name in OUTCOMES if name not in ("month", "calendar_month")]


class TargetSpec(BaseModel):
    """A field figure the calibrated model should reproduce."""

    model_config = STRICT
    scenario: str = Field(min_length=1)
    outcome: str
    per: str | None = None
    value: float
    tolerance: float = Field(gt=0)
    source: str = Field(min_length=3)
    label: str | None = None

    @field_validator("outcome", "per")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        if value is not None and value not in STATISTICS:
            hint = difflib.get_close_matches(value, STATISTICS, n=1)
            raise ValueError(f"unknown outcome {value!r}" + (f"; did you mean {hint[0]!r}?"
                                                              if hint else ""))
        return value

    def key(self, scenario_name: str) -> str:
        base = self.label or (f"{self.outcome}_per_{self.per}" if self.per else self.outcome)
        return f"{scenario_name}:{base}"


class CalibrationSpec(BaseModel):
    """The validated content of a calibration file."""

    model_config = STRICT
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    samples: int = Field(400, ge=10, le=1_000_000)
    replicates: int = Field(2, ge=1, le=1000)
    check_replicates: int = Field(5, ge=2, le=1000)
    min_accepted: int = Field(10, ge=2)
    seed: int = Field(0, ge=0, lt=2**32)
    households: int | None = Field(None, ge=1, le=MAX_HOUSEHOLDS)
    months: int | None = Field(None, ge=1, le=1200)
    window: int = Field(12, ge=1, le=1200)
    parameters: list[FactorSpec] = Field(min_length=1)
    targets: list[TargetSpec] = Field(min_length=1)


@dataclass(frozen=True)
class TargetStat:
    """How one target is computed from a run's monthly outcomes."""

    key: str
    scenario: str      # the scenario's name
    outcome: str
    per: str | None

    def statistic(self, window: int) -> WindowMean | RatioOverWindow:
        """The outcome it is computed as: the mean over the window (months without a value,
        such as no pay in a closure, skipped), or a ratio of sums over the window."""
        if self.per is None:
            return WindowMean(self.outcome, window, self.key)
        return RatioOverWindow(self.outcome, self.per, window, self.key)


@dataclass(frozen=True)
class CalibrationModel:
    """The calibration's model for the engine: ``f(params, seed) -> {target: statistic}``.
    Each distinct target scenario runs once per call."""

    scenarios: dict[str, dict[str, Any]]    # name -> scenario data
    targets: tuple[Target, ...]
    stats: tuple[TargetStat, ...]
    households: int | None
    months: int | None
    window: int

    def __call__(self, params: dict[str, float], seed: int) -> dict[str, float]:
        out = {}
        for name, data in self.scenarios.items():
            run = run_experiment(Experiment(name, data, 0, seed, self.households, self.months,
                                            values=params, targets=self.targets))
            for stat in self.stats:
                if stat.scenario == name:
                    out[stat.key] = stat.statistic(self.window).measure(run)
        return out


@dataclass
class LoadedCalibration:
    spec: CalibrationSpec
    path: Path
    factors: list[Factor]
    model: CalibrationModel
    files: dict[str, Path]                 # scenario name -> file
    target_rows: list[dict[str, Any]]      # key, scenario, outcome, per, value, tolerance, source

    @functools.cached_property
    def target_table(self) -> pd.DataFrame:
        """The targets as a table (built when first needed: validating needs no pandas)."""
        return pd.DataFrame(self.target_rows)


def load_calibration(path: str | Path) -> LoadedCalibration:
    """Read and validate a calibration file, its scenarios and every parameter's range."""
    path = locate(path, "experiment")
    spec = read_spec(path, "calibration", CalibrationSpec)
    names = [p.name for p in spec.parameters]
    if len(set(names)) != len(names):
        raise BondsimError(f"{path}: field 'parameters': names {names} must be distinct")
    scenarios: dict[str, dict[str, Any]] = {}
    files: dict[str, Path] = {}
    stats, rows = [], []
    for i, target in enumerate(spec.targets):
        file = input_file(path, target.scenario, f"targets.{i}.scenario")
        data = read_toml(file, "scenario")
        name = scenario_from_dict(data, source=str(file)).name
        scenarios[name], files[name] = data, file
        key = target.key(name)
        if key in {s.key for s in stats}:
            raise BondsimError(f"{path}: field 'targets.{i}': a second target {key!r}; set "
                               f"'label' to tell them apart")
        stats.append(TargetStat(key, name, target.outcome, target.per))
        rows.append({"target": key, "scenario": name, "outcome": target.outcome,
                     "per": target.per or "", "value": target.value,
                     "tolerance": target.tolerance, "source": target.source})
    targets = check_factors(path, "parameters", spec.parameters,
                            next(iter(scenarios.values())), levers=False)
    model = CalibrationModel(scenarios=scenarios, targets=tuple(targets), stats=tuple(stats),
                             households=spec.households, months=spec.months,
                             window=spec.window)
    return LoadedCalibration(spec=spec, path=path, factors=[p.factor() for p in spec.parameters],
                             model=model, files=files, target_rows=rows)


def distances(stats: np.ndarray, values: np.ndarray, tolerances: np.ndarray) -> np.ndarray:
    """Each draw's distance: the largest miss in units of its tolerance (NaN counts as a
    miss); <= 1 means every target is met. ``stats`` is draws x targets."""
    miss = np.abs(stats - values[None, :]) / tolerances[None, :]
    miss = np.where(np.isfinite(miss), miss, np.inf)
    return miss.max(axis=1)


def accept(dist: np.ndarray, least: int) -> tuple[np.ndarray, bool]:
    """The accepted draws: every draw within tolerance, or else the ``least`` closest
    (flagged, so the result can say the tolerances were not met)."""
    within = np.flatnonzero(dist <= 1.0)
    if within.size >= least:
        return within, True
    return np.argsort(dist, kind="stable")[:least], False


@dataclass
class CalibrationResult:
    out: Path
    posterior: pd.DataFrame    # parameter, fitted, best, p05, p95, sd, prior_low, prior_high
    fit: pd.DataFrame          # target, value, tolerance, simulated, low, high, within (and
    #                            the same at the current defaults: default_simulated, _within)
    draws: pd.DataFrame        # every draw: parameters, statistics, distance, accepted
    met: bool                  # whether enough draws met every tolerance
    experiments: pd.DataFrame  # the results table: every draw x replicate, its seed,
    #                            parameters and statistics


def run_calibration(calibration: str | Path, *, out: str | Path, workers: int = 1,
                    resume: bool = False, progress: bool = False,
                    scheduler: str | None = None) -> CalibrationResult:
    """Draw, run, accept, check the fit; write the tables, plots and manifest."""
    from ..manifest import input_files

    loaded = load_calibration(calibration)
    spec = loaded.spec
    inputs = input_files(("calibration", loaded.path),
                         *(("scenario", f) for f in loaded.files.values()))  # as read
    out = output_folder(out, resume, "calibration")
    factors = loaded.factors
    keys = list(loaded.target_table["target"])
    samples, seeds, runs = run_futures(
        loaded.model, factors, keys, n=spec.samples, seed=spec.seed,
        replicates=spec.replicates, folder=out / "runs", job="calibration", workers=workers,
        progress=progress, scheduler=scheduler,
        layout={"kind": "calibration", "households": spec.households, "months": spec.months,
                "window": spec.window, "scenarios": loaded.model.scenarios})
    stats = runs.mean(axis=2).T  # draws x targets
    values = loaded.target_table["value"].to_numpy(dtype=float)
    tolerances = loaded.target_table["tolerance"].to_numpy(dtype=float)
    dist = distances(stats, values, tolerances)
    chosen, met = accept(dist, spec.min_accepted)
    posterior = summarise_posterior(factors, samples, chosen, dist)
    fit = check_fit(loaded, posterior["fitted"].to_numpy(dtype=float), workers=workers,
                    scheduler=scheduler)
    defaults = posterior["default"].to_numpy(dtype=float)
    if np.all(np.isfinite(defaults)):  # how the current defaults fare, on the same seeds
        at_default = check_fit(loaded, defaults, workers=workers, scheduler=scheduler)
        fit["default_simulated"] = at_default["simulated"]
        fit["default_within"] = at_default["within"]
    draws = pd.DataFrame(samples, columns=[f.name for f in factors])
    for k, key in enumerate(keys):
        draws[key] = stats[:, k]
    draws["distance"] = dist
    draws["accepted"] = np.isin(np.arange(len(dist)), chosen)
    _write(out / "posterior.csv", posterior)
    _write(out / "fit.csv", fit)
    _write(out / "targets.csv", loaded.target_table)
    atomic_write(out / "draws.parquet", lambda tmp: draws.to_parquet(tmp, index=False))
    from ..outputs.calibration_plots import plot_fit, plot_posterior
    plot_fit(fit, out / "fit.png")
    plot_posterior(posterior, draws, out / "posterior.png",
                   {f.name: f.distribution for f in factors})
    from ..manifest import core
    parameters = {name: scenario_from_dict(data, source=name).params
                  for name, data in loaded.model.scenarios.items()}
    write_json(out / "manifest.json", {
        **core("calibration", parameters=parameters, seeds=seeds, inputs=inputs),
        "calibration": spec.model_dump(),
        "calibration_file": str(loaded.path),
        "scenario_files": {k: str(v) for k, v in loaded.files.items()},
        "accepted": len(chosen), "draws": len(dist),
        "met_every_tolerance": bool(met), "workers": workers,
        "fitted": {p: float(v) for p, v in zip(posterior["parameter"], posterior["fitted"],
                                                strict=True)},
    })
    experiments = results_table(samples, [f.name for f in factors], seeds, runs, keys,
                                index="draw", common=False)
    return CalibrationResult(out=out, posterior=posterior, fit=fit, draws=draws, met=met,
                             experiments=experiments)


def summarise_posterior(factors: list[Factor], samples: np.ndarray, chosen: np.ndarray,
                        dist: np.ndarray) -> pd.DataFrame:
    """Per parameter: the accepted draws' median (the fitted value), the closest draw, the
    5-95% range and sd, beside the prior range and the current default."""
    import dataclasses

    from ..simulation.parameters import Params
    defaults = {f.name: f.default for f in dataclasses.fields(Params)}
    best = int(chosen[np.argmin(dist[chosen])])
    rows = []
    for j, factor in enumerate(factors):
        accepted = samples[chosen, j]
        rows.append({"parameter": factor.name, "fitted": float(np.median(accepted)),
                     "best": float(samples[best, j]),
                     "p05": float(np.percentile(accepted, 5)),
                     "p95": float(np.percentile(accepted, 95)),
                     "sd": float(accepted.std(ddof=1)) if accepted.size > 1 else float("nan"),
                     "prior_low": factor.low, "prior_high": factor.high,
                     "default": defaults.get(factor.name), "accepted": int(accepted.size)})
    return pd.DataFrame(rows)


def check_fit(loaded: LoadedCalibration, values: np.ndarray, *, workers: int = 1,
              scheduler: str | None = None) -> pd.DataFrame:
    """Run parameter values (the fitted ones, or the defaults) on fresh seeds: each target's
    simulated mean and 95% range across those runs, beside the field value and tolerance."""
    spec = loaded.spec
    fitted = np.asarray(values, dtype=float)[None, :]
    keys = list(loaded.target_table["target"])
    seeds = replicate_seeds(spec.seed + 1_000_003, spec.check_replicates)
    runs = evaluate(loaded.model, loaded.factors, fitted, keys, seeds, workers=workers,
                    scheduler=scheduler)[:, 0, :]  # targets x replicates
    table = loaded.target_table[["target", "value", "tolerance", "source"]].copy()
    table["simulated"] = runs.mean(axis=1)
    table["low"] = np.percentile(runs, 2.5, axis=1)
    table["high"] = np.percentile(runs, 97.5, axis=1)
    table["within"] = (table["simulated"] - table["value"]).abs() <= table["tolerance"]
    return table


def _write(path: Path, table: pd.DataFrame) -> None:
    atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, lineterminator="\n",
                                                float_format="%.6g"))
