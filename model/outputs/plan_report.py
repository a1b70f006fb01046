"""What the report of a plan (``bondsim plan``, ``bondsim.experiments.plan``) shows: each strategy
in total (``totals.csv``), district by district (``districts.csv``), the local terms each
district ran on with a caution when any is assumed (``plan_terms``), the allocations and
spending, and the allocation search's curve and allocations; the Pareto, allocation and search
plots. Its parameters are each district's figures, with their sources after the parameter table."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from ..experiments.paired import metric
from ..numbers import number, setting
from .labels import label
from .plan_findings import plan_findings
from .plan_terms import terms_section
from .report_html import section
from .report_tables import (
    CsvTable,
    JobReport,
    Plot,
    and_list,
    any_large,
    basis,
    count,
    counterfactual,
    html_table,
    is_rupee_label,
    named,
    read_csv,
    section_table,
)
from .shown import known

_e = html.escape


def _summary_plan(m: dict[str, Any], folder: Path) -> tuple[str, str]:
    spec = m.get("plan") or {}
    districts = m.get("districts") or []
    strategies = [s.get("name", "?") for s in spec.get("strategies") or []]
    where = and_list([f"{d.get('name', '?')} ({_households(d):,} households)" for d in districts])
    title = named(spec.get("name", "?"), spec.get("description", ""))
    text = (f"A plan for pilot districts, {title}: "
            f"{count(len(strategies), 'strategy', 'strategies')} "
            f"({_e(and_list(strategies))}) each run in "
            f"{count(len(districts), 'district')} ({_e(where)}) against the district's "
            f"baseline with no plan spending, on {spec.get('replicates', '?')} paired "
            f"replicates; horizon "
            f"{spec.get('horizon', '?')} months, budget {_e(_budget(m))} "
            f"(over budget: {_e(str(spec.get('over_budget', '?')))}), {m.get('runs', '?')} "
            f"runs.{counterfactual(m)}")
    search = m.get("search")
    if search:
        objective = str(search.get("objective"))
        text += (f" An allocation search ('optimised') maximised "
                 f"{_e(label(objective)) if known(objective) else _e(objective)} "
                 f"({_e(str(search.get('robust')))} over {search.get('draws')} draws of the "
                 f"uncertain parameters).")
    notes = m.get("notes") or []
    if notes:
        text += " Notes: " + "; ".join(_e(n) for n in notes) + "."
    return str(spec.get("name", folder.name)), text


def _budget(m: dict[str, Any]) -> str:
    """The budget as the plan file states it and, if that is another year's rupees, in
    base-year rupees (what the allocations and costs are counted in)."""
    spec = m.get("plan") or {}
    written = m.get("budget_as_written")
    if not isinstance(written, dict):  # a manifest from before plans had a price year
        return f"Rs {number(spec.get('budget'), whole=True)}"
    said = f"Rs {number(written.get('value'), whole=True)}"
    year, base = written.get("price_year"), written.get("base_year")
    if year != base:
        said += (f" in {year} prices, Rs {number(written.get('in_base_year'), whole=True)} in "
                 f"{base} prices (the model's, in which allocations and costs are counted)")
    return said


def _households(district: dict[str, Any]) -> int:
    try:
        return int(district["kilns"]["value"]) * int(district["families_per_kiln"]["value"])
    except (KeyError, TypeError, ValueError):
        return 0


def _pivot_districts(table: pd.DataFrame) -> tuple[pd.DataFrame, set[str]]:
    """Districts by strategy: one row each, one column per metric, 'mean (low to high)'."""
    metrics = list(dict.fromkeys(table["metric"]))
    rows = []
    for (strategy, district), group in table.groupby(["strategy", "district"], sort=False):
        row = {"strategy": strategy, "district": district}
        for _, r in group.iterrows():
            found = metric(str(r["metric"]))
            whole = (is_rupee_label(str(r.get("meaning", "")))
                     or (found is not None and found.unit.startswith("Rs"))
                     or any_large([float(r[k]) for k in ("mean", "low", "high")]))
            mean, low, high = (number(float(r[k]), whole=whole) for k in ("mean", "low", "high"))
            row[str(r["metric"]).replace("_", " ")] = (
                mean if low == "—" and high == "—" else f"{mean}\n({low} to {high})")
        rows.append(row)
    cells = pd.DataFrame(rows).fillna("—")
    return cells, {m.replace("_", " ") for m in metrics}


PLAN_FIGURES = {"indebted_share": "initial_indebted_share", "cnic_share": "cnic_share",
                "exit_rate_debt_free": "exit_rate_debt_free"}


def _plan_values(m: dict[str, Any], shown: dict[str, str], defaults: dict[str, Any],
                 said: str) -> str:
    """Each district's figures from its profile, in place of the defaults (``said``, the note
    so far, is replaced: a plan's runs have no scenario overrides to tell of)."""
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


def _district_figures(m: dict[str, Any]) -> str:
    rows, classes = [], []
    for district in m.get("districts") or []:
        for field, item in district.items():
            items = item.items() if field == "parameters" and isinstance(item, dict) else \
                [(field, item)]
            for figure, entry in items:
                if isinstance(entry, dict) and "value" in entry:
                    source = str(entry.get("source", ""))
                    rows.append({"district": district.get("name", "?"), "figure": figure,
                                 "value": setting(entry["value"]), "source": source})
                    classes.append("assumption" if basis(source) == "assumption" else
                                   "partly" if basis(source) != "sourced" else "")
    if not rows:
        return ""
    # each figure by its field in the profile file (``indebted_share`` there is the share
    # indebted at the start, not the outcome of that name)
    return section("District figures", "Each district's profile as the plan used it, each "
                   "figure by its name in the profile file, with sources; assumptions shaded.",
                   html_table(pd.DataFrame(rows), {"value"}, classes, max_rows=None,
                              code_columns=("figure",)))


def _district_by_district(m: dict[str, Any], folder: Path) -> list[str]:
    districts = read_csv(folder, "districts.csv")
    if districts is None or not {"strategy", "district", "metric"} <= set(districts.columns):
        return []
    cells, numeric = _pivot_districts(districts)
    return [section_table("District by district", "Mean, with the 95% interval below it.",
                          html_table(cells, numeric, source="districts.csv", stacked=True))]


REPORT = JobReport(
    kind="plan", summary=_summary_plan,
    results=(
        terms_section,
        CsvTable("totals.csv", "Each strategy in total",
                 "Summed over the districts within each replicate, then the mean and 95% "
                 "interval across replicates."),
        _district_by_district,
        CsvTable("allocations.csv", "Allocations and spending",
                 "Rupees allocated, the most the intervention can spend in the district over "
                 "its window (its absorptive capacity), and spent (mean over replicates and "
                 "the most any replicate spent).", required=False,
                 rupee_columns=("allocated", "capacity", "spent_mean", "spent_max")),
        CsvTable("search_curve.csv", "The allocation search at each budget",
                 "The searched allocation's objective across the draws of the uncertain "
                 "parameters: expected, worst and best draw.", required=False,
                 rupee_columns=("budget", "spent_expected", "allocated")),
        CsvTable("search_best.csv", "The searched allocations",
                 "Per budget, district and intervention: its absorptive capacity, what the "
                 "search allocated (never above it) and what it spent (mean over draws and "
                 "replicates).", required=False,
                 rupee_columns=("budget", "capacity", "allocated", "spent"))),
    plots=(Plot("pareto.png", "Each strategy's total cost against bonded household-years "
                "averted (95% intervals), with the Pareto front and the budget."),
           Plot("allocation.png", "Where each strategy puts the money: district by "
                "intervention."),
           Plot("search_curve.png", "What the searched allocation achieves at each budget: "
                "expected outcome across the parameter draws, worst and best draw as a band.")),
    resolved_parameters=False, parameters=_plan_values, after_parameters=_district_figures,
    findings=plan_findings)
