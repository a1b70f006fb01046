"""What the report of a scenario discovery (``bondsim discover``, ``bondsim.experiments.discover``)
shows: where each policy fails in plain words (from the manifest), the policies' robustness
(``robustness.csv``) and their PRIM boxes (``boxes.csv``); the robustness plot and each policy's
peeling trajectory and box."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from ..numbers import percentage, significant
from .findings import Findings, few_replicates
from .labels import label, scale_for
from .report_html import bullets
from .report_tables import (
    CsvTable,
    JobReport,
    Plot,
    and_list,
    count,
    html_table,
    named,
    read_csv,
    section_table,
)
from .shown import cell, known, spoken, unit_of

_e = html.escape


def _summary_discovery(m: dict[str, Any], folder: Path) -> tuple[str, str]:
    spec = m.get("discovery") if isinstance(m.get("discovery"), dict) else {}
    name = spec.get("name") or folder.name
    policies = [Path(str(p)).stem for p in spec.get("policies") or []]
    uncertain = [u.get("name", "?") for u in spec.get("uncertain") or [] if isinstance(u, dict)]
    text = (f"Scenario discovery, {named(str(name), str(spec.get('description') or ''))}: "
            f"{count(len(policies), 'policy', 'policies')} ({_e(and_list(policies))}) run in "
            f"{count(int(spec.get('futures') or 0), 'sampled future')} x "
            f"{count(int(spec.get('replicates') or 0), 'replicate')}, the futures drawn over "
            f"{count(len(uncertain), 'uncertain parameter')} ({_e(and_list(uncertain))}). A "
            f"policy fails in a future when {criterion_words(m)}. PRIM finds "
            f"where each policy's failures concentrate.")
    return str(name), text


def criterion_words(m: dict[str, Any]) -> str:
    """When a policy fails, as a reader says it: the outcome by its label and the threshold in
    its unit ('bonded (legal definition) above 50.0%'), not the job's own wording
    ('bonded_share above 0.5', kept in the manifest)."""
    spec = m.get("discovery") if isinstance(m.get("discovery"), dict) else {}
    c = spec.get("criterion")
    if not isinstance(c, dict) or not c.get("outcome"):
        return _e(str(m.get("criterion", "?")))
    outcome, worse = str(c["outcome"]), "below" if c.get("direction") == "below" else "above"
    if c.get("kind") == "relative" and c.get("ratio") is not None:
        bound = f"{float(c['ratio']):g} times the baseline's in the same future"
    elif c.get("threshold") is not None:
        bound = spoken(float(c["threshold"]), unit_of(outcome))
    else:
        return _e(str(m.get("criterion", "?")))
    return _e(f"{label(outcome)} is {worse} {bound}")


def _where_each_fails(m: dict[str, Any], folder: Path) -> list[str]:
    summary = m.get("summary") or []
    if not summary:
        return []
    return [section_table("Where each policy fails", "In plain language, from each "
                          "policy's PRIM box.", bullets([str(s) for s in summary]))]


def _plots(m: dict[str, Any], folder: Path) -> list[Plot]:
    items = [Plot("robustness.png", "The policies ranked: the share of futures where each "
                  "satisfies the criterion, and its regret against the best policy.")]
    for policy in sorted(p.stem.split("-", 1)[1] for p in folder.glob("peeling-*.png")):
        items.append(Plot(f"peeling-{policy}.png", f"{policy}: PRIM's peeling trajectory, "
                          f"coverage against density; the chosen box ringed."))
        items.append(Plot(f"box-{policy}.png", f"{policy}: the futures on the two most "
                          f"restricted parameters, failures in red, and the box."))
    return items


STATS = {"mean": "mean", "p10": "10th percentile", "p90": "90th percentile", "max": "largest"}


def _robustness(m: dict[str, Any], folder: Path) -> list[str]:
    """``robustness.csv`` as a reader reads it: the satisficing share in %, regret in the
    criterion outcome's unit as a difference, each outcome's statistics by its label and unit
    (the file's columns are ``bonded_share_mean``, ``regret_p90``, ...)."""
    table = read_csv(folder, "robustness.csv")
    if table is None:
        return []
    spec = m.get("discovery") if isinstance(m.get("discovery"), dict) else {}
    criterion = (spec.get("criterion") or {}).get("outcome") if isinstance(
        spec.get("criterion"), dict) else None
    regret_unit = unit_of(criterion) if criterion and known(criterion) else ""
    cells, numeric = {}, set()
    for column in table.columns:
        values = table[column].to_numpy()
        stem, _, stat = str(column).rpartition("_")
        if column in ("policy", "rank"):
            name, texts = column, [str(v) for v in values]
        elif column == "satisficing_share":
            name, texts = "futures where it satisfies the criterion (%)", [
                cell(v, "share of futures") for v in values]
        elif stem == "regret" and stat in STATS:
            said = scale_for(regret_unit, difference=True).unit if regret_unit else ""
            name = f"regret, {STATS[stat]}" + (f" ({said})" if said else "")
            texts = [cell(v, regret_unit, True) for v in values]
        elif stat in STATS and known(stem):
            said = scale_for(unit_of(stem)).unit
            name = f"{label(stem)}, {STATS[stat]}" + (f" ({said})" if said else "")
            texts = [cell(v, unit_of(stem)) for v in values]
        else:
            name, texts = str(column).replace("_", " "), [significant(v) for v in values]
        cells[name] = texts
        if column != "policy":
            numeric.add(name)
    return [section_table(
        "Robustness", "Each policy across the futures (best first): the share where it "
        "satisfies the criterion, its regret against the best policy in each future, and each "
        "outcome's mean, 10th and 90th percentile across the futures.",
        html_table(pd.DataFrame(cells), numeric, source="robustness.csv",
                   named_headers=False))]


FEW_FUTURES = 100  # sampled futures below this: PRIM's boxes rest on few points


def _findings(m: dict[str, Any], folder: Path) -> Findings:
    spec = m.get("discovery") if isinstance(m.get("discovery"), dict) else {}
    policies = [Path(str(p)).stem for p in spec.get("policies") or []]
    futures = int(spec.get("futures") or 0)
    compared = (f"{count(len(policies), 'policy', 'policies')} ({_e(and_list(policies))}) "
                f"across "
                f"{count(futures, 'sampled future')}; a policy fails in a future when "
                f"{criterion_words(m)}.")
    found = Findings(compared, effects_title="Robustness, most robust first")
    robust = read_csv(folder, "robustness.csv")
    if robust is not None and {"policy", "satisficing_share"} <= set(robust.columns):
        for _, r in robust.iterrows():
            text = (f"<strong>{_e(str(r['policy']))}</strong> satisfies the criterion in "
                    f"{percentage(r['satisficing_share'])} of futures")
            if "regret_p90" in robust.columns:
                text += f" (90th percentile of regret {significant(r['regret_p90'])})"
            found.effects.append(text + ".")
    found.effects += [_e(str(s)) for s in m.get("summary") or []][:6]
    if futures and futures < FEW_FUTURES:
        found.caveats.append(f"Only {futures:,} futures: the boxes that say where a policy "
                             f"fails rest on few points.")
    if any("no informative region" in str(s) for s in m.get("summary") or []):
        found.caveats.append("For some policies PRIM found no informative region: their "
                             "failures are not concentrated in any range of the uncertain "
                             "parameters.")
    caveat = few_replicates(spec.get("replicates"))
    if caveat:
        found.caveats.append(caveat)
    return found


REPORT = JobReport(
    kind="discovery", summary=_summary_discovery, findings=_findings,
    results=(
        _where_each_fails,
        _robustness,
        CsvTable("boxes.csv", "PRIM boxes",
                 "Each policy's box: the limits of every parameter, which side the box "
                 "restricts, each side's quasi-p value, the box's coverage, density and mass, "
                 "the policy's base rate (the share of all futures that fail), and whether the "
                 "box is informative (denser in failures than the base rate on futures it was "
                 "not chosen from).")),
    plots=_plots, resolved_parameters=False)
