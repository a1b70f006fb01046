"""Calibration: acceptance by hand, recovery of known parameters, bad files, the command."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bondsim.cli import main
from bondsim.errors import BondsimError
from bondsim.experiments.calibration import accept, distances, load_calibration, run_calibration
from bondsim.experiments.run import simulate
from bondsim.experiments.scenario import scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
BASELINE = (ROOT / "scenarios" / "baseline.toml").as_posix()


def test_distance_is_the_largest_miss_in_tolerances():
    stats = np.array([[0.8, 6.0], [0.9, 6.5], [0.5, 6.0], [np.nan, 6.0]])
    values, tol = np.array([0.8, 6.0]), np.array([0.1, 1.0])
    assert distances(stats, values, tol) == pytest.approx([0.0, 1.0, 3.0, np.inf])
    chosen, met = accept(distances(stats, values, tol), 2)
    assert chosen.tolist() == [0, 1]
    assert met
    chosen, met = accept(distances(stats, values, tol), 3)  # only 2 within: take the closest 3
    assert chosen.tolist() == [0, 1, 2]
    assert not met


TRUE = {"markup_annual": 0.5, "child_work_trigger": 0.2}
SIZE = {"households": 400, "months": 48}


def _truth() -> dict[str, float]:
    """The synthetic field figures: the model itself at TRUE, over 6 seeds, months 25-48."""
    scenario = scenario_from_dict({"name": "truth", "parameters": TRUE})
    runs = [simulate(scenario, seed=seed, **SIZE).timeseries().iloc[-24:]
            for seed in range(100, 106)]
    return {name: float(np.mean([ts[name].mean() for ts in runs]))
            for name in ("indebted_share", "child_labour_rate")}


def _file(tmp_path: Path, truth: dict[str, float], extra: str = "") -> Path:
    path = tmp_path / "cal.toml"
    path.write_text(f"""name = "synthetic"
samples = 160
replicates = 3
check_replicates = 3
min_accepted = 5
seed = 5
households = {SIZE["households"]}
months = {SIZE["months"]}
window = 24
{extra}
[[parameters]]
name = "markup_annual"
low = 0.0
high = 1.0

[[parameters]]
name = "child_work_trigger"
low = 0.0
high = 0.5

[[targets]]
scenario = "{BASELINE}"
outcome = "indebted_share"
value = {truth["indebted_share"]}
tolerance = 0.02
source = "synthetic: the model at known values"

[[targets]]
scenario = "{BASELINE}"
outcome = "child_labour_rate"
value = {truth["child_labour_rate"]}
tolerance = 0.03
source = "synthetic: the model at known values"
""")
    return path


@pytest.fixture(scope="module")
def recovered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("calibration")
    return run_calibration(_file(tmp, _truth()), out=tmp / "out", workers=2), tmp


@pytest.mark.slow
def test_calibration_recovers_known_parameters(recovered):
    result, _ = recovered
    post = result.posterior.set_index("parameter")
    for name, true in TRUE.items():
        row = post.loc[name]
        assert row["p05"] <= true <= row["p95"], (name, row.to_dict())
    # indebtedness pins the markup down (its accepted range is well inside the prior); the
    # child-work trigger trades off against the markup in child labour, so it stays wide.
    # Below 0.6, not 0.5, since rule 10 (demography, issue 18): births, weddings and splits
    # blur indebtedness at 400 households, and the range measured 0.36-0.94 (width 0.57)
    assert post.loc["markup_annual", "p95"] - post.loc["markup_annual", "p05"] < 0.6
    assert abs(post.loc["markup_annual", "fitted"] - TRUE["markup_annual"]) < 0.15
    # the fitted values (each parameter's median over accepted draws) reproduce the targets to
    # within two tolerances: the two parameters trade off along a ridge, and the marginal
    # medians of a ridge can sit off it (measured after issue 18: indebtedness 0.849 against
    # 0.880 +- 0.02, child labour within its tolerance)
    fit = result.fit.set_index("target")
    miss = (fit["simulated"] - fit["value"]).abs() / fit["tolerance"]
    assert (miss <= 2.0).all(), miss.to_dict()
    assert fit["within"].any()
    assert {"default_simulated", "default_within"} <= set(result.fit.columns)


def test_calibration_outputs(recovered):
    result, tmp = recovered
    for name in ("posterior.csv", "fit.csv", "targets.csv", "draws.parquet", "fit.png",
                 "posterior.png", "manifest.json", "runs/layout.json"):
        assert (tmp / "out" / name).exists(), name
    assert result.draws["accepted"].sum() >= 5
    assert (result.draws.loc[result.draws["accepted"], "distance"] <= 1.0).all() == result.met


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace('outcome = "indebted_share"', 'outcome = "indebted_shar"'),
     r"targets\.0\.outcome'.*did you mean 'indebted_share'"),
    (lambda t: t.replace('name = "markup_annual"', 'name = "markup_anual"'),
     r"parameters\.0\.name'.*did you mean 'markup_annual'"),
    (lambda t: t.replace("tolerance = 0.02", "tolerance = 0"),
     r"targets\.0\.tolerance': value 0 is invalid"),
    (lambda t: t.replace("high = 0.5", "high = -3.0"), r"parameters\.1'.*low < high"),
    (lambda t: t.replace('low = 0.0\nhigh = 1.0', 'low = -1.0\nhigh = 1.0'),
     r"parameters\.0\.low': value -1\.0 is outside"),
])
def test_bad_calibration_files_name_file_field_and_value(tmp_path, edit, message):
    path = _file(tmp_path, {"indebted_share": 0.8, "child_labour_rate": 0.3})
    path.write_text(edit(path.read_text()))
    with pytest.raises(BondsimError, match=message) as info:
        load_calibration(path)
    assert str(path) in str(info.value)
    assert main(["calibrate", str(path)]) == 2


def test_shipped_calibration_is_valid():
    loaded = load_calibration(ROOT / "experiments" / "calibration_baseline.toml")
    assert len(loaded.target_table) >= 5
    assert loaded.target_table["source"].str.contains(r"\[@[a-z0-9-]+\]").all()  # cites by key


@pytest.mark.slow
def test_calibrate_command(tmp_path, capsys):
    path = _file(tmp_path, {"indebted_share": 0.8, "child_labour_rate": 0.3},
                 extra="")
    path.write_text(path.read_text().replace("samples = 96", "samples = 12")
                    .replace("households = 400", "households = 100")
                    .replace("months = 48", "months = 12").replace("window = 24", "window = 6"))
    assert main(["calibrate", str(path), "--out", str(tmp_path / "c"), "--quiet",
                 "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "draws accepted" in printed
    assert "fit on fresh seeds" in printed
