"""The model as a whole: Mesa face, reproducibility, ledger, outcomes."""

from __future__ import annotations

import numpy as np
import pytest

from bondsim import OUTCOMES, BondsimModel, Household, KilnOwner, Params


def test_runs_and_collects_one_row_per_month(small_model):
    small_model.run(14)
    ts = small_model.timeseries()
    assert list(ts.columns) == list(OUTCOMES)
    assert ts["month"].tolist() == list(range(15))
    assert small_model.steps == 14


def test_same_seed_same_numbers_other_seed_other_numbers():
    def run(seed):
        m = BondsimModel(households=500, seed=seed)
        m.run(24)
        return m.timeseries()

    a, b, c = run(5), run(5), run(6)
    assert a.equals(b)
    assert not a["median_debt"].equals(c["median_debt"])


def test_ledger_balances_every_month(small_model):
    small_model.run(30)
    ts = small_model.timeseries()
    assert np.abs(ts["ledger_residual"]).max() < 1.0
    debt = ts["debt_total"].to_numpy()
    flows = (ts["advances"] + ts["book_inflation"] + ts["markup"] + ts["transfer_premiums"]
             - ts["deductions"] - ts["repayments"] - ts["write_offs"]).to_numpy()
    assert np.allclose(debt[1:] - debt[:-1], flows[1:], atol=1.0)


def test_agents_are_views_onto_the_arrays(small_model):
    hh = small_model.households[7]
    assert isinstance(hh, Household)
    assert hh is small_model.households[7]
    hh.debt = 1234.0
    assert small_model.hh.debt[7] == 1234.0
    owner = hh.owner
    assert isinstance(owner, KilnOwner)
    assert owner.index == small_model.hh.kiln[7]
    assert len(small_model.kiln_owners) == 20
    with pytest.raises(IndexError):
        small_model.households[600]


def test_write_off_is_booked(small_model):
    small_model.ledger.open(float(small_model.hh.debt.sum()))
    before = small_model.hh.debt[:10].sum()
    amount = small_model.write_off(np.arange(10))
    assert amount == pytest.approx(before)
    assert abs(small_model.ledger.residual(float(small_model.hh.debt.sum()))) < 1e-3


def test_rejects_impossible_populations():
    with pytest.raises(ValueError, match="household"):
        BondsimModel(Params(), households=5, kilns=6)


def test_default_kilns_cover_every_district():
    model = BondsimModel(households=100, districts=("a", "b", "c", "d", "e"), seed=1)
    assert model.ow.k == 5
    assert sorted(set(model.hh.district.tolist())) == [0, 1, 2, 3, 4]


def test_tiny_population_runs():
    model = BondsimModel(households=1, seed=2)
    model.run(13)
    assert len(model.timeseries()) == 14
