"""Sweep files, factor distributions and targets, and bondsim sweep end to end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bondsim.cli import main
from bondsim.errors import BondsimError
from bondsim.experiments.factors import Factor, apply, resolve
from bondsim.experiments.sensitivity import PointStore, evaluate, morris, pawn_slices, sobol
from bondsim.experiments.sweep import load_sweep, run_sweep

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"
PACKAGE = ROOT / "scenarios" / "combined_package.toml"


# --- factors ------------------------------------------------------------------------------

def test_distributions_map_quantiles_to_values():
    u = np.array([0.0, 0.5, 1.0])
    assert Factor("a", 2.0, 4.0).values(u).tolist() == [2.0, 3.0, 4.0]
    log = Factor("a", 1.0, 100.0, distribution="loguniform").values(u)
    assert log == pytest.approx([1.0, 10.0, 100.0])  # the median is the geometric mean
    tri = Factor("a", 0.0, 1.0, distribution="triangular", mode=0.0).values(u)
    # F(x) = 1 - (1 - x)^2 for a triangle with its mode at 0: the median is 1 - sqrt(0.5)
    assert tri == pytest.approx([0.0, 1 - np.sqrt(0.5), 1.0])
    normal = Factor("a", -1.0, 3.0, distribution="truncnormal", mean=1.0, sd=0.5)
    assert normal.values(u) == pytest.approx([-1.0, 1.0, 3.0])
    assert normal.values(np.array([0.8413447])) == pytest.approx([1.5], abs=1e-3)  # about 1 sd


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"distribution": "loguniform", "low": 0.0}, "low > 0"),
    ({"distribution": "triangular", "mode": 5.0}, "mode within"),
    ({"distribution": "truncnormal", "mean": 1.0}, "sd > 0"),
])
def test_bad_factor_declarations(kwargs, message):
    args = {"name": "a", "low": 0.5, "high": 2.0} | kwargs
    with pytest.raises(BondsimError, match=message):
        Factor(**args)


def test_targets_are_parameters_or_levers_with_integer_rounding():
    data = {"interventions": [{"type": "inspections", "inspections_per_district": 17},
                              {"type": "cash_transfer", "label": "bisp"}]}
    markup = resolve("markup_annual", data)
    visits = resolve("inspections.inspections_per_district", data)
    cover = resolve("bisp.coverage", data)
    assert (markup.kind, visits.kind, visits.index, cover.index) == ("parameter", "lever", 0, 1)
    assert visits.integer
    assert not cover.integer
    out = apply(data, [markup, visits, cover],
                {"markup_annual": 0.4, "inspections.inspections_per_district": 12.6,
                 "bisp.coverage": 0.25})
    assert out["parameters"] == {"markup_annual": 0.4}
    assert out["interventions"][0]["inspections_per_district"] == 13
    assert out["interventions"][1]["coverage"] == 0.25
    assert data["interventions"][0]["inspections_per_district"] == 17  # the input is untouched
    world = apply(data, [markup, visits], {"markup_annual": 0.4,
                                           "inspections.inspections_per_district": 3.0},
                  levers=False)
    assert world["parameters"] == {"markup_annual": 0.4}
    assert world["interventions"][0]["inspections_per_district"] == 17
    with pytest.raises(BondsimError, match="did you mean 'markup_annual'"):
        resolve("markup_anual", data)
    with pytest.raises(BondsimError, match=r"levers are: .*bisp\.coverage"):
        resolve("cash_transfer.coverage_rate_of_everything", data)
    with pytest.raises(BondsimError, match="not a number"):
        resolve("closure_months", data)


# --- the engine: parallel, resumable, convergence ------------------------------------------

def linear(params, seed):
    """y = 4a + b + noise: a ranks first, c (ignored) last."""
    rng = np.random.default_rng(seed)
    return {"y": 4 * params["a"] + params["b"] + rng.normal(0.0, 0.1)}


def fragile(params, seed):
    if params["a"] > 0.8:
        raise ValueError("the model broke")
    return linear(params, seed)


FACTORS = [Factor("a", 0.0, 1.0), Factor("b", 0.0, 1.0), Factor("c", 0.0, 1.0)]


@pytest.mark.slow
def test_parallel_equals_serial():
    serial = sobol(linear, FACTORS, ["y"], n=16, replicates=2, seed=5)
    pool = sobol(linear, FACTORS, ["y"], n=16, replicates=2, seed=5, workers=2)
    pd.testing.assert_frame_equal(serial.indices, pool.indices)
    assert np.array_equal(serial.runs, pool.runs)


def test_convergence_ends_at_the_full_sample_and_narrows():
    result = sobol(linear, FACTORS, ["y"], n=256, replicates=1, seed=1)
    conv = result.convergence
    assert sorted(conv["size"].unique()) == [8, 16, 32, 64, 128, 256]
    full = conv[conv["size"] == 256].set_index("factor")["ST"]
    assert full.to_dict() == pytest.approx(result.indices.set_index("factor")["ST"].to_dict())
    width = conv[conv["factor"] == "a"].set_index("size")["ST_conf"]
    assert width[256] < width[8]
    # var(4a) = 16/12 of var(y) = 17/12 plus noise: ST(a) is about 0.94
    assert full["a"] == pytest.approx(16 / 17, abs=0.05)


def test_noise_floor_flags_factors_noise_could_explain():
    def noisy(params, seed):  # noise that differs between points, as in a chaotic model
        rng = np.random.default_rng([seed, int(params["a"] * 1e9), int(params["b"] * 1e9)])
        return {"y": params["a"] + 0.01 * params["b"] + rng.normal(0.0, 1.0)}

    result = sobol(noisy, FACTORS[:2], ["y"], n=64, replicates=2, seed=3)
    flags = result.indices.set_index("factor")["distinct_from_noise"]
    assert not flags["b"]
    assert result.noise["noise_in_means"].iloc[0] > 0.5
    assert np.isnan(sobol(noisy, FACTORS[:2], ["y"], n=8, seed=3).noise["noise_share"].iloc[0])


def test_failed_points_are_reported_and_the_rest_kept_for_resume(tmp_path):
    store = PointStore(tmp_path)
    samples = np.array([[0.1, 0.5, 0.5], [0.9, 0.5, 0.5], [0.2, 0.5, 0.5]])
    with pytest.raises(BondsimError, match=r"(?s)1 of 3 sample points failed; the first, point 1 "
                                           r"at \{'a': 0.9.*the model broke.*resume"):
        evaluate(fragile, FACTORS, samples, ["y"], [1, 2], store=store)
    assert store.load(0) is not None
    assert store.load(1) is None
    calls = []

    def counting(params, seed):
        calls.append(params["a"])
        return linear(params, seed)

    runs = evaluate(counting, FACTORS, samples, ["y"], [1, 2], store=store)
    assert calls == [0.9, 0.9]  # only the missing point ran, once per replicate
    assert runs.shape == (1, 3, 2)


def test_pawn_slices_avoid_salib_grid_overshoot():
    assert pawn_slices(10) == 10
    assert pawn_slices(6) == 5  # arange(0, 1 + 1/6, 1/6) overshoots 1 in SALib 1.6
    assert pawn_slices(9) == 8


def test_morris_accepts_groups_and_distributions():
    factors = [Factor("a", 1.0, 100.0, distribution="loguniform", group="g"),
               Factor("b", 0.0, 1.0, group="g"), Factor("c", 0.0, 1.0)]
    result = morris(lambda p, s: {"y": np.log10(p["a"]) + p["b"]}, factors, ["y"],
                    trajectories=8, seed=2)
    assert set(result.indices["factor"]) == {"g", "c"}
    assert result.indices.set_index("factor").loc["c", "mu_star"] == 0.0


# --- sweep files -------------------------------------------------------------------------

def _sweep(tmp_path: Path, body: str = "", *, method: str = "sobol", samples: int = 8,
           outcomes: str = '["bonded_share", "bonded_household_years_averted", "public_cost"]',
           factors: str | None = None, name: str = "sweep.toml") -> Path:
    factors = factors if factors is not None else """
[[factors]]
name = "markup_annual"
low = 0.0
high = 1.0

[[factors]]
name = "inspections.inspections_per_kiln_year"
low = 0.0
high = 1.68

[[factors]]
name = "cash_transfer.coverage"
low = 0.0
high = 1.0
"""
    path = tmp_path / name
    path.write_text(f"""name = "small"
scenario = "{PACKAGE.as_posix()}"
method = "{method}"
samples = {samples}
replicates = 2
seed = 3
households = 300
months = 24
window = 6
outcomes = {outcomes}
{body}
{factors}""")
    return path


def test_an_effect_metrics_old_name_is_read_as_the_new_one_with_one_warning(tmp_path, capsys):
    path = _sweep(tmp_path, outcomes='["bonded_share", "bonded_share_change_last_year"]')
    loaded = load_sweep(path)
    assert loaded.spec.outcomes == ["bonded_share", "bonded_households_freed_last_year"]
    assert len(loaded.warnings) == 1
    assert "'bonded_share_change_last_year' is now 'bonded_households_freed_last_year'" in \
        loaded.warnings[0]
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    assert err.count("bondsim: warning:") == 1
    assert "bonded_households_freed_last_year" in err
    # a name that never was a metric is still an error, with a hint
    with pytest.raises(BondsimError, match="did you mean 'bonded_households_freed_last_year'"):
        load_sweep(_sweep(tmp_path, outcomes='["bonded_households_free_last_year"]',
                          name="typo.toml"))


@pytest.fixture(scope="module")
def small_sweep(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sweep")
    return run_sweep(_sweep(tmp), out=tmp / "out", workers=2), tmp


@pytest.mark.slow
def test_sweep_on_bondsim_end_to_end(small_sweep):
    _result, tmp = small_sweep
    out = tmp / "out"
    for name in ("indices.csv", "noise.csv", "convergence.csv", "results.parquet",
                 "ranking.png", "convergence.png", "manifest.json", "runs/layout.json"):
        assert (out / name).exists(), name
    table = pd.read_csv(out / "indices.csv")
    for _, group in table.groupby("outcome"):
        assert sorted(group["factor"]) == sorted(["markup_annual", "cash_transfer.coverage",
                                                  "inspections.inspections_per_kiln_year"])
        assert group["rank"].min() == 1
    # cash transfers cost money in proportion to coverage: coverage alone explains most of the
    # public cost (first-order index; with 8 samples the total indices are noise-wide, and
    # the markup, which sets the debts the package's buy-outs lend, can rank first by them)
    cost = table[table["outcome"] == "public_cost"].set_index("factor")
    assert cost["S1"].idxmax() == "cash_transfer.coverage"
    runs = pd.read_parquet(out / "results.parquet")
    assert len(runs) == 8 * 5 * 2  # points x replicates
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "sweep"
    assert manifest["model_runs"] == 8 * 5 * 2 * 2
    assert manifest["baseline"] == "the scenario without its interventions"
    assert manifest["counterfactual"].startswith("the scenario without its interventions, with "
                                                 "the same parameter factors")
    assert [(f["name"], f["integer"]) for f in manifest["factors"]] == [
        ("markup_annual", False), ("inspections.inspections_per_kiln_year", False),
        ("cash_transfer.coverage", False)]


@pytest.mark.slow
def test_a_small_sobol_sample_is_flagged_in_table_command_and_report(small_sweep, capsys):
    _result, tmp = small_sweep  # 8 base rows of a noisy model: too few
    out = tmp / "out"
    table = pd.read_csv(out / "indices.csv", keep_default_na=False)
    assert "sample_warning" in table.columns
    assert (table["sample_warning"] != "").any()
    assert main(["sweep", str(_sweep(tmp)), "--out", str(out), "--resume", "--quiet"]) == 0
    assert "warning: the sample is too small for these Sobol indices" in capsys.readouterr().out
    from bondsim.outputs.report import write_report
    page = write_report(out, tmp / "report.html").read_text(encoding="utf-8")
    assert "the sample is too small for these Sobol indices to mean anything" in page


@pytest.mark.slow
def test_sweep_resume_after_interruption_gives_the_same_results(small_sweep, tmp_path):
    result, tmp = small_sweep
    out = tmp_path / "resumed"
    points = tmp / "out" / "runs" / "points"
    (out / "runs" / "points").mkdir(parents=True)
    (out / "runs" / "layout.json").write_bytes((tmp / "out" / "runs" / "layout.json")
                                               .read_bytes())
    for file in sorted(points.glob("*.npy"))[:17]:  # as if killed after 17 points
        (out / "runs" / "points" / file.name).write_bytes(file.read_bytes())
    with pytest.raises(BondsimError, match="not empty; use --resume"):
        run_sweep(_sweep(tmp), out=out)
    resumed = run_sweep(_sweep(tmp), out=out, resume=True)
    pd.testing.assert_frame_equal(resumed.indices, result.indices)
    assert (out / "indices.csv").read_bytes() == (tmp / "out" / "indices.csv").read_bytes()
    other = _sweep(tmp_path, samples=16, name="other.toml")
    with pytest.raises(BondsimError, match="another sweep"):
        run_sweep(other, out=out, resume=True)


def test_morris_sweep_draws_the_scatter(tmp_path):
    path = _sweep(tmp_path, method="morris", samples=3, outcomes='["child_labour_rate"]')
    result = run_sweep(path, out=tmp_path / "m")
    assert (tmp_path / "m" / "morris.png").exists()
    assert {"mu_star", "sigma", "mu_star_conf"} <= set(result.indices.columns)


@pytest.mark.slow
def test_sweep_command_prints_the_ranking(tmp_path, capsys):
    path = _sweep(tmp_path, method="pawn", samples=40, outcomes='["bonded_share"]')
    assert main(["sweep", str(path), "--out", str(tmp_path / "c"), "--quiet",
                 "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "bonded_share (replicate noise:" in printed
    assert " 1. " in printed
    assert main(["sweep", str(path), "--resume"]) == 2  # resume needs --out


@pytest.mark.parametrize(("body", "factors", "message"), [
    ('outcomes = ["bonded_shar"]', None, "did you mean 'bonded_share'"),
    ("", '[[factors]]\nname = "markup_anual"\nlow = 0.0\nhigh = 1.0',
     r"factors\.0\.name'.*did you mean 'markup_annual'"),
    ("", '[[factors]]\nname = "cash_transfer.coverage"\nlow = 0.0\nhigh = 1.5',
     r"factors\.0\.high': value 1\.5 is outside what intervention cash_transfer"),
    ("", '[[factors]]\nname = "markup_annual"\nlow = 0.5\nhigh = 0.1',
     r"factors\.0'.*expected low < high"),
    ("", '[[factors]]\nname = "markup_annual"\nlow = 0.1\nhigh = 0.5\ndistribution = "beta"',
     r"factors\.0\.distribution'.*'beta'"),
    ("samples_size = 8", None, "unknown field 'samples_size'; did you mean 'samples'"),
])
def test_bad_sweep_files_name_file_field_and_value(tmp_path, body, factors, message):
    path = _sweep(tmp_path, body, factors=factors)
    if body.startswith("outcomes"):
        text = path.read_text().replace("outcomes = [\"bonded_share\", "
                                        "\"bonded_household_years_averted\", \"public_cost\"]\n",
                                        "")
        path.write_text(text)
    with pytest.raises(BondsimError, match=message) as info:
        load_sweep(path)
    assert str(path) in str(info.value)


def test_method_specific_checks(tmp_path):
    with pytest.raises(BondsimError, match=r"'samples'.*power of 2"):
        load_sweep(_sweep(tmp_path, samples=12))
    grouped = '[[factors]]\nname = "markup_annual"\nlow = 0.0\nhigh = 1.0\ngroup = "g"'
    with pytest.raises(BondsimError, match=r"'factors'.*PAWN"):
        load_sweep(_sweep(tmp_path, method="pawn", factors=grouped))
    with pytest.raises(BondsimError, match=r"'second_order'.*Sobol only"):
        load_sweep(_sweep(tmp_path, "second_order = true", method="morris"))
    with pytest.raises(BondsimError, match="'convergence'"):
        load_sweep(_sweep(tmp_path, "convergence = [4, 16]"))


def test_bad_sweep_file_is_exit_2_without_traceback(tmp_path, capsys):
    path = _sweep(tmp_path, samples=12)
    assert main(["sweep", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert str(path) in err
    assert "power of 2" in err


def test_explicit_baseline_gets_the_scenarios_population(tmp_path):
    path = _sweep(tmp_path, f'baseline = "{BASELINE.as_posix()}"')
    loaded = load_sweep(path)
    assert loaded.baseline_file == BASELINE
    assert loaded.model.baseline["population"] == loaded.model.data["population"]
    out = loaded.model({"markup_annual": 0.3, "inspections.inspections_per_kiln_year": 0.0,
                        "cash_transfer.coverage": 0.0}, 7)
    assert set(out) >= {"bonded_share", "bonded_household_years_averted", "public_cost"}


@pytest.mark.slow
def test_dask_cluster_gives_the_same_sweep(small_sweep, tmp_path):
    distributed = pytest.importorskip("distributed")
    result, tmp = small_sweep
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=":0") as cluster:
        on_dask = run_sweep(_sweep(tmp), out=tmp_path / "d",
                            scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(on_dask.indices, result.indices)


@pytest.mark.parametrize("path", sorted((ROOT / "experiments").glob("sensitivity*.toml")),
                         ids=lambda p: p.name)
def test_shipped_sweeps_are_valid(path):
    loaded = load_sweep(path)
    assert loaded.runs() > 0


def test_validate_tells_sweeps_experiments_and_scenarios_apart(tmp_path, capsys):
    sweep = _sweep(tmp_path)
    assert main(["validate", str(sweep), str(ROOT / "experiments" / "policies.toml"),
                 str(BASELINE)]) == 0
    printed = capsys.readouterr().out
    assert "ok (sweep small, 160 model runs)" in printed
    assert "ok (experiment policies" in printed
    assert "ok (scenario baseline)" in printed
    assert main(["validate", str(_sweep(tmp_path, samples=12, name="bad.toml"))]) == 2


def test_an_unusable_outcome_is_skipped_and_the_others_analysed(tmp_path):
    def model(params, seed):
        return {"y": params["a"], "flat": 1.0}

    result = sobol(model, FACTORS[:2], ["y", "flat"], n=8, store=PointStore(str(tmp_path)))
    assert set(result.indices["outcome"]) == {"y"}
    assert "does not vary" in result.skipped["flat"]
    assert (tmp_path / "points").is_dir()  # a plain string folder works


def test_explicit_baseline_runs_the_scenarios_horizon(tmp_path):
    short = tmp_path / "short_baseline.toml"
    short.write_text('name = "short"\nhorizon = 6\n')
    path = _sweep(tmp_path, f'baseline = "{short.as_posix()}"').read_text()
    path = path.replace("months = 24\n", "")
    file = tmp_path / "nomonths.toml"
    file.write_text(path)
    loaded = load_sweep(file)
    assert loaded.model.baseline["horizon"] == loaded.model.data["horizon"]
