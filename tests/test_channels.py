"""Channels an intervention acts through, and switching them off (issue 17): each guard by hand
on a tiny model (``mechanism_kit``), a single-channel policy with its channel off has no effect
at all, and with every channel on a run is what it was."""

from __future__ import annotations

import numpy as np
import pytest
from mechanism_kit import act, quiet_inspections, tiny

from bondsim import BondsimModel, Params
from bondsim.interventions import build
from bondsim.interventions.advance_cap import AdvanceCapSpec
from bondsim.interventions.cash_transfer import CashTransferSpec
from bondsim.interventions.interest_free_loans import InterestFreeLoansSpec
from bondsim.interventions.minimum_piece_rate import MinimumPieceRateSpec
from bondsim.simulation.channels import CHANNELS
from bondsim.simulation.owners import PAY_COMPLY, PAY_OPEN


def _cash(**fields):
    return CashTransferSpec(type="cash_transfer", **{
        "amount_per_quarter": 3000.0, "coverage": 1.0, "exclusion_error": 0.0,
        "cnic_required": False, "admin_cost_share": 0.0, **fields})


def _loans(**fields):
    return InterestFreeLoansSpec(type="interest_free_loans", **{
        "coverage": 1.0, "max_loan": 10000.0, "admin_cost_per_loan": 0.0,
        "bonded_first": False, **fields})


def _releases_only(**fields):
    """Inspections that find every bonded family at a visited kiln and release it, with no
    deterrence, fine or other side effect: they act only through releases."""
    return quiet_inspections(**{"detection_bonded": 1.0, "follow_through": 1.0, "fine": 0.0,
                                "inspections_per_district": 50, **fields})


def _off(m: BondsimModel, *channels: str) -> BondsimModel:
    m.channels_off = frozenset(channels)
    return m


def test_the_channels_are_a_fixed_set_and_another_name_is_a_clear_error():
    assert tuple(CHANNELS) == ("releases", "deterrence", "credit", "cash")
    with pytest.raises(ValueError, match=r"unknown channel\(s\) \['bribes'\].*releases, "
                                         r"deterrence, credit, cash"):
        BondsimModel(households=10, channels_off={"bribes"})
    m = BondsimModel(households=10, channels_off={"cash"})
    assert m.channel_on("credit")
    assert not m.channel_on("cash")
    with pytest.raises(ValueError, match="unknown channel"):
        m.channel_on("cahs")


# -- each guard, by hand -----------------------------------------------------------------------
@pytest.mark.parametrize("on", [True, False])
def test_cash_off_pays_nothing_but_costs_the_same(on):
    m = tiny(_cash(), households=4, kilns=1)
    if not on:
        _off(m, "cash")
    assert act(m, 1) == pytest.approx(4 * 3000.0)  # the programme works and spends alike
    assert m.hh.sp_cash.tolist() == [3000.0 if on else 0.0] * 4
    assert m.channels_asked == {"cash"}


@pytest.mark.parametrize("on", [True, False])
def test_releases_off_releases_nobody_but_the_release_is_paid_for(on):
    m = tiny(_releases_only(cost_per_inspection=10.0, cost_per_release=100.0),
             households=4, kilns=2)
    if not on:
        _off(m, "releases")
    m.hh.debt[:] = [60000.0, 0.0, 60000.0, 0.0]
    m.hh.bonded[:] = [True, False, True, False]
    # 2 kilns visited (10 each) and 2 families processed for release (100 each)
    assert act(m, 1) == pytest.approx(2 * 10.0 + 2 * 100.0)
    assert m.hh.debt.tolist() == ([0.0] * 4 if on else [60000.0, 0.0, 60000.0, 0.0])
    assert m.hh.released.tolist() == ([True, False, True, False] if on else [False] * 4)
    assert m.hh.bonded.tolist() == ([False] * 4 if on else [True, False, True, False])
    assert m.ledger.write_offs == pytest.approx(120000.0 if on else 0.0)
    assert m.events["households_released"] == (2 if on else 0)
    assert m.events["cases_registered"] == 2  # cases are registered either way


@pytest.mark.parametrize("on", [True, False])
def test_deterrence_off_owners_learn_nothing_from_wage_inspections_but_are_fined(on):
    spec = MinimumPieceRateSpec(type="minimum_piece_rate", inspections_per_district=50,
                                detection=1.0, fine=1000.0)
    m = tiny(spec, households=4, kilns=2)  # both owners underpay openly: both caught
    if not on:
        _off(m, "deterrence")
    m.step()
    # both kilns visited, so each saw 0.5 x 1 + 0.5 x 1 = 1; the belief moves a tenth of the
    # way from the background 0.24 / 12 = 0.02 to 0.02 + 1: 0.9 x 0.02 + 0.1 x 1.02 = 0.12
    np.testing.assert_allclose(m.ow.belief_wage, 0.12 if on else 0.02)
    assert m.ow.fines_paid.tolist() == [1000.0, 1000.0]  # the fine is not deterrence's
    assert "deterrence" in m.channels_asked


@pytest.mark.parametrize("on", [True, False])
def test_deterrence_off_owners_weigh_the_laws_penalties_not_the_campaigns(on):
    # no wage inspection at all, but a fine of Rs 1,000 M: at the background chance of a visit
    # (0.02 a month) x detection 0.5 it costs an owner Rs 10 M a month expected (faking:
    # 0.02 x 0.1 x 1,000 M = Rs 2 M), against a gain of at most 2 families x 500 bricks x 20
    # days x Rs 0.5 = Rs 10,000: owners comply. With deterrence off they weigh the law's
    # Rs 2,200 (0.02 x 0.5 x 2,200 = Rs 22 a month) and keep underpaying, as with no policy.
    spec = MinimumPieceRateSpec(type="minimum_piece_rate", inspections_per_district=0,
                                fine=1e9)
    m = tiny(spec, households=4, kilns=2, law_fine_underpayment=2200.0)
    if not on:
        _off(m, "deterrence")
    m.step()
    assert m.ow.pay_mode.tolist() == ([PAY_COMPLY] * 2 if on else [PAY_OPEN] * 2)
    assert m.ow.paid_ratio.tolist() == ([1.0] * 2 if on else [0.5] * 2)


@pytest.mark.parametrize("on", [True, False])
def test_deterrence_off_owners_lend_past_an_advance_cap_nobody_audits_in_their_minds(on):
    # every kiln audited every month (12 a year): each owner saw 1, so its belief in an audit
    # is 0.9 x 0 + 0.1 x 1 = 0.1, and lending off the books costs 0.1 x 1 x Rs 1,000 M; the
    # Rs 10,000 owed above the cap earn a little a month: owners keep the cap. With
    # deterrence off the belief stays at the background 0 and both owners lend past it.
    spec = AdvanceCapSpec(type="advance_cap", cap=20000.0, audits_per_kiln_year=12.0,
                          detection=1.0, fine=1e9, cost_per_kiln_month=0.0)
    m = tiny(spec, households=4, kilns=2, prior_audits=0.0)
    if not on:
        _off(m, "deterrence")
    m.hh.debt[:] = 30000.0
    m.step()
    np.testing.assert_allclose(m.ow.belief_audit, 0.1 if on else 0.0)
    assert m.ow.off_book.tolist() == [not on] * 2
    assert m.owner_terms()["debt_ceiling"].tolist() == ([20000.0] * 2 if on else [np.inf] * 2)


def test_deterrence_is_not_asked_in_a_month_without_a_campaign():
    m = tiny(households=4, kilns=2)
    m.step()
    assert m.channels_asked == set()


@pytest.mark.parametrize("on", [True, False])
def test_credit_off_the_scheme_lends_nothing(on):
    m = tiny(_loans(), households=3, kilns=1)
    if not on:
        _off(m, "credit")
    m.hh.debt[:] = [10000.0, 4000.0, 0.0]
    assert act(m, 1) == pytest.approx(14000.0 if on else 0.0)
    assert m.hh.debt.tolist() == ([0.0] * 3 if on else [10000.0, 4000.0, 0.0])
    assert m.hh.loan_debt.tolist() == ([10000.0, 4000.0, 0.0] if on else [0.0] * 3)


# -- over a run: a single-channel policy with its channel off does nothing ----------------------
#: what differs between a policy run and its baseline even when the policy changes nothing:
#: its spending, the events it counts and the fines it takes from owners' cash
BOOKKEEPING = {"intervention_cost", "inspections", "cases_registered", "fines", "owner_cash"}


def _run(specs, channels_off=frozenset()):
    m = BondsimModel(Params(), households=400, seed=3, interventions=build(specs),
                     channels_off=channels_off)
    m.run(30)
    return m.timeseries()


@pytest.mark.parametrize(("spec", "channels"), [
    (_cash(start=1), {"cash"}),
    (_loans(start=1, loans_per_month=20), {"credit"}),
    (MinimumPieceRateSpec(type="minimum_piece_rate", inspections_per_district=5,
                          fine=200000.0), {"deterrence"}),
    # inspections act through releases and through owners' beliefs (deterrence)
    (_releases_only(inspections_per_district=5), {"releases", "deterrence"}),
], ids=["cash_transfer", "interest_free_loans", "minimum_piece_rate", "inspections"])
def test_a_policy_with_its_channels_off_has_no_effect(spec, channels):
    base = _run([])
    on = _run([spec])
    off = _run([spec], channels)
    outcomes = [c for c in base.columns if c not in BOOKKEEPING]
    pd_testing = pytest.importorskip("pandas").testing
    pd_testing.assert_frame_equal(off[outcomes], base[outcomes])
    # and with it on, the policy does something (so the equality above could have failed)
    assert not on[outcomes].equals(base[outcomes])


def test_every_channel_on_is_the_run_of_old_and_a_channel_never_asked_changes_nothing():
    spec = _cash(start=1)
    default = BondsimModel(Params(), households=300, seed=5, interventions=build([spec]))
    default.run(12)
    # the transfer asks only for cash: switching every other channel off changes nothing
    others = BondsimModel(Params(), households=300, seed=5, interventions=build([spec]),
                          channels_off={"releases", "deterrence", "credit"})
    others.run(12)
    assert default.channels_asked == {"cash"}
    assert np.array_equal(default.outcome_matrix(), others.outcome_matrix(), equal_nan=True)
