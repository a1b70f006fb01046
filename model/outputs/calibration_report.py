"""What the report of a calibration (``bondsim calibrate``, ``bondsim.experiments.calibration``)
shows: the fitted parameters (``posterior.csv``), the fit against every target (``fit.csv``) and
the targets; the fit and posterior plots. Its parameters are shown with the fitted values."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from ..numbers import setting, significant
from .findings import Findings
from .report_tables import (
    CsvTable,
    JobReport,
    Plot,
    against_default,
    and_list,
    count,
    named,
    read_csv,
)

_e = html.escape


def _summary_calibration(m: dict[str, Any], folder: Path) -> tuple[str, str]:
    spec = m.get("calibration") if isinstance(m.get("calibration"), dict) else {}
    name = spec.get("name") or m.get("name") or folder.name
    description = spec.get("description") or m.get("description") or ""
    fitted = [p.get("name", "?") for p in spec.get("parameters") or [] if isinstance(p, dict)]
    fitted = fitted or list(m.get("fitted") or {})
    targets = spec.get("targets") or []
    text = (f"A calibration, {named(str(name), str(description))}: "
            f"{count(len(fitted), 'uncertain parameter')} ({_e(and_list(fitted))}) fitted so "
            f"that the model reproduces {count(len(targets), 'field figure')} (targets), by "
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


def _fitted(m: dict[str, Any], shown: dict[str, str], defaults: dict[str, Any],
            said: str) -> str:
    """The calibration's fitted values, against the defaults."""
    fitted = m.get("fitted")
    if not isinstance(fitted, dict) or not fitted:
        return said
    for name, value in fitted.items():
        if name in shown:
            shown[name] = f"fitted {against_default(value, defaults.get(name))}"
    return "the bondsim defaults, with the calibration's fitted values"


FEW_ACCEPTED = 50  # accepted draws below this: the posterior rests on few draws
UNINFORMED = 0.8  # a 90% range this much of the prior's: the figures say little of it


def _findings(m: dict[str, Any], folder: Path) -> Findings:
    spec = m.get("calibration") if isinstance(m.get("calibration"), dict) else {}
    fitted = [p.get("name", "?") for p in spec.get("parameters") or [] if isinstance(p, dict)]
    fitted = fitted or list(m.get("fitted") or {})
    targets = spec.get("targets") or []
    compared = (f"The model's output against {count(len(targets), 'field figure')}, fitting "
                f"{count(len(fitted), 'parameter')} ({_e(and_list(fitted))})")
    if isinstance(m.get("accepted"), int) and isinstance(m.get("draws"), int):
        compared += f"; {m['accepted']:,} of {m['draws']:,} draws accepted"
    found = Findings(compared + ".", effects_title="Fitted values and fit")
    posterior = read_csv(folder, "posterior.csv")
    if posterior is not None and {"parameter", "fitted"} <= set(posterior.columns):
        for _, r in posterior.iterrows():
            text = f"<code>{_e(str(r['parameter']))}</code> fitted at {significant(r['fitted'])}"
            if {"p05", "p95"} <= set(posterior.columns):
                text += (f" (90 % of accepted draws {significant(r['p05'])} to "
                         f"{significant(r['p95'])}")
                if {"prior_low", "prior_high"} <= set(posterior.columns):
                    text += (f"; prior {setting(float(r['prior_low']))} to "
                             f"{setting(float(r['prior_high']))}")
                    prior = float(r["prior_high"]) - float(r["prior_low"])
                    if prior > 0 and (float(r["p95"]) - float(r["p05"])) >= UNINFORMED * prior:
                        found.caveats.append(
                            f"The field figures say little about <code>"
                            f"{_e(str(r['parameter']))}</code>: its accepted draws span most "
                            f"of the prior range.")
                text += ")"
            found.effects.append(text + ".")
    fit = read_csv(folder, "fit.csv")
    if fit is not None and "within" in fit.columns and len(fit):
        inside = int(fit["within"].astype(bool).sum())
        found.effects.append(f"The fitted model, rerun on fresh seeds, is within tolerance of "
                             f"{inside:,} of {len(fit):,} targets.")
    if m.get("met_every_tolerance") is False:
        found.caveats.append("Not enough draws met every target within its tolerance: the "
                             "closest were accepted instead.")
    if isinstance(m.get("accepted"), int) and m["accepted"] < FEW_ACCEPTED:
        found.caveats.append(f"Only {m['accepted']:,} accepted draws: the fitted ranges rest "
                             f"on few draws; draw more before relying on them.")
    return found


REPORT = JobReport(
    kind="calibration", summary=_summary_calibration, findings=_findings,
    results=(
        CsvTable("posterior.csv", "Fitted parameters",
                 "Each parameter's fitted value (the median of the accepted draws) and "
                 "spread, beside its prior range.", required=False),
        CsvTable("fit.csv", "Fit", "The fitted model, run again on fresh seeds, against every "
                 "target.", interval="95% range"),
        CsvTable("targets.csv", "Targets", "The field figures the model was fitted to, with "
                 "their tolerances and sources.", interval="95% range")),
    plots=(Plot("fit.png", "The calibrated model against the field figures, with the range "
                "over fresh seeds."),
           Plot("posterior.png", "What the field figures say about each parameter: the "
                "accepted draws against the prior range.")),
    resolved_parameters=False, parameters=_fitted)
