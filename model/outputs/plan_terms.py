"""The local terms each district of a plan ran on, and whether anyone measured them.

A district's notified piece rate, brick price, need per person and outside option share
(``simulation/local_terms.py``) move its bonded share more than most of a plan's levers, and
some provinces' are assumptions (Balochistan's rate is KP's Rs 800 of 2017). The plan report
shows them in one table, each with its unit, price year, its value in base-year rupees (what
the runs used) and its basis, and a caution line whenever a district runs on assumed terms, so
a planner does not read an assumed province's results as measured. Read from the manifest's
``districts`` (the profiles with the province's terms filled in); a term a profile does not
give is the model's default, with the default's own source.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from ..numbers import number, setting
from ..prices import BASE_YEAR, is_money, to_base
from ..simulation.local_terms import LOCAL
from ..simulation.parameters import PARAM_INFO, Params
from .report_html import section
from .report_tables import basis, html_table

_e = html.escape
TERMS = tuple(LOCAL)  # notified piece rate, brick price, need per person, outside option share


def term_rows(m: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per district and term: value as given, unit, price year, base-year value,
    basis and source."""
    defaults = Params()
    rows = []
    for district in m.get("districts") or []:
        for term in TERMS:
            info = PARAM_INFO[term]
            entry = district.get(term)
            if isinstance(entry, dict) and "value" in entry:
                value, source = float(entry["value"]), str(entry.get("source", ""))
                year = entry.get("price_year")
            else:
                value = float(getattr(defaults, term))
                source = f"model default: {info.source}"
                year = BASE_YEAR if is_money(info.unit) else None
            money = is_money(info.unit) and isinstance(year, int)
            rows.append({
                "district": str(district.get("name", "?")),
                "term": term.replace("_", " "),
                "unit": info.unit,
                "as given": setting(value),
                "price year": str(year) if money else "—",
                f"in {BASE_YEAR} rupees": number(to_base(value, year), whole=True) if money
                else "—",
                "basis": _basis(source)})
    return rows


def _basis(source: str) -> str:
    """``sourced``, ``assumption`` or ``partly assumed``; a model default says so."""
    if source.startswith("model default: "):
        return f"model default, {basis(source.removeprefix('model default: '))}"
    return basis(source)


def assumed(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The terms assumed (wholly or partly) by district, in the table's order."""
    out: dict[str, list[str]] = {}
    for row in rows:
        if "assum" in row["basis"]:
            out.setdefault(row["district"], []).append(row["term"])
    return out


def caution(m: dict[str, Any]) -> str:
    """One line (plain text) when any district runs on assumed terms, else empty: the
    districts grouped by which terms are assumed, all four first."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for district, terms in assumed(term_rows(m)).items():
        groups.setdefault(tuple(terms), []).append(district)
    if not groups:
        return ""
    parts = [("all four terms" if len(terms) == len(TERMS) else _and(list(terms)))
             + f" in {_and(districts)}"
             for terms, districts in sorted(groups.items(), key=lambda g: -len(g[0]))]
    return ("Caution: local terms assumed, not measured: "
            + "; ".join(parts) + ". Their bonded shares, costs and effects rest on those "
            "assumptions until measured figures replace them (table 'District terms').")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


def terms_section(m: dict[str, Any], folder: Any = None) -> list[str]:
    """The 'District terms' table of a plan report, with the caution line above it."""
    rows = term_rows(m)
    if not rows:
        return []
    classes = ["assumption" if r["basis"].endswith("assumption") else
               "partly" if "assum" in r["basis"] else "" for r in rows]
    intro = (f"What kiln work pays and living costs in each district, as the runs used them: "
             f"the value as the profile gives it, its price year, and in {BASE_YEAR} rupees "
             f"(the model's prices); sources in the district figures table below; "
             f"assumptions shaded.")
    line = caution(m)
    if line:
        intro = f"<strong>{_e(line)}</strong> {intro}"
    table = html_table(pd.DataFrame(rows), {"as given", f"in {BASE_YEAR} rupees"}, classes,
                       max_rows=None)
    return [section("District terms", intro, table)]
