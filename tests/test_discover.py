"""Scenario discovery: a known failure box recovered, regret and satisficing by hand, an end
to end run on bondsim, bad discovery files."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bondsim.cli import main
from bondsim.errors import BondsimError
from bondsim.experiments.discover import (
    Criterion,
    failures,
    find_box,
    load_discovery,
    regret,
    robustness,
    run_discovery,
    sentence,
)

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


@pytest.mark.slow
def test_prim_recovers_a_known_box_in_three_of_six_inputs():
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.uniform(size=(1000, 6)), columns=[f"x{i}" for i in range(6)])
    failed = ((x.x0 > 0.6) & (x.x2 < 0.4) & (x.x4 > 0.3) & (x.x4 < 0.8)).to_numpy()
    box = find_box(x, failed, "synthetic")
    assert box.found
    limits = box.limits.set_index("parameter")
    tolerance = 0.05  # within half a peel step of the true limits
    assert limits.loc["x0", "min"] == pytest.approx(0.6, abs=tolerance)
    assert limits.loc["x2", "max"] == pytest.approx(0.4, abs=tolerance)
    assert limits.loc["x4", "min"] == pytest.approx(0.3, abs=tolerance)
    assert limits.loc["x4", "max"] == pytest.approx(0.8, abs=tolerance)
    for name in ("x1", "x3", "x5"):
        assert not limits.loc[name, "restricted"], name
    assert box.coverage > 0.9
    assert box.density > 0.85
    said = sentence(box)
    assert "x0 exceeds 0.6" in said
    assert "x2 is below 0.4" in said
    assert "x1" not in said


@pytest.mark.slow
def test_summary_names_every_side_of_a_known_box():
    # u0 > 0.6 (its lower side restricted), u2 < 0.3 (its upper side), u4 > 0.5. PRIM also
    # trims u0's upper end a little; taking a parameter's quasi-p as the larger of its two
    # sides hid u0, the main driver, from the summary with these futures
    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.uniform(size=(600, 6)), columns=[f"u{i}" for i in range(6)])
    failed = ((x.u0 > 0.6) & (x.u2 < 0.3) & (x.u4 > 0.5)).to_numpy()
    box = find_box(x, failed, "known")
    assert box.found
    assert box.informative
    limits = box.limits.set_index("parameter")
    assert limits.loc["u0", "restricts_low"]
    assert limits.loc["u0", "qp_low"] <= 0.05
    assert limits.loc["u0", "qp"] <= 0.05
    said = sentence(box)
    tolerance = 0.05
    for name, side, truth in (("u0", "exceeds", 0.6), ("u2", "is below", 0.3),
                              ("u4", "exceeds", 0.5)):
        found = re.search(rf"{name} {side} ([0-9.]+)", said)
        assert found, (name, said)
        assert float(found.group(1)) == pytest.approx(truth, abs=tolerance), said
    for name in ("u1", "u3", "u5"):
        assert name not in said
    # the library's -1 "side not restricted" marker is never a limit or a quasi-p value
    assert not (box.limits[["min", "max", "qp_low", "qp_high", "qp"]] == -1).any().any()
    assert limits.loc["u2", "min"] >= 0.0
    assert np.isnan(limits.loc["u2", "qp_low"])
    for word in ("coverage", "mass", "density", "base rate"):
        assert word in said


@pytest.mark.slow
@pytest.mark.parametrize("base_rate", [0.3, 0.83])
def test_failures_spread_at_random_have_no_informative_region(base_rate):
    rng = np.random.default_rng(5)
    x = pd.DataFrame(rng.uniform(size=(400, 6)), columns=[f"u{i}" for i in range(6)])
    failed = rng.uniform(size=400) < base_rate
    box = find_box(x, failed, "noise")
    said = sentence(box)
    assert not box.informative
    assert "no informative region" in said
    assert "fails mainly when" not in said
    assert f"base rate {failed.mean():.0%}" in said


def test_no_box_when_nothing_or_everything_fails():
    x = pd.DataFrame({"a": np.linspace(0, 1, 50), "b": np.linspace(1, 0, 50)})
    assert not find_box(x, np.zeros(50, dtype=bool), "p").found
    assert "never fails" in sentence(find_box(x, np.zeros(50, dtype=bool), "p"))
    assert "every one" in sentence(find_box(x, np.ones(50, dtype=bool), "p"))


def test_regret_and_satisficing_by_hand():
    # bonded share (lower is better) of three policies in four futures
    scores = pd.DataFrame({"a": [0.30, 0.40, 0.20, 0.50], "b": [0.25, 0.45, 0.30, 0.40],
                           "c": [0.35, 0.35, 0.25, 0.60]})
    r = regret(scores)
    assert r["a"].tolist() == pytest.approx([0.05, 0.05, 0.0, 0.10])
    assert r["b"].tolist() == pytest.approx([0.0, 0.10, 0.10, 0.0])
    assert r["c"].tolist() == pytest.approx([0.10, 0.0, 0.05, 0.20])
    higher = regret(scores, lower_is_better=False)  # if higher were better
    assert higher["a"].tolist() == pytest.approx([0.05, 0.05, 0.10, 0.10])
    values = pd.DataFrame({f"{p}:bonded_share": scores[p] for p in scores})
    criterion = Criterion(outcome="bonded_share", kind="absolute", threshold=0.32)
    failed = pd.DataFrame({p: criterion.fails(scores[p].to_numpy(), None) for p in scores})
    # a fails in futures 2 and 4 (0.40, 0.50); b in 2 and 4; c in 1, 2 and 4
    table = robustness(values, failed, criterion, ["a", "b", "c"], ["bonded_share"])
    got = table.set_index("policy")
    assert got.loc["a", "satisficing_share"] == 0.5
    assert got.loc["b", "satisficing_share"] == 0.5
    assert got.loc["c", "satisficing_share"] == 0.25
    assert got.loc["a", "regret_mean"] == pytest.approx(0.05)
    assert got.loc["b", "regret_mean"] == pytest.approx(0.05)
    assert got.loc["c", "regret_max"] == pytest.approx(0.20)
    assert got.loc["c", "rank"] == 3
    assert got.loc["a", "bonded_share_p10"] == pytest.approx(np.quantile(scores["a"], 0.1))


def test_relative_criterion_uses_the_baseline_of_the_same_future():
    c = Criterion(outcome="bonded_share", kind="relative", ratio=0.5)
    fails = c.fails(np.array([0.2, 0.3, np.nan]), np.array([0.5, 0.5, 0.5]))
    assert fails.tolist() == [False, True, True]  # 0.2 <= 0.25; 0.3 > 0.25; NaN fails


def test_criterion_below_fails_strictly_under_its_bound_both_kinds():
    """``direction = "below"``: a policy fails when the outcome is under the bound (e.g.
    school enrolment), at the bound it does not; the relative bound is ratio x baseline."""
    absolute = Criterion(outcome="school_enrolment", direction="below", threshold=0.5)
    fails = absolute.fails(np.array([0.4, 0.5, 0.6, np.nan]), None)
    assert fails.tolist() == [True, False, False, True]
    relative = Criterion(outcome="school_enrolment", kind="relative", direction="below",
                         ratio=1.25)
    fails = relative.fails(np.array([0.4, 0.5, 0.6]), np.array([0.4, 0.4, 0.4]))
    assert fails.tolist() == [True, False, False]  # bound 0.5


def test_failures_of_an_absolute_criterion_need_no_baseline_runs():
    values = pd.DataFrame({"a:bonded_share": [0.2, 0.4], "b:bonded_share": [0.5, 0.1]})
    criterion = Criterion(outcome="bonded_share", threshold=0.3)
    got = failures(criterion, values, ["a", "b"])
    assert got.to_dict("list") == {"a": [False, True], "b": [True, False]}


def test_robustness_when_higher_is_better_ranks_by_regret_and_reports_each_outcome():
    """School enrolment (higher is better, so the criterion is "below"): regret is the
    shortfall from the best policy of the same future; each outcome's mean and percentiles
    are reported by value; ties in satisficing share are broken by the 90th percentile of
    regret."""
    scores = pd.DataFrame({"a": [0.6, 0.7, 0.8], "b": [0.7, 0.6, 0.9], "c": [0.9, 0.2, 0.9]})
    values = pd.DataFrame({f"{p}:school_enrolment": scores[p] for p in scores})
    criterion = Criterion(outcome="school_enrolment", direction="below", threshold=0.5)
    failed = failures(criterion, values, ["a", "b", "c"])
    table = robustness(values, failed, criterion, ["a", "b", "c"], ["school_enrolment"])
    assert table["policy"].tolist() == ["b", "a", "c"]  # c fails once; b's p90 regret smaller
    got = table.set_index("policy")
    # regrets: a 0.3, 0, 0.1; b 0.2, 0.1, 0; c 0, 0.5, 0
    assert got.loc["a", "regret_mean"] == pytest.approx(0.4 / 3)
    assert got.loc["b", "regret_p90"] == pytest.approx(np.quantile([0.2, 0.1, 0.0], 0.9))
    assert got.loc["c", "regret_max"] == pytest.approx(0.5)
    assert got.loc["c", "satisficing_share"] == pytest.approx(2 / 3)
    assert got.loc["a", "school_enrolment_mean"] == pytest.approx(0.7)
    assert got.loc["b", "school_enrolment_p90"] == pytest.approx(np.quantile([0.7, 0.6, 0.9],
                                                                             0.9))
    assert got["rank"].tolist() == [1, 2, 3]
    assert list(table.columns[:6]) == ["policy", "rank", "satisficing_share", "regret_mean",
                                       "regret_p90", "regret_max"]
    assert table.index.tolist() == [0, 1, 2]
    assert "index" not in table.columns


#: every kiln visited every month: at 300 households (9 kilns) the shipped 0.713 visits a
#: kiln-year, 0.5 a month, deters no owner within 24 months, so no future would separate the
#: policies; the test's futures were read at this effort (when the files gave a count of 17 a
#: month, which 9 kilns capped at 9)
PUSHED = "inspections_per_kiln_year = 12.0"


def _pushed(tmp_path: Path, name: str) -> Path:
    """A copy of shipped scenario ``name`` with its inspections at ``PUSHED``."""
    text = (SCENARIOS / f"{name}.toml").read_text(encoding="utf-8")
    pushed = re.sub(r"^inspections_per_kiln_year = .*$", PUSHED, text, flags=re.MULTILINE)
    assert pushed != text, name
    path = tmp_path / f"{name}.toml"
    path.write_text(pushed, encoding="utf-8")
    return path


def _file(tmp_path: Path, **edit: str) -> Path:
    text = f"""name = "small_discovery"
policies = ["{_pushed(tmp_path, 'inspections_only').as_posix()}",
            "{_pushed(tmp_path, 'combined_package').as_posix()}"]
baseline = "{(SCENARIOS / 'baseline.toml').as_posix()}"
futures = 16
replicates = 1
seed = 2
households = 300
months = 24
window = 6

[criterion]
outcome = "bonded_share"
kind = "absolute"
threshold = 0.02

[[uncertain]]
name = "markup_annual"
low = 0.0
high = 1.0

[[uncertain]]
name = "prison_cost_months"
low = 1.0
high = 20.0
"""
    for old, new in edit.items():
        assert old.replace("_", " ") in text or old in text
        text = text.replace(old, new)
    path = tmp_path / "discovery.toml"
    path.write_text(text)
    return path


@pytest.mark.slow
def test_discovery_on_bondsim_end_to_end(tmp_path):
    result = run_discovery(_file(tmp_path), out=tmp_path / "out", workers=2)
    out = tmp_path / "out"
    for name in ("futures.parquet", "robustness.csv", "robustness.png", "boxes.csv",
                 "summary.md", "manifest.json", "runs/layout.json"):
        assert (out / name).exists(), name
    assert list(result.robustness["rank"]) == [1, 2]
    assert len(result.summary) == 2
    assert len(result.values) == 16
    # inspections deter owners who fear prison: the futures where they fail are those where
    # owners value a prison term least. With every kiln visited every month (``PUSHED``),
    # and with migration and outside work on (issue 18) holding
    # ends in 14 of 16 futures (bonded share 0.003 or less); the two where it does not
    # (0.063 and 0.267 bonded) value prison at 1.3 and 2.9 months of profit, against 11.7
    # on average in the rest: hence a criterion of 2 % bonded
    failed = result.failed["inspections_only"].to_numpy()
    prison = result.values["prison_cost_months"].to_numpy()
    assert 0 < failed.sum() < 16
    assert prison[failed].mean() < prison[~failed].mean()
    for policy, box in result.boxes.items():
        if box.found:
            assert (out / f"peeling-{policy}.png").exists()
            assert (out / f"box-{policy}.png").exists()
    again = run_discovery(_file(tmp_path), out=tmp_path / "out", resume=True)
    pd.testing.assert_frame_equal(again.values, result.values)


@pytest.mark.parametrize(("old", "new", "message"), [
    ('name = "markup_annual"', 'name = "markup_anual"',
     r"uncertain\.0\.name'.*did you mean 'markup_annual'"),
    ("low = 0.0\nhigh = 1.0", "low = 1.0\nhigh = 1.0", r"uncertain\.0'.*low < high"),
    ('outcome = "bonded_share"', 'outcome = "bonded_shar"',
     r"criterion\.outcome'.*did you mean 'bonded_share'"),
    ('kind = "absolute"\nthreshold = 0.02', 'kind = "relative"',
     r"criterion\.ratio'.*relative criterion needs"),
    ("futures = 16", "futures = 3", r"field 'futures': value 3"),
])
def test_bad_discovery_files_name_file_field_and_value(tmp_path, old, new, message):
    path = _file(tmp_path, **{old: new})
    with pytest.raises(BondsimError, match=message) as info:
        load_discovery(path)
    assert str(path) in str(info.value)
    assert main(["discover", str(path)]) == 2


def test_shipped_discovery_is_valid():
    loaded = load_discovery(ROOT / "experiments" / "discovery_policies.toml")
    assert len(loaded.policies) == 4
    assert "baseline" in loaded.model.scenarios
