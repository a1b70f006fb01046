"""What the report of a survey (``bondsim survey``, ``bondsim.experiments.survey``) shows: the estimates
against the model's true values (``summary.csv``) and the precision at each number of kilns
surveyed (``precision.csv``); the precision plot."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from ..numbers import setting
from .report_tables import CsvTable, JobReport, Plot, count

_e = html.escape


def _summary_survey(m: dict[str, Any], folder: Path) -> tuple[str, str]:
    name = str(m.get("scenario") or folder.name)
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


REPORT = JobReport(
    kind="survey", summary=_summary_survey,
    results=(
        CsvTable("summary.csv", "Estimates against the truth",
                 "Per outcome: the true value, the mean estimate, bias, error and how often "
                 "the 95% interval covered the truth."),
        CsvTable("precision.csv", "Kilns needed",
                 "The interval's half-width and coverage at each number of kilns surveyed.")),
    plots=(Plot("precision.png", "How precise a survey of a given number of kilns is, and how "
                "far measurement error biases it."),))
