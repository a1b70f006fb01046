"""``bondsim validate`` knows every kind of input file, names the kind it took a file for, says
"this looks like a sweep file without `factors`" for a near miss, and bad values in job files
(a NaN threshold, unbounded households) are refused before anything runs."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from bondsim.cli import main
from bondsim.kinds import REQUIRED, file_kind

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = {
    **dict.fromkeys(sorted((ROOT / "scenarios").glob("*.toml")), "scenario"),
    **dict.fromkeys(sorted((ROOT / "scenarios" / "districts").glob("*.toml")),
                    "district profile"),
    ROOT / "experiments" / "policies.toml": "experiment",
    ROOT / "experiments" / "sensitivity_screening.toml": "sweep",
    ROOT / "experiments" / "sensitivity_sobol.toml": "sweep",
    ROOT / "experiments" / "balochistan_pilot.toml": "plan",
    ROOT / "experiments" / "calibration_baseline.toml": "calibration",
    ROOT / "experiments" / "discovery_policies.toml": "discovery",
}
EXAMPLE = {kind: path for path, kind in reversed(SHIPPED.items())}


def _toml(value: object) -> str:
    """Enough of a TOML writer for the shipped files (inline tables and arrays)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if isinstance(value, float) and value != value:
        return "nan"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def _write(path: Path, data: dict) -> Path:
    path.write_text("".join(f"{k} = {_toml(v)}\n" for k, v in data.items()))
    return path


def _absolute(data: dict, folder: Path) -> dict:
    """The file's relative paths to other files made absolute, so that it can move."""
    out = dict(data)
    for key in ("scenario", "baseline", "districts_file", "base_scenario"):
        if isinstance(out.get(key), str):
            out[key] = str((folder / out[key]).resolve())
    for key in ("scenarios", "policies"):
        if isinstance(out.get(key), list):
            out[key] = [str((folder / p).resolve()) for p in out[key]]
    return out


def test_every_shipped_kind_is_covered():
    assert set(SHIPPED.values()) == set(REQUIRED)
    shipped = {*(ROOT / "scenarios").glob("*.toml"), *(ROOT / "scenarios" / "districts").glob(
        "*.toml"), *(ROOT / "experiments").glob("*.toml")}
    assert shipped == set(SHIPPED), "a new shipped file: say here which kind it is"


@pytest.mark.parametrize("path", list(SHIPPED), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_file_validates_as_its_kind(path, capsys):
    assert main(["validate", str(path)]) == 0, capsys.readouterr().err
    assert f"ok ({SHIPPED[path]} " in capsys.readouterr().out
    assert file_kind(tomllib.loads(path.read_text()))[0] == SHIPPED[path]


NEAR_MISSES = [(kind, key) for kind, keys in REQUIRED.items() for key in keys]


@pytest.mark.parametrize(("kind", "key"), NEAR_MISSES, ids=lambda x: str(x))
def test_a_file_without_the_key_of_its_kind_is_named_as_that_kind(kind, key, tmp_path, capsys):
    data = tomllib.loads(EXAMPLE[kind].read_text())
    del data[key]
    path = _write(tmp_path / "near_miss.toml", data)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    article = "an" if kind[0] in "aeiou" else "a"
    assert f"this looks like {article} {kind} file" in err
    assert f"without `{key}`" in err
    assert "field '" not in err  # not a pile of another kind's errors
    assert err.count("\n") == 1


def test_a_misspelt_key_gets_a_did_you_mean(tmp_path, capsys):
    data = tomllib.loads(EXAMPLE["sweep"].read_text())
    data["factor"] = data.pop("factors")
    assert main(["validate", str(_write(tmp_path / "typo.toml", data))]) == 2
    assert "is `factor` a misspelling of `factors`?" in capsys.readouterr().err


def test_a_many_run_file_without_its_list_is_not_checked_as_a_scenario(tmp_path, capsys):
    path = _write(tmp_path / "exp.toml", {"name": "x", "replicates": 3, "months": 12})
    assert main(["validate", str(path)]) == 2
    assert "looks like an experiment file (it has `replicates`) without `scenarios`" in \
        capsys.readouterr().err


def test_a_nan_threshold_is_refused_before_discovery_runs(tmp_path, capsys):
    data = _absolute(tomllib.loads(EXAMPLE["discovery"].read_text()), EXAMPLE["discovery"].parent)
    data["criterion"] = {"outcome": "bonded_share", "kind": "absolute", "direction": "above",
                         "threshold": float("nan")}
    path = _write(tmp_path / "nan.toml", data)
    out = tmp_path / "out"
    assert main(["discover", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert (f"{path}: field 'criterion.threshold': value nan is invalid; expected a finite "
            f"number") in err
    assert not out.exists()
    assert main(["validate", str(path)]) == 2


@pytest.mark.parametrize("kind", ["experiment", "sweep", "calibration", "discovery"])
def test_unbounded_households_are_refused(kind, tmp_path, capsys):
    data = _absolute(tomllib.loads(EXAMPLE[kind].read_text()), EXAMPLE[kind].parent)
    data["households"] = 10**12
    path = _write(tmp_path / "huge.toml", data)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert (f"{path}: field 'households': value 1000000000000 is invalid; expected less than "
            f"or equal to 50000000") in err


def test_a_batch_with_unbounded_households_runs_nothing(tmp_path, capsys):
    data = _absolute(tomllib.loads(EXAMPLE["experiment"].read_text()),
                     EXAMPLE["experiment"].parent)
    path = _write(tmp_path / "huge.toml", data | {"households": 10**9})
    out = tmp_path / "out"
    assert main(["batch", str(path), "--out", str(out), "--quiet", "--workers", "1"]) == 2
    assert "field 'households'" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("text", [
    'name = "x"\nfactors = 3\nscenario = "a.toml"\noutcomes = ["bonded_share"]\n',
    'name = "x"\nprovince = "P"\ndistricts = "Quetta"\n',
    'name = "x"\ncriterion = 1\npolicies = []\nuncertain = {}\n',
    'name = "x"\nscenarios = [1, 2]\n',
    'name = "x"\nparameters = [{name = 1}]\ntargets = [1]\n',
    'province = "P"\n[[districts]]\nname = "Q"\nkilns = { value = nan, source = "abc" }\n',
    '\x00',
])
def test_odd_files_get_one_message_and_no_traceback(text, tmp_path):
    path = tmp_path / "odd.toml"
    path.write_text(text)
    done = subprocess.run([sys.executable, "-m", "bondsim.cli", "validate", str(path)],
                          capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 2, done.stdout
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"bondsim: error: {path}")


def _broken(params: dict, seed: int) -> dict:
    if params["a"] > 0.5:
        raise ValueError("the model broke")
    return {"y": params["a"]}


@pytest.mark.parametrize("stored", [True, False])
def test_a_failed_run_is_told_in_one_line_with_the_traceback_kept(stored, tmp_path):
    from bondsim.errors import BondsimError
    from bondsim.experiments.sensitivity import Factor, PointStore, evaluate

    store = PointStore(tmp_path) if stored else None
    samples = np.array([[0.1], [0.9]])
    with pytest.raises(BondsimError) as info:
        evaluate(_broken, [Factor("a", 0.0, 1.0)], samples, ["y"], [1], store=store)
    message = str(info.value)
    assert "ValueError: the model broke" in message
    assert "Traceback" not in message
    assert "\n" not in message
    if stored:
        assert "Traceback" in (tmp_path / "failed_point.txt").read_text()


def test_a_households_override_beyond_the_bound_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(ROOT / "scenarios" / "baseline.toml"), "--households",
                 str(10**9), "--out", str(out)]) == 2
    assert "expected at most 50,000,000" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("argv", [["params"], ["validate", "punjab"],
                                  ["validate", str(ROOT / "scenarios" / "districts" /
                                                   "balochistan.toml")]])
def test_params_and_profiles_load_no_heavy_library(argv, tmp_path):
    code = ("import sys, io, contextlib; from bondsim.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n    status = main(sys.argv[1:])\n"
            "print(status, sorted(m for m in ('scipy', 'matplotlib', 'pandas', 'mesa') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, *argv], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout.strip().splitlines()[-1] == "0 []", done.stderr


def _specs() -> dict:
    from bondsim.experiments.batch import ExperimentSpec
    from bondsim.experiments.calibration import CalibrationSpec
    from bondsim.experiments.discover import DiscoverySpec
    from bondsim.experiments.districts import ProfileFile
    from bondsim.experiments.plan import PlanSpec
    from bondsim.experiments.scenario import ScenarioSpec
    from bondsim.experiments.sweep import SweepSpec
    return {"scenario": ScenarioSpec, "experiment": ExperimentSpec, "sweep": SweepSpec,
            "plan": PlanSpec, "calibration": CalibrationSpec, "discovery": DiscoverySpec,
            "district profile": ProfileFile}


def test_the_kind_rule_matches_the_file_formats():
    """A distinctive key belongs to its kind's format and to no other (``replicates`` aside:
    every many-run format has it); a required key is required by the format."""
    from bondsim.kinds import DISTINCTIVE

    specs = _specs()
    for kind, keys in DISTINCTIVE.items():
        fields = specs[kind].model_fields
        for key in keys:
            assert key in fields, (kind, key)
            others = [k for k, spec in specs.items() if k != kind and key in spec.model_fields]
            assert key == "replicates" or not others, (kind, key, others)
        for key in REQUIRED[kind]:
            assert fields[key].is_required(), (kind, key)
