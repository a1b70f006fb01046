"""What the report of a scenario discovery (``bondsim discover``, ``bondsim.experiments.discover``) shows:
where each policy fails in plain words (from the manifest), the policies' robustness
(``robustness.csv``) and their PRIM boxes (``boxes.csv``); the robustness plot and each
policy's peeling trajectory and box."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from .report_html import bullets
from .report_tables import CsvTable, JobReport, Plot, and_list, count, named, section_table

_e = html.escape


def _summary_discovery(m: dict[str, Any], folder: Path) -> tuple[str, str]:
    spec = m.get("discovery") if isinstance(m.get("discovery"), dict) else {}
    name = spec.get("name") or folder.name
    policies = [Path(str(p)).stem for p in spec.get("policies") or []]
    uncertain = [u.get("name", "?") for u in spec.get("uncertain") or [] if isinstance(u, dict)]
    text = (f"Scenario discovery, {named(str(name), str(spec.get('description') or ''))}: "
            f"{count(len(policies), 'policy')} ({_e(and_list(policies))}) run in "
            f"{count(int(spec.get('futures') or 0), 'sampled future')} x "
            f"{count(int(spec.get('replicates') or 0), 'replicate')}, the futures drawn over "
            f"{count(len(uncertain), 'uncertain parameter')} ({_e(and_list(uncertain))}). A "
            f"policy fails in a future when {_e(str(m.get('criterion', '?')))}. PRIM finds "
            f"where each policy's failures concentrate.")
    return str(name), text


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


REPORT = JobReport(
    kind="discovery", summary=_summary_discovery,
    results=(
        _where_each_fails,
        CsvTable("robustness.csv", "Robustness",
                 "Each policy across the futures: the share where it satisfies the criterion, "
                 "its regret against the best policy in each future, and each outcome's mean, "
                 "10th and 90th percentile (best first)."),
        CsvTable("boxes.csv", "PRIM boxes",
                 "Each policy's box: the limits of every parameter, which side the box "
                 "restricts, each side's quasi-p value, the box's coverage, density and mass, "
                 "the policy's base rate (the share of all futures that fail), and whether the "
                 "box is informative (denser in failures than the base rate on futures it was "
                 "not chosen from).")),
    plots=_plots, resolved_parameters=False)
