"""Batches: many scenarios, each replicated, run in parallel, resumable, reproducible.

An experiment file (TOML, in ``experiments/``) lists scenario files, the number of
replicates, a seed and the outcomes to report::

    name = "policies"
    scenarios = ["../scenarios/baseline.toml", "../scenarios/cash_transfer.toml"]
    replicates = 10
    seed = 1
    outcomes = ["bonded_share", "child_labour_rate"]   # default: all
    # households = 2000   # optional overrides of every scenario's population and horizon
    # months = 60

Every scenario gets the same replicate seeds, so replicate ``r`` of two scenarios meets the
same shocks (common random numbers) and their difference is the policies' effect. Each
finished run is written at once, atomically, to ``runs/<scenario>/<replicate>.npy`` (its
outcomes by month, in ``OUTCOMES`` order: cheap to write, safe to read); a
batch run again with ``resume`` does only the runs that are missing, and gives exactly the
results of an uninterrupted batch. A run that raises is recorded with its error and seed in
``runs/<scenario>/<replicate>.error.json`` and the batch goes on.

Each run is an experiment of the experiment core (``bondsim.experiments.experiment``): a policy (the
scenario) in the scenario's own world, one replicate; this module builds them, saves their
monthly outcomes (``bondsim.experiments.stores.RunStore``) and summarises the table they make.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .._lazy import deferred
from ..errors import BondsimError
from ..io import atomic_write, input_file, output_folder, write_json
from ..shipped import locate
from ..simulation.outcomes import (
    LAST_YEAR,
    OUTCOMES,
    Window,
    is_outcome,
    why_undefined,
    window_table,
)
from .executor import run_all
from .experiment import Experiment, run_experiment, scenario_file
from .paired import replicate_seeds
from .scenario import MAX_HOUSEHOLDS, load_scenario, read_spec
from .stores import RunStore

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure
else:
    pd = deferred("pandas")  # imported on first use: validating stays fast

STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class ExperimentSpec(BaseModel):
    """The validated content of an experiment file."""

    model_config = STRICT
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    scenarios: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1)
    replicates: int = Field(10, ge=1, le=100_000)
    seed: int = Field(0, ge=0, lt=2**63)
    outcomes: list[str] | None = None
    households: int | None = Field(None, ge=1, le=MAX_HOUSEHOLDS)
    months: int | None = Field(None, ge=1, le=1200)

    @field_validator("outcomes")
    @classmethod
    def _known_outcomes(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        unknown = [v for v in value if v not in OUTCOMES]
        if unknown:
            import difflib
            hints = {u: difflib.get_close_matches(u, list(OUTCOMES), n=1) for u in unknown}
            said = ", ".join(f"{u!r}" + (f" (did you mean {h[0]!r}?)" if h else "")
                             for u, h in hints.items())
            raise ValueError(f"unknown outcomes {said}; see bondsim.OUTCOMES")
        return value


# one run of a batch: a scenario (the policy, by name and file), its replicate and seed, the
# batch's population and horizon
RunTask = Experiment


def load_experiment(path: str | Path) -> tuple[ExperimentSpec, list[Path]]:
    """Read and validate an experiment file and every scenario it names."""
    path = locate(path, "experiment")
    spec = read_spec(path, "experiment", ExperimentSpec)
    files = []
    for i, name in enumerate(spec.scenarios):
        files.append(input_file(path, name, f"scenarios.{i}"))
    names = [load_scenario(f).name for f in files]  # validates each scenario too
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise BondsimError(f"{path}: field 'scenarios': scenario names {repeated} appear "
                           f"more than once; expected distinct scenarios")
    return spec, files


def tasks(spec: ExperimentSpec, files: list[Path]) -> list[RunTask]:
    """Every run of the batch; replicate r has the same seed in every scenario."""
    seeds = replicate_seeds(spec.seed, spec.replicates)
    out = []
    for file in files:
        name = load_scenario(file).name
        for r, seed in enumerate(seeds):
            out.append(Experiment(name, str(file), r, seed, spec.households, spec.months))
    return out


def run_task(task: RunTask) -> tuple[RunTask, np.ndarray | None, str | None]:
    """Run one task (in a worker): its outcomes (months x OUTCOMES), or the error it raised."""
    try:
        run = run_experiment(task)
    except Exception:
        return task, None, traceback.format_exc()
    return task, run.matrix, None


def store(out: Path) -> RunStore:
    """Where a batch keeps its runs: ``runs/<scenario>/<replicate>.npy``."""
    return RunStore(out / "runs")


def run_file(out: Path, task: RunTask) -> Path:
    return store(out).path(task.policy, task.replicate)


def error_file(out: Path, task: RunTask) -> Path:
    return store(out).error_path(task.policy, task.replicate)


def save(out: Path, task: RunTask, values: np.ndarray | None, error: str | None) -> None:
    """Write one finished run (its outcome matrix, or its error) atomically."""
    if values is not None:
        store(out).save(task.policy, task.replicate, values)
    else:
        store(out).save_error(task.policy, task.replicate, {
            "scenario": task.policy, "replicate": task.replicate, "seed": task.seed,
            "error": error})


def load_run(out: Path, task: RunTask) -> pd.DataFrame:
    """One saved run as a table: scenario, replicate, seed, then every outcome by month."""
    values = np.load(run_file(out, task), allow_pickle=False)
    frame = pd.DataFrame(values, columns=list(OUTCOMES))
    for name in ("month", "calendar_month", "households", "children_5_14"):
        frame[name] = frame[name].astype(np.int64)
    frame.insert(0, "seed", task.seed)
    frame.insert(0, "replicate", task.replicate)
    frame.insert(0, "scenario", task.policy)
    return frame


def execute(todo: list[RunTask], out: Path, workers: int, progress: bool = False,
            scheduler: str | None = None) -> Iterator[RunTask]:
    """Run the tasks (see ``bondsim.experiments.executor``), saving each run as it finishes; yields
    the tasks as they finish. Every way gives the same runs: a run depends only on its task."""
    for task, values, error in run_all(run_task, todo, workers=workers, progress=progress,
                                       scheduler=scheduler):
        save(out, task, values, error)
        yield task


@dataclass
class BatchResult:
    out: Path
    timeseries: pd.DataFrame  # every run's monthly outcomes, long
    summary: pd.DataFrame     # per scenario and outcome over the window (end of the runs)
    errors: list[dict[str, Any]]


def run_batch(experiment: str | Path, *, out: str | Path, workers: int = 1,
              resume: bool = False, progress: bool = False,
              scheduler: str | None = None, csv: bool = False,
              window: Window = LAST_YEAR) -> BatchResult:
    """Run an experiment file; return and write its long table, summary and manifest.
    ``scheduler``: the address of a Dask distributed scheduler to run on instead of local
    processes. ``window``: the months the summary averages as the end of each run (default
    the last 12; ``Window(month=N)`` for one month)."""
    spec, files = load_experiment(experiment)
    window.fit(spec.months or min(load_scenario(f).spec.horizon for f in files))  # before runs
    inputs = experiment_inputs(experiment, files)  # as read, before the runs
    out = output_folder(out, resume, "batch")
    all_tasks = tasks(spec, files)
    check_layout(out)
    todo = [t for t in all_tasks if not run_file(out, t).exists()]
    for _ in execute(todo, out, workers, progress, scheduler):
        pass
    return collect(out, spec, all_tasks, files, workers, csv, window, inputs)


def experiment_inputs(experiment: str | Path, files: list[Path]) -> list[dict[str, str]]:
    """The experiment file and its scenario files, with the sha256 of each, for the
    manifest."""
    from ..manifest import input_files

    return input_files(("experiment", locate(experiment, "experiment")),
                       *(("scenario", f) for f in files))


def check_layout(out: Path) -> None:
    """Run files store outcomes in ``OUTCOMES`` order: refuse to resume a batch whose saved
    runs have another layout (written by another version of bondsim)."""
    store(out).check_columns(list(OUTCOMES), out)


def collect(out: Path, spec: ExperimentSpec, all_tasks: list[RunTask], files: list[Path],
            workers: int, csv: bool = False, window: Window = LAST_YEAR,
            inputs: list[dict[str, str]] | None = None) -> BatchResult:
    """Combine the saved runs (in task order, so the result never depends on finishing
    order), write the long table, the summary, the manifest and the plots. ``inputs``: the
    input files as the job read them (by default as they are now, scenarios only)."""
    frames, errors = [], []
    for task in all_tasks:
        if run_file(out, task).exists():
            frames.append(load_run(out, task))
        elif error_file(out, task).exists():
            errors.append(json.loads(error_file(out, task).read_text()))
    if not frames:
        raise BondsimError(f"{out}: every run failed; see runs/*/*.error.json")
    table = pd.concat(frames, ignore_index=True)
    keep = ["scenario", "replicate", "seed", "month", *(spec.outcomes or
                                                        [c for c in OUTCOMES if c != "month"])]
    table = table[list(dict.fromkeys(keep))]
    atomic_write(out / "timeseries.parquet", lambda tmp: table.to_parquet(tmp, index=False))
    window = window.fit(int(table.groupby(["scenario", "replicate"])["month"].max().min()))
    summary = summarise(table, window)
    atomic_write(out / "summary.csv",
                 lambda tmp: summary.to_csv(tmp, index=False, lineterminator="\n"))
    from ..manifest import core, input_files
    if inputs is None:
        inputs = input_files(*(("scenario", f) for f in files))
    write_json(out / "manifest.json", {
        **core("batch", parameters={s.name: s.params for s in map(scenario_file, map(str, files))},
               seeds=replicate_seeds(spec.seed, spec.replicates), inputs=inputs),
        "experiment": spec.model_dump(),
        "scenario_files": [str(f) for f in files],
        "runs": len(all_tasks), "failed": errors, "workers": workers,
        "window": window.to_dict(),
    })
    if csv:
        atomic_write(out / "timeseries.csv",
                     lambda tmp: table.to_csv(tmp, index=False, lineterminator="\n"))
    plot_batch(out, table, files)
    plot_final(out, table, summary, window)
    return BatchResult(out=out, timeseries=table, summary=summary, errors=errors)


def summarise(table: pd.DataFrame, window: Window = LAST_YEAR) -> pd.DataFrame:
    """Per scenario and outcome, each run's mean over ``window`` (by default its last 12
    months, so never one month when the kilns are shut), then the mean, median and 2.5-97.5%
    range across replicates. Outcomes are named for the window (``bonded_share_last_year``);
    the clock and the population's composition are left out. An outcome undefined in some
    months is averaged over the others; one undefined in every month of the window is kept,
    blank, with a note saying why."""
    outcomes = [c for c in table.columns if is_outcome(c)]
    ends = window_table(table, window, ("scenario", "replicate"), outcomes)
    rows = []
    for scenario, group in ends.groupby("scenario", sort=False):
        for name in outcomes:
            values = group[name].to_numpy(dtype=float)
            values = values[np.isfinite(values)]
            missing = len(group) - values.size
            note = (f"undefined {window.describe()} in {missing} of {len(group)} runs: "
                    f"{why_undefined(name)}" if missing else "")
            if values.size == 0:
                values = np.array([np.nan])
            rows.append({"scenario": scenario, "outcome": window.name(name),
                         "mean": float(np.mean(values)), "median": float(np.median(values)),
                         "low": float(np.percentile(values, 2.5)),
                         "high": float(np.percentile(values, 97.5)),
                         "replicates": len(group) - missing, "note": note})
    return pd.DataFrame(rows)


FINAL_OUTCOMES = ("bonded_share", "bonded_share_ilo", "debt_over_threshold_share",
                  "indebted_share", "child_labour_rate", "school_enrolment")
#: the scenario a batch's figures compare the others with, when the batch has one
BASELINE = "baseline"


def plot_final(out: Path, table: pd.DataFrame, summary: pd.DataFrame,
               window: Window = LAST_YEAR) -> None:
    """Save :func:`final_figure` as ``final_outcomes.png``, if there is anything to draw."""
    from ..outputs.plots import save

    fig = final_figure(table, summary, window)
    if fig is not None:
        save(fig, out / "final_outcomes.png")


def final_figure(table: pd.DataFrame, summary: pd.DataFrame,
                 window: Window = LAST_YEAR) -> Figure | None:
    """Each policy scenario's paired difference from the baseline over the window (compare's
    pairing by replicate seed), with its 95% interval; in a batch without a baseline scenario,
    each scenario's level (median and the range of 95% of replicates), said in the title."""
    from .compare import KEYS, compare_table, differences_figure

    outcomes = tuple(name for name in FINAL_OUTCOMES if name in table.columns)
    scenarios = set(table["scenario"])
    if BASELINE in scenarios and len(scenarios) > 1 and outcomes:
        pairs = compare_table(table[[*KEYS, *outcomes]], BASELINE, window)
        return differences_figure(pairs, BASELINE, window, outcomes)
    from ..outputs.plots import intervals_figure

    panels = [(name, summary[summary["outcome"] == window.name(name)])
              for name in outcomes if window.name(name) in set(summary["outcome"])]
    if not panels:
        return None
    return intervals_figure(panels, f"No baseline scenario in this batch, so levels, not "
                            f"differences: median and range of 95% of replicates, "
                            f"{window.describe()}", "median")


def plot_batch(out: Path, table: pd.DataFrame, files: list[Path]) -> None:
    """Trajectories with bands, per scenario (one PNG each); with a baseline scenario, each
    policy drawn against it from the month it starts."""
    from .compare import plot_runs, policy_start

    starts = {s.name: policy_start(s) for s in map(load_scenario, files)}
    plot_runs(out, table, starts, BASELINE)
