"""What the report of a run (``bondsim run``, ``bondsim.experiments.run``) shows: the main outcomes at the
start and at the end of the run, from ``timeseries.csv``, and the trajectories plot."""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import pandas as pd

from ..numbers import setting
from ..simulation.outcomes import OUTCOMES, Window, why_undefined, window_means
from .report_tables import (
    MAIN_OUTCOMES,
    JobReport,
    Plot,
    and_list,
    dash_note,
    frame_table,
    interventions_text,
    missing,
    named,
    read_csv,
    section_table,
    window_of,
)

_e = html.escape


def _summary_run(m: dict[str, Any], folder: Path) -> tuple[str, str]:
    scen = m.get("scenario") or {}
    pop = m.get("population") or {}
    overrides = m.get("parameter_overrides") or {}
    changed = and_list([f"<code>{_e(k)}</code> = {_e(setting(v))}" for k, v in overrides.items()])
    text = (f"One run of the scenario {named(scen.get('name', '?'), scen.get('description', ''))}"
            f": {setting(pop.get('households', '?'))} households in "
            f"{setting(pop.get('kilns', '?'))} kilns ({_e(and_list(pop.get('districts') or []))}), "
            f"over {setting(m.get('months', '?'))} months, seed {m.get('seed', '?')}. "
            f"Interventions: {interventions_text(m.get('interventions') or [])}. "
            f"Parameters changed from the defaults: {changed}.")
    return str(scen.get("name", folder.name)), text


def _tables_run(m: dict[str, Any], folder: Path) -> list[str]:
    ts = read_csv(folder, "timeseries.csv")
    if ts is None:
        return [missing("timeseries.csv")]
    window = window_of(m).fit(int(ts["month"].iloc[-1]))
    names = ["month", *[n for n in MAIN_OUTCOMES if n in ts.columns]]
    end = window_means(ts[names].to_numpy(dtype=float), window, names)
    rows, undefined = [], []
    for name in names[1:]:
        start = float(ts[name].iloc[0])
        for value, when in ((start, "in month 0"), (end[name], window.describe())):
            if math.isnan(value):
                undefined.append(f"{name} {when}: {why_undefined(name)}")
        rows.append({"outcome": name, "month 0": start, _end_label(window, ts): end[name],
                     "meaning": OUTCOMES.get(name, "")})
    table = frame_table(pd.DataFrame(rows), interval=None) + dash_note(undefined)
    return [section_table(
        "Main outcomes", f"At the start and at the end of the run, {_e(window.describe())}; "
        f"every outcome, month by month, is in <code>timeseries.csv</code> ({len(ts) - 1} "
        f"months).", table)]


def _end_label(window: Window, ts: pd.DataFrame) -> str:
    """The heading of the end-of-run column: the month asked for, or the months averaged."""
    months = ts["month"].to_numpy()[window.select(ts["month"].to_numpy())]
    if window.month is not None or months.size == 0:
        return f"month {window.month}"
    return f"mean, months {int(months.min())}-{int(months.max())}"


REPORT = JobReport(
    kind="run", summary=_summary_run, results=(_tables_run,),
    plots=(Plot("trajectories.png", "The main outcomes month by month; grey: months the kilns "
                "are closed."),))
