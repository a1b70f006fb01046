"""Shared fixtures: small models that run in well under a second, and the small input files
several tests write (``tests/data/``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from bondsim import BondsimModel, Params

# The property tests draw the same examples on every run, so a red CI is a bug in the change,
# not the luck of the draw; BONDSIM_HYPOTHESIS=explore searches afresh (docs/testing.md).
settings.register_profile("reproducible", derandomize=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("BONDSIM_HYPOTHESIS", "reproducible"))

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

#: two small district profiles (North, South) for plans, their reports and manifests; a plan
#: file names them ``districts_file = "districts.toml"`` beside it
DISTRICTS = (DATA / "districts.toml").read_text(encoding="utf-8")


@pytest.fixture
def small_model() -> BondsimModel:
    return BondsimModel(Params(), households=600, kilns=20, districts=("A", "B"), seed=3)
