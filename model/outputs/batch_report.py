"""What the report of a batch (``bondsim batch``, ``bondsim.experiments.batch``) and its comparison
(``bondsim compare``) shows: every scenario's outcomes at the end of the runs from
``summary.csv`` and its paired differences and effect metrics from ``compare.csv``, in full,
as wide tables; the final outcomes, the comparison and each scenario's trajectories."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from ..experiments.paired import METRIC_LIST
from ..simulation.outcomes import outcome_stem
from .definitions import definitions_section, outcomes
from .findings import (
    Findings,
    cost_order,
    definitions_caveat,
    effect_sentence,
    few_replicates,
    over,
    spans_zero,
    zero_spanning,
)
from .labels import label
from .report_html import folded, subheading
from .report_tables import (
    MAIN_OUTCOMES,
    JobReport,
    Plot,
    and_list,
    count,
    dash_note,
    frame_table,
    given,
    missing,
    named,
    read_csv,
    section_table,
    wide,
    window_of,
)
from .shown import cell

_e = html.escape


EFFECT_ORDER = tuple(m.stem for m in METRIC_LIST)  # the effect metrics, in their order


def _scenarios(m: dict[str, Any], folder: Path) -> list[str]:
    summary = read_csv(folder, "summary.csv")
    if summary is not None and "scenario" in summary.columns:
        return [str(s) for s in dict.fromkeys(summary["scenario"])]
    return [Path(f).stem for f in m.get("scenario_files") or []]


def _summary_batch(m: dict[str, Any], folder: Path) -> tuple[str, str]:
    exp = m.get("experiment") or {}
    scenarios = _scenarios(m, folder)
    failed = m.get("failed") or []
    kept = exp.get("outcomes")
    own = "each scenario's own"
    text = (f"A batch, the experiment {named(exp.get('name', '?'), exp.get('description', ''))}"
            f": {len(scenarios)} scenarios ({_e(and_list(scenarios))}) x "
            f"{exp.get('replicates', '?')} replicates = {m.get('runs', '?')} runs, replicate r "
            f"with the same seed in every scenario (common random numbers). Households: "
            f"{given(exp.get('households'), own)}; months: {given(exp.get('months'), own)}. "
            f"Outcomes kept: {_e(and_list(kept)) if kept else 'all'}. "
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


def _tables_batch(m: dict[str, Any], folder: Path) -> list[str]:
    out = []
    summary = read_csv(folder, "summary.csv")
    if summary is None:
        out.append(missing("summary.csv"))
    elif {"scenario", "outcome", "mean", "low", "high"} <= set(summary.columns):
        window = window_of(m, summary["outcome"][:1])
        out.append(section_table(
            "Outcomes at the end of the runs",
            f"Each scenario (a row) at the end of the runs, {_e(window.describe())}: the mean "
            f"over replicates, and below it the range of the middle 95% of replicates (2.5th to "
            f"97.5th percentile).", _batch_summary(summary)))
    else:
        out.append(frame_table(summary, source="summary.csv", max_rows=None))
    compare = read_csv(folder, "compare.csv")
    if compare is not None and {"scenario", "measure", "mean", "low", "high"} <= set(
            compare.columns):
        window = window_of(m, compare["measure"][:1])
        out.append(section_table(
            "Against the baseline",
            f"Each scenario (a row) against the baseline, paired by replicate seed: the mean "
            f"difference at the end of the runs, {_e(window.describe())}; and the effect "
            f"metrics (summed over the whole run where they say 'years'), with the 95% "
            f"interval below. A dash: not "
            f"defined (a cost per unit averted where nothing was averted; an interval needs "
            f"two replicates).", _batch_compare(compare)))
    return out


def _key(name: str) -> str:
    """What a summary outcome or comparison measure is about, whatever its window: the
    outcome (``bonded_share`` for ``bonded_share_change_last_year``) or the metric."""
    return outcome_stem(str(name).split(" (", 1)[0]).removesuffix("_change")


def _batch_summary(summary: pd.DataFrame) -> str:
    """The main outcomes by scenario, then every outcome; dashes explained."""
    keys = summary["outcome"].map(_key)
    order = {name: i for i, name in enumerate(MAIN_OUTCOMES)}
    main = summary[keys.isin(MAIN_OUTCOMES)].sort_values(
        "outcome", key=lambda s: s.map(_key).map(order), kind="stable")
    notes = []
    if "note" in summary.columns:
        said = summary[summary["mean"].isna()].dropna(subset=["note"])
        notes = [f"{label(r.outcome)} of {r.scenario}: {r.note}" for r in said.itertuples()
                 if str(r.note).strip()]
    rest = summary[~keys.isin(MAIN_OUTCOMES)]
    body = wide(main, "scenario", "outcome", source="summary.csv")
    if len(rest):
        body += folded(f"Every other outcome ({rest['outcome'].nunique()})",
                        wide(rest, "outcome", "scenario", source="summary.csv"))
    return body + dash_note(notes)


def _batch_compare(compare: pd.DataFrame) -> str:
    """The main differences and the effect metrics by scenario, then every other difference."""
    keys = compare["measure"].map(_key)
    diffs = compare[keys.isin(MAIN_OUTCOMES)]
    effects = compare[keys.isin(EFFECT_ORDER) & ~keys.isin(MAIN_OUTCOMES)]
    rest = compare[~compare.index.isin(diffs.index) & ~compare.index.isin(effects.index)]
    order = {name: i for i, name in enumerate((*MAIN_OUTCOMES, *EFFECT_ORDER))}
    diffs, effects = (t.sort_values("measure", key=lambda s: s.map(_key).map(order),
                                    kind="stable") for t in (diffs, effects))
    body = wide(diffs, "scenario", "measure", source="compare.csv")
    if len(effects):
        body += subheading("Effect and cost") + wide(effects, "scenario", "measure",
                                                       source="compare.csv")
    if len(rest):
        body += folded(f"Every other outcome's difference ({rest['measure'].nunique()})",
                        wide(rest, "measure", "scenario", source="compare.csv"))
    return body


def _plots(m: dict[str, Any], folder: Path) -> list[Plot]:
    end = window_of(m).describe()
    compare = read_csv(folder, "compare.csv")
    differences = window_of(m, [] if compare is None or "measure" not in compare.columns
                            else compare["measure"][:1]).describe()
    items = [Plot("final_outcomes.png", f"At the end of the runs, {end}: each scenario's paired "
                  f"difference from the baseline with its 95% interval (each scenario's "
                  f"level, when the batch has no baseline)."),
             Plot("compare.png", f"Each scenario's difference from the baseline, "
                  f"{differences}, paired by seed, with 95% intervals.")]
    for name in _scenarios(m, folder):
        items.append(Plot(f"trajectories-{name}.png", f"Scenario {name}: the main outcomes "
                          f"by year since the start, median and 95% band across replicates, "
                          f"the baseline for reference and the month its policy starts marked; "
                          f"shaded: kilns closed."))
    return items


#: the outcomes whose changes the findings name: the headline first
FINDING_OUTCOMES = ("bonded_share", "child_labour_rate", "school_enrolment", "indebted_share")
MOST = 5  # scenarios named for the headline; then the largest other changes
OTHERS = 3


def _baseline(m: dict[str, Any], folder: Path, compare: pd.DataFrame | None) -> str:
    """The scenario the comparison was against: the one summarised but not compared."""
    compared = set() if compare is None else set(compare["scenario"].astype(str))
    rest = [s for s in _scenarios(m, folder) if s not in compared]
    return rest[0] if rest else "baseline"


def _findings(m: dict[str, Any], folder: Path) -> Findings:
    exp = m.get("experiment") or {}
    scenarios = _scenarios(m, folder)
    compare = read_csv(folder, "compare.csv")
    if compare is not None and not {"scenario", "measure", "mean", "low", "high"} <= set(
            compare.columns):
        compare = None
    baseline = _baseline(m, folder, compare)
    window = window_of(m, [] if compare is None else compare["measure"][:1])
    own = "each scenario's own"
    others = [s for s in scenarios if s != baseline]
    compared = (f"{count(len(others), 'scenario')} ({_e(and_list(others))}) against the "
                f"baseline <strong>{_e(baseline)}</strong>, each on the same "
                f"{exp.get('replicates', '?')} replicate seeds; households: "
                f"{given(exp.get('households'), own)}; months: {given(exp.get('months'), own)};"
                f" outcomes at the end of the runs {_e(over(window))}.")
    found = Findings(compared)
    zero: list[str] = []
    if compare is None:
        found.caveats.append("No comparison in the folder (<code>compare.csv</code>): run "
                             "<code>bondsim compare</code> for the effects against the "
                             "baseline.")
    else:
        keys = compare["measure"].map(_key)
        changes = compare[compare["measure"].astype(str).str.contains("_change")]
        head = changes[keys[changes.index] == FINDING_OUTCOMES[0]]
        rest = changes[keys[changes.index].isin(FINDING_OUTCOMES[1:])]
        chosen = [*_largest(head, MOST), *_largest(rest, OTHERS)]
        for r in chosen:
            found.effects.append(effect_sentence(str(r["scenario"]), str(r["measure"]),
                                                 r["mean"], r["low"], r["high"],
                                                 "the baseline" if baseline == "baseline"
                                                 else f"the baseline ({baseline})",
                                                 over(window)))
            if spans_zero(r["low"], r["high"]):
                zero.append(f"{r['scenario']}: {label(_key(r['measure']))}")
        costs = compare[keys == "cost_per_bonded_household_year_averted"]
        found.order = cost_order([(str(r["scenario"]), r["mean"], r["low"], r["high"])
                                  for _, r in costs.iterrows()],
                                 "bonded household-year averted")
    found.caveats += [c for c in (few_replicates(exp.get("replicates")), zero_spanning(zero))
                      if c]
    failed = m.get("failed") or []
    if failed:
        found.caveats.append(f"{len(failed)} runs failed (see <code>runs/</code>); the "
                             f"summaries leave them out.")
    found.caveats.append(definitions_caveat(read_csv(folder, "summary.csv") is not None))
    return found


def _largest(rows: pd.DataFrame, most: int) -> list[pd.Series]:
    """The ``most`` rows with the largest absolute mean (undefined last)."""
    order = rows["mean"].abs().fillna(-1).sort_values(ascending=False, kind="stable").index
    return [rows.loc[i] for i in order[:most]]


def _definitions(m: dict[str, Any], folder: Path) -> list[str]:
    """Each scenario's level under the three definitions, and each change from the
    baseline."""
    summary = read_csv(folder, "summary.csv")
    if summary is None or not {"scenario", "outcome", "mean"} <= set(summary.columns):
        return []
    wanted = set(outcomes())
    columns: dict[str, dict[str, str]] = {}
    for _, r in summary[summary["outcome"].map(_key).isin(wanted)].iterrows():
        columns.setdefault(f"{r['scenario']} (% of households)", {})[_key(r["outcome"])] = \
            cell(r["mean"], "share of households")
    compare = read_csv(folder, "compare.csv")
    if compare is not None and {"scenario", "measure", "mean", "low", "high"} <= set(
            compare.columns):
        baseline = _baseline(m, folder, compare)
        changes = compare[compare["measure"].astype(str).str.contains("_change")]
        for _, r in changes[changes["measure"].map(_key).isin(wanted)].iterrows():
            columns.setdefault(f"{r['scenario']} − {baseline} (percentage points, 95 % "
                               f"interval below)", {})[_key(r["measure"])] = (
                f"{cell(r['mean'], 'share of households', True)}\n"
                f"{cell(r['low'], 'share of households', True)} to "
                f"{cell(r['high'], 'share of households', True)}")
    return [definitions_section(columns)] if columns else []


REPORT = JobReport(kind="batch", summary=_summary_batch, results=(_tables_batch, _definitions),
                   plots=_plots, findings=_findings)
