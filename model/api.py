"""One Python function per job, returning DataFrames: what the ``bondsim`` command runs.

    from bondsim import api
    run = api.run("baseline", households=2000, months=24, seed=7)
    run.timeseries                      # one row per month
    eff = api.effect("cash_transfer", replicates=3, households=2000, months=24)
    eff.summary                         # one row per metric: mean, 95% interval, unit

Each function returns its job's result, whose tables are pandas DataFrames (listed in
``docs/python-api.md``), and writes files only when given an output folder ``out``: then it
writes exactly what the command writes there (the command is a thin face over these
functions, so the two cannot drift). Jobs of many runs keep their runs in a temporary folder
when not given one, deleted on return; give ``out`` to keep them and to ``resume``.

The jobs' own modules (``run``, ``batch``, ``sweep``, ...) hold the work; this module only
gives every job one entry point with one shape: a scenario or job file (a path, or a shipped
name), keyword options, ``out``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import BondsimError

if TYPE_CHECKING:
    import pandas as pd

    from .experiments.batch import BatchResult
    from .experiments.calibration import CalibrationResult
    from .experiments.discover import DiscoveryResult
    from .experiments.effect import EffectResult
    from .experiments.measurement import MeasurementError
    from .experiments.plan import PlanResult
    from .experiments.plan_search import SearchResult
    from .experiments.run import RunResult
    from .experiments.scenario import Scenario
    from .experiments.survey import SurveyRun
    from .experiments.sweep import SweepResult
    from .simulation.outcomes import Window

__all__ = ["SurveyStudy", "batch", "calibrate", "compare", "discover", "effect", "plan",
           "plan_search", "run", "survey", "sweep"]

EMA_MISSING = ("needs EMA Workbench, an optional extra: pip install 'bondsim[discover]'")
R = TypeVar("R")


# -- one run, and paired runs -------------------------------------------------------------------
def run(scenario: Scenario | str | Path, *, seed: int | None = None,
        households: int | None = None, months: int | None = None,
        window: Window | None = None, out: str | Path | None = None,
        force: bool = False) -> RunResult:
    """One run of a scenario (``bondsim run``): ``.timeseries``, one row per month.

    ``seed``, ``households``, ``months`` override the scenario file's. ``window``: the months
    that stand for the end of the run in summaries (default the last 12); a month after the
    horizon is refused before the run. With ``out`` (new or empty unless ``force``), writes
    ``timeseries.csv``, ``manifest.json`` and ``trajectories.png``."""
    from .experiments.run import run_scenario
    from .simulation.outcomes import Window

    scenario = _scenario(scenario)
    window = window or Window()
    window.fit(months or scenario.spec.horizon)  # refuse a month after the horizon
    return run_scenario(scenario, seed=seed, households=households, months=months,
                        out=out, write=out is not None, window=window, force=force)


def effect(scenario: Scenario | str | Path, *, baseline: Scenario | str | Path = "baseline",
           replicates: int = 5, seed: int | None = None, households: int | None = None,
           months: int | None = None, window: Window | None = None,
           out: str | Path | None = None, force: bool = False,
           options: Mapping[str, Any] | None = None, decompose: bool = True) -> EffectResult:
    """A policy's effect against a baseline on paired seeds (``bondsim effect``):
    ``.by_seed`` (one row per replicate) and ``.summary`` (one row per metric), and with
    ``decompose`` (the default) ``.channels``: the bonded household-years averted through
    each channel (releases, deterrence, credit, cash) and the remainder, with their shares,
    from runs of the policy with each channel switched off (up to four more runs per
    replicate).

    With ``out``, writes ``effect_by_seed.csv``, ``effect_summary.csv``,
    ``effect_channels.csv`` (if decomposed) and ``manifest.json``, whose ``options`` record
    ``options`` (default: this call's arguments)."""
    from .experiments.effect import paired_effect, write_effect
    from .io import run_folder

    scenario, baseline = _scenario(scenario), _scenario(baseline)
    folder = run_folder(out, force) if out is not None else None  # before the runs
    result = paired_effect(scenario, baseline, replicates=replicates, seed=seed,
                           households=households, months=months, window=window,
                           decompose=decompose)
    if folder is not None:
        if options is None:
            options = {"scenario": _named(scenario), "baseline": _named(baseline),
                       "replicates": replicates, "seed": seed, "households": households,
                       "months": months, "out": str(out), "force": force,
                       "decompose": decompose,
                       **_window_options(window)}
        write_effect(folder, result, scenario, SimpleNamespace(**options), baseline)
    return result


# -- jobs of many runs --------------------------------------------------------------------------
def batch(experiment: str | Path, *, out: str | Path | None = None, workers: int = 1,
          resume: bool = False, progress: bool = False, scheduler: str | None = None,
          csv: bool = False, window: Window | None = None) -> BatchResult:
    """An experiment file's scenarios x replicates (``bondsim batch``): ``.timeseries``
    (every run's months, long) and ``.summary`` (per scenario and outcome over ``window``).
    ``workers`` local processes, or a Dask ``scheduler``'s address."""
    from .experiments.batch import run_batch
    from .simulation.outcomes import LAST_YEAR

    with _folder(out, resume) as folder:
        result = run_batch(experiment, out=folder, workers=workers, resume=resume,
                           progress=progress, scheduler=scheduler, csv=csv,
                           window=window or LAST_YEAR)
        return _kept(result, out)


def compare(batch: str | Path | BatchResult | pd.DataFrame, *, baseline: str = "baseline",
            window: Window | None = None) -> pd.DataFrame:
    """A batch's scenarios against its baseline, paired by replicate (``bondsim compare``):
    one row per scenario and measure, mean difference with a 95% interval.

    ``batch``: a batch's output folder (then ``compare.csv`` and ``compare.png`` are written
    there, as the command does, and the window defaults to the batch's own), or a batch's
    result or long table (nothing is written; the window defaults to the last 12 months)."""
    import pandas as pd

    from .experiments.compare import compare_dir, compare_table
    from .simulation.outcomes import LAST_YEAR

    if isinstance(batch, str | Path):
        return compare_dir(batch, baseline, window)
    table = batch if isinstance(batch, pd.DataFrame) else batch.timeseries
    return compare_table(table, baseline, window or LAST_YEAR)


def sweep(sweep: str | Path, *, out: str | Path | None = None, workers: int = 1,
          resume: bool = False, progress: bool = False,
          scheduler: str | None = None) -> SweepResult:
    """Global sensitivity analysis of a sweep file (``bondsim sweep``): ``.indices`` (factors
    ranked per outcome), ``.noise``, ``.convergence`` and ``.results`` (every run)."""
    from .experiments.sweep import run_sweep

    with _folder(out, resume) as folder:
        return _kept(run_sweep(sweep, out=folder, workers=workers, resume=resume,
                               progress=progress, scheduler=scheduler), out)


def plan(plan: str | Path, *, out: str | Path | None = None, workers: int = 1,
         resume: bool = False, progress: bool = False,
         scheduler: str | None = None) -> PlanResult:
    """Strategies for districts under a budget (``bondsim plan``): ``.by_run``,
    ``.districts``, ``.totals``, ``.allocations``; and ``.search`` (``plan_search``'s
    result) when the plan file has a ``[search]`` table."""
    from .experiments.plan import run_plan

    with _folder(out, resume) as folder:
        return _kept(run_plan(plan, out=folder, workers=workers, resume=resume,
                              progress=progress, scheduler=scheduler), out)


def plan_search(plan: str | Path, *, workers: int = 1, progress: bool = False,
                scheduler: str | None = None) -> SearchResult:
    """Only the search of a plan file's ``[search]`` table, without its written strategies:
    ``.curve`` (the best objective per budget), ``.best`` (that allocation by district and
    intervention), ``.by_run`` and ``.allocations`` (the best allocation at the largest
    budget run like a strategy). Runs in memory and writes nothing; ``plan`` writes it."""
    from .experiments.plan import load_plan
    from .experiments.plan_search import search_plan

    loaded = load_plan(plan)
    if loaded.spec.search is None:
        raise BondsimError(f"{loaded.path}: no [search] table; expected one to search")
    return search_plan(loaded, None, workers=workers, progress=progress,  # type: ignore[arg-type]
                       scheduler=scheduler)


def calibrate(calibration: str | Path, *, out: str | Path | None = None, workers: int = 1,
              resume: bool = False, progress: bool = False,
              scheduler: str | None = None) -> CalibrationResult:
    """Fit uncertain parameters to field figures (``bondsim calibrate``): ``.posterior``,
    ``.fit`` (on fresh seeds), ``.draws`` (every draw) and ``.met``."""
    from .experiments.calibration import run_calibration

    with _folder(out, resume) as folder:
        return _kept(run_calibration(calibration, out=folder, workers=workers, resume=resume,
                                     progress=progress, scheduler=scheduler), out)


def discover(discovery: str | Path, *, out: str | Path | None = None, workers: int = 1,
             resume: bool = False, progress: bool = False,
             scheduler: str | None = None) -> DiscoveryResult:
    """Scenario discovery and robustness (``bondsim discover``; needs the ``discover``
    extra): ``.values`` (futures and outcomes), ``.failed``, ``.robustness``, ``.boxes`` and
    ``.summary`` (one sentence per policy)."""
    import importlib.util

    if importlib.util.find_spec("ema_workbench") is None:
        raise BondsimError(f"discover {EMA_MISSING} (for PRIM)")
    from .experiments.discover import run_discovery

    with _folder(out, resume) as folder:
        return _kept(run_discovery(discovery, out=folder, workers=workers, resume=resume,
                                   progress=progress, scheduler=scheduler), out)


# -- a simulated survey -------------------------------------------------------------------------
@dataclass
class SurveyStudy:
    """What ``survey`` produced: the surveys at ``kilns`` kilns and the precision curve."""

    scenario: Scenario
    run: SurveyRun            # .table (every survey), .summary (per outcome), .frames
    curve: pd.DataFrame       # per outcome and kiln count: half-width, coverage, bias, RMSE
    dropped: list[int]        # kiln counts left out of the curve: more than the frame has
    out: Path | None

    @property
    def summary(self) -> pd.DataFrame:
        """One row per outcome at ``kilns`` kilns: true value, estimate, bias, RMSE, ..."""
        return self.run.summary


def survey(scenario: Scenario | str | Path, *, kilns: int, replicates: int = 5,
           surveys: int = 200, seed: int | None = None, households: int | None = None,
           months: int | None = None, month: int | None = None, district: str | None = None,
           error: MeasurementError | None = None, counts: Sequence[int] | None = None,
           precision: float = 0.05, out: str | Path | None = None, force: bool = False,
           options: Mapping[str, Any] | None = None) -> SurveyStudy:
    """A simulated rapid assessment (``bondsim survey``): ``kilns`` kilns surveyed
    ``surveys`` times on each of ``replicates`` runs with measurement ``error`` (default
    ``MeasurementError()``), and the precision curve over ``counts`` kiln counts (and
    ``kilns``) against the ``precision`` target.

    With ``out``, writes ``survey.csv``, ``summary.csv``, ``precision.csv``,
    ``precision.png`` and ``manifest.json`` (whose ``options`` record ``options``, default
    this call's arguments)."""
    from .experiments.measurement import DEFAULT_KILN_COUNTS, MeasurementError
    from .experiments.survey import (
        _base_seed,
        _check_kilns,
        precision_curve,
        run_survey,
        survey_frames,
        write_survey,
    )
    from .io import run_folder

    if not 0 < precision < 1:
        raise BondsimError(f"precision (--precision) must be a share between 0 and 1, got "
                          f"{precision}")
    scenario = _scenario(scenario)
    folder = run_folder(out, force) if out is not None else None  # before the runs
    error = MeasurementError() if error is None else error
    counts = list(DEFAULT_KILN_COUNTS if counts is None else counts)
    frames = survey_frames(scenario, replicates=replicates, seed=seed, households=households,
                           months=months, month=month, district=district)
    frame_kilns = min(f.kilns for f in frames)
    _check_kilns(kilns, frame_kilns, district)
    base = _base_seed(scenario, seed)
    surveyed = run_survey(frames, kilns=kilns, surveys=surveys, seed=base, error=error)
    counts = sorted(set(counts) | {kilns})
    curve = precision_curve(frames, counts, surveys=surveys, seed=base, error=error)
    if folder is not None:
        if options is None:
            options = {"scenario": _named(scenario), "kilns": kilns,
                       "replicates": replicates, "surveys": surveys, "seed": seed,
                       "households": households, "months": months, "month": month,
                       "district": district, "precision": precision, "counts": counts,
                       "error": dataclasses.asdict(error), "out": str(out), "force": force}
        write_survey(folder, surveyed, curve, scenario, options, precision)
    return SurveyStudy(scenario=scenario, run=surveyed, curve=curve,
                       dropped=[n for n in counts if n > frame_kilns], out=folder)


# -- helpers ------------------------------------------------------------------------------------
def _scenario(scenario: Scenario | str | Path) -> Scenario:
    from .experiments.scenario import Scenario, load_scenario

    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def _named(scenario: Scenario) -> str:
    """How a manifest's options name a scenario: its file, else its name."""
    return str(scenario.path) if scenario.path else scenario.spec.name


def _window_options(window: Window | None) -> dict[str, int | None]:
    """A window as the command's options say it (``--window``, ``--month``)."""
    if window is None:
        return {"window": None, "month": None}
    return {"window": None if window.month is not None else window.months,
            "month": window.month}


@contextlib.contextmanager
def _folder(out: str | Path | None, resume: bool) -> Iterator[Path]:
    """``out``, or a temporary folder (deleted on leaving) for a job that keeps its runs on
    disk as it goes: its store of finished runs and its files."""
    if out is not None:
        yield Path(out)
        return
    if resume:
        raise BondsimError("resume needs out: the folder of the job to finish")
    with tempfile.TemporaryDirectory(prefix="bondsim-") as tmp:
        yield Path(tmp) / "job"


def _kept(result: R, out: str | Path | None) -> R:
    """``result``, naming no folder if its folder was a temporary one."""
    return result if out is not None else dataclasses.replace(result, out=None)  # type: ignore[type-var]
