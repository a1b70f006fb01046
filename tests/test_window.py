"""The end of a run is a stated window (by default the last 12 months), never one month
when the kilns are shut, unless a user asks for that month."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bondsim.cli import main
from bondsim.errors import BondsimError
from bondsim.simulation.outcomes import (
    LAST_YEAR,
    OUTCOMES,
    Window,
    is_outcome,
    outcome_stem,
    why_undefined,
    window_means,
)
from conftest import ROOT

BASELINE = str(ROOT / "scenarios" / "baseline.toml")


def test_a_window_names_itself_and_fits_the_run():
    assert Window(12) == LAST_YEAR
    assert Window(12).name("bonded_share") == "bonded_share_last_year"
    assert Window(24).suffix == "last_2_years"
    assert Window(6).suffix == "last_6_months"
    assert Window(1).suffix == "last_month"
    assert Window(month=118).name("owner_profit") == "owner_profit_month_118"
    for window in (Window(12), Window(24), Window(6), Window(1), Window(month=7)):
        assert outcome_stem(window.name("net_pay_share")) == "net_pay_share"
    assert Window(12).fit(6) == Window(6)  # never named for more months than the run has
    assert Window(12).fit(120) == Window(12)
    with pytest.raises(BondsimError, match="after the horizon"):
        Window(month=13).fit(12)
    with pytest.raises(BondsimError):
        Window(0)
    assert "a whole brick year" in Window(12).describe()
    assert Window(month=5).describe() == "in month 5"
    assert Window(12).to_dict() == {"months": 12, "month": None, "name": "last_year"}


def test_window_means_skip_undefined_months_and_never_take_month_0():
    names = ["month", "net_pay_share", "owner_profit"]
    # months 0-4: pay only in months 1 and 3; month 0 would pull the mean if counted
    matrix = np.array([[0, 9.0, 9.0], [1, 0.6, 10.0], [2, np.nan, 0.0], [3, 0.8, 20.0],
                       [4, np.nan, 0.0]])
    means = window_means(matrix, Window(12), names)
    assert means["net_pay_share"] == pytest.approx(0.7)  # over months 1 and 3 only
    assert means["owner_profit"] == pytest.approx(7.5)   # months 1-4
    assert window_means(matrix, Window(2), names)["net_pay_share"] == pytest.approx(0.8)
    one = window_means(matrix, Window(month=4), names)
    assert one["owner_profit"] == 0.0
    assert np.isnan(one["net_pay_share"])  # undefined, not dropped: the key is there
    assert "kilns were closed" in why_undefined("net_pay_share_month_4")
    # the old signature (the last rows of a months-1-onwards matrix) is unchanged
    assert window_means(matrix[1:], 2, names)["owner_profit"] == pytest.approx(10.0)


def test_the_clock_and_the_composition_are_not_outcomes():
    assert not any(is_outcome(n) for n in ("month", "calendar_month", "production_days",
                                           "households", "children_5_14", "girls_5_14"))
    assert is_outcome("bonded_share")
    assert is_outcome("net_pay_share")
    assert sum(is_outcome(n) for n in OUTCOMES) == len(OUTCOMES) - 6


@pytest.mark.slow
def test_run_table_at_a_closed_horizon_reads_the_last_year(tmp_path, capsys):
    """24 months end in August: the printed table is over months 13-24, with the owners'
    profit and net pay share of a working year; --month 24 shows that month, its undefined
    net pay share as n/a with the reason; the manifest records the window."""
    out = tmp_path / "r"
    assert main(["run", BASELINE, "--households", "300", "--months", "24", "--seed", "3",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "end of the run: mean over the last 12 months" in printed
    assert "mean, months 13-24" in printed
    assert "nan" not in printed.lower().replace("n/a", "")
    rows = {line.split()[0]: line.split()[1:] for line in printed.splitlines()
            if line.split() and line.split()[0] in ("owner_profit", "net_pay_share")}
    assert float(rows["owner_profit"][-1].replace(",", "")) > 0
    assert 0 < float(rows["net_pay_share"][-1]) < 1
    assert json.loads((out / "manifest.json").read_text())["window"]["name"] == "last_year"
    ts = pd.read_csv(out / "timeseries.csv")
    assert ts["production_days"].iloc[-1] == 0  # the horizon month is indeed closed

    assert main(["run", BASELINE, "--households", "300", "--months", "24", "--seed", "3",
                 "--out", str(tmp_path / "m"), "--month", "24"]) == 0
    printed = capsys.readouterr().out
    assert "month 24 (kilns closed)" in printed
    assert "n/a: net_pay_share is undefined in month 24 (no pay: the kilns were closed)" \
        in printed
    assert "nan" not in printed.lower().replace("n/a", "")
    assert main(["run", BASELINE, "--months", "12", "--month", "13"]) == 2  # after the horizon


def test_window_and_month_are_one_or_the_other(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["run", BASELINE, "--window", "6", "--month", "3"])
    assert stop.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_plan_metrics_at_the_end_are_the_last_year():
    """A plan's freed households and children out of work are the mean difference over the
    last 12 months, not the last (closed) month: by hand on 14 months of runs."""
    from bondsim.experiments.plan import METRICS, paired

    months = 14
    base = {"bonded_share": [0.5] * months, "bonded_share_ilo": [0.3] * months,
            "indebted_to_owner_share": [0.9] * months, "child_labour_rate": [0.2] * months,
            "intervention_cost": [0.0] * months, "households": 1000, "children_5_14": 400,
            "spent": {}}
    # the policy lowers bondage by 0.1 in months 3-13 and not at all in the last month
    bonded = [0.5, 0.5] + [0.4] * 11 + [0.5]
    run = {**base, "bonded_share": bonded, "child_labour_rate": [0.1] * months,
           "intervention_cost": [1.0] * months, "spent": {"x": 10.0}}
    m = paired(base, run)
    assert m["bonded_households_freed_last_year"] == pytest.approx(0.1 * 11 / 12 * 1000)
    assert m["children_out_of_work_last_year"] == pytest.approx(0.1 * 400)
    assert m["bonded_household_years_averted"] == pytest.approx(0.1 * 11 * 1000 / 12)
    # the public cost is incremental: the runs' public spending, not the books of the plan's
    # own allocations (which cannot see what the plan changes in programmes both runs share)
    assert m["public_cost"] == months * 1.0
    assert not any("horizon" in name for name in METRICS)


def test_a_window_is_read_back_from_names_and_manifests():
    for window in (Window(12), Window(24), Window(6), Window(1), Window(month=118)):
        assert Window.from_name(window.name("bonded_share_change")) == window
        assert Window.from_dict(window.to_dict()) == window
    assert Window.from_name("bonded_share") is None
    assert Window.from_dict(None) is None


def test_compare_reads_the_window_a_batch_recorded_in_its_manifest(tmp_path):
    from bondsim.experiments.compare import _batch_window

    assert _batch_window(tmp_path) is None  # no manifest
    (tmp_path / "manifest.json").write_text(json.dumps({"kind": "batch"}))
    assert _batch_window(tmp_path) is None  # an older batch: no window recorded
    (tmp_path / "manifest.json").write_text(json.dumps({"window": Window(6).to_dict()}))
    assert _batch_window(tmp_path) == Window(6)
    (tmp_path / "manifest.json").write_text(json.dumps({"window": Window(month=9).to_dict()}))
    assert _batch_window(tmp_path) == Window(month=9)
    (tmp_path / "manifest.json").write_text("{not json")
    assert _batch_window(tmp_path) is None


def test_a_window_is_at_least_a_month_and_month_zero_is_the_initial_state():
    assert Window(month=0).select(np.arange(5)).tolist() == [True, False, False, False, False]
    for bad in ({"months": 0}, {"month": -1}):
        with pytest.raises(BondsimError, match="a window is at least 1 month and a month is "
                                               "not negative"):
            Window(**bad)


def test_a_window_fitted_to_a_short_run_and_described_in_words():
    assert Window(12).fit(12) == Window(12)
    assert Window(12).fit(1) == Window(1)
    assert Window(12).fit(0) == Window(1)
    assert Window(1).describe() == "in the last month"
    assert Window(12).describe() == ("mean over the last 12 months (a whole brick year, "
                                     "closures included)")
    assert Window(6).describe() == "mean over the last 6 months"
    assert Window(month=7).describe() == "in month 7"


def test_a_window_of_an_empty_run_selects_nothing():
    assert Window(12).select(np.zeros(0, dtype=int)).size == 0


def test_a_window_read_back_from_a_manifest_as_written():
    assert Window(month=9).to_dict() == {"months": None, "month": 9, "name": "month_9"}
    assert Window(6).to_dict() == {"months": 6, "month": None, "name": "last_6_months"}
    assert Window.from_dict({"months": None, "month": None}) == Window(12)
    assert Window.from_dict("last year") is None
    for window in (Window(6), Window(24), Window(1), Window(12), Window(month=0)):
        assert Window.from_dict(window.to_dict()) == window
        assert Window.from_name(window.name("bonded_share")) == window


def test_why_an_unknown_outcome_is_blank():
    assert why_undefined("made_up_last_year") == "not defined in any month of the window"


def test_window_table_keeps_the_runs_in_order_and_only_the_columns_asked_for():
    from bondsim.simulation.outcomes import window_table

    runs = pd.DataFrame({"scenario": ["b"] * 4 + ["a"] * 4, "replicate": [0] * 8,
                         "month": [0, 1, 2, 3] * 2,
                         "bonded_share": [9.0, 1.0, 2.0, 3.0, 9.0, 4.0, 5.0, 6.0],
                         "debt_total": [0.0, 10.0, 20.0, 30.0, 0.0, 1.0, 2.0, 3.0]})
    got = window_table(runs, Window(2), ("scenario", "replicate"), ["month", "bonded_share"])
    assert list(got.columns) == ["scenario", "replicate", "bonded_share"]
    assert got["scenario"].tolist() == ["b", "a"]  # as the runs came, not sorted
    assert got["bonded_share"].tolist() == [2.5, 5.5]  # months 2-3 of each run
    empty = window_table(runs.iloc[:0], Window(2), ("scenario",), ["bonded_share"])
    assert list(empty.columns) == ["scenario", "bonded_share"]


def test_the_last_month_kilns_mould_in_a_run_by_the_calendar():
    from bondsim.simulation.parameters import Params
    from bondsim.simulation.season import last_open_month

    may = Params(start_month=5)  # months 1-2 May-June open, 3-4 July-August shut
    assert last_open_month(3, may) == 2
    assert last_open_month(4, may) == 2
    assert last_open_month(1, may) == 1
    july = Params(start_month=7)  # months 1-2 shut: no open month, the run's last is used
    assert last_open_month(2, july) == 2
    september = Params(start_month=9, closure_months=(10, 11))  # only month 1 open of 3
    assert last_open_month(3, september) == 1
