"""Issue 17's release code, case by case: the edges the tests in ``test_release.py`` left open
(kiln 0 as a destination, a draw of 1, events that add up within a month, the random streams
each step draws from, the court's bookkeeping, the committees' budget and the families who know
their rights). Tiny models with easy numbers (``mechanism_kit``, with its ``EASY_OFF``: town
pays Rs 600 a day on 18 days less Rs 1,000 rent, home Rs 600 on 6)."""

from __future__ import annotations

import numpy as np
import pytest
from mechanism_kit import KILN_PAY, act, draws
from mechanism_kit import committees as _committees
from mechanism_kit import court as _court
from mechanism_kit import release_tiny as _tiny

from bondsim.interventions.awareness import AwarenessSpec
from bondsim.simulation import mobility, release
from bondsim.simulation.rng import Streams
from bondsim.simulation.state import KILN, TOWN


# -- where a released family goes ------------------------------------------------------------------
def test_kiln_zero_pays_like_any_other_kiln():
    m = _tiny(households=6, kilns=2)
    got = release.kiln_pay(m, np.array([3, 4]), np.array([0, -1]))
    np.testing.assert_allclose(got, [KILN_PAY, 0.0])


def test_a_draw_of_one_still_lands_on_another_kiln_of_the_district():
    # district 0: kilns 0-2; district 1: kilns 3-4. v = 1 is the clamp's case: the last other kiln
    got = release.other_kiln(np.array([0, 1]), np.array([0, 3]), np.array([1.0, 1.0]),
                             np.array([0, 3]), np.array([3, 2]))
    assert got.tolist() == [2, 4]


def test_a_family_released_at_kiln_one_can_go_to_kiln_zero():
    m = _tiny(households=6, kilns=2, outside_daily_wage=100.0)  # town 800, home 600: a kiln
    m.hh.bonded[4] = True  # held at kiln 1
    m.release(np.array([4]), "court")
    assert m.hh.location[4] == KILN
    assert m.hh.kiln[4] == 0
    assert m.ow.occupants.tolist() == [4, 2]


def test_releases_within_one_month_add_up():
    m = _tiny(households=6, kilns=2)
    m.hh.bonded[[0, 3]] = True
    m.release(np.array([0]), "court")
    m.release(np.array([3]), "court")
    assert m.events["released_by_court"] == 2
    assert m.events["households_released"] == 2
    assert m.events["released_off_kilns"] == 2  # both to town (9,800 beats 4,166.67)


def _seed_where(differs):
    return next(s for s in range(100) if differs(s))


def test_the_other_kiln_comes_from_the_release_stream():
    # district of 4 kilns; family 0 at kiln 0 with a low wage goes to the kiln its draw names
    first, kilns = np.array([0]), np.array([4])

    def dest(seed, name):
        v = Streams(seed)[name].random(1)
        return int(release.other_kiln(np.array([0]), np.array([0]), v, first, kilns)[0])

    seed = _seed_where(lambda s: dest(s, "release") != dest(s, "XXreleaseXX"))
    m = _tiny(households=8, kilns=4, outside_daily_wage=100.0, seed=seed)
    m.hh.bonded[0] = True
    m.release(np.array([0]), "committee")
    assert m.hh.kiln[0] == dest(seed, "release")


# -- the way back to a kiln ------------------------------------------------------------------------
def test_nobody_off_the_kilns_nobody_returns():
    m = _tiny(households=6, kilns=2)
    m.hh.unmet_need[:] = 100.0  # at a kiln: rule 4's business, not a return
    assert release.return_to_kilns(m) == 0


def test_only_a_family_with_need_left_unmet_returns_and_keeps_its_savings():
    m = _tiny(households=6, kilns=2)
    m.leave_kilns(np.array([0, 3]), TOWN)
    m.hh.unmet_need[[0, 3]] = [0.5, 0.0]  # half a rupee short; nothing short
    m.hh.savings[[0, 3]] = 2000.0
    m.ledger.open(0.0)
    assert release.return_to_kilns(m) == 1  # one family off with need: it returns
    assert m.hh.location[0] == KILN
    assert m.hh.location[3] == TOWN
    assert m.hh.debt[0] == 0.5
    assert m.hh.savings[[0, 3]].tolist() == [2000.5, 2000.0]  # the advance adds to savings
    m.hh.unmet_need[3] = 10.0  # later the same month a second family falls short
    assert release.return_to_kilns(m) == 1
    assert m.events["returns_to_kiln"] == 2


def test_an_owner_who_lends_nothing_takes_the_family_back_without_an_advance():
    m = _tiny(households=6, kilns=2)
    m.ow.advance_limit_months[:] = 0.0  # lending limit Rs 0
    m.refresh_terms()
    m.leave_kilns(np.array([0]), TOWN)
    m.hh.unmet_need[0] = 3000.0
    m.ledger.open(0.0)
    assert release.return_to_kilns(m) == 1
    assert m.hh.debt[0] == 0.0
    assert m.ledger.advances == 0.0


def test_returning_families_each_draw_their_kiln_from_the_returns_stream():
    # one district of 3 kilns (6 places each, 2 families each); families 0 and 2 are off
    first, kilns = np.array([0]), np.array([3])

    def dests(seed, name, scalar=False):
        gen = Streams(seed)[name]
        v = np.full(2, gen.random()) if scalar else gen.random(2)
        return mobility.pick_destinations(np.zeros(2, dtype=np.intp), v, first, kilns).tolist()

    def telling(s):
        d = dests(s, "returns")
        return (d[0] != d[1] and 1 in d and d != dests(s, "XXreturnsXX")
                and d != dests(s, "returns", scalar=True))

    seed = _seed_where(telling)
    m = _tiny(households=6, kilns=3, seed=seed)
    m.ow.capacity[:] = 6
    m.leave_kilns(np.array([0, 2]), TOWN)
    m.hh.unmet_need[[0, 2]] = 100.0
    m.ledger.open(0.0)
    assert release.return_to_kilns(m) == 2
    assert m.hh.kiln[[0, 2]].tolist() == dests(seed, "returns")


# -- court petitions -------------------------------------------------------------------------------
def test_court_files_exactly_its_poisson_count_of_petitions():
    # 200 bonded families at 2 kilns; 60 petitions a kiln-year: Poisson(2 x 60 / 12 = 10)
    spec = _court(petitions_per_kiln_year=60.0, success_rate=0.0, cost_per_petition=1.0,
                  delay_months=0)

    def count(seed, mean):
        return int(draws(seed, "court_petitions").poisson(np.array([mean]))[0])

    seed = _seed_where(lambda s: count(s, 10.0) != count(s, 120.0 / 13.0))  # not a 13th
    m = _tiny(spec, households=200, kilns=2, seed=seed)
    m.hh.bonded[:] = True
    assert act(m, 1) == pytest.approx(float(count(seed, 10.0)))
    assert m.interventions[0].filed == count(seed, 10.0)


def test_court_petitions_only_for_bonded_families_and_while_money_lasts():
    spec = _court(petitions_per_kiln_year=600.0, success_rate=0.0, cost_per_petition=100.0,
                  delay_months=0)
    m = _tiny(spec, households=6, kilns=2)
    m.hh.bonded[[0, 2, 5]] = True
    assert act(m, 1) == pytest.approx(300.0)  # Poisson(100): all three bonded, no more
    poor = _tiny(spec.model_copy(update={"budget": 250.0}), households=6, kilns=2)
    poor.hh.bonded[:] = True
    assert act(poor, 1) == pytest.approx(200.0)  # two petitions fit in Rs 250
    assert poor.interventions[0].filed == 2


def test_a_petition_heard_once_is_never_heard_again():
    spec = _court(petitions_per_kiln_year=600.0, success_rate=1.0, cost_per_petition=0.0,
                  delay_months=1)
    m = _tiny(spec, households=6, kilns=2)
    m.hh.bonded[:] = True
    act(m, 1)  # every bonded family petitioned, to be heard in month 2
    m.interventions[0].spec = spec.model_copy(update={"petitions_per_kiln_year": 0.0})
    m.hh.bonded[:] = False
    act(m, 2)  # heard: nobody bonded, nobody freed
    m.hh.bonded[:] = True  # bonded again, with no petition pending
    act(m, 3)
    assert not m.hh.released.any()


def test_petitions_filed_in_the_window_are_heard_after_it():
    spec = _court(petitions_per_kiln_year=600.0, success_rate=1.0, cost_per_petition=0.0,
                  delay_months=1, end=1)
    m = _tiny(spec, households=6, kilns=2)
    m.hh.bonded[:] = True
    act(m, 1)
    assert not m.hh.released.any()
    assert act(m, 2) == 0.0  # out of the window: no cost, but the court sits
    assert m.hh.released.all()


# -- vigilance committees --------------------------------------------------------------------------
def test_committee_running_costs_come_out_of_the_money_for_hearings():
    # Rs 250: the committee's month (Rs 100) leaves Rs 150, one hearing of Rs 100
    m = _tiny(_committees(complaint_rate=1.0, hearing_release=1.0, cost_per_hearing=100.0,
                          cost_per_committee_month=100.0, budget=250.0), households=6, kilns=2)
    m.hh.bonded[:] = True
    assert act(m, 1) == pytest.approx(200.0)
    assert np.flatnonzero(m.hh.released).tolist() == [0]


def test_committee_hearings_add_up_over_months():
    m = _tiny(_committees(complaint_rate=1.0, hearing_release=0.0, cost_per_hearing=0.0),
              households=6, kilns=2)
    m.hh.bonded[:] = True
    act(m, 1)
    act(m, 2)
    assert m.interventions[0].hearings == 12


def test_families_who_know_their_rights_complain_to_the_committee_more_often():
    # two campaigns: a fully informed family complains 2 x 3 = 6 times as often, capped at 1
    def campaign(multiplier):
        return AwarenessSpec(type="awareness", reach_per_month=0.0, complaint_multiplier=multiplier)

    spec = _committees(complaint_rate=0.2, hearing_release=1.0, cost_per_hearing=0.0)
    m = _tiny(spec, campaign(2.0), campaign(3.0), households=40, kilns=2)
    for a in m.interventions[1:]:
        a._started = True
    m.hh.bonded[:] = True
    m.hh.informed[:] = 0.0
    m.hh.informed[:20] = 1.0  # families 0-19 fully informed, 20-39 not at all
    m.hh.informed[20:30] = 0.5  # half informed: (1 + 0.5) x (1 + 1) = 3 times, rate 0.6
    rng = draws(0, "vigilance_committees")
    complains = rng.random(40)
    rate = np.r_[np.full(20, 1.0), np.full(10, 0.6), np.full(10, 0.2)]
    heard = np.flatnonzero(complains < rate)
    act(m, 1)
    assert m.interventions[0].hearings == heard.size
    assert np.flatnonzero(m.hh.released).tolist() == heard.tolist()
    assert heard.size > 20 + np.count_nonzero(complains[20:] < 0.2)  # the boost did something
