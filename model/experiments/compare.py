"""Compare the scenarios of a batch with its baseline, paired by replicate seed.

Replicate r of every scenario ran with the same seed as replicate r of the baseline (common
random numbers), so the per-replicate difference is the policy's effect. For each scenario
and outcome: the mean difference over the window that stands for the end of the run (by
default the last 12 months, a whole brick year: ``outcomes.Window``), over replicates with a
95% Student-t interval, named for the window (``bonded_share_change_last_year``); and, where
the batch kept the columns they need, the effect metrics of ``paired.py`` (bonded
household-years and child-years of work averted, bonded households freed and children out of
work over the window, the incremental public cost, cost per unit averted), each measure once.
The counterfactual is the batch's baseline scenario, replicate by replicate.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from ..errors import BondsimError
from ..io import atomic_write
from ..outputs.plots import Baseline, intervals_figure, plot_trajectories, save
from ..simulation.outcomes import LAST_YEAR, RUPEES, Window, is_outcome, window_table
from .paired import interval, metric_interval, metric_units, paired_metrics
from .scenario import Scenario, load_scenario

KEYS = ("scenario", "replicate", "seed", "month")
EFFECT_COLUMNS = {"bonded_share", "child_labour_rate", "intervention_cost", "households",
                  "children_5_14"}
PLOTTED = ("bonded_share", "indebted_share", "child_labour_rate", "school_enrolment")


def horizon(table: pd.DataFrame) -> int:
    """The shortest run's last month: a window must fit in every run."""
    return int(table.groupby(["scenario", "replicate"], sort=False)["month"].max().min())


def compare_table(table: pd.DataFrame, baseline: str = "baseline",
                  window: Window = LAST_YEAR) -> pd.DataFrame:
    """One row per scenario and measure: mean paired difference from the baseline, 95%.
    Outcomes are compared over ``window`` (fitted to the runs' horizon); columns that are not
    outcomes (the clock, the population) are left out."""
    scenarios = list(dict.fromkeys(table["scenario"]))
    if baseline not in scenarios:
        raise BondsimError(f"no scenario named {baseline!r} in the batch; expected one of "
                           f"{scenarios} (use --baseline NAME)")
    window = window.fit(horizon(table))
    outcomes = [c for c in table.columns if c not in KEYS and is_outcome(c)]
    ends = window_table(table, window, ("scenario", "replicate"), outcomes)
    base_end = ends[ends["scenario"] == baseline].set_index("replicate")
    rows = []
    for scenario in scenarios:
        if scenario == baseline:
            continue
        scen_end = ends[ends["scenario"] == scenario].set_index("replicate")
        common = scen_end.index.intersection(base_end.index)
        for name in outcomes:
            diff = (scen_end.loc[common, name].to_numpy(dtype=float)
                    - base_end.loc[common, name].to_numpy(dtype=float))
            mean, low, high = interval(diff)
            unit = f"{'Rs ' if name in RUPEES else ''}(scenario - baseline)"
            rows.append({"scenario": scenario, "measure": window.name(f"{name}_change"),
                         "unit": unit, "mean": mean, "low": low, "high": high,
                         "replicates": len(common)})
        if set(table.columns) >= EFFECT_COLUMNS:
            seen = {row["measure"] for row in rows if row["scenario"] == scenario}
            rows += [row for row in _effect_rows(table, baseline, scenario, common, window)
                     if row["measure"] not in seen]
    return pd.DataFrame(rows, columns=["scenario", "measure", "unit", "mean", "low", "high",
                                       "replicates"])


def _effect_rows(table: pd.DataFrame, baseline: str, scenario: str,
                 replicates: pd.Index, window: Window) -> list[dict]:
    """The effect metrics of ``paired.py`` for one scenario, paired replicate by replicate."""
    per = []
    for r in replicates:
        b = table[(table["scenario"] == baseline) & (table["replicate"] == r)]
        s = table[(table["scenario"] == scenario) & (table["replicate"] == r)]
        per.append(paired_metrics(b, s, int(s["households"].iloc[0]),
                                  int(s["children_5_14"].iloc[0]), window))
    frame = pd.DataFrame(per)
    rows = []
    for name, unit in metric_units(window).items():
        mean, low, high = metric_interval(frame, name)
        rows.append({"scenario": scenario, "measure": name, "unit": unit, "mean": mean,
                     "low": low, "high": high, "replicates": len(replicates)})
    return rows


def compare_dir(out: str | Path, baseline: str = "baseline",
                window: Window | None = None) -> pd.DataFrame:
    """Read a batch folder, write ``compare.csv`` and ``compare.png`` there, return the table;
    redraw each scenario's ``trajectories-<scenario>.png``, the policies with ``baseline``
    behind them.
    ``window``: by default the batch's own (from its manifest), else the last 12 months."""
    out = Path(out)
    source = out / "timeseries.parquet"
    if not source.is_file():
        raise BondsimError(f"{out}: not a batch output folder (no timeseries.parquet)")
    window = window or _batch_window(out) or LAST_YEAR
    runs = pd.read_parquet(source)
    table = compare_table(runs, baseline, window)
    atomic_write(out / "compare.csv",
                 lambda tmp: table.to_csv(tmp, index=False, lineterminator="\n"))
    plot_compare(table, out / "compare.png", baseline, window.fit(horizon(runs)))
    plot_runs(out, runs, _batch_starts(out), baseline)
    return table


def _batch_window(out: Path) -> Window | None:
    """The window the batch in ``out`` summarised over, if its manifest says."""
    import json

    try:
        return Window.from_dict(json.loads((out / "manifest.json").read_text()).get("window"))
    except (OSError, ValueError, AttributeError):
        return None


def _batch_starts(out: Path) -> dict[str, int | None]:
    """When each scenario of the batch in ``out`` starts its policy, read from the scenario
    files its manifest names; a scenario whose file cannot be read is left out (its figure
    then marks no start rather than a guessed one)."""
    import json

    try:
        files = json.loads((out / "manifest.json").read_text()).get("scenario_files", [])
    except (OSError, ValueError, AttributeError):
        return {}
    starts: dict[str, int | None] = {}
    for file in files:
        try:
            scenario = load_scenario(file)
        except (BondsimError, OSError):
            continue
        starts[scenario.name] = policy_start(scenario)
    return starts


def policy_start(scenario: Scenario) -> int | None:
    """The first month any of the scenario's interventions acts; None if it has none (a
    scenario that only changes parameters acts from month 1)."""
    months = [item.start for item in scenario.spec.interventions]
    return min(months) if months else None


def plot_runs(out: Path, table: pd.DataFrame, starts: dict[str, int | None],
              baseline: str = "baseline") -> None:
    """``trajectories-<scenario>.png`` per scenario: median and 95% band over replicates. In a
    batch with ``baseline`` among its scenarios, every other scenario's figure draws the
    baseline behind it and marks the month its policy starts (month 1 for a scenario without
    interventions)."""
    if not {"month", "production_days"} <= set(table.columns):
        return
    by_scenario = {name: [g.reset_index(drop=True) for _, g in group.groupby("replicate")]
                   for name, group in table.groupby("scenario", sort=False)}
    reference = (Baseline(baseline, by_scenario[baseline]) if baseline in by_scenario
                 and len(by_scenario) > 1 else None)
    for name, runs in by_scenario.items():
        is_policy = reference is not None and name != baseline
        start = starts.get(name)
        if is_policy and start is None and name in starts:
            start = 1
        plot_trajectories(runs, out / f"trajectories-{name}.png", f"Scenario {name}",
                          baseline=reference if is_policy else None,
                          start=start if name != baseline else None)


def plot_compare(table: pd.DataFrame, path: Path, baseline: str,
                 window: Window = LAST_YEAR) -> None:
    """Differences from the baseline over the window with 95% intervals, main outcomes."""
    plot_differences(table, path, baseline, window, PLOTTED)


def plot_differences(table: pd.DataFrame, path: Path, baseline: str, window: Window,
                     outcomes: tuple[str, ...]) -> None:
    """Save :func:`differences_figure` to ``path`` (PNG), if there is anything to draw."""
    fig = differences_figure(table, baseline, window, outcomes)
    if fig is not None:
        save(fig, path)


def differences_figure(table: pd.DataFrame, baseline: str, window: Window,
                       outcomes: tuple[str, ...]) -> Figure | None:
    """Each scenario's paired difference from ``baseline`` (rows of :func:`compare_table`)
    in ``outcomes``, with its 95% interval; the window in the title. None: no such rows."""
    measures = set(table["measure"])
    panels = [(name, table[table["measure"] == window.name(f"{name}_change")])
              for name in outcomes if window.name(f"{name}_change") in measures]
    if not panels:
        return None
    return intervals_figure(panels, f"Difference from {baseline}, paired by replicate seed: "
                            f"mean and 95% interval, {window.describe()}", "mean",
                            baseline=baseline)
