"""bondsim installed the way users install it: the wheel carries every module and every file a
command reads, those files are found by name from any working directory, and start-up stays
light. (``.ci/run`` also installs the wheel into a fresh venv with its dependencies.)"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from bondsim import shipped
from bondsim.errors import BondsimError

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_code_folder_of_the_package_is_packaged():
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    folders = {"bondsim" + "".join(f".{p}" for p in init.parent.relative_to(ROOT / "model").parts)
               for init in (ROOT / "model").rglob("__init__.py")}
    assert folders <= listed, f"missing from [tool.setuptools] packages: {folders - listed}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True, timeout=300)
    (found,) = out.glob("bondsim-*.whl")
    return found


@pytest.mark.slow
def test_the_wheel_carries_every_module_and_shipped_file(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "model", "scenarios",
                              "experiments", "docs/ODD.md"],
                             capture_output=True, text=True, check=True).stdout.split()
    if not tracked:  # not a git checkout: fall back to the files on disk
        tracked = [str(p.relative_to(ROOT)) for d in ("model", "scenarios", "experiments")
                   for p in (ROOT / d).rglob("*") if p.suffix in {".py", ".toml"}]
    where = {"model/": "bondsim/", "scenarios/": "bondsim/scenarios/",
             "experiments/": "bondsim/examples/", "docs/": "bondsim/docs/"}
    wanted = [next(to + f[len(frm):] for frm, to in where.items() if f.startswith(frm))
              for f in tracked
              if f.endswith((".py", ".toml", ".md", "py.typed", ".html", ".css", ".csv"))]
    missing = sorted(set(wanted) - names)
    assert not missing, f"the wheel lacks {missing}"


@pytest.mark.slow
def test_the_installed_wheel_runs_from_another_folder(wheel: Path, tmp_path: Path):
    """The wheel's files alone (no checkout on the path) run the shipped baseline by name and
    write its report."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=300)
    import numpy  # the dependencies: from this environment's site-packages
    deps = str(Path(numpy.__file__).resolve().parents[1])
    # -S: no site (so no .pth file puts the editable checkout back on the path)
    site = str(target)
    code = (f"import sys; sys.path[:0] = [{site!r}, {deps!r}]; import bondsim; "
            f"assert bondsim.__file__.startswith({site!r}), bondsim.__file__; "
            "from bondsim.cli import main; sys.exit(main(sys.argv[1:]))")
    work = tmp_path / "elsewhere"
    work.mkdir()

    def bondsim(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-S", "-c", code, *args], cwd=work,
                              capture_output=True, text=True, timeout=600,
                              env={**os.environ, "PYTHONPATH": ""})

    done = bondsim("--help")
    assert done.returncode == 0, done.stderr
    done = bondsim("run", "baseline", "--households", "300", "--months", "3", "--out", "run")
    assert done.returncode == 0, done.stderr
    assert (work / "run" / "timeseries.csv").is_file()
    done = bondsim("report", "run")  # the page's templates come from the wheel
    assert done.returncode == 0, done.stderr
    assert "<h2>What the model leaves out</h2>" in (work / "run" / "report.html").read_text()
    done = bondsim("scenarios")
    assert done.returncode == 0, done.stderr
    assert "release_with_rehabilitation" in done.stdout
    assert "balochistan_pilot" in done.stdout
    assert site in bondsim("scenarios", "--path").stdout


def test_a_shipped_scenario_is_named_without_a_path(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert shipped.locate("baseline") == shipped.folder("scenario") / "baseline.toml"
    assert shipped.locate("baseline.toml").read_text() == \
        (ROOT / "scenarios" / "baseline.toml").read_text()
    assert shipped.locate("policies", "experiment").name == "policies.toml"
    # the user's own file of the same name comes first
    (tmp_path / "baseline").write_text("mine")
    assert shipped.locate("baseline") == Path("baseline")


def test_an_unknown_name_lists_the_shipped_ones_with_a_did_you_mean(tmp_path: Path,
                                                                     monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BondsimError, match=r"basline: no such file.*did you mean 'baseline'"):
        shipped.locate("basline")
    # a path is left for the reader to report as missing, naming the file
    assert shipped.locate("sub/basline.toml") == Path("sub/basline.toml")


def test_input_files_may_name_shipped_scenarios(tmp_path: Path, monkeypatch):
    from bondsim.experiments.batch import load_experiment

    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.toml").write_text(
        'name = "mine"\nscenarios = ["baseline", "cash_transfer"]\nreplicates = 1\n')
    _, files = load_experiment("mine.toml")
    assert files == [shipped.folder("scenario") / "baseline.toml",
                     shipped.folder("scenario") / "cash_transfer.toml"]


def test_every_shipped_input_file_is_listed_with_its_description():
    names = {f.name: f.description for f in shipped.listing("scenario")}
    assert set(names) == {p.stem for p in (ROOT / "scenarios").glob("*.toml")}
    assert names["baseline"].startswith("No intervention")
    assert {f.name for f in shipped.listing("experiment")} == \
        {p.stem for p in (ROOT / "experiments").glob("*.toml")}
    assert {f.name for f in shipped.listing("district profile")} == {"balochistan", "punjab"}


def test_the_report_quotes_the_shipped_model_description():
    from bondsim.outputs.report import odd_file

    assert odd_file().read_text(encoding="utf-8") == \
        (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")


def test_discover_without_its_extra_says_which_to_install(monkeypatch, capsys):
    import importlib.util

    from bondsim.cli import main

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "ema_workbench" else real(name, *a))
    assert main(["discover", "discovery_policies"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "pip install 'bondsim[discover]'" in err


@pytest.mark.parametrize("argv", [["--help"], ["validate", "baseline"], ["scenarios"],
                                  *[["validate", f.stem] for f in
                                    sorted((ROOT / "experiments").glob("*.toml"))]])
def test_start_up_loads_no_heavy_library(argv: list[str], tmp_path: Path):
    """``bondsim --help`` and ``validate`` (of every shipped kind of file) answer without SciPy,
    Matplotlib, pandas or Mesa."""
    code = ("import sys; from bondsim.cli import main\n"
            "try:\n    status = main(sys.argv[1:])\nexcept SystemExit as exit:\n"
            "    status = exit.code\n"
            "print(status, sorted(m for m in ('scipy', 'matplotlib', 'pandas', 'mesa') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, *argv], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "0 []"
