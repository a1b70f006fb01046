"""The plan report's table of each district's local terms, with units, price years and basis,
and its caution line when a district runs on assumed terms (``outputs/plan_terms.py``); the
budget as the plan file states it and in base-year rupees (``outputs/plan_report.py``)."""

from __future__ import annotations

from bondsim.experiments.districts import load_districts
from bondsim.outputs.plan_report import _budget
from bondsim.outputs.plan_terms import caution, term_rows, terms_section
from conftest import ROOT


def _manifest(path: str) -> dict:
    return {"districts": [d.model_dump() for d in load_districts(ROOT / path).values()]}


def test_terms_table_shows_units_price_years_and_basis():
    rows = {(r["district"], r["term"]): r
            for r in term_rows(_manifest("scenarios/districts/balochistan.toml"))}
    rate = rows["Quetta", "notified piece rate"]
    assert rate == {"district": "Quetta", "term": "notified piece rate",
                    "unit": "Rs per 1,000 bricks", "as given": "800", "price year": "2018",
                    "in 2020 rupees": "946", "basis": "assumption"}
    share = rows["Khuzdar", "outside option share"]
    assert (share["unit"], share["as given"], share["price year"], share["basis"]) == \
        ("share of households", "0.1", "—", "assumption")
    punjab = {(r["district"], r["term"]): r
              for r in term_rows(_manifest("scenarios/districts/punjab.toml"))}
    assert punjab["Lahore", "notified piece rate"]["basis"] == "sourced"
    assert punjab["Lahore", "notified piece rate"]["in 2020 rupees"] == "1,295"


def test_a_term_no_profile_gives_is_the_model_default_with_its_basis():
    rows = {(r["district"], r["term"]): r for r in term_rows(
        {"districts": [d.model_dump() for d in load_districts(
            ROOT / "tests" / "data" / "districts.toml").values()]})}
    rate = rows["North", "notified piece rate"]
    assert (rate["as given"], rate["price year"], rate["basis"]) == \
        ("1,295", "2020", "model default, sourced")
    assert rows["North", "need per person"]["basis"] == "model default, assumption"


def test_caution_names_districts_on_assumed_terms():
    baloch = caution(_manifest("scenarios/districts/balochistan.toml"))
    assert baloch.startswith("Caution: ")
    assert "all four terms in Quetta, Lasbela, Jaffarabad, Naseerabad, Sibi, Kachhi, " \
           "Loralai and Khuzdar" in baloch
    punjab = caution(_manifest("scenarios/districts/punjab.toml"))
    assert "all four" not in punjab  # Punjab's rate and brick price are sourced
    assert "need per person and outside option share in Faisalabad" in punjab
    measured = {"districts": [{"name": "M", **{t: {"value": v, "price_year": 2020,
                                                   "source": "a survey [@x]"}
                                               for t, v in (("notified_piece_rate", 1295.0),
                                                            ("brick_price", 9000.0),
                                                            ("need_per_person", 1450.0))},
                               "outside_option_share": {"value": 0.3,
                                                        "source": "a survey [@x]"}}]}
    assert caution(measured) == ""
    assert "Caution" not in terms_section(measured)[0]
    assert "District terms" in terms_section(measured)[0]


def test_report_states_the_budget_as_written_and_converted():
    m = {"plan": {"budget": 51_199_076.96},
         "budget_as_written": {"value": 40_000_000.0, "price_year": 2016, "base_year": 2020,
                               "in_base_year": 51_199_076.96}}
    assert _budget(m).startswith("Rs 40,000,000 in 2016 prices, Rs 51,199,077 in 2020 prices")
    same = {"plan": {"budget": 1e6}, "budget_as_written": {
        "value": 1e6, "price_year": 2020, "base_year": 2020, "in_base_year": 1e6}}
    assert _budget(same) == "Rs 1,000,000"
    assert _budget({"plan": {"budget": 1e6}}) == "Rs 1,000,000"  # an older manifest
