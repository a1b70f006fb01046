"""Parameters as keywords of the model, so that Mesa's ``batch_run`` can sweep them."""

from __future__ import annotations

import dataclasses

import mesa
import pandas as pd
import pytest

from bondsim import BondsimModel, Params


def test_a_keyword_sets_that_parameter_and_no_other():
    model = BondsimModel(households=60, markup_annual=0.5, seed=1)
    assert model.params.markup_annual == 0.5
    assert model.params == dataclasses.replace(Params(), markup_annual=0.5)
    assert model.hh.n == 60
    assert model.seed == 1


def test_keywords_replace_values_of_the_params_given():
    base = Params(markup_annual=0.1, transfer_rate=0.002)
    model = BondsimModel(base, households=40, markup_annual=0.7)
    assert (model.params.markup_annual, model.params.transfer_rate) == (0.7, 0.002)
    assert BondsimModel(base, households=40).params is base  # the old way, unchanged


def test_keyword_values_take_the_parameters_types():
    model = BondsimModel(households=40, markup_annual=1, start_month=3.0, closure_months=[6, 7])
    assert isinstance(model.params.markup_annual, float)
    assert model.params.start_month == 3
    assert isinstance(model.params.start_month, int)
    assert model.params.closure_months == (6, 7)


def test_an_unknown_keyword_is_named_with_the_close_names():
    with pytest.raises(TypeError, match=r"unknown keyword 'markup_anual'.*'markup_annual'"):
        BondsimModel(households=40, markup_anual=0.5)
    with pytest.raises(TypeError, match=r"'househlds'.*did you mean 'households'"):
        BondsimModel(househlds=40)
    with pytest.raises(TypeError, match=r"'zzz'.*bondsim params lists the parameters"):
        BondsimModel(households=40, zzz=1)


@pytest.mark.parametrize(("keyword", "value", "error"), [
    ("coercive_owner_share", 1.5, ValueError),   # a share above 1
    ("working_days_per_month", 0.5, ValueError),  # valid from 1 day
    ("markup_annual", "high", TypeError),
    ("markup_annual", float("nan"), ValueError),
    ("start_month", 2.5, TypeError),
    ("closure_months", [13], ValueError),
    ("closure_months", 7, TypeError),
])
def test_values_the_model_cannot_run_with_are_refused(keyword, value, error):
    with pytest.raises(error, match=keyword):
        BondsimModel(households=40, **{keyword: value})


def test_rng_is_the_seed_under_mesas_name():
    a, b = BondsimModel(households=50, rng=3), BondsimModel(households=50, seed=3)
    a.run(3)
    b.run(3)
    assert a.seed == 3
    assert a.timeseries().equals(b.timeseries())
    assert BondsimModel(households=50).seed == 0  # neither: seed 0, as before
    with pytest.raises(TypeError, match="give one of them"):
        BondsimModel(households=50, seed=1, rng=2)
    with pytest.raises(TypeError, match="whole number"):
        BondsimModel(households=50, seed=-1)


def test_mesa_batch_run_sweeps_a_parameter_into_the_model():
    rows = pd.DataFrame(mesa.batch_run(
        BondsimModel, parameters={"households": 80, "seed": 4, "markup_annual": [0.0, 1.0]},
        max_steps=6, number_processes=1, display_progress=False))
    assert sorted(rows["markup_annual"]) == [0.0, 1.0]
    free, dear = (rows.set_index("markup_annual").loc[r] for r in (0.0, 1.0))
    assert free["markup"] == 0.0  # no markup is booked at a rate of 0
    assert dear["markup"] > 0.0
    # (debt totals need not rise with the markup: owners discount what a family will repay at
    # the markup they charge, so a dearer markup lowers what they let it owe, rule 5b)
    # each row is the month batch_run reports of a model built directly with that value
    step = int(dear["Step"])
    direct = BondsimModel(households=80, seed=4, markup_annual=1.0)
    direct.run(step)
    expected = direct.timeseries().iloc[step]
    for name in ("markup", "debt_total", "bonded_share", "median_debt"):
        assert dear[name] == expected[name], name


def test_mesas_page_accepts_parameters_as_model_parameters():
    """SolaraViz checks the parameters it is given against the constructor's signature."""
    viz = pytest.importorskip("mesa.visualization.solara_viz")
    check = getattr(viz, "_check_model_params", None)
    if check is None:
        pytest.skip("this Mesa checks model parameters otherwise")
    check(BondsimModel.__init__, {"households": 100, "markup_annual": {"type": "SliderFloat",
                                                                      "value": 0.3}})
