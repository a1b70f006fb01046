"""One run of a scenario: the Python API behind ``bondsim run``.

    from bondsim.experiments.run import run_scenario
    result = run_scenario("scenarios/baseline.toml", seed=7, households=2000)
    result.timeseries  # pandas DataFrame, one row per month

Writes ``timeseries.csv`` (byte-identical for the same seed), ``manifest.json`` and
``trajectories.png`` to the output folder, each atomically.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import BondsimError
from ..io import atomic_write, run_folder, write_json
from ..manifest import build_manifest
from ..numbers import RUN_SUMMARY, number
from ..outputs.plots import plot_trajectories
from ..simulation.model import BondsimModel
from ..simulation.outcomes import LAST_YEAR, Window, why_undefined, window_means
from . import experiment
from .compare import policy_start
from .experiment import model_arguments as model_arguments  # its home is the core
from .scenario import Scenario, load_scenario

SUMMARY_OUTCOMES = ("bonded_share", "indebted_share", "median_debt", "median_debt_months",
                    "child_labour_rate", "school_enrolment", "net_pay_share", "owner_profit")


@dataclass
class RunResult:
    """What a run produced."""

    scenario: Scenario
    model: BondsimModel
    timeseries: pd.DataFrame
    out: Path | None
    manifest: dict[str, Any]


def simulate(scenario: Scenario | str | Path, *, seed: int | None = None,
             households: int | None = None, months: int | None = None,
             channels_off: Iterable[str] = frozenset()) -> BondsimModel:
    """Build and run the model of a scenario (no outputs written, no manifest), for at least
    one month: the experiment core's run path (``bondsim.experiments.experiment.simulate``). Returns
    the model after its last month. ``channels_off``: channels the interventions may not act
    through (``bondsim.simulation.channels``; none by default)."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    spec = scenario.spec
    seed = spec.seed if seed is None else seed
    households = spec.population.households if households is None else households
    months = spec.horizon if months is None else months
    if households < 1 or months < 1 or seed < 0:
        raise BondsimError(f"households ({households}) and months ({months}) must be at least "
                           f"1, and seed ({seed}) not negative")
    return experiment.simulate(scenario, seed=seed, households=households, months=months,
                               channels_off=channels_off)


def run_scenario(scenario: Scenario | str | Path, *, seed: int | None = None,
                 households: int | None = None, months: int | None = None,
                 out: str | Path | None = None, write: bool = True,
                 window: Window = LAST_YEAR, force: bool = False) -> RunResult:
    """Run a scenario (a loaded ``Scenario`` or a path) and, if ``write``, save its outputs.
    ``window`` (recorded in the manifest, for the report): the months that stand for the end
    of the run in its summaries. An ``out`` folder that is not empty is refused (before the
    run) unless ``force``."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    spec = scenario.spec
    if write and out is not None:
        out = run_folder(out, force)
    model = simulate(scenario, seed=seed, households=households, months=months)
    seed = model.seed
    ts = model.timeseries()
    manifest = build_manifest(scenario, seed=seed, households=model.hh.n, kilns=model.ow.k,
                              months=model.steps, params=scenario.params)
    manifest["window"] = window.fit(model.steps).to_dict()
    out_dir = None
    if write:
        out_dir = Path(out) if out is not None else default_out_dir(spec.name)
        write_outputs(out_dir, ts, manifest, title=f"Scenario {spec.name}, seed {seed}",
                      start=policy_start(scenario))
    return RunResult(scenario=scenario, model=model, timeseries=ts, out=out_dir,
                     manifest=manifest)


def default_out_dir(name: str, root: Path = Path("outputs")) -> Path:
    """``outputs/<scenario>-<timestamp>/``, never an existing folder."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = root / f"{name}-{stamp}"
    i = 1
    while candidate.exists():
        i += 1
        candidate = root / f"{name}-{stamp}-{i}"
    return candidate


def write_outputs(out: Path, ts: pd.DataFrame, manifest: dict[str, Any], title: str,
                  start: int | None = None) -> None:
    """The run's table, figure and manifest; ``start``: the month its policy starts, marked
    on the figure (None: a scenario without interventions)."""
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "timeseries.csv",
                 lambda tmp: ts.to_csv(tmp, index=False, lineterminator="\n"))
    plot_trajectories(ts, out / "trajectories.png", title, start=start)
    write_json(out / "manifest.json", manifest)


def summary_table(ts: pd.DataFrame, window: Window = LAST_YEAR) -> str:
    """A plain-text table of the main outcomes: at the start (month 0) and at the end, over
    ``window`` (by default the mean of the last 12 months, since a horizon of whole years ends
    in a month when the kilns are shut). A value undefined over the window shows as n/a, with
    a note below the table saying why."""
    window = window.fit(int(ts["month"].iloc[-1]))
    names = ["month", *SUMMARY_OUTCOMES]
    end = window_means(ts[names].to_numpy(dtype=float), window, names)
    months = ts["month"].to_numpy()[window.select(ts["month"].to_numpy())]
    closed = window.month is not None and not ts.loc[ts["month"] == window.month,
                                                      "production_days"].gt(0).any()
    label = (f"month {window.month}{' (kilns closed)' if closed else ''}"
             if window.month is not None else
             f"mean, months {int(months.min())}-{int(months.max())}")
    rows = [("outcome", "month 0", label)]
    notes = []
    for name in SUMMARY_OUTCOMES:
        start, last = _fmt(ts[name].iloc[0]), _fmt(end[name])
        for value, when in ((start, "in month 0"), (last, window.describe())):
            if value == "n/a":
                notes.append(f"n/a: {name} is undefined {when} ({why_undefined(name)})")
        rows.append((name, start, last))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                       for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([f"end of the run: {window.describe()}", *lines, *notes])


def _fmt(x: float) -> str:
    """A number for the terminal; n/a where it is undefined (NaN)."""
    return number(x, RUN_SUMMARY)
