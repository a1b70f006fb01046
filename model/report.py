"""One self-contained HTML page from an output folder: what was run, what came out, how sure.

    from bondsim.report import write_report
    write_report(Path("outputs/baseline-20250101-120000"))   # -> .../report.html

The folder is any output of bondsim: a run, an effect, a batch (with its comparison), a
sweep, a plan or a calibration; its ``manifest.json`` says which. The page opens in a browser
without a server and without the internet: no external style sheets, scripts, fonts or links;
plots are embedded as base64 PNGs, tables are HTML (from the templates in
``model/templates``, through ``bondsim.report_html``) with numbers formatted for reading
(``bondsim.numbers``: shares to 3 decimals, rupees with thousands separators); long tables
of a job's inputs or diagnostics are cut at ``MAX_ROWS`` rows with a note naming the CSV file
that holds them all, but a comparison never is: a batch's scenarios are shown in full, in wide
tables (scenario x outcome) split so that each fits a 1280-pixel screen. In order: a
plain-language summary of what was run (from the manifest), the kind's headline tables,
its plots, the model's caveats (section 9 of ``docs/ODD.md``, read when the report is
written) and every parameter with its value, unit, plausible range and source, assumptions marked.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import json
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

from .errors import BondsimError
from .io import write_text
from .manifest import INSTALLED
from .mini_markdown import markdown_html
from .numbers import number, rupees, setting
from .outcomes import OUTCOMES, Window, outcome_stem, why_undefined
from .paired import METRIC_LIST, metric
from .parameters import PARAM_INFO, Params
from .report_html import (
    Cell,
    Column,
    Row,
    bullets,
    figure,
    folded,
    note,
    paragraph,
    render,
    section,
    subheading,
    table,
)

MAX_ROWS = 50
KINDS = ("run", "effect", "batch", "sweep", "plan", "calibration", "discovery", "survey")
RUPEE_OUTCOMES = frozenset(name for name, meaning in OUTCOMES.items()
                           if re.search(r"\bRs\b", meaning))
MAIN_OUTCOMES = ("bonded_share", "indebted_share", "median_debt", "median_debt_months",
                 "child_labour_rate", "school_enrolment", "net_pay_share", "owner_profit",
                 "intervention_cost")

_e = html.escape


# --- formatting ---------------------------------------------------------------------------

def _is_rupee_label(text: str) -> bool:
    """Does a label (an outcome, metric, unit or meaning) denote rupees?"""
    head = outcome_stem(text.split(" (", 1)[0].strip()).removesuffix("_change")
    return (head in RUPEE_OUTCOMES or text.strip() == "Rs" or text.startswith("Rs ")
            or "(Rs)" in text)


def _rupee_row(row: pd.Series) -> bool:
    return any(isinstance(v, str) and _is_rupee_label(v) for v in row.to_numpy())


INTERVAL_GROUP = ("mean", "median", "low", "high")


def _large(values: list[Any]) -> bool:
    """Does any of these numbers call for whole-number formatting (so that a mean and its
    interval are written alike)?"""
    return any(isinstance(v, float | np.floating) and math.isfinite(v) and abs(v) >= 100
               for v in values)


def _cells(frame: pd.DataFrame, rupee_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every cell as display text; rows labelled in rupees (and ``rupee_columns``) as rupees,
    and a row's mean, median and interval with the same number of decimals."""
    out = pd.DataFrame(index=frame.index)
    rupee_rows = [bool(v) for v in frame.apply(_rupee_row, axis=1)] if len(frame) else []
    group = [c for c in INTERVAL_GROUP if c in frame.columns]
    large = [_large(list(row)) for row in frame[group].itertuples(index=False)] if group \
        else [False] * len(frame)
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            alike = column in group
            out[column] = [number(v, whole=column in rupee_columns or r or (alike and big))
                           for v, r, big in zip(values.to_numpy(), rupee_rows, large,
                                                strict=True)]
        else:
            out[column] = ["—" if v is None or (isinstance(v, float) and math.isnan(v))
                           else str(v) for v in values.to_numpy()]
    return out


def _interval_columns(frame: pd.DataFrame, cells: pd.DataFrame, low: str = "low",
                      high: str = "high", label: str = "95% interval") -> pd.DataFrame:
    """Replace the ``low`` and ``high`` columns of ``cells`` by one 'low to high' column."""
    if low not in frame.columns or high not in frame.columns:
        return cells
    joined = [("—" if a == "—" and b == "—" else f"{a} to {b}")
              for a, b in zip(cells[low], cells[high], strict=True)]
    at = list(cells.columns).index(low)
    cells = cells.drop(columns=[low, high])
    cells.insert(at, label, joined)
    return cells


def _html_table(cells: pd.DataFrame, numeric: set[str] | None = None,
                row_classes: list[str] | None = None, source: str | None = None,
                max_rows: int | None = MAX_ROWS, code_columns: tuple[str, ...] = (),
                stacked: bool = False, breakable: bool = False) -> str:
    """An HTML table of display text (escaped), numbers right-aligned, cut at ``max_rows``;
    ``stacked``: line breaks in cells are kept; ``breakable``: column names and the first
    column's labels may wrap after their underscores."""
    numeric = numeric or set()
    total = len(cells)
    shown = cells if max_rows is None or total <= max_rows else cells.iloc[:max_rows]
    name = _breakable if breakable else str
    columns = [Column(name(str(c)), c in numeric) for c in shown.columns]
    rows = []
    for i, (_, row) in enumerate(shown.iterrows()):
        rows.append(Row([Cell(name(str(row[c])) if breakable and k == 0 else str(row[c]),
                              c in numeric, c in code_columns)
                         for k, c in enumerate(shown.columns)],
                        row_classes[i] if row_classes else ""))
    return table(columns, rows, total=total, stacked=stacked, source=source)


def _breakable(name: str) -> Markup:
    """A column name, escaped, that may wrap after its underscores (long snake_case names
    would otherwise widen a table beyond the screen)."""
    return Markup(_e(name).replace("_", "_<wbr>"))


def _frame_table(frame: pd.DataFrame, *, source: str | None = None,
                 rupee_columns: tuple[str, ...] = (), interval: str | None = "95% interval",
                 max_rows: int | None = MAX_ROWS, breakable: bool = False) -> str:
    """A data table: formatted, with low/high merged into one column named ``interval``."""
    if frame.empty:
        return _no_rows(source)
    cells = _cells(frame, rupee_columns)
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}
    if interval:
        cells = _interval_columns(frame, cells, label=interval)
        numeric.add(interval)
    return _html_table(cells, numeric, source=source, max_rows=max_rows, breakable=breakable)


def _read_csv(folder: Path, name: str) -> pd.DataFrame | None:
    file = folder / name
    if not file.is_file():
        return None
    try:
        return pd.read_csv(file)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except pd.errors.ParserError as exc:
        raise BondsimError(f"{file}: not a readable CSV table ({exc})") from None


def _section_table(title: str, intro: str, body: str) -> str:
    """A titled table: ``intro`` and ``body`` are HTML (their values escaped already)."""
    return section(title, intro, body)


def _missing(name: str) -> str:
    return note(Markup(f"No <code>{_e(name)}</code> in the folder."))


def _no_rows(source: str | None) -> str:
    return note(Markup(f"No rows{f' in <code>{_e(source)}</code>' if source else ''}."))


# --- the summary paragraph ----------------------------------------------------------------

def _list(items: list[str], empty: str = "none") -> str:
    items = [str(i) for i in items]
    if not items:
        return empty
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _interventions(items: list[dict[str, Any]]) -> str:
    described = []
    for item in items or []:
        label = item.get("label")
        when = f"from month {item['start']}" if item.get("start") else ""
        if item.get("end"):
            when += f" to {item['end']}"
        budget = f"budget Rs {rupees(item['budget'])}" if item.get("budget") else ""
        extra = "; ".join(x for x in (when, budget) if x)
        text = f"<code>{_e(str(item.get('type')))}</code>"
        if label:
            text += f" ({_e(str(label))})"
        described.append(text + (f" [{_e(extra)}]" if extra else ""))
    return _list(described)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _given(value: Any, otherwise: str) -> str:
    return setting(value) if value else otherwise


def _named(name: str, description: str) -> str:
    return f"<strong>{_e(name)}</strong>" + (f" ({_e(description.strip().rstrip('.'))})"
                                             if description and description.strip() else "")


def _summary_run(m: dict[str, Any], folder: Path) -> tuple[str, str]:
    scen = m.get("scenario") or {}
    pop = m.get("population") or {}
    overrides = m.get("parameter_overrides") or {}
    changed = _list([f"<code>{_e(k)}</code> = {_e(setting(v))}" for k, v in overrides.items()])
    text = (f"One run of the scenario {_named(scen.get('name', '?'), scen.get('description', ''))}"
            f": {setting(pop.get('households', '?'))} households in "
            f"{setting(pop.get('kilns', '?'))} kilns ({_e(_list(pop.get('districts') or []))}), "
            f"over {setting(m.get('months', '?'))} months, seed {m.get('seed', '?')}. "
            f"Interventions: {_interventions(m.get('interventions') or [])}. "
            f"Parameters changed from the defaults: {changed}.")
    return str(scen.get("name", folder.name)), text


def _summary_effect(m: dict[str, Any], folder: Path) -> tuple[str, str]:
    opts = m.get("options") or {}
    seeds = m.get("seeds") or []
    hh = opts.get("households")
    months = opts.get("months")
    text = (f"The effect and cost-effectiveness of the scenario "
            f"<strong>{_e(str(m.get('scenario', '?')))}</strong> against the baseline "
            f"<strong>{_e(str(m.get('baseline', '?')))}</strong>, on {len(seeds)} paired "
            f"replicates: each pair of runs shares a seed, so the same families meet the same "
            f"shocks and the difference is the policy's effect. Households: "
            f"{_given(hh, 'the scenario file’s population')}; months: "
            f"{_given(months, 'the scenario file’s horizon')}. "
            f"Interventions: {_interventions(m.get('interventions') or [])}. The metrics of "
            f"the end of the run are {_e(_window(m).describe())}; the others are over the "
            f"whole run.{_counterfactual(m)}")
    return str(m.get("scenario", folder.name)), text


def _counterfactual(m: dict[str, Any]) -> str:
    """The counterfactual the manifest says the effects were measured against, as a
    sentence (none for folders written before manifests said it)."""
    said = m.get("counterfactual")
    return f" Counterfactual: {_e(str(said))}." if said else ""


def _batch_scenarios(m: dict[str, Any], folder: Path) -> list[str]:
    summary = _read_csv(folder, "summary.csv")
    if summary is not None and "scenario" in summary.columns:
        return [str(s) for s in dict.fromkeys(summary["scenario"])]
    return [Path(f).stem for f in m.get("scenario_files") or []]


def _summary_batch(m: dict[str, Any], folder: Path) -> tuple[str, str]:
    exp = m.get("experiment") or {}
    scenarios = _batch_scenarios(m, folder)
    failed = m.get("failed") or []
    kept = exp.get("outcomes")
    own = "each scenario's own"
    text = (f"A batch, the experiment {_named(exp.get('name', '?'), exp.get('description', ''))}"
            f": {len(scenarios)} scenarios ({_e(_list(scenarios))}) x "
            f"{exp.get('replicates', '?')} replicates = {m.get('runs', '?')} runs, replicate r "
            f"with the same seed in every scenario (common random numbers). Households: "
            f"{_given(exp.get('households'), own)}; months: {_given(exp.get('months'), own)}. "
            f"Outcomes kept: {_e(_list(kept)) if kept else 'all'}. "
            f"{'No run failed.' if not failed else f'{len(failed)} runs failed (see runs/).'}"
            f"{_replicate_seeds(m.get('seeds'), exp.get('seed'))}")
    return str(exp.get("name", folder.name)), text


def _replicate_seeds(seeds: Any, base: Any) -> str:
    """Every replicate's seed, in replicate order, so that any one run can be repeated with
    ``bondsim run --seed``: inline when few, in a collapsed list when many."""
    if not isinstance(seeds, list) or not seeds:
        return " Replicate seeds: not recorded in the manifest."
    listed = ", ".join(f"<code>{int(s)}</code>" for s in seeds)
    origin = f", derived from the experiment's seed {_e(str(base))}" if base is not None else ""
    head = f" Replicate seeds (replicate 0 first{origin}): "
    if len(seeds) <= 12:
        return f"{head}{listed}."
    return (f"{head}</p><details><summary>all {len(seeds):,} seeds</summary><p>{listed}"
            f"</p></details><p>")


METHODS = {
    "sobol": "Sobol variance decomposition (first-order S1: a factor's effect alone; total "
             "ST: with all its interactions)",
    "morris": "Morris elementary effects (mu*: mean absolute effect of moving a factor across "
              "its range; sigma: how much that effect varies, a sign of interactions or "
              "non-linearity)",
    "pawn": "PAWN, a moment-independent index (distance between the outcome's distribution "
            "with a factor fixed and without)",
}


def _summary_sweep(m: dict[str, Any], folder: Path) -> tuple[str, str]:
    spec = m.get("sweep") or {}
    scen = m.get("scenario") or {}
    factors = [f.get("name", "?") for f in spec.get("factors") or []]
    method = str(spec.get("method", "?"))
    window = spec.get("window")
    skipped = m.get("skipped_outcomes") or {}
    baseline = m.get("baseline_file") or m.get("baseline")
    text = (f"A global sensitivity analysis, the sweep "
            f"{_named(spec.get('name', '?'), spec.get('description', ''))}, of the scenario "
            f"{_named(scen.get('name', '?'), scen.get('description', ''))}, by "
            f"{_e(METHODS.get(method, method))}. {len(factors)} factors varied "
            f"({_e(_list(factors))}); outcomes {_e(_list(spec.get('outcomes') or []))}, "
            f"each the mean over the last {window} months of a run. "
            f"{spec.get('samples', '?')} samples, {m.get('points', '?')} sample points x "
            f"{spec.get('replicates', '?')} replicates, {setting(m.get('model_runs', '?'))} "
            f"model runs; households: {_given(spec.get('households'), 'the scenario’s')}; "
            f"months: {_given(spec.get('months'), 'the scenario’s')}.")
    if m.get("counterfactual"):
        text += f" Effect outcomes are measured against {_e(str(m['counterfactual']))}."
    elif baseline:
        text += f" Effect outcomes are measured against {_e(str(baseline))}, on paired seeds."
    if skipped:
        text += " Outcomes not analysed: " + "; ".join(
            f"<code>{_e(k)}</code>: {_e(v)}" for k, v in skipped.items()) + "."
    return str(spec.get("name", folder.name)), text


def _summary_plan(m: dict[str, Any], folder: Path) -> tuple[str, str]:
    spec = m.get("plan") or {}
    districts = m.get("districts") or []
    strategies = [s.get("name", "?") for s in spec.get("strategies") or []]
    where = _list([f"{d.get('name', '?')} ({_households(d):,} households)" for d in districts])
    named = _named(spec.get("name", "?"), spec.get("description", ""))
    text = (f"A plan for pilot districts, {named}: {len(strategies)} strategies "
            f"({_e(_list(strategies))}) each run in "
            f"{len(districts)} districts ({_e(where)}) against the district's baseline with no "
            f"plan spending, on {spec.get('replicates', '?')} paired replicates; horizon "
            f"{spec.get('horizon', '?')} months, budget Rs "
            f"{number(spec.get('budget'), whole=True)} "
            f"(over budget: {_e(str(spec.get('over_budget', '?')))}), {m.get('runs', '?')} "
            f"runs.{_counterfactual(m)}")
    search = m.get("search")
    if search:
        text += (f" An allocation search ('optimised') maximised "
                 f"<code>{_e(str(search.get('objective')))}</code> "
                 f"({_e(str(search.get('robust')))} over {search.get('draws')} draws of the "
                 f"uncertain parameters).")
    notes = m.get("notes") or []
    if notes:
        text += " Notes: " + "; ".join(_e(n) for n in notes) + "."
    return str(spec.get("name", folder.name)), text


def _households(district: dict[str, Any]) -> int:
    try:
        return int(district["kilns"]["value"]) * int(district["families_per_kiln"]["value"])
    except (KeyError, TypeError, ValueError):
        return 0


def _summary_calibration(m: dict[str, Any], folder: Path) -> tuple[str, str]:
    spec = m.get("calibration") if isinstance(m.get("calibration"), dict) else {}
    name = spec.get("name") or m.get("name") or folder.name
    description = spec.get("description") or m.get("description") or ""
    fitted = [p.get("name", "?") for p in spec.get("parameters") or [] if isinstance(p, dict)]
    fitted = fitted or list(m.get("fitted") or {})
    targets = spec.get("targets") or []
    text = (f"A calibration, {_named(str(name), str(description))}: "
            f"{_count(len(fitted), 'uncertain parameter')} ({_e(_list(fitted))}) fitted so "
            f"that the model reproduces {_count(len(targets), 'field figure')} (targets), by "
            f"approximate Bayesian computation: parameter sets drawn from the priors, the "
            f"draws closest to every target accepted.")
    if isinstance(m.get("accepted"), int) and isinstance(m.get("draws"), int):
        text += f" {m['accepted']:,} of {m['draws']:,} draws accepted."
    if m.get("met_every_tolerance") is False:
        text += (" <strong>Not enough draws met every target within its tolerance</strong>: "
                 "the closest were accepted instead, so the tolerances, the priors or the "
                 "model need another look.")
    skip = {"kind", "name", "description", "created", "platform", "accepted", "draws",
            "met_every_tolerance", "workers"}
    settings = {k: v for k, v in {**m, **spec}.items()
                if isinstance(v, str | int | float | bool) and k not in skip}
    if settings:
        text += " Settings: " + "; ".join(f"{_e(k)} = {_e(setting(v))}"
                                          for k, v in settings.items()) + "."
    return str(name), text


def _summary_discovery(m: dict[str, Any], folder: Path) -> tuple[str, str]:
    spec = m.get("discovery") if isinstance(m.get("discovery"), dict) else {}
    name = spec.get("name") or folder.name
    policies = [Path(str(p)).stem for p in spec.get("policies") or []]
    uncertain = [u.get("name", "?") for u in spec.get("uncertain") or [] if isinstance(u, dict)]
    text = (f"Scenario discovery, {_named(str(name), str(spec.get('description') or ''))}: "
            f"{_count(len(policies), 'policy')} ({_e(_list(policies))}) run in "
            f"{_count(int(spec.get('futures') or 0), 'sampled future')} x "
            f"{_count(int(spec.get('replicates') or 0), 'replicate')}, the futures drawn over "
            f"{_count(len(uncertain), 'uncertain parameter')} ({_e(_list(uncertain))}). A "
            f"policy fails in a future when {_e(str(m.get('criterion', '?')))}. PRIM finds "
            f"where each policy's failures concentrate.")
    return str(name), text


def _summary_survey(m: dict[str, Any], folder: Path) -> tuple[str, str]:
    name = str(m.get("scenario") or folder.name)
    errors = m.get("measurement_error") or {}
    said = "; ".join(f"{_e(str(k))} = {_e(setting(v))}" for k, v in errors.items()
                     if not isinstance(v, dict))
    text = (f"A simulated rapid assessment of scenario <strong>{_e(name)}</strong>: "
            f"{_e(setting(m.get('kilns')))} kilns surveyed in month "
            f"{_e(setting(m.get('survey_month')))}, every household at a sampled kiln "
            f"interviewed, estimates of the bonded share and the child labour rate with 95% "
            f"intervals against the model's true values, over "
            f"{_count(len(m.get('seeds') or []), 'model run')}. Measurement error: "
            f"{said or 'none'}.")
    return name, text


# --- headline tables ----------------------------------------------------------------------

def _csv_sections(folder: Path, sections: tuple[tuple[str, str, str], ...],
                  **table: Any) -> list[str]:
    """One titled table per (file, title, intro), or a note where the file is missing."""
    out = []
    for name, title, intro in sections:
        frame = _read_csv(folder, name)
        out.append(_missing(name) if frame is None else
                   _section_table(title, intro, _frame_table(frame, source=name, **table)))
    return out


def _tables_survey(m: dict[str, Any], folder: Path) -> list[str]:
    return _csv_sections(folder, (
        ("summary.csv", "Estimates against the truth", "Per outcome: the true value, the "
         "mean estimate, bias, error and how often the 95% interval covered the truth."),
        ("precision.csv", "Kilns needed", "The interval's half-width and coverage at each "
         "number of kilns surveyed.")))


def _tables_discovery(m: dict[str, Any], folder: Path) -> list[str]:
    out = []
    summary = m.get("summary") or []
    if summary:
        out.append(_section_table("Where each policy fails", "In plain language, from each "
                                  "policy's PRIM box.", bullets([str(s) for s in summary])))
    return out + _csv_sections(folder, (
        ("robustness.csv", "Robustness", "Each policy across the futures: the share where it "
         "satisfies the criterion, its regret against the best policy in each future, and "
         "each outcome's mean, 10th and 90th percentile (best first)."),
        ("boxes.csv", "PRIM boxes", "Each policy's box: the limits of every parameter, "
         "which side the box restricts, each side's quasi-p value, the box's coverage, "
         "density and mass, the policy's base rate (the share of all futures that fail), and "
         "whether the box is informative (denser in failures than the base rate on futures "
         "it was not chosen from).")))


def _window(m: dict[str, Any], names: Any = ()) -> Window:
    """The window a table's names carry (a comparison may be rerun with another), else the one
    the job's manifest records, else the last 12 months."""
    for name in names:
        found = Window.from_name(str(name))
        if found is not None:
            return found
    return Window.from_dict(m.get("window")) or Window()


def _tables_run(m: dict[str, Any], folder: Path) -> list[str]:
    from .outcomes import window_means

    ts = _read_csv(folder, "timeseries.csv")
    if ts is None:
        return [_missing("timeseries.csv")]
    window = _window(m).fit(int(ts["month"].iloc[-1]))
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
    table = _frame_table(pd.DataFrame(rows), interval=None) + _dash_note(undefined)
    return [_section_table(
        "Main outcomes", f"At the start and at the end of the run, {_e(window.describe())}; "
        f"every outcome, month by month, is in <code>timeseries.csv</code> ({len(ts) - 1} "
        f"months).", table)]


def _end_label(window: Window, ts: pd.DataFrame) -> str:
    """The heading of the end-of-run column: the month asked for, or the months averaged."""
    months = ts["month"].to_numpy()[window.select(ts["month"].to_numpy())]
    if window.month is not None or months.size == 0:
        return f"month {window.month}"
    return f"mean, months {int(months.min())}-{int(months.max())}"


def _dash_note(undefined: list[str]) -> str:
    """Below a table: why each of its dashes has no value."""
    if not undefined:
        return ""
    return note("A dash: no value, because " + "; ".join(undefined) + ".")


def _tables_effect(m: dict[str, Any], folder: Path) -> list[str]:
    out = []
    summary = _read_csv(folder, "effect_summary.csv")
    if summary is None:
        out.append(_missing("effect_summary.csv"))
    else:
        out.append(_section_table(
            "Effect and cost-effectiveness",
            "Mean over paired replicates with a 95% Student-t interval (a dash: not defined, "
            "e.g. a cost per unit averted where nothing was averted, or one replicate).",
            _frame_table(summary, source="effect_summary.csv")))
    by_seed = _read_csv(folder, "effect_by_seed.csv")
    if by_seed is not None:
        by_seed = by_seed.astype({"seed": str}) if "seed" in by_seed.columns else by_seed
        cost = tuple(c for c in by_seed.columns if "cost" in c)
        out.append(_section_table("Each replicate", "", _frame_table(
            by_seed, source="effect_by_seed.csv", rupee_columns=cost, max_rows=None,
            breakable=True)))
    return out


SCREEN_PX = 1050  # the page's text width (1100 px less padding), all of a 1280-pixel screen
CHAR_PX = 7.6     # a character of a table cell (0.86 rem of 15 px; digits are tabular)
CELL_PX = 22      # a cell's padding
LABEL_CHARS = 24  # the row labels' column: longer labels wrap after an underscore
EFFECT_ORDER = tuple(m.stem for m in METRIC_LIST)  # the effect metrics, in their order


def _key(name: str) -> str:
    """What a summary outcome or comparison measure is about, whatever its window: the
    outcome (``bonded_share`` for ``bonded_share_change_last_year``) or the metric."""
    return outcome_stem(str(name).split(" (", 1)[0]).removesuffix("_change")


def _interval_cell(mean: float, low: float, high: float, money: bool) -> str:
    """'mean' over 'low to high', written alike (the same decimals)."""
    whole = money or _large([mean, low, high])
    a, b, c = (number(v, whole=whole) for v in (mean, low, high))
    return a if b == "—" and c == "—" else f"{a}\n{b} to {c}"


def _column_px(texts: list[str]) -> float:
    """About how wide a column of these cells is drawn (its longest line)."""
    return max((len(line) for t in texts for line in t.split("\n")), default=1) * CHAR_PX \
        + CELL_PX


def _fit(columns: list[Any], px: dict[Any, float], label_px: float) -> list[list[Any]]:
    """The columns in groups, in order, each group as many as fit beside the row labels."""
    groups: list[list[Any]] = [[]]
    used = label_px
    for column in columns:
        if groups[-1] and used + px[column] > SCREEN_PX:
            groups.append([])
            used = label_px
        groups[-1].append(column)
        used += px[column]
    return groups


def _wide(long: pd.DataFrame, down: str, across: str, centre: str = "mean",
          source: str = "") -> str:
    """A long table (one row per ``down`` x ``across``) as wide tables: every ``down`` value
    a row, never cut; the ``across`` values as columns, as many a table as fit a 1280-pixel
    screen (the row labels repeated in each). Each cell: the centre over its interval."""
    rows = list(dict.fromkeys(long[down]))
    columns = list(dict.fromkeys(long[across]))
    cells = {(r[down], r[across]): _interval_cell(
        float(r[centre]), float(r["low"]), float(r["high"]), _rupee_row(r))
        for _, r in long.iterrows()}
    px = {c: _column_px([v for (_, col), v in cells.items() if col == c]) for c in columns}
    label_px = min(max(len(str(r)) for r in rows), LABEL_CHARS) * CHAR_PX + CELL_PX
    parts = []
    for chunk in _fit(columns, px, label_px):
        frame = pd.DataFrame([{down: str(row), **{str(c): cells.get((row, c), "—")
                                                 for c in chunk}} for row in rows])
        parts.append(_html_table(frame, {str(c) for c in chunk}, source=source or None,
                                 max_rows=None, stacked=True, breakable=True))
    return "".join(parts)


def _tables_batch(m: dict[str, Any], folder: Path) -> list[str]:
    out = []
    summary = _read_csv(folder, "summary.csv")
    if summary is None:
        out.append(_missing("summary.csv"))
    elif {"scenario", "outcome", "mean", "low", "high"} <= set(summary.columns):
        window = _window(m, summary["outcome"][:1])
        out.append(_section_table(
            "Outcomes at the end of the runs",
            f"Each scenario (a row) at the end of the runs, {_e(window.describe())}: the mean "
            f"over replicates, and below it the range of the middle 95% of replicates (2.5th to "
            f"97.5th percentile).", _batch_summary(summary)))
    else:
        out.append(_frame_table(summary, source="summary.csv", max_rows=None))
    compare = _read_csv(folder, "compare.csv")
    if compare is not None and {"scenario", "measure", "mean", "low", "high"} <= set(
            compare.columns):
        window = _window(m, compare["measure"][:1])
        out.append(_section_table(
            "Against the baseline",
            f"Each scenario (a row) against the baseline, paired by replicate seed: the mean "
            f"difference at the end of the runs, {_e(window.describe())}; and the effect "
            f"metrics (summed over the whole run where they say 'years'), with the 95% "
            f"interval below. A dash: not "
            f"defined (a cost per unit averted where nothing was averted; an interval needs "
            f"two replicates).", _batch_compare(compare)))
    return out


def _batch_summary(summary: pd.DataFrame) -> str:
    """The main outcomes by scenario, then every outcome; dashes explained."""
    keys = summary["outcome"].map(_key)
    order = {name: i for i, name in enumerate(MAIN_OUTCOMES)}
    main = summary[keys.isin(MAIN_OUTCOMES)].sort_values(
        "outcome", key=lambda s: s.map(_key).map(order), kind="stable")
    notes = []
    if "note" in summary.columns:
        said = summary[summary["mean"].isna()].dropna(subset=["note"])
        notes = [f"{r.outcome} of {r.scenario}: {r.note}" for r in said.itertuples()
                 if str(r.note).strip()]
    rest = summary[~keys.isin(MAIN_OUTCOMES)]
    body = _wide(main, "scenario", "outcome", source="summary.csv")
    if len(rest):
        body += folded(f"Every other outcome ({rest['outcome'].nunique()})",
                        _wide(rest, "outcome", "scenario", source="summary.csv"))
    return body + _dash_note(notes)


def _batch_compare(compare: pd.DataFrame) -> str:
    """The main differences and the effect metrics by scenario, then every other difference."""
    keys = compare["measure"].map(_key)
    diffs = compare[keys.isin(MAIN_OUTCOMES)]
    effects = compare[keys.isin(EFFECT_ORDER) & ~keys.isin(MAIN_OUTCOMES)]
    rest = compare[~compare.index.isin(diffs.index) & ~compare.index.isin(effects.index)]
    order = {name: i for i, name in enumerate((*MAIN_OUTCOMES, *EFFECT_ORDER))}
    diffs, effects = (t.sort_values("measure", key=lambda s: s.map(_key).map(order),
                                    kind="stable") for t in (diffs, effects))
    body = _wide(diffs, "scenario", "measure", source="compare.csv")
    if len(effects):
        body += subheading("Effect and cost") + _wide(effects, "scenario", "measure",
                                                       source="compare.csv")
    if len(rest):
        body += folded(f"Every other outcome's difference ({rest['measure'].nunique()})",
                        _wide(rest, "measure", "scenario", source="compare.csv"))
    return body


def _sweep_ranking(indices: pd.DataFrame, factors: dict[str, dict[str, Any]]) -> str:
    """One table per outcome: factors in rank order, each index with its 95% half-width."""
    parts = []
    base = [c for c in indices.columns if c not in ("outcome", "factor", "rank",
                                                     "sample_warning")
            and not c.endswith("_conf")]
    from .sensitivity import small_sample
    too_small = small_sample(indices)
    for outcome, group in indices.groupby("outcome", sort=False):
        group = group.sort_values("rank", kind="stable") if "rank" in group else group
        cells = pd.DataFrame({"rank": [number(v) for v in group.get("rank", range(1, 1 +
                                                                                 len(group)))],
                              "factor": group["factor"].astype(str).to_numpy()})
        cells["range"] = [_factor_range(factors.get(f)) for f in group["factor"]]
        numeric = {"rank"}
        for column in base:
            values = group[column].to_numpy()
            if pd.api.types.is_numeric_dtype(group[column]) and column != "distinct_from_noise":
                values = values.astype(float)
            label = column.replace("_", " ")
            if column == "distinct_from_noise":
                cells["distinct from noise"] = [number(bool(v)) for v in values]
                continue
            if f"{column}_conf" in group.columns:
                label = f"{label} ± 95%"
                conf = group[f"{column}_conf"].to_numpy(dtype=float)
                cells[label] = [f"{number(v)} ± {number(c)}" for v, c in
                                zip(values, conf, strict=True)]
            else:
                cells[label] = [number(v) for v in values]
            numeric.add(label)
        warning = (note(Markup(f"<strong>Warning:</strong> {_e(too_small[str(outcome)])}."))
                   if str(outcome) in too_small else "")
        parts.append(subheading(str(outcome)) + warning
                     + _html_table(cells, numeric, source="indices.csv"))
    return "".join(parts)


def _factor_range(spec: dict[str, Any] | None) -> str:
    if not spec:
        return ""
    text = f"{setting(spec.get('low'))} to {setting(spec.get('high'))}"
    dist = spec.get("distribution")
    if dist and dist != "uniform":
        text += f", {dist}"
    if spec.get("group"):
        text += f" (group {spec['group']})"
    return text


def _tables_sweep(m: dict[str, Any], folder: Path) -> list[str]:
    out = []
    factors = {f.get("name"): f for f in (m.get("sweep") or {}).get("factors") or []}
    indices = _read_csv(folder, "indices.csv")
    if indices is None or not {"outcome", "factor"} <= set(indices.columns):
        out.append(_missing("indices.csv"))
    else:
        intro = ("Per outcome, the factors from most to least influential (rank 1), each index "
                 "with the half-width of its 95% bootstrap interval.")
        if "distinct_from_noise" in indices.columns:
            intro += (" 'distinct from noise: no' marks a factor whose total index replicate "
                      "noise alone could explain: its rank is not to be trusted.")
        out.append(_section_table("Ranking", intro, _sweep_ranking(indices, factors)))
    noise = _read_csv(folder, "noise.csv")
    if noise is not None:
        out.append(_section_table(
            "Replicate noise",
            "The share of each outcome's variance across single runs that is replicate noise "
            "(the same point, another seed), and what is left of it in the replicate means "
            "the indices use. A dash: one replicate per point, so noise cannot be told apart.",
            _frame_table(noise, source="noise.csv")))
    second = _read_csv(folder, "second_order.csv")
    if second is not None:
        out.append(_section_table("Second-order Sobol indices", "Interactions between pairs "
                                  "of factors (S2, with the half-width of the 95% interval).",
                                  _frame_table(second, source="second_order.csv")))
    return out


def _pivot_districts(table: pd.DataFrame) -> tuple[pd.DataFrame, set[str]]:
    """Districts by strategy: one row each, one column per metric, 'mean (low to high)'."""
    metrics = list(dict.fromkeys(table["metric"]))
    rows = []
    for (strategy, district), group in table.groupby(["strategy", "district"], sort=False):
        row = {"strategy": strategy, "district": district}
        for _, r in group.iterrows():
            found = metric(str(r["metric"]))
            whole = (_is_rupee_label(str(r.get("meaning", "")))
                     or (found is not None and found.unit.startswith("Rs"))
                     or _large([float(r[k]) for k in ("mean", "low", "high")]))
            mean, low, high = (number(float(r[k]), whole=whole) for k in ("mean", "low", "high"))
            row[str(r["metric"]).replace("_", " ")] = (
                mean if low == "—" and high == "—" else f"{mean}\n({low} to {high})")
        rows.append(row)
    cells = pd.DataFrame(rows).fillna("—")
    return cells, {m.replace("_", " ") for m in metrics}


def _tables_plan(m: dict[str, Any], folder: Path) -> list[str]:
    out = []
    totals = _read_csv(folder, "totals.csv")
    if totals is None:
        out.append(_missing("totals.csv"))
    else:
        out.append(_section_table(
            "Each strategy in total",
            "Summed over the districts within each replicate, then the mean and 95% interval "
            "across replicates.", _frame_table(totals, source="totals.csv")))
    districts = _read_csv(folder, "districts.csv")
    if districts is not None and {"strategy", "district", "metric"} <= set(districts.columns):
        cells, numeric = _pivot_districts(districts)
        out.append(_section_table(
            "District by district", "Mean, with the 95% interval below it.",
            _html_table(cells, numeric, source="districts.csv", stacked=True)))
    allocations = _read_csv(folder, "allocations.csv")
    if allocations is not None:
        money = ("allocated", "capacity", "spent_mean", "spent_max")
        out.append(_section_table(
            "Allocations and spending", "Rupees allocated, the most the intervention can spend "
            "in the district over its window (its absorptive capacity), and spent (mean over "
            "replicates and the most any replicate spent).",
            _frame_table(allocations, source="allocations.csv", rupee_columns=money)))
    curve = _read_csv(folder, "search_curve.csv")
    if curve is not None:
        money = ("budget", "spent_expected", "allocated")
        out.append(_section_table(
            "The allocation search at each budget",
            "The searched allocation's objective across the draws of the uncertain parameters: "
            "expected, worst and best draw.",
            _frame_table(curve, source="search_curve.csv", rupee_columns=money)))
    best = _read_csv(folder, "search_best.csv")
    if best is not None:
        out.append(_section_table(
            "The searched allocations", "Per budget, district and intervention: its "
            "absorptive capacity, what the search allocated (never above it) and what it "
            "spent (mean over draws and replicates).",
            _frame_table(best, source="search_best.csv",
                         rupee_columns=("budget", "capacity", "allocated", "spent"))))
    return out


def _tables_calibration(m: dict[str, Any], folder: Path) -> list[str]:
    out = []
    posterior = _read_csv(folder, "posterior.csv")
    if posterior is not None:
        out.append(_section_table(
            "Fitted parameters", "Each parameter's fitted value (the median of the accepted "
            "draws) and spread, beside its prior range.",
            _frame_table(posterior, source="posterior.csv")))
    return out + _csv_sections(folder, (
        ("fit.csv", "Fit", "The fitted model, run again on fresh seeds, against every "
         "target."),
        ("targets.csv", "Targets", "The field figures the model was fitted to, with their "
         "tolerances and sources.")), interval="95% range")


# --- plots --------------------------------------------------------------------------------

def _captions(kind: str, m: dict[str, Any], folder: Path) -> list[tuple[str, str]]:
    """The kind's plots in reading order, with captions (files absent are skipped)."""
    if kind == "run":
        return [("trajectories.png", "The main outcomes month by month; grey: months the kilns "
                 "are closed.")]
    if kind == "batch":
        end = _window(m).describe()
        compare = _read_csv(folder, "compare.csv")
        differences = _window(m, [] if compare is None or "measure" not in compare.columns
                              else compare["measure"][:1]).describe()
        items = [("final_outcomes.png", f"At the end of the runs, {end}: each scenario's "
                  f"median and the range of 95% of replicates."),
                 ("compare.png", f"Each scenario's difference from the baseline, "
                  f"{differences}, paired by seed, with 95% intervals.")]
        for name in _batch_scenarios(m, folder):
            items.append((f"trajectories-{name}.png", f"Scenario {name}: the main outcomes "
                          f"month by month, median and 95% band across replicates; grey: "
                          f"kilns closed."))
        return items
    if kind == "sweep":
        return [("ranking.png", "The factors ranked by influence, per outcome, with 95% "
                 "intervals."),
                ("morris.png", "Morris: mean absolute effect (mu*) against its spread (sigma); "
                 "far right is influential, high above the diagonal acts through interactions "
                 "or non-linearly."),
                ("convergence.png", "Each factor's index against the sample size with its 95% "
                 "interval: flat lines with narrow bands mean the sample was large enough.")]
    if kind == "plan":
        return [("pareto.png", "Each strategy's total cost against bonded household-years "
                 "averted (95% intervals), with the Pareto front and the budget."),
                ("allocation.png", "Where each strategy puts the money: district by "
                 "intervention."),
                ("search_curve.png", "What the searched allocation achieves at each budget: "
                 "expected outcome across the parameter draws, worst and best draw as a band.")]
    if kind == "survey":
        return [("precision.png", "How precise a survey of a given number of kilns is, and "
                 "how far measurement error biases it.")]
    if kind == "discovery":
        items = [("robustness.png", "The policies ranked: the share of futures where each "
                  "satisfies the criterion, and its regret against the best policy.")]
        for policy in sorted(p.stem.split("-", 1)[1] for p in folder.glob("peeling-*.png")):
            items.append((f"peeling-{policy}.png", f"{policy}: PRIM's peeling trajectory, "
                          f"coverage against density; the chosen box ringed."))
            items.append((f"box-{policy}.png", f"{policy}: the futures on the two most "
                          f"restricted parameters, failures in red, and the box."))
        return items
    if kind == "calibration":
        return [("fit.png", "The calibrated model against the field figures, with the range "
                 "over fresh seeds."),
                ("posterior.png", "What the field figures say about each parameter: the "
                 "accepted draws against the prior range.")]
    return []


def _figure(path: Path, caption: str) -> Markup:
    return figure(base64.b64encode(path.read_bytes()).decode("ascii"), caption, path.name)


def _plots(kind: str, m: dict[str, Any], folder: Path) -> str:
    pngs = {p.name: p for p in sorted(folder.glob("*.png")) if p.is_file()}
    parts = []
    for name, caption in _captions(kind, m, folder):
        if name in pngs:
            parts.append(_figure(pngs.pop(name), caption))
    for name, path in pngs.items():
        parts.append(_figure(path, f"{name} (a plot the report does not describe)"))
    return "".join(parts) or note("No plots in the folder.")


# --- caveats ------------------------------------------------------------------------------

FALLBACK_CAVEATS = (
    "The model's documentation (<code>docs/ODD.md</code>) was not found in the installed "
    "package, so its list of simplifications cannot be shown here. In short: household "
    "composition is fixed (no ageing, births or deaths), owners do not adapt in the baseline, "
    "many rates are assumptions (marked in the parameter table below), and results are for "
    "comparing policies in a stylised world, not forecasts. See section 9 of the ODD protocol "
    "in the bondsim repository.")


def odd_file() -> Path:
    """The model description shipped inside the package (``bondsim.docs``), wherever it is
    installed."""
    from importlib import resources
    return Path(str(resources.files("bondsim.docs") / "ODD.md"))


def caveats_markdown(text: str) -> str | None:
    """Section 9 ('Known simplifications and caveats') of the ODD text, without its heading."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines)
                  if re.match(r"^##\s+9[.\s]", line) or
                  (line.startswith("## ") and "caveat" in line.lower())), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"^#{1,2}\s", lines[i])),
               len(lines))
    body = "\n".join(lines[start + 1:end]).strip()
    return body or None


def _caveats() -> str:
    path = odd_file()
    body = None
    if path.is_file():
        body = caveats_markdown(path.read_text(encoding="utf-8"))
    if body is None:
        return paragraph(FALLBACK_CAVEATS)
    return paragraph("From section 9 of the model's ODD description (<code>docs/ODD.md</code>, "
                     "read when this report was written):") + markdown_html(body)


# --- parameters ---------------------------------------------------------------------------

def _basis(source: str) -> str:
    low = source.lower()
    if low.startswith("assumption"):
        return "assumption"
    return "partly assumed" if "assumption" in low else "sourced"


def _parameter_sets(m: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The resolved parameters of the manifest, by scenario: ``{name: {parameter: value}}``
    (older run manifests kept one flat set, returned under the name "")."""
    resolved = m.get("parameters")
    if not isinstance(resolved, dict) or not resolved:
        return {}
    if set(resolved) <= set(PARAM_INFO) | {""}:
        return {"": resolved}
    return {str(k): v for k, v in resolved.items() if isinstance(v, dict)}


def _parameter_values(kind: str, m: dict[str, Any]) -> tuple[dict[str, str], str]:
    """The value used for each parameter, as text, and a note saying where it comes from."""
    defaults = {f.name: getattr(Params(), f.name) for f in dataclasses.fields(Params)}
    shown: dict[str, str] = {}

    def mark(name: str, value: Any) -> str:
        default = defaults.get(name)
        same = setting(value) == setting(default)
        return setting(value) if same else f"{setting(value)} (default {setting(default)})"

    sets = _parameter_sets(m)
    if sets and kind not in ("sweep", "calibration", "discovery", "plan"):
        differ = False
        for name in PARAM_INFO:
            values = {label: s[name] for label, s in sets.items() if name in s}
            if len({json.dumps(v) for v in values.values()}) > 1:
                differ = True
                shown[name] = "; ".join(f"{label}: {setting(v)}" for label, v in values.items())
            else:
                shown[name] = mark(name, next(iter(values.values()))) if values else \
                    setting(defaults[name])
        return shown, ("Values as resolved for the runs and recorded in the manifest"
                       + (", by scenario where they differ." if differ else "."))
    note = "the bondsim defaults"
    scenario = m.get("scenario")
    overrides = scenario.get("parameters") if isinstance(scenario, dict) else None
    for name in PARAM_INFO:
        shown[name] = setting(defaults[name])
    if isinstance(overrides, dict):
        for name, value in overrides.items():
            if name in shown:
                shown[name] = mark(name, value)
        note = "the bondsim defaults with the scenario's overrides, from the manifest"
    if kind == "sweep":
        for factor in (m.get("sweep") or {}).get("factors") or []:
            if factor.get("name") in shown:
                shown[factor["name"]] = f"varied: {_factor_range(factor)}"
        note += "; the sweep's parameter factors are varied over the range shown"
    fitted = m.get("fitted")
    if isinstance(fitted, dict) and fitted:
        for name, value in fitted.items():
            if name in shown:
                shown[name] = f"fitted {mark(name, value)}"
        note = "the bondsim defaults, with the calibration's fitted values"
    if kind == "plan":
        note = _plan_values(m, shown, defaults)
    if note == "the bondsim defaults":
        note += (": this manifest does not record the parameters the runs used, so the "
                 "scenario files' overrides are not shown")
    return shown, note[0].upper() + note[1:] + "."


PLAN_FIGURES = {"indebted_share": "initial_indebted_share", "cnic_share": "cnic_share",
                "exit_rate_debt_free": "exit_rate_debt_free"}


def _plan_values(m: dict[str, Any], shown: dict[str, str], defaults: dict[str, Any]) -> str:
    per: dict[str, list[str]] = {}
    for district in m.get("districts") or []:
        figures = {param: district.get(field) for field, param in PLAN_FIGURES.items()}
        figures |= district.get("parameters") or {}
        for param, item in figures.items():
            if isinstance(item, dict) and "value" in item:
                per.setdefault(param, []).append(
                    f"{district.get('name', '?')} {setting(item['value'])}")
    for param, values in per.items():
        if param in shown:
            shown[param] = "; ".join(values) + f" (default {setting(defaults[param])})"
    note = ("the bondsim defaults, with each district's figures from its profile (sources in "
            "the district table below)")
    base = (m.get("plan") or {}).get("base_scenario")
    if base:
        note += (f"; the plan's base scenario ({base}) may change more parameters, which the "
                 f"manifest does not record")
    return note


def _parameters(kind: str, m: dict[str, Any]) -> str:
    values, said = _parameter_values(kind, m)
    rows, classes = [], []
    for name, info in PARAM_INFO.items():
        basis = _basis(info.source)
        rng = "—" if info.plausible is None else \
            f"{setting(info.plausible[0])} to {setting(info.plausible[1])}"
        rows.append({"parameter": name, "value used": values[name], "unit": info.unit,
                     "plausible range": rng, "basis": basis, "source": info.source})
        classes.append({"assumption": "assumption", "partly assumed": "partly"}.get(basis, ""))
    count = sum(c == "assumption" for c in classes)
    partly = sum(c == "partly" for c in classes)
    intro = (f"{_e(said)} Every parameter with its unit, the range the evidence supports and "
             f"its source, cited by key from <code>docs/references.md</code>. "
             f"<span class=\"assumption-key\">Shaded</span>: {count} of {len(rows)} parameters "
             f"are assumptions; {partly} more are partly assumed.")
    out = [paragraph(intro) + _html_table(pd.DataFrame(rows), set(), classes, max_rows=None,
                                          code_columns=("parameter",))]
    if kind == "plan":
        out.append(_district_figures(m))
    return "".join(out)


def _district_figures(m: dict[str, Any]) -> str:
    rows, classes = [], []
    for district in m.get("districts") or []:
        for field, item in district.items():
            items = item.items() if field == "parameters" and isinstance(item, dict) else \
                [(field, item)]
            for label, entry in items:
                if isinstance(entry, dict) and "value" in entry:
                    source = str(entry.get("source", ""))
                    rows.append({"district": district.get("name", "?"), "figure": label,
                                 "value": setting(entry["value"]), "source": source})
                    classes.append("assumption" if _basis(source) == "assumption" else
                                   "partly" if _basis(source) != "sourced" else "")
    if not rows:
        return ""
    return section("District figures", "Each district's profile as the plan used it, with "
                   "sources; assumptions shaded.",
                   _html_table(pd.DataFrame(rows), {"value"}, classes, max_rows=None))


# --- the page -----------------------------------------------------------------------------

SUMMARIES: dict[str, Callable[[dict[str, Any], Path], tuple[str, str]]] = {
    "run": _summary_run, "effect": _summary_effect, "batch": _summary_batch,
    "sweep": _summary_sweep, "plan": _summary_plan, "calibration": _summary_calibration,
    "discovery": _summary_discovery, "survey": _summary_survey,
}
TABLES: dict[str, Callable[[dict[str, Any], Path], list[str]]] = {
    "run": _tables_run, "effect": _tables_effect, "batch": _tables_batch,
    "sweep": _tables_sweep, "plan": _tables_plan, "calibration": _tables_calibration,
    "discovery": _tables_discovery, "survey": _tables_survey,
}


def read_manifest(folder: Path) -> dict[str, Any]:
    """The folder's manifest, checked to be of a kind the report knows."""
    file = folder / "manifest.json"
    if not folder.is_dir():
        raise BondsimError(f"{folder}: not a folder; expected a bondsim output folder")
    if not file.is_file():
        raise BondsimError(f"{folder}: no manifest.json; expected the output folder of bondsim "
                           f"run, effect, batch, sweep, plan or calibrate")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BondsimError(f"{file}: not valid JSON ({exc})") from None
    kind = manifest.get("kind") if isinstance(manifest, dict) else None
    if kind not in KINDS:
        raise BondsimError(f"{file}: field 'kind': value {kind!r} is not a kind of output the "
                           f"report knows; expected one of {', '.join(KINDS)}")
    return manifest


def _provenance(m: dict[str, Any], folder: Path) -> str:
    created = m.get("created")
    if created:
        when = f"Created {_e(str(created))}"
    else:
        stamp = datetime.fromtimestamp((folder / "manifest.json").stat().st_mtime, UTC)
        when = (f"Date not recorded in the manifest (manifest.json last written "
                f"{stamp.isoformat(timespec='seconds')})")
    git = m.get("git") or {}
    commit = git.get("commit")
    dirty = git.get("dirty")
    version = f"bondsim {_e(str(m['bondsim']))}" if m.get("bondsim") else "bondsim"
    code = (f"{version} commit <code>{_e(str(commit)[:12])}</code>" if commit else
            f"{version}, commit unknown (not run from a git checkout)")
    if commit == INSTALLED:
        code = f"{version}, an installed package (not run from a git checkout)"
    elif commit:
        code += {True: ", with uncommitted changes (the results may not be reproducible from "
                       "the commit alone)",
                 False: ", no uncommitted changes"}.get(dirty, ", uncommitted changes unknown")
    seeds = m.get("seeds")
    count = len(seeds) if isinstance(seeds, list) else (1 if "seed" in m else None)
    seeds_text = f"; {count} seed{'s' if count != 1 else ''}" if count is not None else ""
    return f"{when}; {code}{seeds_text}."


def _packages(m: dict[str, Any]) -> str:
    packages = m.get("packages") or {}
    if not packages:
        return note("Package versions not recorded.")
    cells = pd.DataFrame([{k: v if v is not None else "not installed"
                           for k, v in packages.items()}])
    return section("Package versions", None, _html_table(cells, max_rows=None))


def build_report(folder: Path) -> str:
    """The report of an output folder, as one HTML document."""
    folder = Path(folder)
    m = read_manifest(folder)
    kind = m["kind"]
    name, summary = SUMMARIES[kind](m, folder)
    title = f"bondsim {kind}: {name}"
    sections = [
        ("summary", "What was run",
         paragraph(f"{summary} {_provenance(m, folder)}")
         + note(Markup(f"Folder: <code>{_e(str(folder.resolve()))}</code>")) + _packages(m)),
        ("results", "Results", "".join(TABLES[kind](m, folder))),
        ("plots", "Plots", _plots(kind, m, folder)),
        ("caveats", "What the model leaves out", _caveats()),
        ("parameters", "Parameters and their sources", _parameters(kind, m)),
    ]
    made = datetime.now(UTC).isoformat(timespec="seconds")
    return render("report.html", title=title, folder_name=folder.name, made=made,
                  sections=[{"key": key, "heading": head, "body": Markup(body)}
                            for key, head, body in sections])


def write_report(folder: Path, out: Path | None = None) -> Path:
    """Write the report of an output folder (default ``<folder>/report.html``), atomically;
    return its path. Raises ``BondsimError`` when the folder has no manifest or one of a kind
    the report does not know."""
    folder = Path(folder)
    page = build_report(folder)
    out = Path(out) if out is not None else folder / "report.html"
    write_text(out, page)
    return out
