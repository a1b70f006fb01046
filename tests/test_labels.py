"""One table of human labels and units (issue 19): every outcome and effect metric has a
reader's name, and numbers are scaled so that no axis needs an offset."""

from __future__ import annotations

import numpy as np
import pytest

from bondsim.experiments.paired import METRIC_LIST
from bondsim.outputs.labels import axis_label, is_share, label, scale_for, unit
from bondsim.simulation.outcome_labels import OUTCOME_LABELS
from bondsim.simulation.outcomes import OUTCOMES

UNIT_WORDS = ("share of ", "Rs", "households", "children", "months", "month", "days", "cases",
              "inspections", "kilns", "members", "years", "people")


def test_every_outcome_has_one_label_and_a_unit_from_the_vocabulary():
    assert list(OUTCOME_LABELS) == list(OUTCOMES)  # same columns, same order
    for name, (text, unit_text) in OUTCOME_LABELS.items():
        assert "_" not in text, name
        assert text, name
        assert text == text.strip(), name
        assert unit_text.startswith(UNIT_WORDS), (name, unit_text)
    pairs = list(OUTCOME_LABELS.values())
    assert len(set(pairs)) == len(pairs), "two outcomes a reader could not tell apart"


def test_shares_are_the_outcomes_named_as_shares_and_rates():
    for name, (_, unit_text) in OUTCOME_LABELS.items():
        if name.endswith(("_share", "_rate", "_enrolment")) or name == "households_short":
            assert is_share(unit_text), name


def test_every_effect_metric_is_labelled():
    for metric in METRIC_LIST:
        assert "_" not in label(metric.stem)
        assert unit(metric.stem) == metric.unit


def test_every_parameter_and_intervention_field_has_a_readers_label():
    """Declared with the parameter (``par``) and the field (``about``): none is snake_case,
    none is blank, and no two parameters (or two fields of one type) read alike."""
    from bondsim.experiments.lever_labels import field_labels
    from bondsim.interventions import REGISTRY
    from bondsim.simulation.parameters import PARAM_INFO

    texts = [info.label for info in PARAM_INFO.values()]
    for name, text in zip(PARAM_INFO, texts, strict=True):
        assert text, name
        assert "_" not in text, name
        assert text == text.strip(), name
        assert label(name) == text or name in OUTCOME_LABELS, name  # an outcome's name wins
    assert len(set(texts)) == len(texts), "two parameters a reader could not tell apart"
    fields = field_labels()
    for kind, cls in REGISTRY.items():
        names = [f for f in cls.spec_class.model_fields if f != "type"]
        assert all((kind, f) in fields for f in names), kind  # every field is labelled
        mine = [fields[(kind, f)][0] for f in names]
        assert all(t and "_" not in t for t in mine), (kind, mine)
        assert len(set(mine)) == len(mine), kind


@pytest.mark.parametrize(("name", "text", "unit_text"), [
    ("prison_cost_months", "prison term's cost to an owner", "months of the kiln's profit"),
    ("inspections.inspections_per_district", "inspections: kiln visits per district",
     "kiln visits/district/month"),
    ("inspections.inspections_per_kiln_year", "inspections: visits per kiln a year",
     "visits/kiln/year"),
    ("cash_transfer.coverage", "cash transfer: eligible households enrolled",
     "share of eligible households"),
    ("added_cnic.registrations_per_month", "added cnic: families registered",
     "families/month"),  # renamed, but only one type has this field
    ("police.start", "police: first month", "month"),  # every type agrees
    ("police.fine", "police: fine", ""),  # a fine of which type? not guessed
    ("inspections.budget", "inspections: budget", "Rs (2020 prices)"),
])
def test_parameters_and_levers_read_as_declared(name, text, unit_text):
    assert (label(name), unit(name)) == (text, unit_text)


@pytest.mark.parametrize(("name", "expected"), [
    ("bonded_share", "bonded (legal definition)"),
    ("bonded_share_last_year", "bonded (legal definition), last 12 months"),
    ("child_labour_rate_last_6_months", "children working, last 6 months"),
    ("school_enrolment_month_96", "children in school, month 96"),
    ("bonded_households_freed_last_2_years", "bonded households freed, last 2 years"),
    ("inspections_per_district", "inspections per district"),  # no table: spaces at least
])
def test_labels_read_windows_and_fall_back_to_words(name, expected):
    assert label(name) == expected


def test_shares_show_as_percent_and_their_differences_as_points():
    assert scale_for("share of households").factor == 100.0
    assert scale_for("share of households").unit == "% of households"
    assert scale_for("share of children", difference=True).unit == "percentage points"


@pytest.mark.parametrize(("values", "factor", "shown"), [
    ([9_999.0], 1.0, "Rs/month"),
    ([10_000.0], 1e-3, "Rs thousand/month"),
    ([-2.5e6, 1.0], 1e-6, "Rs million/month"),  # the largest magnitude decides, sign or not
    ([float("nan"), 5.0], 1.0, "Rs/month"),
    ([], 1.0, "Rs/month"),
])
def test_rupees_scale_to_thousands_or_millions_so_no_axis_needs_an_offset(values, factor, shown):
    scale = scale_for("Rs/month", np.array(values))
    assert scale.factor == factor
    assert scale.unit == shown
    assert scale_for("Rs/month", values).unit == shown  # a list works like an array


def test_axis_labels_name_the_scaled_unit():
    assert axis_label("owner_profit", [2e7]) == "kiln owners' profit (Rs million/month)"
    assert axis_label("bonded_share", difference=True) == \
        "bonded (legal definition) (percentage points)"
    assert axis_label("median_debt_months") == "median debt of indebted households (months of pay)"
