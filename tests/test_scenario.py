"""Scenario files: valid ones load; each kind of mistake gives one clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bondsim import Params
from bondsim.errors import BondsimError
from bondsim.experiments.scenario import load_scenario, scenario_from_dict
from conftest import ROOT


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(BondsimError) as info:
        load_scenario(path)
    message = str(info.value)
    assert str(path) in message  # every message names the file
    return message


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.toml")),
                         ids=lambda p: p.name)
def test_shipped_scenarios_are_valid(path):
    scenario = load_scenario(path)
    assert scenario.warnings == ()
    assert scenario.name == path.stem


def test_overrides_reach_the_parameters(tmp_path):
    path = _write(tmp_path, 'name = "x"\nhorizon = 24\n[population]\nhouseholds = 50\n'
                            '[parameters]\nmarkup_annual = 0.5\nextra_closure_months = [11, 12]\n'
                            'start_month = 10\n')
    s = load_scenario(path)
    assert s.params.markup_annual == 0.5
    assert s.params.extra_closure_months == (11, 12)
    assert s.params.start_month == 10
    assert s.params.need_base == Params().need_base
    assert s.spec.horizon == 24
    assert s.spec.population.households == 50


def test_integer_accepted_where_a_number_is_expected():
    s = scenario_from_dict({"name": "x", "parameters": {"markup_annual": 1}})
    assert s.params.markup_annual == 1.0


def test_unknown_key_suggests_the_nearest(tmp_path):
    msg = _error(tmp_path, 'name = "x"\n[parameters]\nmarkup_anual = 0.2\n')
    assert "parameters.markup_anual" in msg
    assert "did you mean 'markup_annual'" in msg


def test_unknown_top_level_key(tmp_path):
    msg = _error(tmp_path, 'name = "x"\nhorizn = 12\n')
    assert "did you mean 'horizon'" in msg


def test_wrong_type_names_field_value_and_expectation(tmp_path):
    msg = _error(tmp_path, 'name = "x"\nhorizon = "ten years"\n')
    assert "field 'horizon'" in msg
    assert "'ten years'" in msg
    assert "integer" in msg


def test_probability_above_one(tmp_path):
    msg = _error(tmp_path, 'name = "x"\n[parameters]\nillness_rate = 1.5\n')
    assert "parameters.illness_rate" in msg
    assert "1.5" in msg
    assert "less than or equal to 1" in msg


def test_negative_cost(tmp_path):
    msg = _error(tmp_path, 'name = "x"\n[parameters]\nmarriage_cost_median = -5\n')
    assert "parameters.marriage_cost_median" in msg
    assert "-5" in msg
    assert "greater than or equal to 0" in msg


def test_bad_month_in_a_list(tmp_path):
    msg = _error(tmp_path, 'name = "x"\n[parameters]\nclosure_months = [7, 13]\n')
    assert "parameters.closure_months.1" in msg
    assert "13" in msg


def test_all_problems_reported_at_once(tmp_path):
    msg = _error(tmp_path, 'name = "x"\nhorizon = 0\n[population]\nhouseholds = -1\n')
    assert "field 'horizon'" in msg
    assert "population.households" in msg


def test_missing_name(tmp_path):
    msg = _error(tmp_path, 'horizon = 12\n')
    assert "field 'name' is missing" in msg


def test_low_above_high_is_caught(tmp_path):
    msg = _error(tmp_path, 'name = "x"\n[parameters]\npaid_ratio_low = 0.95\n')
    assert "paid_ratio_low" in msg
    assert "paid_ratio_high" in msg


def test_missing_file(tmp_path):
    with pytest.raises(BondsimError, match="not found"):
        load_scenario(tmp_path / "nope.toml")


def test_not_toml(tmp_path):
    msg = _error(tmp_path, 'name = "x\n')
    assert "not valid TOML" in msg


def test_out_of_plausible_range_warns_but_loads(tmp_path):
    s = load_scenario(_write(tmp_path, 'name = "x"\n[parameters]\nmarkup_annual = 2.0\n'))
    assert s.params.markup_annual == 2.0
    assert len(s.warnings) == 1
    assert "plausible range" in s.warnings[0]


# -- interventions in scenario files ----------------------------------------------------------
def test_interventions_are_read_with_their_defaults(tmp_path):
    s = load_scenario(_write(tmp_path, 'name = "x"\n[[interventions]]\ntype = "cash_transfer"\n'
                                       'start = 13\ncoverage = 0.6\n'
                                       '[[interventions]]\ntype = "advance_cap"\n'))
    first, second = s.spec.interventions
    # the default amount: BISP's Rs 13,500 of 2025 in 2020 rupees (/ 2.0357, docs/ODD.md 2)
    assert (first.type, first.start, first.coverage, round(first.amount_per_quarter, 2)) == (
        "cash_transfer", 13, 0.6, 6631.61)
    assert (second.type, second.cap, second.end) == ("advance_cap", 50000.0, None)


def test_unknown_intervention_type_suggests_the_nearest(tmp_path):
    msg = _error(tmp_path, 'name = "x"\n[[interventions]]\ntype = "cash_transfr"\n')
    assert "interventions.0.type" in msg
    assert "did you mean 'cash_transfer'" in msg


def test_missing_intervention_type(tmp_path):
    msg = _error(tmp_path, 'name = "x"\n[[interventions]]\ncoverage = 0.5\n')
    assert "interventions.0.type" in msg
    assert "expected one of" in msg


def test_unknown_intervention_field_suggests_the_nearest(tmp_path):
    msg = _error(tmp_path, 'name = "x"\n[[interventions]]\ntype = "advance_cap"\ncapp = 3\n')
    assert "interventions.0.capp" in msg
    assert "did you mean 'cap'" in msg


def test_intervention_probability_above_one(tmp_path):
    msg = _error(tmp_path, 'name = "x"\n[[interventions]]\ntype = "cash_transfer"\n'
                           'coverage = 1.5\n')
    assert "interventions.0.coverage" in msg
    assert "1.5" in msg


def test_intervention_negative_cost(tmp_path):
    msg = _error(tmp_path, 'name = "x"\n[[interventions]]\ntype = "minimum_piece_rate"\n'
                           'cost_per_inspection = -10\n')
    assert "interventions.0.cost_per_inspection" in msg
    assert "greater than or equal to 0" in msg


def test_intervention_ending_before_it_starts(tmp_path):
    msg = _error(tmp_path, 'name = "x"\n[[interventions]]\ntype = "cash_transfer"\n'
                           'start = 5\nend = 2\n')
    assert "interventions.0.end" in msg
    assert "expected end >= start" in msg


def test_repeated_intervention_needs_labels(tmp_path):
    text = 'name = "x"\n[[interventions]]\ntype = "cash_transfer"\n' * 1
    text += '[[interventions]]\ntype = "cash_transfer"\n'
    msg = _error(tmp_path, text)
    assert "distinct labels" in msg
    ok = text.replace('type = "cash_transfer"\n', 'type = "cash_transfer"\nlabel = "a"\n', 1)
    assert len(load_scenario(_write(tmp_path, ok)).spec.interventions) == 2


def test_vigilance_committee_in_an_unknown_district(tmp_path):
    msg = _error(tmp_path, 'name = "x"\n[population]\ndistricts = ["Kasur"]\n'
                           '[[interventions]]\ntype = "vigilance_committees"\n'
                           'districts = ["Lahore"]\n')
    assert "interventions.0.districts" in msg
    assert "Lahore" in msg
