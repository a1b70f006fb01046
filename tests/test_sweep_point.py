"""Issue 15: one point of a sweep (``ScenarioModel``), in-process and by hand: the sweep's
households and months reach the policy run and its baseline, the outcomes are the means of
the window's months (month 0 left out), and the effect outcomes pair the two runs."""

from __future__ import annotations

import pytest

from bondsim.experiments.paired import years_averted
from bondsim.experiments.run import simulate
from bondsim.experiments.scenario import scenario_from_dict
from bondsim.experiments.sweep import ScenarioModel

POLICY = {"name": "cash", "horizon": 24, "population": {"households": 80},
          "interventions": [{"type": "cash_transfer", "coverage": 0.9}]}
BASE = {"name": "base", "horizon": 24, "population": {"households": 80}}


def test_a_point_runs_the_sweeps_size_and_pairs_its_baseline_by_hand():
    point = ScenarioModel(POLICY, "<test>", BASE, (), ("bonded_share", "median_debt"),
                          households=40, months=6, window=3)
    out = point({}, 3)
    policy = simulate(scenario_from_dict(POLICY), seed=3, households=40, months=6)
    base = simulate(scenario_from_dict(BASE), seed=3, households=40, months=6)
    p, b = policy.timeseries(), base.timeseries()
    assert len(p) == 7  # months 0-6: the sweep's months, not the file's 24
    # the means of months 4-6
    assert out["bonded_share"] == pytest.approx(p["bonded_share"].iloc[-3:].mean())
    assert out["median_debt"] == pytest.approx(p["median_debt"].iloc[-3:].mean())
    # the baseline on the same seed and size: 40 households, months 1-6
    assert out["public_cost"] == pytest.approx(p["intervention_cost"].iloc[1:].sum())
    assert out["public_cost"] > 0
    assert out["bonded_household_years_averted"] == pytest.approx(years_averted(
        b["bonded_share"].to_numpy()[1:], p["bonded_share"].to_numpy()[1:], 40))
