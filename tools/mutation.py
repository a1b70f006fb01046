"""Mutation testing of bondsim's mechanisms with mutmut 3 (see docs/testing.md).

    .venv/bin/python tools/mutation.py                       # interventions + pairing + rules
    .venv/bin/python tools/mutation.py --only interventions  # one group
    .venv/bin/python tools/mutation.py --only experiments.effect --only interventions.awareness
    .venv/bin/python tools/mutation.py --since main          # what a branch changed

mutmut 3 copies the sources to mutants/ and imports them from there, but bondsim is installed
from model/ through a package-dir mapping, so in the checkout the tests would import the
unmutated code. This script therefore builds a scratch copy of the working tree under
.mutation/ (git-ignored) laid out as an ordinary package, ``bondsim/`` (model/ with its data
packages scenarios/, experiments/ (as examples/) and docs/ inside it, as in the wheel) beside
``tests/``, runs mutmut there with that folder first on PYTHONPATH (so subprocesses import the
mutants too) and writes .mutation/report.md: the score per module and every surviving mutant
with its file:line in model/. The checkout itself is never written to. mutmut runs, for each
mutant, only the tests that called the mutated function in its first, clean pass.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"

RULES = [f"simulation.{m}" for m in ("season", "earnings", "shocks", "credit", "debt", "children",
                                    "bondage", "mobility", "owners", "kiln_terms", "ledger",
                                    "outcomes", "points")]
INTERVENTIONS = sorted(p.stem for p in (ROOT / "model" / "interventions").glob("*.py")
                       if p.stem != "__init__")
# the pairing code: which functions of each module (mutmut's mangled names; None = all)
PAIRING: dict[str, list[str] | None] = {
    # the paired computations, not the writers and plots around them
    "experiments.paired": None,
    "experiments.effect": ["x_paired_effect"],
    "experiments.compare": ["x_horizon", "x_compare_table", "x__effect_rows",
                            "x__batch_window"],
    "experiments.plan": ["x_plan_tasks", "x_summarise"],
    "experiments.plan_runs": ["x_paired", "x_run_one"],
    "experiments.experiment": ["xǁExperimentǁ*", "xǁWindowMeanǁ*", "xǁRatioOverWindowǁ*",
                               "xǁSeriesǁ*", "x_effects", "x_point_seeds", "x_results_table"],
    "experiments.sweep": ["xǁScenarioModelǁ*"],
    "experiments.discover": ["xǁCriterionǁfails", "xǁDiscoveryModelǁ*", "x_failures",
                             "x_regret", "x_robustness"],
    "experiments.calibration": ["xǁCalibrationModelǁ*", "x_run_calibration"],
}
GROUPS = {
    "rules": dict.fromkeys(RULES),
    "interventions": dict.fromkeys(f"interventions.{m}" for m in INTERVENTIONS),
    "pairing": PAIRING,
}
# left out of mutation runs: tests of style, packaging, documents, the browser page and signals
# exercise no mechanism (and ruff would fail on mutmut's generated code); tests that run bondsim
# in a child process started elsewhere fail under mutmut, whose generated code looks for its
# configuration in the working directory (the command line, its outputs, validate); reports
# look for the git commit of the package, which the scratch copy has not
SKIPPED_TESTS = ["test_lint.py", "test_app.py", "test_packaging.py", "test_readme.py",
                 "test_references.py", "test_docs.py", "test_interrupt.py", "test_cli.py",
                 "test_outputs.py", "test_validate.py", "test_report.py"]


def selection(only: list[str]) -> dict[str, list[str] | None]:
    chosen: dict[str, list[str] | None] = {}
    for name in only or list(GROUPS):
        if name in GROUPS:
            chosen |= GROUPS[name]
        elif (ROOT / "model" / (name.replace(".", "/") + ".py")).is_file():
            chosen[name] = PAIRING.get(name) if name in PAIRING else None
        else:
            sys.exit(f"mutation: no group or module {name!r} (groups: {', '.join(GROUPS)}; "
                     "modules as in model/, e.g. experiments.effect or interventions.awareness)")
    return chosen


def changed_since(ref: str) -> list[str]:
    """The modules of the three groups (as ``--only`` names them) whose file under model/
    differs from commit ``ref`` (committed or not): the habit before closing an issue."""
    out = subprocess.run(["git", "diff", "--name-only", ref, "--", "model/"], cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"mutation: git cannot compare with {ref!r}: {out.stderr.strip()}")
    known = {name for group in GROUPS.values() for name in group}
    names = [str(Path(line).with_suffix("").relative_to("model")).replace("/", ".")
             for line in out.stdout.split() if line.endswith(".py")]
    return sorted(name for name in names if name in known)


def build(work: Path, modules: dict[str, list[str] | None], slow: bool = False) -> None:
    """The scratch copy: the working tree's files (tracked and new, not ignored) with model/
    laid out as bondsim/, and mutmut's configuration appended to its pyproject.toml. Without
    ``slow``, the tests marked slow (whole jobs end to end) are left out: a mechanism should be
    pinned by a fast in-process test, and every surviving mutant would otherwise run them all."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout.split("\0")
    for rel in filter(None, listed):
        src = ROOT / rel
        if not src.is_file():  # deleted in the working tree
            continue
        dest = work / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)
    shutil.copytree(work / "model", work / "bondsim")
    # the data packages under their names in the wheel (pyproject.toml's package-dir)
    for data, name in (("scenarios", "scenarios"), ("experiments", "examples"), ("docs", "docs")):
        shutil.copytree(work / data, work / "bondsim" / name)
    only = [f"bondsim/{m.replace('.', '/')}.py" for m in modules]
    also = sorted(p.name for p in work.iterdir()
                  if p.name not in {"bondsim", "tests", "pyproject.toml", ".mutation"})
    ignores = [f"--ignore=tests/{t}" for t in SKIPPED_TESTS]
    if not slow:
        ignores += ["-m", "not slow"]
    toml_list = lambda xs: "[" + ", ".join(f'"{x}"' for x in xs) + "]"  # noqa: E731
    with (work / "pyproject.toml").open("a") as f:
        f.write("\n[tool.mutmut]\n"
                'source_paths = ["bondsim"]\n'
                f"only_mutate = {toml_list(only)}\n"
                f"also_copy = {toml_list(also)}\n"
                f"pytest_add_cli_args = {toml_list(['-p', 'no:cacheprovider', *ignores])}\n"
                'pytest_add_cli_args_test_selection = ["tests/"]\n'
                "use_git_change_detection = false\n")


def mangled_patterns(modules: dict[str, list[str] | None]) -> list[str]:
    patterns = []
    for module, functions in modules.items():
        for fn in functions or ["*"]:
            patterns.append(f"bondsim.{module}.{fn}__mutmut_*" if fn != "*"
                            else f"bondsim.{module}.*")
    return patterns


MARK = f"BONDSIM_MUTATION_RUN={os.getpid()}"  # in the environment of every process of a run


def _command(work: Path, args: tuple[str, ...]) -> tuple[list[str], dict[str, str]]:
    # the mutants folder first on the path of mutmut and of every process a test starts
    key, value = MARK.split("=")
    env = dict(os.environ, PYTHONPATH=str(work / "mutants"), PYTHONDONTWRITEBYTECODE="1",
               **{key: value})
    return [str(Path(sys.executable).with_name("mutmut")), *args], env


def kill_marked(orphans_only: bool) -> int:
    """Kill this run's processes (``MARK`` in their environment); with ``orphans_only``, only
    those adopted by init (their parent is gone). Returns how many were killed."""
    killed = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if orphans_only:
                stat = (proc / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) != 1:
                    continue
            if MARK.encode() not in (proc / "environ").read_bytes().split(b"\0"):
                continue
            os.kill(int(proc.name), signal.SIGKILL)
            killed += 1
        except (OSError, ValueError, IndexError):
            continue
    return killed


def reap_orphans() -> int:
    """Kill this run's orphaned processes. When mutmut stops a test run that timed out, the
    worker processes of a job's pool (batch, sweep, ...) lose their parent and live on: a run
    with many timeouts once left 125 of them holding all the memory."""
    return kill_marked(orphans_only=True)


def stop(run: subprocess.Popen) -> None:
    """Stop mutmut at the time limit, keeping the results it has saved (one per mutant, as
    they come). mutmut 3 answers Ctrl-C by finishing the mutants under test, which can take
    minutes; after 20 s it is terminated and its test processes (ours by ``MARK``) killed."""
    run.send_signal(signal.SIGINT)
    try:
        run.wait(timeout=20)
    except subprocess.TimeoutExpired:
        run.terminate()
        kill_marked(orphans_only=False)
        run.wait()
    reap_orphans()


def wait(run: subprocess.Popen, seconds: float | None) -> None:
    """Wait for mutmut, reaping orphans every 10 s; raise TimeoutExpired after ``seconds``."""
    end = time.time() + seconds if seconds else None
    while True:
        try:
            run.wait(timeout=10)
            break
        except subprocess.TimeoutExpired:
            reap_orphans()
            if end is not None and time.time() > end:
                raise
    reap_orphans()


def mutmut(work: Path, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
    cmd, env = _command(work, args)
    return subprocess.run(cmd, cwd=work, env=env, check=False, text=True,
                          capture_output=capture)


def mutmut_process(work: Path, *args: str) -> subprocess.Popen:
    cmd, env = _command(work, args)
    return subprocess.Popen(cmd, cwd=work, env=env)


def original_line(module: str, mutant: str, diff: str) -> int | None:
    """The mutated line's number in model/, found from the diff's removed line within the
    function the mutant belongs to."""
    path = ROOT / "model" / (module.replace(".", "/") + ".py")
    lines = path.read_text().splitlines()
    removed = [ln[1:].strip() for ln in diff.splitlines()
               if ln.startswith("-") and not ln.startswith("---")]
    if not removed:
        return None
    name = mutant.split(".")[-1].split("__mutmut_")[0].lstrip("x").lstrip("_")
    name = name.split("ǁ")[-1] or name
    start = next((i for i, ln in enumerate(lines)
                  if re.match(rf"\s*(async\s+)?def {re.escape(name)}\b", ln)), 0)
    for i in range(start, len(lines)):
        if lines[i].strip() == removed[0]:
            return i + 1
    return None


def report(work: Path, modules: dict[str, list[str] | None], minutes: float) -> str:
    out = mutmut(work, "results", "--all", "true", capture=True).stdout
    status: dict[str, str] = {}
    for line in out.splitlines():
        m = re.match(r"\s*(bondsim\.\S+): (.+)$", line)
        if m:
            status[m.group(1)] = m.group(2).strip()
    patterns = [re.compile(p.replace(".", r"\.").replace("*", ".*") + "$")
                for p in mangled_patterns(modules)]
    status = {k: v for k, v in status.items() if any(p.match(k) for p in patterns)}
    rows, survivors = [], []
    for module in modules:
        mine = {k: v for k, v in status.items()
                if k.startswith(f"bondsim.{module}.") and k.count(".") == module.count(".") + 2}
        killed = sum(v in ("killed", "timeout", "segfault") for v in mine.values())
        tested = sum(v in ("killed", "timeout", "segfault", "survived", "suspicious")
                     for v in mine.values())
        untested = sum(v == "no tests" for v in mine.values())
        score = f"{100 * killed / tested:.0f} %" if tested else "-"
        rows.append(f"| {module} | {len(mine)} | {killed} | {tested - killed} | {untested} "
                    f"| {score} |")
        for key, v in sorted(mine.items()):
            if v in ("survived", "suspicious", "no tests"):
                diff = mutmut(work, "show", key, capture=True).stdout
                diff = "\n".join(diff.splitlines()[1:])
                line = original_line(module, key, diff)
                changes = [ln for ln in diff.splitlines()
                           if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
                survivors.append(f"- `model/{module.replace('.', '/')}.py:{line}` ({v}) "
                                 f"`{key.split('.')[-1]}`\n"
                                 + "\n".join(f"      {c}" for c in changes))
    total_k = sum(int(r.split("|")[3]) for r in rows)
    total_s = sum(int(r.split("|")[4]) for r in rows)
    return ("# Mutation run\n\n"
            f"{minutes:.0f} min; score = killed / (killed + survived), 'no tests' = no test "
            "calls the function.\n\n"
            "| module | mutants | killed | survived | no tests | score |\n"
            "| --- | --- | --- | --- | --- | --- |\n" + "\n".join(rows) + "\n"
            f"| all | {len(status)} | {total_k} | {total_s} | | "
            f"{100 * total_k / max(total_k + total_s, 1):.0f} % |\n\n"
            "## Survivors\n\n" + "\n".join(survivors) + "\n")


def survivors(path: Path) -> tuple[dict[str, list[str] | None], list[str]]:
    """The modules and functions of the mutants a report lists, and their exact names."""
    found = re.findall(r"^- `model/(\S+)\.py:\S*` \(([^)]+)\) `(\S+__mutmut_\d+)`",
                       path.read_text(), flags=re.M)
    if not found:
        sys.exit(f"mutation: {path}: no surviving mutants listed")
    modules: dict[str, list[str] | None] = {}
    names = []
    for file, _, mutant in found:
        module = file.replace("/", ".")
        function = mutant.split("__mutmut_")[0]
        listed = modules.setdefault(module, [])
        if listed is not None and function not in listed:
            listed.append(function)
        names.append(f"bondsim.{module}.{mutant}")
    return modules, names


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", action="append", default=[],
                    help="a group (rules, interventions, pairing) or a module of model/ "
                         "(experiments.effect, interventions.awareness); repeatable; "
                         "default: all groups")
    ap.add_argument("--since", metavar="COMMIT",
                    help="the modules of the groups changed since COMMIT (e.g. the commit an "
                         "issue started from), added to --only")
    ap.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    ap.add_argument("--minutes", type=float, default=30,
                    help="stop testing mutants after this long and report what was tested "
                         "(default 30; 0 = no limit)")
    ap.add_argument("--slow", action="store_true",
                    help="also run the tests marked slow against each mutant (about three "
                         "times as long)")
    ap.add_argument("--rerun", type=Path, metavar="REPORT",
                    help="test again only the survivors listed in a report (e.g. a copy of "
                         ".mutation/report.md), to check that new tests kill them")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite the report of the last run without running anything")
    args = ap.parse_args(argv)
    only = args.only
    if args.since:
        changed = changed_since(args.since)
        if not changed and not only:
            print(f"mutation: no module of the groups changed since {args.since}")
            return 0
        only = only + changed
    modules = selection(only)
    patterns = mangled_patterns(modules)
    if args.rerun:
        modules, patterns = survivors(args.rerun)
    work = WORK / "work"
    started = time.time()
    if not args.report_only:
        build(work, modules, slow=args.slow)
        # made before mutmut starts: Python caches a sys.path entry that does not exist yet as
        # having nothing to import, and the editable install's model/ would then win
        (work / "mutants").mkdir()
        run = mutmut_process(work, "run", "--max-children", str(args.jobs), *patterns)
        try:
            wait(run, args.minutes * 60 if args.minutes else None)
        except subprocess.TimeoutExpired:
            print(f"mutation: stopping after {args.minutes} min; the report covers the mutants "
                  "tested so far", file=sys.stderr)
            stop(run)
        if run.returncode != 0:
            print(f"mutation: mutmut stopped with status {run.returncode}", file=sys.stderr)
    text = report(work, modules, (time.time() - started) / 60)
    (WORK / "report.md").write_text(text)
    print(text)
    print(f"written: {WORK / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
