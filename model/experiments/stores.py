"""Saved runs: where every many-run job keeps each finished experiment, so that a job run
again with ``--resume`` does only what is missing and gives exactly the results of an
uninterrupted one.

Each store writes one file per finished experiment (or sample point), atomically, the moment
it arrives, and pins what the runs depend on in ``layout.json`` so that a folder can never
mix runs of two different jobs. Three layouts, one per kind of job (their files are part of
each job's outputs, so their names and formats are fixed):

- ``PointStore``: ``points/<index>.npy``, replicates x outcomes of one sample point (sweeps,
  calibration, discovery);
- ``RunStore``: ``<policy>/<replicate>.npy``, one run's outcomes by month, or its error in
  ``<replicate>.error.json`` (batches);
- ``JsonStore``: ``<key>.json``, what a run kept, as JSON (plans).

Used by the experiment core (``bondsim.experiments.experiment``); imports nothing of the model.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import BondsimError
from ..io import write_json


def save_npy(path: Path, values: np.ndarray) -> None:
    """Write atomically: to a temporary name beside the file, then rename it into place (one
    experiment's file is written by one process only, so a fixed temporary name is safe)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        np.save(handle, values, allow_pickle=False)
    os.replace(tmp, path)


def pin(folder: Path, layout: dict[str, Any], job: str) -> None:
    """Pin ``layout`` (and this bondsim's version) to the folder, or refuse a folder pinned
    to another: a resumed job must be the same job."""
    from .. import __version__

    layout = json.loads(json.dumps({"bondsim": __version__, **layout}))  # as saved
    file = folder / "layout.json"
    if file.exists():
        if json.loads(file.read_text()) != layout:
            raise BondsimError(f"{folder}: its saved runs belong to another {job} (other "
                               f"settings, inputs, seeds or bondsim version); use a new --out "
                               f"folder")
    else:
        write_json(file, layout)


@dataclass
class PointStore:
    """A folder of finished sample points, ``points/<index>.npy`` (replicates x outcomes),
    each written atomically; ``layout.json`` pins the sample, seeds and outcomes so that a
    resumed sweep can never mix points from two different sweeps. ``job`` names the kind of
    job (sweep, calibration, discovery, plan) in messages."""

    folder: Path
    job: str = "sweep"

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)

    def path(self, index: int) -> Path:
        return self.folder / "points" / f"{index:06d}.npy"

    def check(self, layout: dict) -> None:
        """Pin ``layout`` (and this bondsim's version) to the folder, or refuse a folder pinned
        to another."""
        pin(self.folder, layout, self.job)

    def save(self, index: int, values: np.ndarray) -> None:
        save_npy(self.path(index), values)

    def load(self, index: int) -> np.ndarray | None:
        path = self.path(index)
        return np.load(path, allow_pickle=False) if path.exists() else None


@dataclass
class RunStore:
    """A folder of single runs, ``<policy>/<replicate>.npy`` (months x outcomes, in the
    order ``layout`` names), or ``<replicate>.error.json`` for a run that raised."""

    folder: Path

    def path(self, policy: str, replicate: int) -> Path:
        return self.folder / policy / f"{replicate:05d}.npy"

    def error_path(self, policy: str, replicate: int) -> Path:
        return self.folder / policy / f"{replicate:05d}.error.json"

    def save(self, policy: str, replicate: int, values: np.ndarray) -> None:
        self.error_path(policy, replicate).unlink(missing_ok=True)
        save_npy(self.path(policy, replicate), values)

    def save_error(self, policy: str, replicate: int, record: dict[str, Any]) -> None:
        write_json(self.error_path(policy, replicate), record)

    def check_columns(self, columns: list[str], where: Path) -> None:
        """Run files store their columns in one order: refuse to resume runs saved with
        another (by another version of bondsim)."""
        layout = self.folder / "layout.json"
        if layout.exists():
            if json.loads(layout.read_text())["outcomes"] != columns:
                raise BondsimError(f"{where}: its runs were saved by a version of bondsim with "
                                   f"other outcomes; start the batch again in a new --out "
                                   f"folder")
        else:
            write_json(layout, {"outcomes": columns})


@dataclass
class JsonStore:
    """A folder of runs kept as JSON, ``<key>.json`` (the key may hold ``/``: sub-folders)."""

    folder: Path

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def save(self, key: str, kept: dict[str, Any]) -> None:
        write_json(self.path(key), kept)

    def load(self, key: str) -> dict[str, Any] | None:
        path = self.path(key)
        return json.loads(path.read_text()) if path.exists() else None
