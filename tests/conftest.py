"""Shared fixtures: small models that run in well under a second."""

from __future__ import annotations

from pathlib import Path

import pytest

from bondsim import BondsimModel, Params

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def small_model() -> BondsimModel:
    return BondsimModel(Params(), households=600, kilns=20, districts=("A", "B"), seed=3)
