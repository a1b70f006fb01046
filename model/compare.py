"""Compare the scenarios of a batch with its baseline, paired by replicate seed.

Replicate r of every scenario ran with the same seed as replicate r of the baseline (common
random numbers), so the per-replicate difference is the policy's effect. For each scenario
and outcome: the mean difference at the horizon over replicates with a 95% Student-t interval;
and, where the batch kept the columns they need, the effect metrics of ``effect.py`` (bonded
household-years and child-years of work averted, public cost, cost per unit averted).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .effect import METRICS, interval, paired_metrics
from .errors import BondsimError
from .io import atomic_write
from .plots import plot_intervals

KEYS = ("scenario", "replicate", "seed", "month")
EFFECT_COLUMNS = {"bonded_share", "child_labour_rate", "intervention_cost", "households",
                  "children_5_14"}


def compare_table(table: pd.DataFrame, baseline: str = "baseline") -> pd.DataFrame:
    """One row per scenario and measure: mean paired difference from the baseline, 95%."""
    scenarios = list(dict.fromkeys(table["scenario"]))
    if baseline not in scenarios:
        raise BondsimError(f"no scenario named {baseline!r} in the batch; expected one of "
                           f"{scenarios} (use --baseline NAME)")
    outcomes = [c for c in table.columns if c not in KEYS]
    last = table[table["month"] == table["month"].max()].set_index("replicate")
    base_last = last[last["scenario"] == baseline]
    rows = []
    for scenario in scenarios:
        if scenario == baseline:
            continue
        scen_last = last[last["scenario"] == scenario]
        common = scen_last.index.intersection(base_last.index)
        for name in outcomes:
            diff = (scen_last.loc[common, name].to_numpy(dtype=float)
                    - base_last.loc[common, name].to_numpy(dtype=float))
            mean, low, high = interval(diff)
            rows.append({"scenario": scenario, "measure": f"{name} (difference at horizon)",
                         "mean": mean, "low": low, "high": high, "replicates": len(common)})
        if set(table.columns) >= EFFECT_COLUMNS:
            rows += _effect_rows(table, baseline, scenario, common)
    return pd.DataFrame(rows)


def _effect_rows(table: pd.DataFrame, baseline: str, scenario: str,
                 replicates: pd.Index) -> list[dict]:
    per = []
    for r in replicates:
        b = table[(table["scenario"] == baseline) & (table["replicate"] == r)]
        s = table[(table["scenario"] == scenario) & (table["replicate"] == r)]
        per.append(paired_metrics(b, s, int(s["households"].iloc[0]),
                                  int(s["children_5_14"].iloc[0])))
    frame = pd.DataFrame(per)
    rows = []
    for name, unit in METRICS.items():
        mean, low, high = interval(frame[name].to_numpy(dtype=float))
        rows.append({"scenario": scenario, "measure": f"{name} ({unit})", "mean": mean,
                     "low": low, "high": high, "replicates": len(replicates)})
    return rows


def compare_dir(out: str | Path, baseline: str = "baseline") -> pd.DataFrame:
    """Read a batch folder, write ``compare.csv`` and ``compare.png`` there, return the table."""
    out = Path(out)
    source = out / "timeseries.parquet"
    if not source.is_file():
        raise BondsimError(f"{out}: not a batch output folder (no timeseries.parquet)")
    table = compare_table(pd.read_parquet(source), baseline)
    atomic_write(out / "compare.csv",
                 lambda tmp: table.to_csv(tmp, index=False, lineterminator="\n"))
    plot_compare(table, out / "compare.png", baseline)
    return table


def plot_compare(table: pd.DataFrame, path: Path, baseline: str) -> None:
    """Differences from the baseline with 95% intervals, for the main outcomes."""
    panels = [(name.replace("_", " "),
               table[table["measure"] == f"{name} (difference at horizon)"])
              for name in ("bonded_share", "indebted_share", "child_labour_rate",
                           "school_enrolment")
              if f"{name} (difference at horizon)" in set(table["measure"])]
    if panels:
        plot_intervals(panels, path, f"Difference from {baseline} at the horizon, paired by "
                       "seed (95% interval)", "mean", xlabel=f"scenario - {baseline}",
                       zero_line=True)
