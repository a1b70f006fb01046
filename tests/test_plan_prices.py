"""Plan files in another year's rupees (``plan_prices.py``), a base scenario's ``price_year``
reaching each district's scenario (``districts.district_scenario``), and the plan report's
table of each district's local terms with its caution line (``outputs/plan_terms.py``).

Hand-checked factors from ``model/data/cpi.csv`` (fiscal-year CPI inflation, %):
2017 4.2, 2018 3.9, 2019 6.8, 2020 10.7, so a rupee of 2016 is
1.042 x 1.039 x 1.068 x 1.107 = 1.27997692 rupees of 2020 (Balochistan's Rs 40 M of November
2015: Rs 51,199,077), and a rupee of 2018 is 1.068 x 1.107 = 1.182276 rupees of 2020 (KP's
Rs 800 of December 2017: Rs 945.82)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bondsim.errors import BondsimError
from bondsim.experiments.plan import BASELINE, load_plan
from bondsim.experiments.scenario import scenario_from_dict
from conftest import DISTRICTS, ROOT

F2016 = 1.042 * 1.039 * 1.068 * 1.107   # 1.27997692
F2018 = 1.068 * 1.107                   # 1.182276

STRATEGY = """
[[strategies]]
name = "mixed"
  [[strategies.allocations]]
  type = "inspections"
  budget = 200_000
  cost_per_inspection = 4_000
  [[strategies.allocations]]
  type = "cash_transfer"
  districts = ["North"]
  budget = 300_000
  price_year = 2020
"""


def _plan(tmp: Path, head: str = "", budget: str = "1_000_000",
          strategies: str = STRATEGY) -> Path:
    (tmp / "districts.toml").write_text(DISTRICTS)
    path = tmp / "plan.toml"
    path.write_text(f'name = "p"\ndistricts_file = "districts.toml"\nhorizon = 12\n'
                    f"budget = {budget}\nreplicates = 1\n{head}\n{strategies}")
    return path


def test_hand_factors_match_the_cpi_table():
    from bondsim.prices import to_base
    assert abs(F2016 - 1.27997692) < 1e-8
    assert to_base(1.0, 2016) == pytest.approx(F2016, rel=1e-12)
    assert to_base(800.0, 2018) == pytest.approx(800 * F2018, rel=1e-12)  # Rs 945.82


def test_plan_budget_and_allocations_convert_from_the_files_price_year(tmp_path):
    loaded = load_plan(_plan(tmp_path, "price_year = 2016"))
    assert loaded.spec.budget == pytest.approx(1_279_976.92, abs=0.01)
    assert loaded.spec.price_year == 2020  # converted once: nothing converts it again
    assert loaded.budget_as_written == pytest.approx(
        {"value": 1_000_000.0, "price_year": 2016, "base_year": 2020,
         "in_base_year": 1_279_976.92}, abs=0.01)
    rows = loaded.allocated.set_index(["type", "district"])["allocated"]
    assert rows["inspections", "North"] == pytest.approx(255_995.38, abs=0.01)
    assert rows["cash_transfer", "North"] == 300_000.0  # its own price year, 2020
    north = {i["type"]: i for i in loaded.interventions["mixed"]["North"]}
    # a rupee field of the intervention converts with the plan's year; what the run reads
    assert north["inspections"]["cost_per_inspection"] == pytest.approx(5_119.91, abs=0.01)
    run = scenario_from_dict(loaded.scenario("mixed", loaded.districts[0]), source="t")
    spec = {i.type: i for i in run.spec.interventions}["inspections"]
    assert spec.budget == pytest.approx(255_995.38, abs=0.01)  # not converted a second time
    assert spec.cost_per_inspection == pytest.approx(5_119.91, abs=0.01)


def test_without_a_price_year_the_budget_is_of_the_base_year(tmp_path):
    loaded = load_plan(_plan(tmp_path))
    assert loaded.spec.budget == 1_000_000.0
    assert loaded.budget_as_written["price_year"] == 2020
    assert loaded.allocated["allocated"].sum() == 200_000 * 2 + 300_000


def test_budget_check_counts_base_year_rupees(tmp_path):
    # Rs 700,000 of 2016 (Rs 895,984 of 2020) holds Rs 400,000 of 2016 (Rs 511,991 of 2020)
    # and Rs 300,000 of 2020 together (Rs 811,991); read as 2020 rupees it would hold the
    # same 700,000; Rs 600,000 of 2016 (Rs 767,986) does not
    load_plan(_plan(tmp_path, "price_year = 2016", budget="700_000"))
    with pytest.raises(BondsimError, match=r"allocates Rs 811,991, Rs 44,005 over the plan "
                                           r"budget of Rs 767,986 \(rupees of 2020"):
        load_plan(_plan(tmp_path, "price_year = 2016", budget="600_000"))


CPI_YEARS = "expected a fiscal year of the CPI table, 2008 to 2025"


@pytest.mark.parametrize(("head", "strategies", "message"), [
    ("price_year = 1990", STRATEGY, rf"field 'price_year': value 1990.*{CPI_YEARS}"),
    ('price_year = "2016"', STRATEGY, r"field 'price_year': value '2016'.*expected integer"),
    ("", STRATEGY.replace("price_year = 2020", "price_year = 2031"),
     rf"field 'strategies\.0\.allocations\.1\.price_year': value 2031.*{CPI_YEARS}"),
])
def test_a_price_year_outside_the_cpi_table_is_a_clear_error(tmp_path, head, strategies,
                                                             message):
    path = _plan(tmp_path, head, strategies=strategies)
    with pytest.raises(BondsimError, match=message) as info:
        load_plan(path)
    assert str(path) in str(info.value)


def test_shipped_balochistan_plan_is_in_2016_rupees():
    loaded = load_plan(ROOT / "experiments" / "balochistan_pilot.toml")
    assert loaded.budget_as_written["value"] == 40_000_000
    assert loaded.budget_as_written["price_year"] == 2016
    assert loaded.spec.budget == pytest.approx(40_000_000 * F2016, rel=1e-9)  # Rs 51,199,077
    assert loaded.spec.search["budgets"][-1] == pytest.approx(loaded.spec.budget, rel=1e-12)
    buyout = loaded.allocated.query("strategy == 'buyout_loans'")["allocated"]
    assert buyout.sum() == pytest.approx(8 * 4_500_000 * F2016, rel=1e-9)


def test_a_base_scenarios_price_year_reaches_each_district(tmp_path):
    (tmp_path / "base.toml").write_text(
        'name = "base"\nprice_year = 2016\n[parameters]\nillness_cost_median = 10000.0\n'
        "markup_annual = 0.25\n")
    loaded = load_plan(_plan(tmp_path, 'base_scenario = "base.toml"'))
    data = loaded.scenario(BASELINE, loaded.districts[0])
    assert data["parameters"]["illness_cost_median"] == pytest.approx(12_799.77, abs=0.01)
    assert data["parameters"]["markup_annual"] == 0.25  # not rupees: as given
    assert "price_year" not in data  # the whole scenario is in base-year rupees
    params = scenario_from_dict(data, source="t").params
    assert params.illness_cost_median == pytest.approx(12_799.77, abs=0.01)


def test_a_base_scenarios_bad_price_year_names_the_file(tmp_path):
    base = tmp_path / "base.toml"
    base.write_text('name = "base"\nprice_year = 2001\n')
    with pytest.raises(BondsimError, match=r"field 'price_year': value 2001 is not a price "
                                           r"year; expected a fiscal year") as info:
        load_plan(_plan(tmp_path, 'base_scenario = "base.toml"'))
    assert str(base) in str(info.value)


def test_search_fields_take_the_plans_price_year_and_no_other(tmp_path):
    search = ('\n[search]\ninterventions = ["inspections"]\nbudgets = [500_000, 1_000_000]\n'
              '[search.fields.inspections]\ncost_per_inspection = 4_000\n')
    loaded = load_plan(_plan(tmp_path, "price_year = 2016", strategies=STRATEGY + search))
    assert loaded.spec.search["budgets"] == pytest.approx([639_988.46, 1_279_976.92], abs=0.01)
    fields = loaded.spec.search["fields"]["inspections"]
    assert fields["cost_per_inspection"] == pytest.approx(5_119.91, abs=0.01)
    own = search + "price_year = 2020\n"
    with pytest.raises(BondsimError, match=r"search\.fields\.inspections'.*\['price_year'\]"):
        load_plan(_plan(tmp_path, "price_year = 2016", strategies=STRATEGY + own))
