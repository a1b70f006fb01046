"""What the report of a sweep (``bondsim sweep``, ``bondsim.experiments.sweep``) shows: each
outcome's factors ranked by their sensitivity indices from ``indices.csv``, the replicate noise
and any second-order indices; the ranking, Morris and convergence plots. The parameters it
varies are shown as varied over their ranges."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from ..numbers import number, setting, significant
from .findings import Findings, definitions_caveat
from .labels import is_share, label, unit
from .report_html import note, subheading
from .report_tables import (
    CsvTable,
    JobReport,
    Plot,
    and_list,
    count,
    given,
    html_table,
    missing,
    named,
    read_csv,
    section_table,
)

_e = html.escape


METHODS = {
    "sobol": "Sobol variance decomposition (first-order S1: a factor's effect alone; total "
             "ST: with all its interactions)",
    "morris": "Morris elementary effects (μ*: the mean absolute effect of moving a factor "
              "across its range; σ: how much that effect varies, a sign of interactions or "
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
            f"{named(spec.get('name', '?'), spec.get('description', ''))}, of the scenario "
            f"{named(scen.get('name', '?'), scen.get('description', ''))}, by "
            f"{_e(METHODS.get(method, method))}. {len(factors)} factors varied "
            f"({_e(and_list(factors))}); outcomes "
            f"{_e(and_list([label(str(o)) for o in spec.get('outcomes') or []]))}, "
            f"each the mean over the last {window} months of a run. "
            f"{spec.get('samples', '?')} samples, {m.get('points', '?')} sample points x "
            f"{spec.get('replicates', '?')} replicates, {setting(m.get('model_runs', '?'))} "
            f"model runs; households: {given(spec.get('households'), 'the scenario’s')}; "
            f"months: {given(spec.get('months'), 'the scenario’s')}.")
    if m.get("counterfactual"):
        text += f" Effect outcomes are measured against {_e(str(m['counterfactual']))}."
    elif baseline:
        text += f" Effect outcomes are measured against {_e(str(baseline))}, on paired seeds."
    if skipped:
        text += " Outcomes not analysed: " + "; ".join(
            f"<code>{_e(k)}</code>: {_e(v)}" for k, v in skipped.items()) + "."
    return str(spec.get("name", folder.name)), text


def _sweep_ranking(indices: pd.DataFrame, factors: dict[str, dict[str, Any]]) -> str:
    """One table per outcome: factors in rank order, each index with its 95% half-width."""
    parts = []
    base = [c for c in indices.columns if c not in ("outcome", "factor", "rank",
                                                     "sample_warning")
            and not c.endswith("_conf")]
    from ..experiments.sensitivity import small_sample
    too_small = small_sample(indices)
    for outcome, group in indices.groupby("outcome", sort=False):
        group = group.sort_values("rank", kind="stable") if "rank" in group else group
        cells = pd.DataFrame({"rank": [number(v) for v in group.get("rank", range(1, 1 +
                                                                                 len(group)))],
                              "factor": [factor_name(f) for f in group["factor"].astype(str)]})
        outcome_unit = unit(str(outcome))
        cells["range"] = [_factor_range(factors.get(f)) for f in group["factor"]]
        numeric = {"rank"}
        for column in base:
            values = group[column].to_numpy()
            if pd.api.types.is_numeric_dtype(group[column]) and column != "distinct_from_noise":
                values = values.astype(float)
            head = column.replace("_", " ")
            if column == "distinct_from_noise":
                cells["distinct from noise"] = [number(bool(v)) for v in values]
                continue
            scale = 1.0
            if column in IN_OUTCOME_UNITS:  # Morris effects are in the outcome's unit
                head = MORRIS_NAMES[column]
                if is_share(outcome_unit):
                    scale, head = 100.0, f"{head} (percentage points)"
                elif outcome_unit:
                    head = f"{head} ({outcome_unit})"
            if f"{column}_conf" in group.columns:
                head = f"{head} ± 95%"
                conf = group[f"{column}_conf"].to_numpy(dtype=float)
                cells[head] = [f"{number(v * scale)} ± {number(c * scale)}" for v, c in
                                zip(values, conf, strict=True)]
            else:
                cells[head] = [number(v * scale) for v in values]
            numeric.add(head)
        warning = (note(Markup(f"<strong>Warning:</strong> {_e(too_small[str(outcome)])}."))
                   if str(outcome) in too_small else "")
        parts.append(subheading(label(str(outcome))) + warning
                     + html_table(cells, numeric, source="indices.csv"))
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


def _ranking(m: dict[str, Any], folder: Path) -> list[str]:
    factors = {f.get("name"): f for f in (m.get("sweep") or {}).get("factors") or []}
    indices = read_csv(folder, "indices.csv")
    if indices is None or not {"outcome", "factor"} <= set(indices.columns):
        return [missing("indices.csv")]
    intro = ("Per outcome, the factors from most to least influential (rank 1), each index "
             "with the half-width of its 95% bootstrap interval.")
    if "distinct_from_noise" in indices.columns:
        intro += (" 'distinct from noise: no' marks a factor whose total index replicate "
                  "noise alone could explain: its rank is not to be trusted.")
    return [section_table("Ranking", intro, _sweep_ranking(indices, factors))]


def _varied(m: dict[str, Any], shown: dict[str, str], defaults: dict[str, Any],
            said: str) -> str:
    """The sweep's parameter factors, shown as varied over their ranges."""
    for factor in (m.get("sweep") or {}).get("factors") or []:
        if factor.get("name") in shown:
            shown[factor["name"]] = f"varied: {_factor_range(factor)}"
    return said + "; the sweep's parameter factors are varied over the range shown"


#: the index that ranks the factors, by method (the first found is used)
RANKED_BY = ("ST", "mu_star", "delta", "median", "S1")
#: Morris statistics: elementary effects, in the unit of the outcome they move
IN_OUTCOME_UNITS = ("mu", "mu_star", "sigma")
MORRIS_NAMES = {"mu": "μ", "mu_star": "μ*", "sigma": "σ"}


def factor_name(factor: str) -> str:
    """A factor as a reader names it, with the name a sweep file uses: 'prison term's cost
    to an owner (prison_cost_months)'."""
    said = label(factor)
    return factor if said == factor.replace("_", " ") else f"{said} ({factor})"


METHOD_NAMES = {"sobol": "Sobol", "morris": "Morris", "pawn": "PAWN"}


def replicates_per_point(said: Any) -> str:
    """'1 replicate', '2 replicates' (a manifest without the number: '? replicates')."""
    try:
        return count(int(said), "replicate")
    except (TypeError, ValueError):
        return "? replicates"


def _findings(m: dict[str, Any], folder: Path) -> Findings:
    spec = m.get("sweep") or {}
    factors = [f.get("name", "?") for f in spec.get("factors") or []]
    outcomes = [label(str(o)) for o in spec.get("outcomes") or []]
    method = str(spec.get("method", "?"))
    compared = (f"How much each of {len(factors)} factors ({_e(and_list(factors))}), varied "
                f"over its range, moves {_e(and_list(outcomes))} (each the mean over the last "
                f"{_e(str(spec.get('window', '?')))} months of a run), by "
                f"{_e(METHOD_NAMES.get(method, method))}: "
                f"{_e(setting(m.get('model_runs', '?')))} model runs, "
                f"{_e(replicates_per_point(spec.get('replicates')))} per sample point.")
    found = Findings(compared, effects_title="Most influential factors")
    indices = read_csv(folder, "indices.csv")
    if indices is not None and {"outcome", "factor"} <= set(indices.columns):
        index = next((c for c in RANKED_BY if c in indices.columns), None)
        for outcome, group in indices.groupby("outcome", sort=False):
            group = group.sort_values("rank", kind="stable") if "rank" in group else group
            scale, after, said = 1.0, "", unit(str(outcome))
            if index in IN_OUTCOME_UNITS and is_share(said):
                scale, after = 100.0, " percentage points"
            elif index in IN_OUTCOME_UNITS and said:
                after = f" {said}"
            name = MORRIS_NAMES.get(index, index.replace("_", " ")) if index else ""
            ranked = [f"{_e(factor_name(str(r['factor'])))}" + (
                f" ({_e(name)} {significant(r[index] * scale)}"
                + (f" ± {significant(r[index + '_conf'] * scale)}" if f"{index}_conf" in group
                   else "")
                + f"{after})" if index else "") for _, r in group.head(3).iterrows()]
            found.effects.append(f"{_e(label(str(outcome)))}: most influenced by "
                                 + "; then ".join(ranked) + ".")
        from ..experiments.sensitivity import small_sample
        for outcome, said in small_sample(indices).items():
            found.caveats.append(f"{_e(label(outcome))}: {_e(said)}.")
        if "distinct_from_noise" in indices.columns:
            noisy = indices[~indices["distinct_from_noise"].astype(bool)]
            if len(noisy):
                found.caveats.append(
                    f"{len(noisy)} factor rankings could be replicate noise alone "
                    f"({_e(and_list(sorted(set(noisy['factor'].astype(str)))))}): their "
                    f"ranks are not to be trusted.")
    if int(spec.get("replicates") or 1) < 2:
        found.caveats.append("One replicate per sample point: replicate noise cannot be told "
                             "apart from the factors' effects (see <em>Replicate noise</em>).")
    if "bonded_share" in (spec.get("outcomes") or []):
        found.caveats.append(definitions_caveat(False))
    if method == "morris":
        found.caveats.append("Morris is a screening method: it ranks factors but does not "
                             "apportion the variance; use Sobol on the few that matter.")
    return found


REPORT = JobReport(
    kind="sweep", summary=_summary_sweep, findings=_findings,
    results=(_ranking,
             CsvTable("noise.csv", "Replicate noise",
                      "The share of each outcome's variance across single runs that is "
                      "replicate noise (the same point, another seed), and what is left of it "
                      "in the replicate means the indices use. A dash: one replicate per "
                      "point, so noise cannot be told apart.", required=False),
             CsvTable("second_order.csv", "Second-order Sobol indices",
                      "Interactions between pairs of factors (S2, with the half-width of the "
                      "95% interval).", required=False)),
    plots=(Plot("ranking.png", "The factors ranked by influence, per outcome, with 95% "
                "intervals."),
           Plot("morris.png", "Morris: μ* (the mean absolute effect of moving a factor across "
                "its range) against σ (how much that effect varies); far right is "
                "influential, high above the diagonal acts through interactions or "
                "non-linearly."),
           Plot("convergence.png", "Each factor's index against the sample size with its 95% "
                "interval: flat lines with narrow bands mean the sample was large enough. "
                "A sweep run at one sample size shows one point per factor, which says "
                "nothing about convergence; run it at several (sizes) to see it.")),
    resolved_parameters=False, parameters=_varied)
