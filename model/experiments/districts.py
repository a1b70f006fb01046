"""District profiles: each district's kiln sector, every figure with its source.

A profile file (TOML, in ``scenarios/districts/``; the format is in ``FORMAT.md`` there) lists
districts with their kilns, families per kiln, baseline indebtedness, inspection capacity,
identity-card holding, cash-transfer coverage and outside work options. Each value is written
``{ value = ..., source = "..." }`` so that a planner sees at once which figures are measured
and which are assumptions.

``district_scenario`` turns a profile into the data of a scenario (population, parameter
overrides, and the existing cash-transfer programme as a background intervention that every
strategy and the baseline share and that is not charged to a plan).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..errors import BondsimError
from ..shipped import locate
from .scenario import read_spec

STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
BACKGROUND = "existing_cash_transfer"  # the label of the background programme


class Sourced(BaseModel):
    """A value with where it comes from."""

    model_config = STRICT
    value: float
    source: str = Field(min_length=3)


class Count(BaseModel):
    model_config = STRICT
    value: int = Field(ge=1)
    source: str = Field(min_length=3)


class Share(BaseModel):
    model_config = STRICT
    value: float = Field(ge=0.0, le=1.0)
    source: str = Field(min_length=3)


class Capacity(BaseModel):
    model_config = STRICT
    value: int = Field(ge=0)
    source: str = Field(min_length=3)


class DistrictProfile(BaseModel):
    """One district's kiln sector."""

    model_config = STRICT
    name: str = Field(min_length=1)
    kilns: Count
    families_per_kiln: Count
    indebted_share: Share
    inspections_per_month: Capacity
    cnic_share: Share
    cash_transfer_coverage: Share
    exit_rate_debt_free: Share
    parameters: dict[str, Sourced] = Field(default_factory=dict)

    @property
    def households(self) -> int:
        return self.kilns.value * self.families_per_kiln.value


class ProfileFile(BaseModel):
    model_config = STRICT
    province: str = Field(min_length=1)
    description: str = ""
    districts: list[DistrictProfile] = Field(min_length=1)


def load_districts(path: str | Path) -> dict[str, DistrictProfile]:
    """Read and validate a district profile file: the districts by name."""
    path = locate(path, "district profile")
    spec = read_spec(path, "district profile", ProfileFile)
    names = [d.name for d in spec.districts]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise BondsimError(f"{path}: field 'districts': {repeated} appear more than once; "
                           f"expected distinct district names")
    from ..simulation.parameters import PARAM_INFO
    for i, district in enumerate(spec.districts):
        for name in district.parameters:
            if name not in PARAM_INFO:
                hint = difflib.get_close_matches(name, list(PARAM_INFO), n=1)
                raise BondsimError(f"{path}: field 'districts.{i}.parameters.{name}': not a "
                                   f"model parameter" + (f"; did you mean {hint[0]!r}?"
                                                          if hint else ""))
    return {d.name: d for d in spec.districts}


def pick(profiles: dict[str, DistrictProfile], wanted: list[str], source: str,
         field: str = "districts") -> list[DistrictProfile]:
    """The named districts, or a clear error naming the unknown ones."""
    unknown = [w for w in wanted if w not in profiles]
    if unknown:
        hints = {u: difflib.get_close_matches(u, list(profiles), n=1) for u in unknown}
        said = ", ".join(f"{u!r}" + (f" (did you mean {h[0]!r}?)" if h else "")
                         for u, h in hints.items())
        raise BondsimError(f"{source}: field '{field}': unknown districts {said}; expected "
                           f"some of: {', '.join(profiles)}")
    return [profiles[w] for w in wanted]


def district_scenario(profile: DistrictProfile, base: dict[str, Any], horizon: int,
                      interventions: list[dict[str, Any]]) -> dict[str, Any]:
    """The data of a scenario for one district: the base scenario's parameters, the profile's
    population and figures, the background cash transfer, then ``interventions``."""
    parameters = dict(base.get("parameters", {}))
    parameters.update({
        "initial_indebted_share": profile.indebted_share.value,
        "cnic_share": profile.cnic_share.value,
        "exit_rate_debt_free": profile.exit_rate_debt_free.value,
    })
    parameters.update({k: _typed(k, v.value) for k, v in profile.parameters.items()})
    background = []
    if profile.cash_transfer_coverage.value > 0:
        background.append({"type": "cash_transfer", "label": BACKGROUND,
                           "coverage": profile.cash_transfer_coverage.value})
    return {
        "name": _slug(profile.name),
        "horizon": horizon,
        "population": {"households": profile.households, "kilns": profile.kilns.value,
                       "districts": [profile.name]},
        "parameters": parameters,
        "interventions": background + interventions,
    }


def _typed(name: str, value: float) -> float | int:
    """Integer parameters get an integer (scenario validation is strict)."""
    import dataclasses

    from ..simulation.parameters import Params
    default = {f.name: f.default for f in dataclasses.fields(Params)}[name]
    return round(value) if isinstance(default, int) else value


def _slug(name: str) -> str:
    slug = "".join(c if c.isalnum() or c in "_.-" else "_" for c in name)
    return slug if slug[:1].isalnum() else f"d{slug}"
