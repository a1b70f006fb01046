"""Districts that differ (``local_terms.py``, ``outside_work.py``, the profiles' terms): each
district's notified piece rate, brick price, need per person and outside work options reach
the kilns and households of that district and no others, by hand; and a district on worse
terms ends with more indebted and more bonded families than one on better terms, on paired
seeds."""

from __future__ import annotations

import numpy as np
import pytest
from mechanism_kit import tiny

from bondsim import BondsimModel, Params
from bondsim.errors import BondsimError
from bondsim.experiments.districts import district_scenario, load_districts
from bondsim.experiments.experiment import model_arguments
from bondsim.experiments.scenario import scenario_from_dict
from bondsim.prices import to_base
from bondsim.simulation import outside_work
from bondsim.simulation.local_terms import district_values
from bondsim.simulation.population import init_owners
from bondsim.simulation.state import KILN, TOWN

NO_SHOCKS = {"illness_rate": 0.0, "funeral_rate": 0.0, "marriage_rate": 0.0}
# district B: a lower notified rate (Rs 800, so Rs 0.4 a brick at half of it), a dearer brick
# (Rs 12,000) and dearer living (Rs 2,000 a person); A keeps the run's parameters
B_TERMS = {"B": {"notified_piece_rate": 800.0, "brick_price": 12000.0,
                 "need_per_person": 2000.0}}


def two_districts(**params) -> BondsimModel:
    """Four one-adult families, two at kiln 0 (district A), two at kiln 1 (district B)."""
    m = tiny(households=4, kilns=2, districts=("A", "B"), district_parameters=B_TERMS,
             need_per_person=1000.0, **{**NO_SHOCKS, **params})
    assert list(m.ow.district) == [0, 1]
    assert list(m.hh.kiln) == [0, 0, 1, 1]
    return m


def test_district_values_take_each_districts_own_or_the_runs_parameter():
    values = district_values(Params(), ["A", "B"], {"B": {"notified_piece_rate": 800.0}})
    assert list(values["notified_piece_rate"]) == [1295.0, 800.0]
    assert list(values["brick_price"]) == [Params().brick_price] * 2


@pytest.mark.parametrize(("overrides", "said"), [
    ({"C": {"brick_price": 1.0}}, "not in the run"),
    ({"B": {"markup_annual": 0.1}}, "cannot differ by district"),
    ({"B": {"outside_option_share": 1.5}}, "outside"),
])
def test_district_values_refuse_what_cannot_be(overrides, said):
    with pytest.raises(ValueError, match=said):
        district_values(Params(), ["A", "B"], overrides)


def test_each_kiln_takes_its_districts_notified_rate_and_brick_price():
    local = district_values(Params(), ["A", "B"], B_TERMS)
    ow = init_owners(4, 2, 40, Params(), np.random.default_rng(0), local)
    assert list(ow.notified_rate) == [1295.0, 1295.0, 800.0, 800.0]
    assert list(ow.brick_price) == [9000.0, 9000.0, 12000.0, 12000.0]


def test_open_month_pay_and_profit_at_each_districts_terms():
    m = two_districts(start_month=9)  # September: open, 20 days of 500 bricks
    assert list(m.terms.rate) == [0.5, 0.5, 0.4, 0.4]  # half of Rs 1,000 and of Rs 800
    m.step()
    # A: 10,000 bricks x Rs 0.5 = 5,000 each; B: 10,000 x Rs 0.4 = 4,000 each
    assert m.outcomes["gross_pay"] == pytest.approx(2 * 5000.0 + 2 * 4000.0)
    # margins: A 9,000/1,000 x 0.4 = Rs 3.6, B 12,000/1,000 x 0.4 = Rs 4.8 a brick; 20,000 bricks
    # a kiln: A 20,000 x (3.6 - 0.5) = 62,000; B 20,000 x (4.8 - 0.4) = 88,000
    np.testing.assert_allclose(m.ow.profit, [62000.0, 88000.0])
    # every owner pays half its own district's notified rate
    assert m.outcomes["paid_ratio_mean"] == pytest.approx(0.5)
    assert m.outcomes["idle_work_income"] == 0.0  # nobody has an option yet, and it is open


def test_closed_month_need_and_outside_work_by_district():
    m = two_districts(start_month=7, outside_daily_wage=300.0, idle_work_days=10.0)
    m.hh.outside_option[[0, 2]] = True  # one family with an option in each district
    m.step()  # July: closed, no pay; need 3,000 + 1,000 (A) or 3,000 + 2,000 (B) for one person
    # with an option: 1 adult x 10 days x Rs 300 = 3,000 earned, the rest borrowed
    np.testing.assert_allclose(m.hh.debt, [4000.0 - 3000.0, 4000.0, 5000.0 - 3000.0, 5000.0])
    assert m.outcomes["idle_work_income"] == pytest.approx(6000.0)


def test_outside_work_pro_rata_in_a_part_sealed_month_only_where_sealed():
    m = two_districts(start_month=9, outside_daily_wage=300.0, idle_work_days=10.0)
    m.hh.outside_option[[0, 2]] = True
    m.ow.sealed_months[0] = 0.5  # kiln 0 moulds half the month; kiln 1 all of it
    m.step()
    # family 0: idle half the month, 0.5 x 10 days x Rs 300 = 1,500; family 2: not idle, 0
    assert m.outcomes["idle_work_income"] == pytest.approx(1500.0)


def test_idle_income_by_hand_and_none_off_the_kilns_or_without_an_option():
    p = Params(outside_daily_wage=500.0, idle_work_days=8.0)
    adults = np.array([2, 2, 3, 1])
    option = np.array([True, False, True, True])
    at_kiln = np.array([KILN, KILN, KILN, TOWN]) == KILN
    idle = outside_work.idle_share(np.array([0.0, 0.0, 5.85, 0.0]), 23.4)  # 1, 1, 0.75, 1
    earned = outside_work.idle_income(adults, option, at_kiln, idle, p)
    # 2 x 8 x 500 = 8,000; no option; 3 x 8 x 0.75 x 500 = 9,000; off the kilns
    np.testing.assert_allclose(earned, [8000.0, 0.0, 9000.0, 0.0])
    assert outside_work.idle_share(23.4, 23.4) == 0.0


def test_options_drawn_by_district_share_and_no_other_draw_moves():
    kw = {"households": 200, "districts": ("A", "B"), "seed": 3}
    m = BondsimModel(district_parameters={"A": {"outside_option_share": 0.0},
                                          "B": {"outside_option_share": 1.0}}, **kw)
    np.testing.assert_array_equal(m.hh.outside_option, m.hh.district == 1)
    base = BondsimModel(**kw)
    np.testing.assert_array_equal(base.hh.debt, m.hh.debt)
    np.testing.assert_array_equal(base.hh.adults, m.hh.adults)


def test_initial_debt_is_in_months_of_the_districts_pay():
    kw = {"households": 300, "districts": ("A", "B"), "seed": 5}
    full = BondsimModel(**kw)
    half = BondsimModel(district_parameters={"B": {"notified_piece_rate": 1295.0 / 2}}, **kw)
    b = full.hh.district == 1
    # the same draws at half the notified rate: half the pay, so half the debt, in B only
    np.testing.assert_allclose(half.hh.debt[b], full.hh.debt[b] / 2)
    np.testing.assert_array_equal(half.hh.debt[~b], full.hh.debt[~b])


def test_scenario_district_parameters_in_the_files_prices():
    data = {"name": "two", "price_year": 2018,
            "population": {"households": 40, "districts": ["P", "B"],
                           "district_parameters": {"B": {"notified_piece_rate": 800.0,
                                                         "outside_option_share": 0.1}}}}
    arguments = model_arguments(scenario_from_dict(data))
    assert arguments["district_parameters"] == {
        "B": {"notified_piece_rate": pytest.approx(to_base(800.0, 2018)),
              "outside_option_share": 0.1}}
    m = BondsimModel(**arguments)
    assert m.ow.notified_rate[m.ow.district == 1][0] == pytest.approx(to_base(800.0, 2018))
    data["population"]["district_parameters"] = {"Q": {"brick_price": 9000.0}}
    with pytest.raises(BondsimError, match=r"not in population\.districts"):
        scenario_from_dict(data)


def test_profiles_take_the_provinces_terms_unless_a_district_gives_its_own(tmp_path):
    path = tmp_path / "province.toml"
    sourced = 'source = "assumption: a test"'
    district = (f'kilns = {{ value = 2, {sourced} }}\n'
                f'families_per_kiln = {{ value = 10, {sourced} }}\n'
                f'indebted_share = {{ value = 0.9, {sourced} }}\n'
                f'inspections_per_month = {{ value = 1, {sourced} }}\n'
                f'cnic_share = {{ value = 0.5, {sourced} }}\n'
                f'cash_transfer_coverage = {{ value = 0.0, {sourced} }}\n'
                f'exit_rate_debt_free = {{ value = 0.01, {sourced} }}\n')
    path.write_text(
        'province = "P"\n[terms]\n'
        f'notified_piece_rate = {{ value = 800.0, price_year = 2018, {sourced} }}\n'
        f'need_per_person = {{ value = 1500.0, price_year = 2020, {sourced} }}\n'
        f'[[districts]]\nname = "Own"\n{district}'
        f'notified_piece_rate = {{ value = 1000.0, price_year = 2020, {sourced} }}\n'
        f'outside_option_share = {{ value = 0.2, {sourced} }}\n'
        f'[[districts]]\nname = "Province"\n{district}')
    profiles = load_districts(path)
    own = district_scenario(profiles["Own"], {}, 12, [])["parameters"]
    province = district_scenario(profiles["Province"], {}, 12, [])["parameters"]
    assert own["notified_piece_rate"] == 1000.0
    assert own["outside_option_share"] == 0.2
    assert province["notified_piece_rate"] == pytest.approx(to_base(800.0, 2018))
    assert own["need_per_person"] == province["need_per_person"] == 1500.0
    assert "brick_price" not in province
    assert "outside_option_share" not in province


def test_shipped_profiles_give_balochistan_its_own_rate():
    punjab = load_districts("scenarios/districts/punjab.toml")
    balochistan = load_districts("scenarios/districts/balochistan.toml")
    lahore = district_scenario(punjab["Lahore"], {}, 12, [])["parameters"]
    quetta = district_scenario(balochistan["Quetta"], {}, 12, [])["parameters"]
    assert lahore["notified_piece_rate"] == 1295.0
    assert quetta["notified_piece_rate"] == pytest.approx(to_base(800.0, 2018))
    assert quetta["notified_piece_rate"] < lahore["notified_piece_rate"]


def year_five(seed: int, **kw) -> tuple[float, float]:
    """Mean indebted and bonded shares over months 49-60 of a 1,200-household run."""
    m = BondsimModel(households=1200, seed=seed, **kw)
    m.run(60)
    frame = m.timeseries().iloc[49:61]
    return float(frame.indebted_share.mean()), float(frame.bonded_share.mean())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_worse_terms_more_indebted_and_bonded_on_paired_seeds(seed):
    better = year_five(seed)
    # Balochistan-like terms: a lower notified rate and dearer living
    worse = year_five(seed, notified_piece_rate=1000.0, need_per_person=1700.0)
    assert worse[0] > better[0] + 0.05
    assert worse[1] > better[1] + 0.05


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_outside_work_options_release_pressure_on_paired_seeds(seed):
    """Rule 2b on its own: with no seasonal migrants (rule 1b off), every family spends the
    monsoon at its kiln, where the option pays (measured: 0.09-0.11 fewer in debt, 0.07-0.10
    fewer bonded; with the default 0.3 migrants, who earn at home instead, 0.04-0.08)."""
    none = year_five(seed, outside_option_share=0.0, monsoon_migrant_share=0.0)
    many = year_five(seed, outside_option_share=0.6, monsoon_migrant_share=0.0)
    assert many[0] < none[0] - 0.05  # fewer families in debt
    assert many[1] < none[1]  # and fewer bonded


def test_within_one_model_the_poorer_district_is_more_indebted_and_bonded():
    m = BondsimModel(households=2400, seed=0, districts=("good", "poor"), district_parameters={
        "good": {"outside_option_share": 0.5},
        "poor": {"notified_piece_rate": 1000.0, "need_per_person": 1700.0,
                 "outside_option_share": 0.1}})
    m.run(60)
    poor = m.hh.district == 1
    assert (m.hh.debt[poor] > 0).mean() > (m.hh.debt[~poor] > 0).mean() + 0.1
    # 0.05, not 0.1, since rule 10 (demography, issue 18): this seed's gap fell from 0.135 to
    # 0.080 (seeds 1 and 2: 0.17 and 0.20); the indebted gap 0.20 -> 0.15 still clears 0.1
    assert m.hh.bonded[poor].mean() > m.hh.bonded[~poor].mean() + 0.05
