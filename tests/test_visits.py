"""Inspection effort as a rate per kiln-year (``interventions/visits.py``): whole visits a
month with the fraction carried, scaled to the kilns, the absolute count kept as the
alternative, and the plan's capacity cap in either unit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bondsim import BondsimModel, Params
from bondsim.errors import BondsimError
from bondsim.experiments.factors import apply, resolve
from bondsim.experiments.plan import load_plan
from bondsim.experiments.scenario import load_scenario
from bondsim.interventions import build
from bondsim.interventions.inspections import InspectionsSpec
from bondsim.interventions.minimum_piece_rate import MinimumPieceRateSpec
from bondsim.interventions.visits import VisitCounter, capped, visits_over
from conftest import DISTRICTS

#: inspections that find nothing and change nothing, so only the visits are seen
BLIND = {"detection_bonded": 0.0, "detection_child": 0.0, "detection_books": 0.0,
         "retaliation": 0.0, "conviction_rate": 0.0}


def _monthly(spec, months: int = 12, households: int = 400, kilns: int | None = 10,
             districts: tuple[str, ...] = ("A",)) -> list[int]:
    """Visits (the ``inspections`` event) in each of the first ``months`` months."""
    m = BondsimModel(Params(), households=households, kilns=kilns, districts=districts,
                     seed=5, interventions=build([spec]))
    out = []
    for _ in range(months):
        m.step()
        out.append(int(m.outcomes["inspections"]))
    return out


def test_the_fraction_is_carried_so_a_year_makes_the_rate_by_hand():
    # 0.7 a kiln-year x 10 kilns / 12 = 0.5833 a month, from half a visit owed; owed each
    # month: 1.08 (1 visit, 0.08 left), 0.67, 1.25 (1), 0.83, 1.42 (1), 1.00 (1), 0.58, 1.17
    # (1), 0.75, 1.33 (1), 0.92, 1.50 (1): 7 visits in the year, 0.7 x 10, and the half left
    spec = InspectionsSpec(type="inspections", inspections_per_kiln_year=0.7, **BLIND)
    counter = VisitCounter()
    by_hand = [1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1]
    assert [int(counter.take(spec, np.array([10]))[0]) for _ in range(12)] == by_hand
    assert counter.owed is not None
    assert counter.owed[0] == pytest.approx(0.5, abs=1e-9)
    assert _monthly(spec) == by_hand  # the model makes exactly these visits
    assert visits_over(spec, 10, 12) == 7  # and budgeting counts them


def test_half_a_visit_a_month_makes_one_in_the_first_month_and_budgeting_counts_it():
    # 0.6 a kiln-year x 10 kilns / 12 = 0.5 a month, from half a visit owed: the first month
    # owes exactly 1 visit, and the count to date alternates 1, 1, 2, 2, 3, ...
    spec = InspectionsSpec(type="inspections", inspections_per_kiln_year=0.6, **BLIND)
    counter = VisitCounter()
    made = np.cumsum([int(counter.take(spec, np.array([10]))[0]) for _ in range(6)])
    assert made.tolist() == [1, 1, 2, 2, 3, 3]
    assert [visits_over(spec, 10, m) for m in range(1, 7)] == made.tolist()


def test_visits_cost_what_is_made_and_a_budget_stops_them():
    spec = InspectionsSpec(type="inspections", inspections_per_kiln_year=0.7,
                           cost_per_inspection=100.0, budget=250.0, **BLIND)
    m = BondsimModel(Params(), households=400, kilns=10, seed=5, interventions=build([spec]))
    visits, costs = [], []
    for _ in range(12):
        m.step()
        visits.append(int(m.outcomes["inspections"]))
        costs.append(m.outcomes["intervention_cost"])
    # months 1 and 3 are paid (Rs 200); month 5's visit finds Rs 50 left: none made
    assert visits == [1, 0, 1] + [0] * 9
    assert costs == [100.0, 0.0, 100.0] + [0.0] * 9


def test_the_same_rate_visits_twice_as_often_in_twice_the_population():
    spec = InspectionsSpec(type="inspections", inspections_per_kiln_year=0.713, **BLIND)
    small = sum(_monthly(spec, households=1_400, kilns=None))   # 40 kilns: 2.38 a month
    large = sum(_monthly(spec, households=2_800, kilns=None))   # 80 kilns: 4.75 a month
    assert (small, large) == (29, 57)  # 0.713 x 40 = 28.52 and 0.713 x 80 = 57.04, rounded
    assert large / small == pytest.approx(2.0, abs=0.05)


def test_the_shipped_rate_makes_the_shipped_count_of_visits_for_73_months():
    # 0.713 x 286 / 12 = 16.9932 a month: from half a visit, 0.0068 less each month than 17,
    # so 17 a month until the half is used up, then one month of 16
    spec = InspectionsSpec(type="inspections", inspections_per_kiln_year=0.713)
    counter = VisitCounter()
    made = [int(counter.take(spec, np.array([286]))[0]) for _ in range(108)]
    assert made[:73] == [17] * 73
    assert made[73] == 16
    assert sum(made) == visits_over(spec, 286, 108) == 1_835  # 1,835.26 due, rounded


def test_a_count_stays_absolute_whatever_the_population():
    spec = InspectionsSpec(type="inspections", inspections_per_district=5, **BLIND)
    assert spec.inspections_per_kiln_year is None
    assert _monthly(spec, 3, households=1_400, kilns=None) == [5, 5, 5]
    assert _monthly(spec, 3, households=2_800, kilns=None) == [5, 5, 5]
    # and at most the kilns there are
    assert _monthly(spec, 2, households=100, kilns=4) == [4, 4]


def test_each_district_has_its_own_accumulator_and_never_more_visits_than_kilns():
    spec = InspectionsSpec(type="inspections", inspections_per_kiln_year=30.0, **BLIND)
    counter = VisitCounter()
    # 30 x 10 / 12 = 25 due a month at 10 kilns: 10 made, the excess not carried
    assert [counter.take(spec, np.array([10, 2])).tolist() for _ in range(3)] == [[10, 2]] * 3
    slow = InspectionsSpec(type="inspections", inspections_per_kiln_year=1.2, **BLIND)
    counter = VisitCounter()
    # 0.1 and 0.6 a month from half a visit. The second district owes 1.1 (1 visit), 0.7,
    # 1.3 (1), 0.9, 1.5 (1), then again: 6 visits in 10 months; the first makes its one visit
    # in the fifth month, when it owes 1.0
    months = np.array([counter.take(slow, np.array([1, 6])) for _ in range(10)])
    assert months[:, 1].tolist() == [1, 0, 1, 0, 1] * 2
    assert months[:, 0].tolist() == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]


def test_the_wage_programme_counts_visits_the_same_way():
    spec = MinimumPieceRateSpec(type="minimum_piece_rate", inspections_per_kiln_year=0.7,
                                detection=0.0, fake_detection=0.0)
    assert sum(_monthly(spec)) == 7
    count = MinimumPieceRateSpec(type="minimum_piece_rate", inspections_per_district=3)
    assert _monthly(count, 2) == [3, 3]


def test_default_is_the_push_rate_and_a_dump_validates_to_the_same_spec():
    default = InspectionsSpec(type="inspections")
    assert (default.inspections_per_kiln_year, default.inspections_per_district) == (0.7, None)
    for spec in (default, InspectionsSpec(type="inspections", inspections_per_district=17)):
        again = InspectionsSpec.model_validate(spec.model_dump())
        assert again == spec


@pytest.mark.parametrize("kind", ["inspections", "minimum_piece_rate"])
def test_giving_both_is_an_error_naming_file_fields_and_values(tmp_path: Path, kind: str):
    path = tmp_path / "rate_both.toml"
    path.write_text(f'name = "x"\n[[interventions]]\ntype = "{kind}"\n'
                    'inspections_per_district = 17\ninspections_per_kiln_year = 0.7\n')
    with pytest.raises(BondsimError) as info:
        load_scenario(path)
    message = str(info.value)
    assert str(path) in message
    assert "interventions.0" in message
    assert "inspections_per_kiln_year = 0.7 and inspections_per_district = 17" in message
    assert "not both" in message


def test_shipped_scenarios_give_the_rate():
    for name, rate in (("inspections_only", 0.713), ("minimum_piece_rate", 0.42)):
        spec = load_scenario(Path(__file__).parents[1] / "scenarios" / f"{name}.toml").spec
        [item] = spec.interventions
        assert (item.inspections_per_kiln_year, item.inspections_per_district) == (rate, None)


def test_a_lever_replaces_the_files_other_unit():
    data = {"name": "x", "interventions": [{"type": "inspections",
                                            "inspections_per_district": 17}]}
    target = resolve("inspections.inspections_per_kiln_year", data)
    assert (target.kind, target.integer) == ("lever", False)
    out = apply(data, [target], {target.factor: 1.4})
    assert out["interventions"][0] == {"type": "inspections", "inspections_per_kiln_year": 1.4}
    count = resolve("inspections.inspections_per_district", data)
    assert count.integer
    assert apply(out, [count], {count.factor: 4.6})["interventions"][0] == {
        "type": "inspections", "inspections_per_district": 5}


def test_capacity_caps_a_rate_a_count_or_neither():
    # a district of 4 kilns that can make 2 visits a month: at most 6 a kiln-year
    item = {"type": "inspections"}
    assert capped(item, 2, 4) == ({"type": "inspections", "inspections_per_kiln_year": 6.0}, "")
    assert capped({**item, "inspections_per_kiln_year": 3.0}, 2, 4)[0][
        "inspections_per_kiln_year"] == 3.0
    high, asked = capped({**item, "inspections_per_kiln_year": 9.0}, 2, 4)
    assert high["inspections_per_kiln_year"] == 6.0
    assert asked == "9 visits a kiln-year, 3.0 a month"  # 9 x 4 / 12
    # at the capacity exactly nothing was cut, in either unit
    assert capped({**item, "inspections_per_kiln_year": 6.0}, 2, 4)[1] == ""
    assert capped({**item, "inspections_per_district": 2}, 2, 4)[1] == ""
    assert capped({**item, "inspections_per_district": 1}, 2, 4)[1] == ""
    assert capped({**item, "inspections_per_district": 5}, 2, 4) == (
        {**item, "inspections_per_district": 2}, "5 a month")
    # visits at capacity made from the capped rate: 2 every month, no shortfall from rounding
    spec = InspectionsSpec(type="inspections", inspections_per_kiln_year=12 * 3 / 7)
    counter = VisitCounter()
    assert [int(counter.take(spec, np.array([7]))[0]) for _ in range(120)] == [3] * 120


def test_a_plans_rate_is_capped_at_the_districts_capacity(tmp_path: Path):
    (tmp_path / "districts.toml").write_text(DISTRICTS)
    path = tmp_path / "rate_plan.toml"
    path.write_text('name = "p"\ndistricts_file = "districts.toml"\nhorizon = 12\n'
                    'budget = 1_000_000\n[[strategies]]\nname = "enforce"\n'
                    '  [[strategies.allocations]]\n  type = "inspections"\n'
                    '  budget = 100_000\n  inspections_per_kiln_year = 5.0\n')
    loaded = load_plan(path)
    rates = {d: items[0]["inspections_per_kiln_year"]
             for d, items in loaded.interventions["enforce"].items()}
    # North: 4 kilns, 2 a month, at most 6 a kiln-year: 5 kept; South: 3 kilns, 1 a month,
    # at most 4
    assert rates == {"North": 5.0, "South": 4.0}
    assert any("South: inspections capped at the district's capacity of 1 a month (asked 5 "
               "visits a kiln-year" in note for note in loaded.notes)

