"""The experiment core: outcomes measured over a window, the results table, the saved runs."""

from __future__ import annotations

import numpy as np
import pytest

from bondsim.errors import BondsimError
from bondsim.experiments.experiment import (
    COLUMN,
    Experiment,
    RatioOverWindow,
    Run,
    Series,
    WindowMean,
    point_seeds,
    results_table,
    simulate,
)
from bondsim.experiments.stores import JsonStore, RunStore
from bondsim.simulation.outcomes import OUTCOMES


class _Model:
    """A finished run's stand-in: only its outcome matrix."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = matrix

    def outcome_matrix(self) -> np.ndarray:
        return self.matrix


def _run(**columns: list[float]) -> Run:
    """A run of months 0..H with the given columns (the others zero)."""
    months = len(next(iter(columns.values())))
    matrix = np.zeros((months, len(OUTCOMES)))
    matrix[:, COLUMN["month"]] = np.arange(months)
    for name, values in columns.items():
        matrix[:, COLUMN[name]] = values
    return Run(_Model(matrix))  # type: ignore[arg-type]


def test_a_window_mean_leaves_out_month_0_and_months_without_a_value():
    run = _run(bonded_share=[9.0, 0.1, 0.2, 0.3, 0.6], net_pay_share=[9, 1, np.nan, 3, np.nan])
    assert WindowMean("bonded_share", window=2).measure(run) == pytest.approx(0.45)
    assert WindowMean("bonded_share", window=99).measure(run) == pytest.approx(0.3)  # not 9
    assert WindowMean("net_pay_share", window=3).measure(run) == pytest.approx(3.0)
    assert np.isnan(WindowMean("net_pay_share", window=1).measure(run))
    assert WindowMean("bonded_share", label="b").name == "b"


def test_a_window_mean_over_a_named_window_is_the_one_summaries_use():
    from bondsim.simulation.outcomes import LAST_YEAR, Window

    run = _run(bonded_share=[0.9, 0.1, 0.2, 0.3, 0.6])
    assert WindowMean("bonded_share", Window(months=2)).measure(run) == pytest.approx(0.45)
    assert WindowMean("bonded_share", LAST_YEAR).measure(run) == pytest.approx(0.3)  # 1..4
    assert WindowMean("bonded_share", Window(month=0)).measure(run) == pytest.approx(0.9)
    assert WindowMean("bonded_share", Window(month=3)).measure(run) == pytest.approx(0.3)


def test_a_ratio_over_the_window_is_a_ratio_of_sums():
    run = _run(cases_registered=[5, 1, 0, 3, 1], inspections=[5, 10, 0, 20, 20])
    ratio = RatioOverWindow("cases_registered", "inspections", window=3)
    assert ratio.name == "cases_registered_per_inspections"
    assert ratio.measure(run) == pytest.approx(4 / 40)  # not the mean of 0.15 and 0.05
    nothing = _run(cases_registered=[0, 1, 1], inspections=[0, 0, 0])
    assert np.isnan(ratio.measure(nothing))


def test_a_series_is_months_1_to_h():
    run = _run(intervention_cost=[7.0, 1.0, 2.0])
    assert Series("intervention_cost").measure(run) == [1.0, 2.0]
    measured = run.measure([Series("intervention_cost"), WindowMean("month", 1, "end")])
    assert measured == {"intervention_cost": [1.0, 2.0], "end": 2.0}


def test_the_results_table_has_one_row_per_experiment():
    samples = np.array([[0.5, 10.0], [0.25, 20.0]])
    runs = np.arange(8, dtype=float).reshape(2, 2, 2)  # outcomes x points x replicates
    table = results_table(samples, ["a", "b"], [11, 12], runs, ["y", "z"])
    assert list(table.columns) == ["point", "replicate", "seed", "a", "b", "y", "z"]
    assert table["point"].tolist() == [0, 0, 1, 1]
    assert table["replicate"].tolist() == [0, 1, 0, 1]
    assert table["seed"].tolist() == [11, 12, 11, 12]
    assert table["b"].tolist() == [10.0, 10.0, 20.0, 20.0]
    assert table["z"].tolist() == [4.0, 5.0, 6.0, 7.0]
    own = results_table(samples, ["a", "b"], [11, 12], runs, ["y", "z"], index="future",
                        common=False)
    assert own["seed"].tolist() == [*point_seeds([11, 12], 0), *point_seeds([11, 12], 1)]
    assert own["seed"].iloc[0] != 11


def test_an_experiment_writes_its_future_into_its_scenario_and_levers_only_if_asked():
    from bondsim.experiments.factors import resolve

    data = {"name": "p", "interventions": [{"type": "inspections", "budget": 1000.0,
                                            "end": 12}]}
    targets = (resolve("markup_annual", data), resolve("inspections.budget", data))
    values = {"markup_annual": 0.5, "inspections.budget": 5.0}
    built = Experiment("p", data, 0, 1, values=values, targets=targets).build()
    assert built.params.markup_annual == 0.5
    assert built.spec.interventions[0].budget == 5.0
    world = Experiment("p", data, 0, 1, values=values, targets=targets, levers=False).build()
    assert world.params.markup_annual == 0.5
    assert world.spec.interventions[0].budget == 1000.0


def test_the_run_path_may_stop_at_the_initial_state_but_not_before():
    model = simulate("baseline", seed=3, households=40, months=0)
    assert model.steps == 0
    with pytest.raises(BondsimError, match="negative"):
        simulate("baseline", seed=3, households=40, months=-1)


def test_stores_resume_what_was_saved(tmp_path):
    runs = RunStore(tmp_path)
    runs.save_error("a", 3, {"error": "boom"})
    runs.save("a", 3, np.ones((2, 2)))
    assert runs.path("a", 3).name == "00003.npy"
    assert not runs.error_path("a", 3).exists()  # a run that succeeds on resume clears it
    runs.check_columns(["x", "y"], tmp_path)
    runs.check_columns(["x", "y"], tmp_path)
    with pytest.raises(BondsimError, match="other outcomes"):
        runs.check_columns(["y", "x"], tmp_path)
    kept = JsonStore(tmp_path / "j")
    assert kept.load("s/d/r1") is None
    kept.save("s/d/r1", {"v": [1.0]})
    assert kept.load("s/d/r1") == {"v": [1.0]}

