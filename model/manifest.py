"""Manifests: what was run, with what, from which code, so any output can be reproduced.

Every job's ``manifest.json`` (run, effect, batch, sweep, plan, calibration, discovery,
survey) starts with the same core, built by ``core``: the kind of job, when it was made, the
command line, bondsim's version, its git commit (or "installed package"), the package
versions, the resolved parameters each scenario ran with, the seeds, the sha256 of every
input file's content, and the prices the rupees are in (the base year and the sha256 of the
CPI table that converted them). The job's own keys follow.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import platform
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PACKAGES = ("bondsim", "mesa", "numpy", "scipy", "pandas", "matplotlib", "SALib", "pydantic")
INSTALLED = "installed package"  # the commit of a bondsim that is not a git checkout
CORE = ("kind", "created", "command", "bondsim", "git", "packages", "platform", "parameters",
        "seeds", "inputs", "prices")


def core(kind: str, *, parameters: Mapping[str, Any], seeds: Iterable[int],
         inputs: Sequence[dict[str, str]]) -> dict[str, Any]:
    """The keys every manifest starts with. ``parameters``: the ``Params`` each scenario (or
    district) ran with, by name; ``seeds``: the seeds the job's runs derive from;
    ``inputs``: from ``input_files``, taken when the job read them."""
    from . import __version__
    from .prices import manifest_entry

    return {
        "kind": kind,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": list(sys.argv),
        "bondsim": __version__,
        "git": git_state(),
        "packages": package_versions(),
        "platform": platform.platform(),
        "parameters": {name: resolved(params) for name, params in parameters.items()},
        "seeds": [int(s) for s in seeds],
        "inputs": list(inputs),
        "prices": manifest_entry(),
    }


def resolved(params: Any) -> dict[str, Any]:
    """Every parameter's value as used (a ``Params``), JSON-ready: the defaults included, so
    that a later change of a default cannot change what the manifest says was run."""
    return {k: list(v) if isinstance(v, tuple) else v
            for k, v in dataclasses.asdict(params).items()}


def input_files(*files: tuple[str, str | Path | None]) -> list[dict[str, str]]:
    """``(role, path)`` pairs as manifest entries: the role, the absolute path and the sha256
    of the content. Missing paths (no file, e.g. a scenario given as data) and repeats are
    left out. Take them when the job reads its inputs, not when it ends: a file edited during
    a long job would otherwise be recorded with content it did not run."""
    out, seen = [], set()
    for role, path in files:
        if path is None:
            continue
        file = Path(path).resolve()
        if file in seen or not file.is_file():
            continue
        seen.add(file)
        out.append({"role": role, "path": str(file), "sha256": sha256(file)})
    return out


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_state(package: Path | None = None) -> dict[str, Any]:
    """The commit of the git checkout that holds this bondsim's sources, and whether it has
    uncommitted changes; ``{"commit": "installed package"}`` when bondsim is not running from
    a checkout. The checkout must track the package's own files: a bondsim installed into
    the virtual environment of a user's unrelated repository must not report that
    repository's commit. ``commit`` is None when git cannot tell (git not installed)."""
    package = (package or Path(__file__).resolve().parent).resolve()
    if shutil.which("git") is None:  # whether this is a checkout cannot be told
        return {"commit": None, "dirty": None}

    def git(*args: str, where: Path = package) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(where), *args], capture_output=True,
                                  text=True, timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    top = git("rev-parse", "--show-toplevel") if package.is_dir() else None
    if top is None or not git("ls-files", "--", "."):  # no checkout, or not bondsim's
        return {"commit": INSTALLED, "dirty": None}
    commit = git("rev-parse", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no", where=Path(top))
    return {"commit": commit, "dirty": bool(dirty) if dirty is not None else None}


def build_manifest(scenario, *, seed: int, households: int, kilns: int,  # noqa: ANN001
                   months: int, params) -> dict[str, Any]:  # noqa: ANN001
    """The manifest of one run of ``scenario`` with the settings actually used."""
    spec = scenario.spec
    return {
        **core("run", parameters={spec.name: params}, seeds=[seed],
               inputs=input_files(("scenario", scenario.path))),
        "scenario": {
            "name": spec.name,
            "description": spec.description,
            "file": str(scenario.path) if scenario.path else None,
        },
        "seed": seed,
        "months": months,
        "population": {"households": households, "kilns": kilns,
                       "districts": list(spec.population.districts)},
        "parameter_overrides": {k: list(v) if isinstance(v, tuple) else v
                                for k, v in params.overrides().items()},
        "interventions": [item.model_dump() for item in spec.interventions],
    }
