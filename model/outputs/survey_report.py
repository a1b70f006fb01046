"""What the report of a survey (``bondsim survey``, ``bondsim.experiments.survey``) shows: the
estimates against the model's true values (``summary.csv``) and the precision at each number of
kilns surveyed (``precision.csv``); the precision plot."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from ..numbers import counted, percentage, setting
from .findings import Findings, few_replicates
from .labels import label
from .report_tables import CsvTable, JobReport, Plot, count, read_csv
from .shown import spoken, unit_of

_e = html.escape


def _scenario(m: dict[str, Any], folder: Path) -> str:
    """The surveyed scenario's name (the manifest records the scenario, or older ones its
    name)."""
    said = m.get("scenario")
    if isinstance(said, dict):
        said = said.get("name")
    return str(said or folder.name)


def _summary_survey(m: dict[str, Any], folder: Path) -> tuple[str, str]:
    name = _scenario(m, folder)
    errors = m.get("measurement_error") or {}
    said = "; ".join(f"{_e(str(k))} = {_e(setting(v))}" for k, v in errors.items()
                     if not isinstance(v, dict))
    text = (f"A simulated rapid assessment of scenario <strong>{_e(name)}</strong>: "
            f"{_e(setting(m.get('kilns')))} kilns surveyed in month "
            f"{_e(setting(m.get('survey_month')))}, every household at a sampled kiln "
            f"interviewed, estimates of the bonded share and the child labour rate with 95% "
            f"intervals against the model's true values, over "
            f"{count(len(m.get('seeds') or []), 'model run')}. Measurement error: "
            f"{said or 'none'}.")
    return name, text


LOW_COVERAGE = 0.9  # a 95% interval covering the truth less often than this: said


def _findings(m: dict[str, Any], folder: Path) -> Findings:
    name = _scenario(m, folder)
    runs = len(m.get("seeds") or [])
    compared = (f"A simulated survey of {_e(setting(m.get('kilns')))} kilns of "
                f"<strong>{_e(name)}</strong> in month {_e(setting(m.get('survey_month')))}, "
                f"its estimates against the model's true values over "
                f"{count(runs, 'model run')}.")
    found = Findings(compared, effects_title="Estimates against the truth")
    summary = read_csv(folder, "summary.csv")
    needed = {"outcome", "true_mean", "estimate_mean", "bias", "coverage"}
    if summary is not None and needed <= set(summary.columns):
        for _, r in summary.iterrows():
            outcome = str(r["outcome"])
            unit_text = unit_of(outcome) or "share of households"
            kilns = f" surveying {counted(r['kilns'])} kilns" if "kilns" in summary.columns \
                else ""
            text = (f"{_e(label(outcome))}{kilns}: true {_e(spoken(r['true_mean'], unit_text))}"
                    f", estimated {_e(spoken(r['estimate_mean'], unit_text))} on average "
                    f"(bias {_e(spoken(r['bias'], unit_text, True))}); the 95 % interval "
                    f"covered the truth in {percentage(r['coverage'])} of surveys")
            if "mean_half_width" in summary.columns:
                text += (f", ± {_e(spoken(r['mean_half_width'], unit_text, True))} on "
                         f"average")
            found.effects.append(text + ".")
            if float(r["coverage"]) < LOW_COVERAGE:
                found.caveats.append(
                    f"The intervals for {_e(label(outcome))} covered the truth in only "
                    f"{percentage(r['coverage'])} of surveys (95 % intended): they are too "
                    f"narrow, or the estimate is biased.")
    errors = m.get("measurement_error") or {}
    if any(v for v in errors.values() if not isinstance(v, dict)):
        found.caveats.append("The survey has measurement error (see What was run): the bias "
                             "it causes does not shrink with more kilns.")
    caveat = few_replicates(runs or None)
    if caveat:
        found.caveats.append(caveat.replace("replicate", "model run"))
    return found


REPORT = JobReport(
    kind="survey", summary=_summary_survey, findings=_findings,
    results=(
        CsvTable("summary.csv", "Estimates against the truth",
                 "Per outcome: the true value, the mean estimate, bias, error and how often "
                 "the 95% interval covered the truth."),
        CsvTable("precision.csv", "Kilns needed",
                 "The interval's half-width and coverage at each number of kilns surveyed.")),
    plots=(Plot("precision.png", "How precise a survey of a given number of kilns is, and how "
                "far measurement error biases it."),))
