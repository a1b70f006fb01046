"""What the report of a run (``bondsim run``, ``bondsim.experiments.run``) shows: the main outcomes
at the start and at the end of the run, from ``timeseries.csv``, and the trajectories plot."""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import pandas as pd

from ..numbers import setting
from ..simulation.outcomes import OUTCOMES, Window, why_undefined, window_means
from .definitions import definitions_section, outcomes
from .findings import Findings, definitions_caveat, level_sentence, over
from .labels import label
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
from .shown import cell

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
                undefined.append(f"{label(name)} {when}: {why_undefined(name)}")
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


#: the outcomes the findings name, the headline first
FINDING_OUTCOMES = ("bonded_share", "indebted_share", "child_labour_rate", "school_enrolment")


def _ends(m: dict[str, Any], folder: Path) -> tuple[pd.DataFrame, Window, dict[str, float]] | None:
    """The run's table, its window and each outcome's mean over the window."""
    ts = read_csv(folder, "timeseries.csv")
    if ts is None or "month" not in ts.columns or ts.empty:
        return None
    window = window_of(m).fit(int(ts["month"].iloc[-1]))
    names = ["month", *[n for n in ts.columns if n != "month"
                        and pd.api.types.is_numeric_dtype(ts[n])]]
    return ts, window, window_means(ts[names].to_numpy(dtype=float), window, names)


def _findings(m: dict[str, Any], folder: Path) -> Findings:
    scen = m.get("scenario") or {}
    pop = m.get("population") or {}
    name = str(scen.get("name", folder.name))
    compared = (f"One run of <strong>{_e(name)}</strong>: {setting(pop.get('households', '?'))}"
                f" households over {setting(m.get('months', '?'))} months, seed "
                f"{_e(str(m.get('seed', '?')))}; the start (month 0) against the end of the "
                f"run. Nothing is compared with a baseline, so nothing here is an effect.")
    found = Findings(compared, effects_title="Start and end of the run")
    ends = _ends(m, folder)
    if ends is not None:
        ts, window, end = ends
        for outcome in FINDING_OUTCOMES:
            if outcome in ts.columns:
                found.effects.append(level_sentence(outcome, ts[outcome].iloc[0], end[outcome],
                                                    over(window)))
    found.caveats += [
        "One run on one seed: no interval. A change this size may be chance; "
        "<code>bondsim effect</code> measures a policy against a baseline on paired seeds, "
        "with intervals.",
        definitions_caveat(ends is not None)]
    return found


def _definitions(m: dict[str, Any], folder: Path) -> list[str]:
    ends = _ends(m, folder)
    if ends is None:
        return []
    ts, window, end = ends
    there = [n for n in outcomes() if n in ts.columns]
    if not there:
        return []
    unit_text = "share of households"
    return [definitions_section({
        "month 0 (% of households)": {n: cell(ts[n].iloc[0], unit_text) for n in there},
        f"{over(window)} (% of households)": {n: cell(end[n], unit_text) for n in there}})]


REPORT = JobReport(
    kind="run", summary=_summary_run, results=(_tables_run, _definitions), findings=_findings,
    plots=(Plot("trajectories.png", "The main outcomes month by month; grey: months the kilns "
                "are closed."),))
