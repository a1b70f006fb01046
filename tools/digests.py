"""Output digests: does a change leave every shipped scenario's and experiment's files as they were?

    .venv/bin/python tools/digests.py check     # run everything small, compare with the record
    .venv/bin/python tools/digests.py record    # run everything small, write the record
    .venv/bin/python tools/digests.py check --keep /tmp/dig   # keep the outputs to diff them

A restructuring (issue 16) must change no output. This script runs, at a small size, every
shipped scenario (``bondsim run``), an effect, the example batch and its comparison, both example
sweeps, the district plan with its search, the calibration, the discovery and a survey, then a
report of each, through the command line as users run them, and hashes every file written. The
record is ``tools/digests.json`` (committed). ``check`` lists the files added, removed or
changed and exits 1 if any.

Small: the shipped experiment files are copied with their sizes cut (households, months,
replicates, samples, futures, the plan's kilns and search), keeping everything else. What
legitimately differs between two identical runs is taken out before hashing: the manifest's
creation time, command line, commit, package versions, platform and absolute paths, and the
report's copies of them. Runs are serial (``--workers 1``) so the script uses one core; bondsim
promises the same numbers serial or parallel, and its tests check that.

Digests depend on the installed numpy, pandas and Matplotlib: record and check on one machine
with the versions of ``constraints.txt``. Takes about 3 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "tools" / "digests.json"
HH, MONTHS = 300, 14  # months 1-14: one monsoon closure, one winter, quarterly payments

# (file, {key: small value}): top-level keys of the shipped experiment files, and of tables
SMALL: dict[str, dict[str, object]] = {
    "policies.toml": {"replicates": 2, "months": MONTHS, "households": HH},
    "sensitivity_screening.toml": {"samples": 2, "months": MONTHS, "households": HH},
    "sensitivity_sobol.toml": {"samples": 4, "months": MONTHS, "households": HH},
    "balochistan_pilot.toml": {"horizon": MONTHS, "replicates": 2, "draws": 2, "generations": 2,
                               "population": 2},
    "calibration_baseline.toml": {"samples": 24, "check_replicates": 2, "min_accepted": 3,
                                  "households": HH, "months": 36, "window": 12},
    "discovery_policies.toml": {"futures": 12, "households": HH, "months": MONTHS,
                                "window": 6},
}
# manifest keys that differ between two identical runs
VOLATILE = {"created", "command", "git", "packages", "platform", "elapsed_seconds", "seconds",
            "duration_seconds", "started", "finished"}


def small_copy(root: Path, sizes: dict[str, dict[str, object]] | None = None,
               kiln_divisor: int = 10) -> None:
    """The shipped scenarios, district profiles and experiments under ``root``, with sizes cut
    (``sizes``: :data:`SMALL` unless given; districts keep one kiln in ``kiln_divisor``)."""
    for data in ("scenarios", "experiments"):
        shutil.copytree(ROOT / data, root / data, ignore=shutil.ignore_patterns("__*"))
    for name, values in (SMALL if sizes is None else sizes).items():
        path = root / "experiments" / name
        text = path.read_text()
        for key, value in values.items():
            text, n = re.subn(rf"(?m)^(\s*{key}\s*=\s*)[^#\n]*", rf"\g<1>{value!r} ", text)
            if n == 0:
                text = _insert_top(text, key, value)
        path.write_text(text)
    for path in (root / "scenarios" / "districts").glob("*.toml"):
        # a tenth of the kilns (at least two) and five families a kiln
        text = re.sub(r"(?m)^(kilns = \{ value = )(\d+)",
                      lambda m: f"{m.group(1)}{max(2, int(m.group(2)) // kiln_divisor)}",
                      path.read_text())
        text = re.sub(r"(?m)^(families_per_kiln = \{ value = )(\d+)", r"\g<1>5", text)
        path.write_text(text)


def _insert_top(text: str, key: str, value: object) -> str:
    """A top-level key the file leaves at its default: set before the first table."""
    if key != "households":
        raise SystemExit(f"digests: no key {key!r} to cut in a shipped experiment file")
    lines = text.splitlines(keepends=True)
    first = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("[")), len(lines))
    lines.insert(first, f"{key} = {value!r}\n")
    return "".join(lines)


def jobs(root: Path, out: Path) -> list[list[str]]:
    """Every job, as the command line's arguments, writing under ``out``."""
    exp = root / "experiments"
    scenarios = sorted(p.stem for p in (ROOT / "scenarios").glob("*.toml"))
    small = ["--households", str(HH), "--months", str(MONTHS)]
    cmds = [["run", name, "--seed", "7", *small, "--out", str(out / f"run-{name}")]
            for name in scenarios]
    cmds += [
        ["effect", "combined_package", "--replicates", "2", "--seed", "5", *small,
         "--out", str(out / "effect")],
        ["batch", str(exp / "policies.toml"), "--workers", "1", "--out", str(out / "batch")],
        ["compare", str(out / "batch")],
        ["sweep", str(exp / "sensitivity_screening.toml"), "--workers", "1",
         "--out", str(out / "sweep-morris")],
        ["sweep", str(exp / "sensitivity_sobol.toml"), "--workers", "1",
         "--out", str(out / "sweep-sobol")],
        ["plan", str(exp / "balochistan_pilot.toml"), "--workers", "1", "--out", str(out / "plan")],
        ["calibrate", str(exp / "calibration_baseline.toml"), "--workers", "1",
         "--out", str(out / "calibration")],
        ["discover", str(exp / "discovery_policies.toml"), "--workers", "1",
         "--out", str(out / "discovery")],
        ["survey", "baseline", "--kilns", "4", "--replicates", "2", "--surveys", "20",
         "--seed", "3", *small, "--counts", "2,4", "--out", str(out / "survey")],
    ]
    reports = ["run-baseline", "effect", "batch", "sweep-morris", "sweep-sobol", "plan",
               "calibration", "discovery", "survey"]
    cmds += [["report", str(out / r)] for r in reports]
    return cmds


def run_all(root: Path) -> Path:
    small_copy(root)
    out = root / "outputs"
    bondsim = Path(sys.executable).with_name("bondsim")
    env = dict(os.environ, PYTHONHASHSEED="0", MPLBACKEND="Agg")
    for cmd in jobs(root, out):
        started = time.time()
        done = subprocess.run([str(bondsim), *cmd, "--quiet"] if _quiet(cmd) else
                              [str(bondsim), *cmd], cwd=root, env=env, capture_output=True,
                              text=True)
        if done.returncode != 0:
            sys.exit(f"digests: `bondsim {' '.join(cmd)}` failed ({done.returncode}):\n"
                     f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
        print(f"  {time.time() - started:5.1f} s  bondsim {' '.join(cmd[:2])}", flush=True)
    return out


def _quiet(cmd: list[str]) -> bool:
    return cmd[0] in {"run", "batch", "sweep", "plan", "calibrate", "discover"}


def normalised(path: Path, root: Path) -> bytes:
    """The file's bytes with what differs between identical runs taken out."""
    data = path.read_bytes()
    if path.suffix not in {".json", ".html", ".md", ".csv", ".txt", ".toml"}:
        return data
    text = data.decode("utf-8", errors="surrogateescape")
    if path.name == "manifest.json" or path.suffix == ".json":
        with contextlib.suppress(json.JSONDecodeError):  # a JSON lines file, say
            text = json.dumps(_drop(json.loads(text)), sort_keys=True, indent=1)
    if path.suffix == ".html":
        # the report's appendix repeats the manifest's volatile fields; its provenance line
        # gives the commit shortened to 12 digits, and whether the checkout was clean
        text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\+00:00|Z)?", "<time>", text)
        text = re.sub(r"\b[0-9a-f]{40}\b", "<commit>", text)
        text = re.sub(r"commit <code>[0-9a-f]{12}</code>(, with uncommitted changes \(the "
                      r"results may not be reproducible from the commit alone\)|, no "
                      r"uncommitted changes)", "commit <code><commit></code>", text)
    text = text.replace(str(root.resolve()), "<root>").replace(str(root), "<root>")
    # shipped scenarios named without a path are read from the checkout: where it lies differs
    text = text.replace(str(ROOT), "<checkout>")
    return text.encode("utf-8", errors="surrogateescape")


def _drop(value: object) -> object:
    if isinstance(value, dict):
        return {k: _drop(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_drop(v) for v in value]
    return value


def digests(out: Path, root: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(normalised(p, root)).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    ap.add_argument("action", choices=["check", "record"])
    ap.add_argument("--keep", type=Path, help="run in this folder and keep the outputs")
    args = ap.parse_args(argv)
    if args.keep:
        if args.keep.exists():
            shutil.rmtree(args.keep)
        args.keep.mkdir(parents=True)
        root = args.keep
    else:
        root = Path(tempfile.mkdtemp(prefix="bondsim-digests-"))
    started = time.time()
    try:
        now = digests(run_all(root), root)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print(f"digests: {len(now)} files in {time.time() - started:.0f} s")
    if args.action == "record":
        RECORD.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
        print(f"written: {RECORD}")
        return 0
    before = json.loads(RECORD.read_text())
    added = sorted(set(now) - set(before))
    removed = sorted(set(before) - set(now))
    changed = sorted(k for k in set(now) & set(before) if now[k] != before[k])
    for label, names in (("added", added), ("removed", removed), ("changed", changed)):
        for name in names:
            print(f"  {label}: {name}")
    if added or removed or changed:
        print(f"digests: {len(changed)} changed, {len(added)} added, {len(removed)} removed "
              f"of {len(before)} recorded files")
        return 1
    print(f"digests: all {len(now)} files identical to the record")
    return 0


if __name__ == "__main__":
    sys.exit(main())
