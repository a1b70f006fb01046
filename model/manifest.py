"""Run manifests: what was run, with what, from which code, so any output can be reproduced."""

from __future__ import annotations

import dataclasses
import importlib.metadata
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PACKAGES = ("bondsim", "mesa", "numpy", "scipy", "pandas", "matplotlib", "SALib", "pydantic")


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_state(where: Path | None = None) -> dict[str, Any]:
    """The commit of the repository holding the bondsim sources, and whether it is dirty."""
    where = where or Path(__file__).resolve().parent

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(where), *args], capture_output=True,
                                  text=True, timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(dirty) if dirty is not None else None}


def build_manifest(scenario, *, seed: int, households: int, kilns: int,  # noqa: ANN001
                   months: int, params) -> dict[str, Any]:  # noqa: ANN001
    """The manifest of one run of ``scenario`` with the settings actually used."""
    spec = scenario.spec
    return {
        "kind": "run",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario": {
            "name": spec.name,
            "description": spec.description,
            "file": str(scenario.path) if scenario.path else None,
        },
        "seed": seed,
        "months": months,
        "population": {"households": households, "kilns": kilns,
                       "districts": list(spec.population.districts)},
        "parameters": {k: list(v) if isinstance(v, tuple) else v
                       for k, v in dataclasses.asdict(params).items()},
        "parameter_overrides": {k: list(v) if isinstance(v, tuple) else v
                                for k, v in params.overrides().items()},
        "interventions": [item.model_dump() for item in spec.interventions],
        "packages": package_versions(),
        "platform": platform.platform(),
        "git": git_state(),
        "command": sys.argv,
    }
