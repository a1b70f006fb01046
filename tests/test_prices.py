"""Rupees of one year (``bondsim.prices``): the CPI table, conversions computed by
hand, every rupee figure's price year, the scenario loader's ``price_year`` and the manifest."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest

from bondsim.errors import BondsimError
from bondsim.experiments.scenario import load_scenario, scenario_from_dict
from bondsim.interventions import REGISTRY
from bondsim.interventions.base import InterventionSpec
from bondsim.manifest import core
from bondsim.prices import (
    BASE_YEAR,
    cpi_index,
    deflator,
    from_base,
    is_money,
    shown_unit,
    to_base,
    years,
)
from bondsim.simulation.parameters import PARAM_INFO, Params
from conftest import ROOT

CPI = ROOT / "model" / "data" / "cpi.csv"


def _extra(field) -> dict:
    return field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}


def _spec_fields():
    """Every intervention field, by ``<type>.<name>``, the common ones once."""
    yield from ((f"common.{n}", f) for n, f in InterventionSpec.model_fields.items())
    for kind, cls in REGISTRY.items():
        yield from ((f"{kind}.{n}", f) for n, f in cls.spec_class.model_fields.items()
                    if n not in InterventionSpec.model_fields)


# --- the table and the conversion, by hand ------------------------------------------------
def test_the_table_chains_the_annual_rates_from_2008():
    index = cpi_index()
    assert years() == (2008, 2025)
    assert list(index) == list(range(2008, 2026))
    assert index[2008] == 100.0
    assert index[2010] == pytest.approx(100 * 1.208 * 1.117)  # 20.8 % then 11.7 %
    assert BASE_YEAR == 2020


def test_rupees_of_2015_in_2020_prices():
    # FY2016-FY2020 inflation: 2.9, 4.2, 3.9, 6.8, 10.7 %
    factor = 1.029 * 1.042 * 1.039 * 1.068 * 1.107  # 1.31710
    assert to_base(1000.0, 2015) == pytest.approx(1000.0 * factor)
    assert to_base(1000.0, 2015) == pytest.approx(1317.10, abs=0.01)
    assert deflator(2015) == pytest.approx(1 / factor)


def test_rupees_of_2025_in_2020_prices():
    # FY2021-FY2025 inflation: 8.9, 12.2, 29.2, 23.4, 4.5 %: prices up 2.0357 times
    factor = 1.089 * 1.122 * 1.292 * 1.234 * 1.045
    assert to_base(13500.0, 2025) == pytest.approx(13500.0 / factor)
    assert to_base(13500.0, 2025) == pytest.approx(6631.61, abs=0.01)
    assert deflator(2025) == pytest.approx(2.0357, abs=1e-4)


def test_the_base_year_is_its_own_price():
    assert deflator(BASE_YEAR) == 1.0
    assert to_base(1234.5, BASE_YEAR) == 1234.5


@pytest.mark.parametrize("year", range(2008, 2026))
def test_a_round_trip_gives_the_figure_back(year):
    assert from_base(to_base(50000.0, year), year) == pytest.approx(50000.0, rel=1e-12)


@pytest.mark.parametrize("year", [2007, 2026, 1990])
def test_a_year_outside_the_table_is_a_clear_error(year):
    with pytest.raises(BondsimError, match=rf"price year {year} .*2008 to 2025"):
        to_base(1.0, year)


def test_units_are_shown_with_the_base_year():
    assert shown_unit("Rs") == "Rs (2020 prices)"
    assert shown_unit("Rs/month") == "Rs (2020 prices)/month"
    assert shown_unit("Rs per 1,000 bricks") == "Rs (2020 prices) per 1,000 bricks"
    assert shown_unit("per rupee paid") == "per rupee paid"
    assert shown_unit("share of debt") == "share of debt"
    assert not is_money("Rsx")


# --- every rupee figure has a price year ----------------------------------------------------
def test_every_rupee_parameter_has_a_price_year_and_a_base_year_default():
    defaults = Params()
    money = [name for name, info in PARAM_INFO.items() if info.unit.startswith("Rs")]
    assert {"notified_piece_rate", "need_per_person"} <= set(money)
    for name in money:
        info = PARAM_INFO[name]
        assert is_money(info.unit), name
        assert 2008 <= (info.price_year or 0) <= 2025, f"{name} has no price year"
        assert getattr(defaults, name) == pytest.approx(to_base(info.figure, info.price_year))
    for name, info in PARAM_INFO.items():
        if name not in money:
            assert info.price_year is None, f"{name} ({info.unit}) is not in rupees"


def test_every_rupee_intervention_field_has_a_price_year():
    seen = 0
    for where, field in _spec_fields():
        extra = _extra(field)
        if not str(extra.get("unit", "")).startswith("Rs"):
            assert "price_year" not in extra, where
            continue
        seen += 1
        assert is_money(extra["unit"]), f"{where}: a ratio of rupees is not 'Rs ...'"
        assert 2008 <= extra.get("price_year", 0) <= 2025, f"{where} has no price year"
        if "figure" in extra:  # a figure of another year: the default is it, converted
            assert field.default == pytest.approx(to_base(extra["figure"], extra["price_year"]))
    assert seen > 20


def test_converted_defaults_keep_the_figure_and_its_year():
    cash = REGISTRY["cash_transfer"].spec_class.model_fields["amount_per_quarter"]
    assert (_extra(cash)["figure"], _extra(cash)["price_year"]) == (13500.0, 2025)
    assert cash.default == pytest.approx(6631.61, abs=0.01)
    docs = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert ("| `amount_per_quarter` | transfer per household | 6631.61 (13500 in 2025 prices) "
            "| Rs (2020 prices)/") in docs


def test_the_rehabilitation_grant_is_in_pakistani_rupees():
    grant = REGISTRY["rehabilitation"].spec_class.model_fields["cash_grant"]
    extra = _extra(grant)
    assert extra["unit"] == "Rs/family"  # Pakistani rupees, not INR
    assert extra["source"].startswith("assumption")  # converted India's figure, not a source's
    assert "2.15" in extra["source"]  # the exchange rate used is stated
    # 30,000 Indian rupees x 2.15 = Rs 64,500 of FY2021; / 1.089 (FY2021 inflation) in 2020
    assert (extra["figure"], extra["price_year"]) == (64500.0, 2021)
    assert grant.default == pytest.approx(64500.0 / 1.089)
    assert grant.default != 30000.0


def test_the_faisalabad_wage_fine_is_converted_from_2021_and_the_law_s_fines_are_not():
    # Rs 185,000 / 168 inspections / 0.5 found = Rs 2,200 of FY2021; / 1.089 = Rs 2,020.20
    wage = REGISTRY["minimum_piece_rate"].spec_class.model_fields["fine"]
    assert (_extra(wage)["figure"], _extra(wage)["price_year"]) == (2200.0, 2021)
    assert wage.default == pytest.approx(2020.20, abs=0.01)
    info = PARAM_INFO["law_fine_underpayment"]
    assert (info.figure, info.price_year) == (2200.0, 2021)
    assert Params().law_fine_underpayment == pytest.approx(wage.default)
    assert info.plausible[1] == pytest.approx(50000.0 / 1.089)
    # sums fixed by law: face value in 2019-20 prices
    p = Params()
    for name in ("law_fine_bonded_labour", "law_fine_child_labour", "law_fine_debt_cap"):
        assert PARAM_INFO[name].price_year == BASE_YEAR, name
        assert getattr(p, name) == 50000.0, name
    for kind, name in (("inspections", "fine_child_labour"), ("advance_cap", "fine")):
        field = REGISTRY[kind].spec_class.model_fields[name]
        assert (_extra(field)["price_year"], field.default) == (BASE_YEAR, 50000.0), kind


def test_the_shipped_wage_scenario_fines_as_the_default():
    (wage,) = load_scenario(ROOT / "scenarios" / "minimum_piece_rate.toml").spec.interventions
    assert wage.fine == pytest.approx(REGISTRY["minimum_piece_rate"].spec_class
                                      .model_fields["fine"].default, abs=0.5)

# --- scenario files ------------------------------------------------------------------------
def _scenario(**top) -> dict:
    return {"name": "s", **top}


def test_an_entry_in_another_year_is_converted_but_its_defaults_are_not():
    data = _scenario(interventions=[
        {"type": "cash_transfer", "amount_per_quarter": 13500.0, "budget": 1_000_000.0,
         "coverage": 0.5, "price_year": 2025},
        {"type": "school_stipend", "price_year": 2015}])
    cash, stipend = scenario_from_dict(data).spec.interventions
    assert cash.amount_per_quarter == pytest.approx(6631.61, abs=0.01)
    assert cash.budget == pytest.approx(1_000_000.0 / 2.035705, rel=1e-6)
    assert cash.coverage == 0.5  # not rupees
    assert cash.price_year == BASE_YEAR
    default = REGISTRY["school_stipend"].spec_class.model_fields["amount_per_child"].default
    assert stipend.amount_per_child == default  # a default is in 2020 rupees already


def test_a_converted_entry_validated_again_is_not_converted_twice():
    data = _scenario(interventions=[{"type": "cash_transfer", "amount_per_quarter": 13500.0,
                                     "price_year": 2025}])
    (cash,) = scenario_from_dict(data).spec.interventions
    again = type(cash).model_validate(cash.model_dump())
    assert again == cash


def test_the_file_price_year_converts_parameters_and_entries_without_their_own():
    data = _scenario(price_year=2015,
                     parameters={"need_base": 1000.0, "markup_annual": 0.5},
                     interventions=[
                         {"type": "awareness", "cost_per_household": 100.0},
                         {"type": "cash_transfer", "amount_per_quarter": 13500.0,
                          "price_year": 2025}])
    scenario = scenario_from_dict(data)
    assert scenario.params.need_base == pytest.approx(1317.10, abs=0.01)  # 2015 -> 2020
    assert scenario.params.markup_annual == 0.5  # a rate: unchanged
    aware, cash = scenario.spec.interventions
    assert aware.cost_per_household == pytest.approx(131.71, abs=0.01)  # the file's 2015
    assert cash.amount_per_quarter == pytest.approx(6631.61, abs=0.01)  # its own 2025
    assert scenario.spec.price_year == BASE_YEAR


def test_base_year_figures_are_read_as_given():
    data = _scenario(parameters={"need_base": 1000.0},
                     interventions=[{"type": "awareness", "cost_per_household": 100.0}])
    scenario = scenario_from_dict(data)
    assert scenario.params.need_base == 1000.0
    assert scenario.spec.interventions[0].cost_per_household == 100.0


@pytest.mark.parametrize(("where", "text"), [
    ("price_year", 'name = "s"\nprice_year = 1990\n'),
    ("interventions.0.price_year",
     'name = "s"\n[[interventions]]\ntype = "cash_transfer"\nprice_year = 2030\n'),
])
def test_a_price_year_outside_the_table_names_file_field_value_and_range(tmp_path: Path,
                                                                         where, text):
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BondsimError) as info:
        load_scenario(path)
    message = str(info.value)
    value = "1990" if where == "price_year" else "2030"
    assert str(path) in message
    assert f"field '{where}': value {value} is invalid" in message
    assert "2008 to 2025" in message
    assert message.count("\n") == 0  # one problem, said once


def test_the_shipped_cash_transfer_is_read_in_2025_prices():
    (cash,) = load_scenario(ROOT / "scenarios" / "cash_transfer.toml").spec.interventions
    assert cash.amount_per_quarter == pytest.approx(6631.61, abs=0.01)


# --- manifests -------------------------------------------------------------------------------
def test_manifests_record_the_base_year_and_the_cpi_table_hash():
    m = core("run", parameters={"s": Params()}, seeds=[1], inputs=[])
    assert m["prices"]["base_year"] == BASE_YEAR
    assert m["prices"]["cpi_sha256"] == hashlib.sha256(CPI.read_bytes()).hexdigest()
    assert m["prices"]["cpi_years"] == [2008, 2025]


def test_params_stay_a_plain_dataclass():
    # the conversion happens at declaration: a Params built with a figure keeps it as given
    assert dataclasses.replace(Params(), need_base=10.0).need_base == 10.0
