"""Rapid assessment (bondsim.experiments.survey): the cluster sample, its estimators, measurement
error, the precision curve and the command's outputs."""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import re

import numpy as np
import pytest

from bondsim import survey_cli
from bondsim.errors import BondsimError
from bondsim.experiments import survey as sv
from bondsim.experiments.run import simulate
from bondsim.experiments.scenario import scenario_from_dict
from conftest import ROOT

BASELINE = ROOT / "scenarios" / "baseline.toml"
SMALL = {"households": 2000, "months": 24}  # 57 kilns of 35 families: fast


@pytest.fixture(scope="module")
def frames() -> list[sv.SurveyFrame]:
    """Three small runs of the baseline up to month 22, June, the last month of 24 the kilns
    work (57 kilns each)."""
    return sv.survey_frames(BASELINE, replicates=3, seed=11, **SMALL)


def _hand_frame(**changes) -> sv.SurveyFrame:
    """Three kilns: kiln 0 has 2 households (1 bonded), kiln 1 has 3 (all bonded), kiln 2 has
    1 (not bonded). Bonded debts 100 (threshold 90) or 200 (threshold 90). Children 5-14 per
    kiln: 2, 3, 1 (one per household); working: 1, 2, 0."""
    data = {
        "kiln": np.array([0, 0, 1, 1, 1, 2]),
        "bonded": np.array([True, False, True, True, True, False]),
        "debt": np.array([100.0, 0.0, 200.0, 100.0, 200.0, 50.0]),
        "threshold": np.array([90.0, 90.0, 90.0, 90.0, 90.0, 90.0]),
        "working": np.array([1, 0, 1, 1, 0, 0]),
        "children": np.array([1, 1, 1, 1, 1, 1]),
        "coercive": np.array([True, True, False]),
    }
    data.update(changes)
    return sv.SurveyFrame(**data)


# -- true values and the census ---------------------------------------------------------------
def test_survey_runs_are_model_runs_and_true_values_are_its_outcomes():
    surveyed = sv.simulate(BASELINE, seed=5, households=1500, months=14)
    plain = simulate(BASELINE, seed=5, households=1500, months=14)
    np.testing.assert_array_equal(surveyed.outcome_matrix(), plain.outcome_matrix())
    truth = sv.true_values(surveyed)
    assert truth["bonded_share"] == plain.outcomes["bonded_share"]
    assert truth["child_labour_rate"] == plain.outcomes["child_labour_rate"]
    assert sv.true_values(sv.frame(surveyed)) == truth


def test_a_district_frame_holds_that_districts_kilns_and_households():
    scenario = scenario_from_dict({"name": "two", "horizon": 6, "seed": 4,
                                   "population": {"households": 1400,
                                                  "districts": ["A", "B"]}})
    model = sv.simulate(scenario)
    fr = sv.frame(model, "B")
    in_b = model.hh.district == 1
    assert fr.kilns == int(np.count_nonzero(model.ow.district == 1))
    assert fr.households == int(np.count_nonzero(in_b))
    truth = sv.true_values(model, "B")
    assert truth["bonded_share"] == pytest.approx(model.hh.bonded[in_b].mean())
    with pytest.raises(BondsimError, match="no district 'C'"):
        sv.frame(model, "C")


def test_a_census_without_error_gives_the_true_values_exactly(frames):
    fr = frames[0]
    res = sv.survey(fr, fr.kilns, np.random.default_rng(0), sv.MeasurementError.none())
    assert res.households == fr.households
    for outcome in sv.OUTCOMES:
        est = res.estimates[outcome]
        assert est.estimate == res.true[outcome]
        assert est.se == 0.0
        assert est.low == est.high == est.estimate


# -- the estimator by hand --------------------------------------------------------------------
def test_ratio_estimator_and_its_standard_error_by_hand():
    # y = bonded per kiln (1, 3, 0), x = households (2, 3, 1); 3 of N = 6 kilns.
    # R = 4 / 6; residuals y - R x = -1/3, 1, -2/3; sum of squares 14/9, / (n - 1) = 7/9;
    # xbar = 2; v = (1 - 3/6) x (7/9) / (3 x 2^2) = 7/216; se = 0.180021;
    # t(0.975, 2) = 4.302653: half-width 0.774572
    est = sv.ratio_estimate(np.array([1, 3, 0]), np.array([2, 3, 1]), kilns=6)
    assert est.estimate == pytest.approx(2 / 3)
    assert est.se == pytest.approx(math.sqrt(7 / 216))
    assert est.half_width == pytest.approx(4.302653 * math.sqrt(7 / 216), rel=1e-6)
    assert math.isnan(sv.ratio_estimate(np.array([1]), np.array([2]), kilns=6).estimate)
    assert math.isnan(sv.ratio_estimate(np.array([0, 0]), np.array([0, 0]), 6).estimate)


def test_a_survey_of_two_of_three_handmade_kilns_by_hand():
    # n = 2 of N = 3 (fpc 1/3); t(0.975, 1) = 12.7062. Bonded share per pair of kilns:
    #   (0, 1): y 1, 3; x 2, 3: R = 0.8, residuals -0.6, 0.6: v = (1/3)(0.72)/(2 x 2.5^2)
    #   (0, 2): y 1, 0; x 2, 1: R = 1/3, residuals 1/3, -1/3: v = (1/3)(2/9)/(2 x 1.5^2)
    #   (1, 2): y 3, 0; x 3, 1: R = 0.75, residuals 0.75, -0.75: v = (1/3)(1.125)/(2 x 2^2)
    # Child labour (working 1, 2, 0 of children 2, 3, 1):
    #   (0, 1): R = 3/5, residuals 1 - 1.2, 2 - 1.8 = -0.2, 0.2: v = (1/3)(0.08)/(2 x 2.5^2)
    #   (0, 2): R = 1/3, residuals 1/3, -1/3 (as above); (1, 2): R = 1/2, residuals 0.5, -0.5:
    #   v = (1/3)(0.5)/(2 x 2^2)
    bonded = {(0, 1): (0.8, 0.24 / 12.5), (0, 2): (1 / 3, (2 / 27) / 4.5),
              (1, 2): (0.75, 0.375 / 8)}
    child = {(0, 1): (0.6, (0.08 / 3) / 12.5), (0, 2): (1 / 3, (2 / 27) / 4.5),
             (1, 2): (0.5, (0.5 / 3) / 8)}
    fr = _hand_frame()
    seen = set()
    for seed in range(30):
        res = sv.survey(fr, 2, np.random.default_rng(seed), sv.MeasurementError.none())
        pair = tuple(sorted(int(k) for k in res.kilns))
        seen.add(pair)
        for outcome, table in (("bonded_share", bonded), ("child_labour_rate", child)):
            r, v = table[pair]
            est = res.estimates[outcome]
            assert est.estimate == pytest.approx(r)
            assert est.se == pytest.approx(math.sqrt(v))
            assert est.half_width == pytest.approx(12.7062 * math.sqrt(v), rel=1e-4)
    assert seen == set(bonded)  # every pair was drawn


# -- unbiasedness and coverage without error --------------------------------------------------
def test_without_error_the_estimator_is_unbiased(frames):
    # 200 surveys of 10 kilns (67 on each of 3 runs): the mean error is within 3 of its
    # standard errors of zero. (The ratio estimator's own bias is O(1/n), far below that.)
    table = sv.survey_table(frames, [10], surveys=67, seed=1, error=sv.MeasurementError.none())
    for outcome, g in table.groupby("outcome"):
        err = g["error"].to_numpy()
        assert len(err) == 201
        se = err.std(ddof=1) / math.sqrt(len(err))
        assert abs(err.mean()) < 3 * se, (outcome, err.mean(), se)


def test_the_95_percent_interval_covers_at_close_to_its_nominal_rate(frames):
    # 300 surveys of 20 kilns (100 on each of 3 runs). The binomial sd of a coverage of 0.95
    # estimated from 300 surveys is sqrt(0.95 x 0.05 / 300) = 0.0126, so 0.95 +- 3 sd is
    # [0.912, 0.988]; the band [0.88, 0.99] also allows the ratio estimator's linearised
    # variance, which runs slightly low with 20 clusters (0.94-0.95 over 6,000 surveys).
    table = sv.survey_table(frames, [20], surveys=100, seed=2, error=sv.MeasurementError.none())
    for outcome, g in table.groupby("outcome"):
        assert len(g) == 300
        assert 0.88 <= g["covered"].mean() <= 0.99, (outcome, g["covered"].mean())


# -- measurement error ------------------------------------------------------------------------
def test_under_reporting_and_hiding_bias_a_handmade_census_down_by_hand():
    # u = 0.2 for all: reported debts 80, 160, 80, 160: the two debts of 100 fall below the
    # threshold of 90, so 2 of the 4 bonded households are missed: 2/6 instead of 4/6.
    # Every working child hidden: measured child labour 0 instead of 3/6.
    fr = _hand_frame()
    error = sv.MeasurementError(debt_underreport=0.2, debt_underreport_sd=0.0,
                                child_hiding=1.0, refusal=0.0, refusal_coercive=None)
    res = sv.survey(fr, 3, np.random.default_rng(0), error)
    assert res.true == {"bonded_share": 4 / 6, "child_labour_rate": 3 / 6}
    assert res.estimates["bonded_share"].estimate == pytest.approx(2 / 6)
    assert res.estimates["child_labour_rate"].estimate == 0.0


def test_measurement_error_biases_the_estimates_downward(frames):
    # With no refusals the same seed samples the same kilns, so each survey with error can
    # only measure less than the same survey without it; on average well below the truth.
    error = sv.MeasurementError(refusal=0.0, refusal_coercive=None)
    for seed in range(40):
        exact = sv.survey(frames[1], 10, np.random.default_rng(seed), sv.MeasurementError.none())
        noisy = sv.survey(frames[1], 10, np.random.default_rng(seed), error)
        np.testing.assert_array_equal(exact.kilns, noisy.kilns)
        for outcome in sv.OUTCOMES:
            assert noisy.estimates[outcome].estimate <= exact.estimates[outcome].estimate
        # under the legal definition (any debt to an owner who holds the family) under-
        # reporting the amount hides nobody; refusals by such owners bias it (below)
        assert noisy.estimates["bonded_share"].estimate == exact.estimates["bonded_share"].estimate
    shy = dataclasses.replace(error, refusal=0.1, refusal_coercive=0.6)
    summary = sv.run_survey(frames, kilns=10, surveys=50, seed=3,
                            error=shy).summary.set_index("outcome")
    for outcome in sv.OUTCOMES:
        assert summary.loc[outcome, "bias"] < -3 * summary.loc[outcome, "bias_se"]
    # hiding 30% of working children removes about 30% of the measured rate
    rel = summary.loc["child_labour_rate", "bias"] / summary.loc["child_labour_rate",
                                                                  "true_mean"]
    assert rel == pytest.approx(-0.3, abs=0.05)


def test_refusals_are_replaced_or_dropped():
    fr = _hand_frame(kiln=np.arange(6) % 6, coercive=np.zeros(6, dtype=bool))
    keep = sv.MeasurementError(debt_underreport=0.0, debt_underreport_sd=0.0, child_hiding=0.0,
                               refusal=0.5, refusal_coercive=None)
    drop = dataclasses.replace(keep, replace_refusals=False)
    for seed in range(20):
        res = sv.survey(fr, 3, np.random.default_rng(seed), keep)
        assert res.approached - res.refused == res.kilns.size
        assert res.kilns.size == 3 or res.approached == 6
        res = sv.survey(fr, 3, np.random.default_rng(seed), drop)
        assert res.approached == 3
        assert res.kilns.size == 3 - res.refused


# -- bad input --------------------------------------------------------------------------------
def test_bad_inputs_are_clear_errors(frames):
    fr = frames[0]
    rng = np.random.default_rng(0)
    with pytest.raises(BondsimError, match=f"has only {fr.kilns} kilns"):
        sv.survey(fr, fr.kilns + 1, rng)
    with pytest.raises(BondsimError, match="at least 2 kilns"):
        sv.survey(fr, 1, rng)
    with pytest.raises(BondsimError, match="whole number"):
        sv.survey(fr, 2.5, rng)
    for bad in ({"debt_underreport": 1.2}, {"child_hiding": -0.1}, {"refusal": 1.5},
                {"refusal_coercive": 2.0}, {"debt_underreport_sd": -0.1}):
        with pytest.raises(BondsimError, match=r"must be a share in \[0, 1\]"):
            sv.MeasurementError(**bad)
    with pytest.raises(BondsimError, match="below 1"):
        sv.MeasurementError(refusal=1.0)
    with pytest.raises(BondsimError, match="sqrt"):
        sv.MeasurementError(debt_underreport=0.1, debt_underreport_sd=0.4)
    with pytest.raises(BondsimError, match="survey month"):
        sv.survey_frames(BASELINE, replicates=1, households=300, months=3, month=4)
    with pytest.raises(BondsimError, match="exceeds"):
        sv.precision_curve(frames, [100, 200])
    with pytest.raises(BondsimError, match="positive"):
        sv.kilns_for_precision(sv.precision_curve(frames, [5], surveys=2), 0.0)
    with pytest.raises(BondsimError, match="not above"):
        _hand_frame(threshold=np.full(6, 500.0))


def test_the_default_survey_month_is_the_last_month_the_kilns_work(frames):
    """24 months end in August (month 1 is September), kilns shut since July: by default the
    survey visits in June, month 22, when children mould; a month can be asked for."""
    assert {f.month for f in frames} == {22}
    assert all(sv.true_values(f)["child_labour_rate"] > 0 for f in frames)
    august = sv.survey_frames(BASELINE, replicates=1, seed=11, month=24, **SMALL)
    assert august[0].month == 24
    from bondsim.simulation.parameters import Params
    from bondsim.simulation.season import last_open_month
    assert last_open_month(12, Params()) == 10  # month 12 is August, 11 July: both shut
    assert last_open_month(10, Params()) == 10


# -- the precision curve and the command ------------------------------------------------------
def test_the_precision_curve_narrows_with_more_kilns(frames):
    curve = sv.precision_curve(frames, [5, 10, 20, 40], surveys=40, seed=4,
                               error=sv.MeasurementError.none())
    for outcome in sv.OUTCOMES:
        c = curve[curve["outcome"] == outcome]
        assert list(c["kilns"]) == [5, 10, 20, 40]
        assert np.all(np.diff(c["mean_half_width"]) < 0)
        assert np.all(np.diff(c["design_half_width"]) < 0)
        # the simulated half-width is close to the design expectation
        np.testing.assert_allclose(c["mean_half_width"], c["design_half_width"], rtol=0.25)
    hw = curve[curve["outcome"] == "bonded_share"].set_index("kilns")["mean_half_width"]
    target = (hw[10] + hw[20]) / 2
    assert sv.kilns_for_precision(curve, target) == 20
    assert sv.kilns_for_precision(curve, hw[40] / 2) is None
    # the design formula's count: the first n whose expected half-width meets the target
    n = sv.design_kilns(frames, target)
    expected = [np.mean([sv.design_half_width(f, k) for f in frames]) for k in (n - 1, n)]
    assert expected[1] <= target < expected[0]
    assert 10 < n <= 20


@pytest.mark.slow
def test_the_survey_command_writes_its_outputs(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="bondsim")
    survey_cli.add_parser(parser.add_subparsers(dest="command"))
    out = tmp_path / "s"
    args = parser.parse_args(["survey", str(BASELINE), "--kilns", "12", "--replicates", "2",
                              "--surveys", "20", "--households", "1200", "--months", "12",
                              "--counts", "4,8,16,64", "--out", str(out)])
    assert survey_cli.main(args) == 0
    printed = capsys.readouterr()
    assert "bonded_share" in printed.out
    assert "kilns reach" in printed.out
    assert "[64] exceed" in printed.err
    for name in ("survey.csv", "summary.csv", "precision.csv", "precision.png",
                 "manifest.json"):
        assert (out / name).stat().st_size > 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "survey"
    assert manifest["kilns"] == 12
    assert manifest["frame"]["kilns"] == 34
    assert set(manifest["measurement_error"]) == set(sv.SOURCES)
    assert set(manifest["kilns_for_precision_perfect_survey"]) == set(sv.OUTCOMES)
    again = sv.run_survey(BASELINE, kilns=12, replicates=2, surveys=20, seed=None,
                          households=1200, months=12)
    assert (out / "survey.csv").read_text() == again.table.to_csv(index=False,
                                                                   lineterminator="\n")
    args = parser.parse_args(["survey", str(BASELINE), "--kilns", "99", "--households", "600",
                              "--months", "2", "--out", str(tmp_path / "t")])
    with pytest.raises(BondsimError, match="has only 17 kilns"):
        survey_cli.main(args)


def test_the_report_reads_a_survey_folder(tmp_path):
    from pathlib import Path

    from bondsim.cli import main as cli
    from bondsim.outputs.report import write_report

    scenario = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml"
    assert cli(["survey", str(scenario), "--kilns", "5", "--households", "400", "--months",
                "12", "--replicates", "2", "--surveys", "20", "--counts", "3,5",
                "--out", str(tmp_path / "s")]) == 0
    page = write_report(tmp_path / "s").read_text()
    assert "Estimates against the truth" in page
    assert "data:image/png;base64," in page
    # the findings first: the scenario surveyed, true against estimated, in percentages
    findings = page[page.index('id="findings"'):page.index('id="summary"')]
    assert page.index('id="findings"') < page.index("<table")
    assert "<strong>baseline</strong>" in findings
    assert re.search(r"bonded \(legal definition\) surveying \d+ kilns: true \d+\.\d%", findings)
