"""The findings of a plan's report (``plan_report``): the strategies compared, what each
averts with its interval, their cost-effectiveness order and the caveats of the plan (the
district figures that are assumptions, the districts running on assumed local terms, few
replicates, effects not told from zero).

Apart from ``plan_report`` so that the plan's tables and its findings can change separately.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

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
from .plan_terms import caution
from .report_tables import and_list, basis, read_csv

_e = html.escape

#: the totals the findings name, per strategy, largest first
NAMED = ("bonded_household_years_averted", "child_work_years_averted")


def district_assumptions(m: dict[str, Any]) -> tuple[int, int]:
    """How many of the districts' figures are assumptions, of how many."""
    sources = []
    for district in m.get("districts") or []:
        for field, item in district.items():
            entries = item.values() if field == "parameters" and isinstance(item, dict) \
                else [item]
            sources += [str(e.get("source", "")) for e in entries
                        if isinstance(e, dict) and "value" in e]
    return sum(basis(s) == "assumption" for s in sources), len(sources)


def plan_findings(m: dict[str, Any], folder: Path) -> Findings:
    spec = m.get("plan") or {}
    districts = [str(d.get("name", "?")) for d in m.get("districts") or []]
    totals = read_csv(folder, "totals.csv")
    strategies = ([str(s) for s in dict.fromkeys(totals["strategy"])]
                  if totals is not None and "strategy" in totals.columns
                  else [s.get("name", "?") for s in spec.get("strategies") or []])
    compared = (f"{len(strategies)} strategies ({_e(and_list(strategies))}) in "
                f"{len(districts)} districts ({_e(and_list(districts))}), each against the "
                f"district's baseline with no plan spending, on {spec.get('replicates', '?')} "
                f"paired replicates over {spec.get('horizon', '?')} months; totals summed over "
                f"the districts.")
    found = Findings(compared)
    zero: list[str] = []
    if totals is not None and {"strategy", "metric", "mean", "low", "high"} <= set(
            totals.columns):
        for name in NAMED:
            rows = totals[totals["metric"] == name].sort_values("mean", ascending=False)
            for _, r in rows.iterrows():
                found.effects.append(effect_sentence(str(r["strategy"]), name, r["mean"],
                                                     r["low"], r["high"], "no plan spending"))
                if spans_zero(r["low"], r["high"]):
                    zero.append(f"{r['strategy']}: {label(name)}")
        costs = totals[totals["metric"] == "cost_per_bonded_household_year_averted"]
        found.order = cost_order([(str(r["strategy"]), r["mean"], r["low"], r["high"])
                                  for _, r in costs.iterrows()],
                                 "bonded household-year averted")
    assumed, figures = district_assumptions(m)
    if assumed:
        found.caveats.append(
            f"{assumed} of the {figures} district figures are assumptions, not measurements "
            f"(shaded in the table <em>District figures</em> at the end): the strategies' "
            f"effects and their order rest on them.")
    terms = caution(m)  # the local terms that move bondage most, named on their own
    if terms:
        found.caveats.append(_e(terms))
    found.caveats += [c for c in (few_replicates(spec.get("replicates")), zero_spanning(zero))
                      if c]
    found.caveats.append(definitions_caveat(False) + " The totals table gives the "
                         "household-years averted under all three.")
    return found


