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

from ..errors import BondsimError
from ..io import atomic_write
from ..outputs.plots import plot_intervals
from ..simulation.outcomes import LAST_YEAR, RUPEES, Window, is_outcome, window_table
from .paired import interval, metric_units, paired_metrics

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
        mean, low, high = interval(frame[name].to_numpy(dtype=float))
        rows.append({"scenario": scenario, "measure": name, "unit": unit, "mean": mean,
                     "low": low, "high": high, "replicates": len(replicates)})
    return rows


def compare_dir(out: str | Path, baseline: str = "baseline",
                window: Window | None = None) -> pd.DataFrame:
    """Read a batch folder, write ``compare.csv`` and ``compare.png`` there, return the table.
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
    return table


def _batch_window(out: Path) -> Window | None:
    """The window the batch in ``out`` summarised over, if its manifest says."""
    import json

    try:
        return Window.from_dict(json.loads((out / "manifest.json").read_text()).get("window"))
    except (OSError, ValueError, AttributeError):
        return None


def plot_compare(table: pd.DataFrame, path: Path, baseline: str,
                 window: Window = LAST_YEAR) -> None:
    """Differences from the baseline over the window with 95% intervals, main outcomes."""
    measures = set(table["measure"])
    panels = [(window.name(f"{name}_change").replace("_", " "),
               table[table["measure"] == window.name(f"{name}_change")])
              for name in PLOTTED if window.name(f"{name}_change") in measures]
    if panels:
        plot_intervals(panels, path, f"Difference from {baseline}, {window.describe()}, "
                       "paired by seed (95% interval)", "mean", xlabel=f"scenario - {baseline}",
                       zero_line=True)

