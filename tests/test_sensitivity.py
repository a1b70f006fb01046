"""The Sobol engine against analytical answers, and on bondsim at small size."""

from __future__ import annotations

import numpy as np
import pytest

from bondsim.errors import BondsimError
from bondsim.experiments.sensitivity import Factor, small_sample, sobol

PI = float(np.pi)
# Ishigami (a = 7, b = 0.1): analytical first-order and total indices
S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def ishigami(params, seed):  # deterministic: the seed is part of the contract only
    x1, x2, x3 = params["x1"], params["x2"], params["x3"]
    return {"y": np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3 ** 4 * np.sin(x1)}


FACTORS = [Factor("x1", -PI, PI), Factor("x2", -PI, PI), Factor("x3", -PI, PI),
           Factor("dummy", 0.0, 1.0)]


@pytest.fixture(scope="module")
def ishigami_result():
    return sobol(ishigami, FACTORS, ["y"], n=1024, seed=3)


def test_a_sample_too_small_for_the_indices_is_flagged():
    # 8 base rows: ST above 1, S1 below 0 beyond its interval or intervals wider than the
    # indices; the 1024-row sample of the same function gives readable indices
    small = sobol(ishigami, FACTORS, ["y"], n=8, seed=0, sizes=[8])
    flagged = small.indices.set_index("factor")["sample_warning"]
    assert "ST 1.01 above 1" in flagged["x1"]
    assert flagged["dummy"] == ""
    assert "too small" in small_sample(small.indices)["y"]


def test_a_large_sample_is_not_flagged(ishigami_result):
    assert (ishigami_result.indices["sample_warning"] == "").all()
    assert small_sample(ishigami_result.indices) == {}


def test_ishigami_indices_match_the_analytical_values(ishigami_result):
    table = ishigami_result.indices.set_index("factor")
    for name in ("x1", "x2", "x3"):
        row = table.loc[name]
        # the analytical value lies within the bootstrap interval (widened by 0.02 for the
        # known bias of the estimators at this sample size)
        assert abs(row["S1"] - S1[name]) <= row["S1_conf"] + 0.02, (name, row.to_dict())
        assert abs(row["ST"] - ST[name]) <= row["ST_conf"] + 0.02, (name, row.to_dict())


def test_a_factor_the_outcome_ignores_ranks_last_near_zero(ishigami_result):
    table = ishigami_result.indices.set_index("factor")
    assert table.loc["dummy", "rank"] == 4
    assert abs(table.loc["dummy", "ST"]) < 0.01
    assert abs(table.loc["dummy", "S1"]) < 0.02


def test_noise_share_is_reported_for_stochastic_models():
    def noisy(params, seed):
        rng = np.random.default_rng(seed)
        return {"y": params["a"] + rng.normal(0.0, 0.5)}

    result = sobol(noisy, [Factor("a", 0.0, 1.0), Factor("b", 0.0, 1.0)], ["y"], n=16,
                   replicates=64, seed=1)
    # var(a) = 1/12 = 0.083; noise variance 0.25: about 0.75 of a single run's variance
    # (the replicates' seeds are shared by all points, so 64 of them estimate it)
    share = float(result.noise["noise_share"].iloc[0])
    assert 0.6 < share < 0.85
    table = result.indices.set_index("factor")
    assert table.loc["a", "rank"] == 1


def test_groups_are_analysed_together():
    factors = [Factor("x1", -PI, PI, group="g1"), Factor("x2", -PI, PI, group="g2"),
               Factor("x3", -PI, PI, group="g1")]
    result = sobol(ishigami, factors, ["y"], n=512, seed=2)
    assert sorted(result.indices["factor"]) == ["g1", "g2"]


def test_bad_declarations_are_clear_errors():
    with pytest.raises(BondsimError, match="low < high"):
        Factor("a", 1.0, 1.0)
    with pytest.raises(BondsimError, match="power of 2"):
        sobol(ishigami, FACTORS, ["y"], n=100)
    with pytest.raises(BondsimError, match="no outcome 'z'"):
        sobol(ishigami, FACTORS, ["z"], n=8)


@pytest.mark.slow
def test_sobol_on_bondsim_at_small_size():
    import dataclasses

    from bondsim import BondsimModel, Params

    def bondsim_model(params, seed):
        p = dataclasses.replace(Params(), **params)
        model = BondsimModel(p, households=300, seed=seed)
        model.run(24)
        return {"bonded_share": model.outcomes["bonded_share"]}

    factors = [Factor("markup_annual", 0.0, 1.0), Factor("deduction_share_high", 0.35, 0.6)]
    result = sobol(bondsim_model, factors, ["bonded_share"], n=8, replicates=2, seed=4)
    assert set(result.indices["factor"]) == {"markup_annual", "deduction_share_high"}
    assert result.samples.shape == (8 * 4, 2)


def test_morris_ranks_the_ignored_factor_last():
    from bondsim.experiments.sensitivity import morris
    result = morris(ishigami, FACTORS, ["y"], trajectories=64, seed=1)
    table = result.indices.set_index("factor")
    assert table.loc["dummy", "rank"] == 4
    assert table.loc["dummy", "mu_star"] == 0.0
    # x3 acts only through its interaction with x1: a large sigma beside its mu*
    assert table.loc["x3", "sigma"] > table.loc["x3", "mu_star"]


def test_pawn_cross_checks_the_ranking():
    from bondsim.experiments.sensitivity import pawn
    result = pawn(ishigami, FACTORS, ["y"], n=1000, seed=1)
    table = result.indices.set_index("factor")
    assert table.loc["dummy", "rank"] == 4
    assert table.loc["x2", "rank"] == 1
    with pytest.raises(BondsimError, match="groups"):
        pawn(ishigami, [Factor("x1", -PI, PI, group="g")], ["y"], n=10)
