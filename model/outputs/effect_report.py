"""What the report of an effect (``bondsim effect``, ``bondsim.experiments.effect``) shows: the
paired effect and cost-effectiveness from ``effect_summary.csv``, where it comes from (the
channels of ``effect_channels.csv``, when the effect was decomposed) and each replicate from
``effect_by_seed.csv``."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from ..experiments.paired import DETERRENCE_ASSUMPTIONS, deterrence_caveat
from ..simulation.outcomes import outcome_stem
from .definitions import definitions_section, metrics
from .findings import (
    Findings,
    cost_order,
    definitions_caveat,
    effect_sentence,
    few_replicates,
    spans_zero,
    zero_spanning,
)
from .labels import label
from .report_tables import (
    CsvTable,
    JobReport,
    counterfactual,
    frame_table,
    given,
    interventions_text,
    read_csv,
    section_table,
    window_of,
)
from .shown import cell

_e = html.escape

SUMMARY = CsvTable(
    "effect_summary.csv", "Effect and cost-effectiveness",
    "Mean over paired replicates with a 95% Student-t interval (a dash: not defined, "
    "e.g. a cost per unit averted where nothing was averted, or one replicate).")


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
            f"{given(hh, 'the scenario file’s population')}; months: "
            f"{given(months, 'the scenario file’s horizon')}. "
            f"Interventions: {interventions_text(m.get('interventions') or [])}. The metrics of "
            f"the end of the run are {_e(window_of(m).describe())}; the others are over the "
            f"whole run.{counterfactual(m)}")
    return str(m.get("scenario", folder.name)), text


CHANNELS = CsvTable(
    "effect_channels.csv", "Where the effect comes from",
    "Bonded household-years averted through each channel: the policy run less the same policy "
    "with that channel switched off (releases, deterrence: owners' changed terms, credit, cash), "
    "on the same seeds; mean over replicates with a 95% interval, and its share of the effect. "
    "A channel the policy never used contributes 0 without a run. 'interaction' is what no "
    "single channel accounts for (shares need not add to 1). The cost is the policy's full "
    "cost; it is not split among channels. Deterrence is owners' own choice (rule 9), but how "
    f"strongly they respond hinges on assumptions: {DETERRENCE_ASSUMPTIONS}; check a large "
    "deterrence share in a sweep over them.",
    required=False)  # a folder written with --no-decompose (or before it existed) has none


def _each_replicate(m: dict[str, Any], folder: Path) -> list[str]:
    """Every replicate's effects, in full; its costs in rupees."""
    by_seed = read_csv(folder, "effect_by_seed.csv")
    if by_seed is None:
        return []
    by_seed = by_seed.astype({"seed": str}) if "seed" in by_seed.columns else by_seed
    cost = tuple(c for c in by_seed.columns if "cost" in c)
    return [section_table("Each replicate", "", frame_table(
        by_seed, source="effect_by_seed.csv", rupee_columns=cost, max_rows=None,
        breakable=True))]


#: the effects the findings name, in order (the end-of-run ones by their stem)
HEADLINE = ("bonded_household_years_averted", "bonded_households_freed",
            "child_work_years_averted", "school_years_gained", "household_months_short_averted",
            "public_cost")


def _row(summary: pd.DataFrame, stem: str) -> pd.Series | None:
    found = summary[summary["metric"].map(lambda n: outcome_stem(str(n)) == stem)]
    return None if found.empty else found.iloc[0]


def _findings(m: dict[str, Any], folder: Path) -> Findings:
    scenario, baseline = str(m.get("scenario", "?")), str(m.get("baseline", "?"))
    opts = m.get("options") or {}
    seeds = m.get("seeds") or []
    window = window_of(m).describe()
    compared = (f"<strong>{_e(scenario)}</strong> against the baseline "
                f"<strong>{_e(baseline)}</strong>, on {len(seeds)} paired replicate"
                f"{'' if len(seeds) == 1 else 's'} (households: "
                f"{given(opts.get('households'), 'the scenario file’s')}; months: "
                f"{given(opts.get('months'), 'the scenario file’s')}); end-of-run metrics "
                f"{_e(window)}, the others summed over the whole run.")
    found = Findings(compared, effects_title="Effects")
    summary = read_csv(folder, "effect_summary.csv")
    zero: list[str] = []
    if summary is not None and {"metric", "mean", "low", "high"} <= set(summary.columns):
        for stem in HEADLINE:
            row = _row(summary, stem)
            if row is None:
                continue
            found.effects.append(effect_sentence(scenario, str(row["metric"]), row["mean"],
                                                 row["low"], row["high"], baseline))
            if stem != "public_cost" and spans_zero(row["low"], row["high"]):
                zero.append(label(str(row["metric"])))
        cost = _row(summary, "cost_per_bonded_household_year_averted")
        if cost is not None:
            found.order = cost_order([(scenario, cost["mean"], cost["low"], cost["high"])],
                                     "bonded household-year averted")
    channels = read_csv(folder, "effect_channels.csv")
    if channels is not None and {"channel", "share"} <= set(channels.columns):
        said = deterrence_caveat(channels)
        if said:  # the warning ``bondsim effect`` prints, as a sentence
            said = said.removeprefix("caveat: ")
            found.caveats.append(_e(said[0].upper() + said[1:]))
    found.caveats += [c for c in (few_replicates(len(seeds) or None), zero_spanning(zero))
                      if c]
    found.caveats.append(definitions_caveat(summary is not None))
    return found


def _definitions(m: dict[str, Any], folder: Path) -> list[str]:
    summary = read_csv(folder, "effect_summary.csv")
    if summary is None or "metric" not in summary.columns:
        return []
    cells = {}
    for name in metrics():
        row = _row(summary, name)
        if row is not None:
            cells[name] = (f"{cell(row['mean'], 'household-years')}\n"
                           f"{cell(row['low'], 'household-years')} to "
                           f"{cell(row['high'], 'household-years')}")
    return [definitions_section({"household-years averted (95 % interval below)": cells},
                                by="metric")] if cells else []


REPORT = JobReport(kind="effect", summary=_summary_effect,
                   results=(SUMMARY, _definitions, CHANNELS, _each_replicate),
                   findings=_findings)
