"""District profiles: each district's kiln sector, every figure with its source.

A profile file (TOML, in ``scenarios/districts/``; the format is in ``FORMAT.md`` there) lists
districts with their kilns, families per kiln, baseline indebtedness, inspection capacity,
identity-card holding, cash-transfer coverage and outside work options. Each value is written
``{ value = ..., source = "..." }`` so that a planner sees at once which figures are measured
and which are assumptions; a rupee figure adds ``price_year``, the fiscal year of its prices.
The terms of the province (notified piece rate, brick price, need per person: ``[terms]`` at
the top of the file) apply to each district that does not give its own.

``district_scenario`` turns a profile into the data of a scenario (population, parameter
overrides, and the existing cash-transfer programme as a background intervention that every
strategy and the baseline share and that is not charged to a plan).
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import BondsimError
from ..prices import BASE_YEAR, check_year, is_money, to_base
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


class Money(BaseModel):
    """A rupee figure with the fiscal year of its prices and where it comes from."""

    model_config = STRICT
    value: float = Field(gt=0.0)
    price_year: int
    source: str = Field(min_length=3)

    @field_validator("price_year")
    @classmethod
    def _year_in_table(cls, year: int) -> int:
        return check_year(year)

    def in_base_year(self) -> float:
        """The figure in rupees of the model's base year (``prices.py``)."""
        return to_base(self.value, self.price_year)


class Terms(BaseModel):
    """What kiln work pays and living costs: the province's, or one district's own."""

    model_config = STRICT
    notified_piece_rate: Money | None = None
    brick_price: Money | None = None
    need_per_person: Money | None = None


#: the profile fields that become parameters of the district's scenario
TERM_FIELDS = ("notified_piece_rate", "brick_price", "need_per_person")


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
    outside_option_share: Share | None = None
    notified_piece_rate: Money | None = None
    brick_price: Money | None = None
    need_per_person: Money | None = None
    parameters: dict[str, Sourced] = Field(default_factory=dict)

    @property
    def households(self) -> int:
        return self.kilns.value * self.families_per_kiln.value


class ProfileFile(BaseModel):
    model_config = STRICT
    province: str = Field(min_length=1)
    description: str = ""
    terms: Terms = Field(default_factory=Terms)
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
    return {d.name: with_terms(d, spec.terms) for d in spec.districts}


def with_terms(district: DistrictProfile, terms: Terms) -> DistrictProfile:
    """The district with the province's terms where it gives none of its own."""
    missing = {name: getattr(terms, name) for name in TERM_FIELDS
               if getattr(district, name) is None and getattr(terms, name) is not None}
    return district.model_copy(update=missing) if missing else district


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
    population and figures, the background cash transfer, then ``interventions``. It is in
    base-year rupees (no ``price_year``): the base scenario's rupee parameters are converted
    from its ``price_year`` here, as the profile's terms are, since one scenario has one."""
    parameters = base_parameters(base)
    parameters.update({
        "initial_indebted_share": profile.indebted_share.value,
        "cnic_share": profile.cnic_share.value,
        "exit_rate_debt_free": profile.exit_rate_debt_free.value,
    })
    # the province's terms and the district's labour market (``local_terms.py``): a scenario of
    # one district gives them as its parameters, in base-year rupees
    parameters.update({name: money.in_base_year() for name in TERM_FIELDS
                       if (money := getattr(profile, name)) is not None})
    if profile.outside_option_share is not None:
        parameters["outside_option_share"] = profile.outside_option_share.value
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


def base_parameters(base: dict[str, Any]) -> dict[str, Any]:
    """A base scenario's ``[parameters]`` with its rupee parameters in base-year rupees (the
    file may give them in its ``price_year``'s prices); other entries as they are, for the
    scenario's validation to judge."""
    from ..simulation.parameters import PARAM_INFO

    parameters = dict(base.get("parameters", {}))
    year = base.get("price_year", BASE_YEAR)
    if year == BASE_YEAR:
        return parameters
    check_year(year)  # ValueError: the plan's loader names the file (``check_base``)
    return {k: to_base(v, year) if (k in PARAM_INFO and is_money(PARAM_INFO[k].unit)
                                    and isinstance(v, int | float) and not isinstance(v, bool))
            else v for k, v in parameters.items()}


def check_base(base: dict[str, Any], source: str) -> None:
    """A base scenario's ``price_year``, if it gives one, is a year of the CPI table."""
    if "price_year" not in base:
        return
    try:
        check_year(base["price_year"])
    except ValueError as exc:
        raise BondsimError(f"{source}: field 'price_year': value {base['price_year']!r} is not "
                           f"a price year; expected {exc}") from None


def _typed(name: str, value: float) -> float | int:
    """Integer parameters get an integer (scenario validation is strict)."""
    import dataclasses

    from ..simulation.parameters import Params
    default = {f.name: f.default for f in dataclasses.fields(Params)}[name]
    return round(value) if isinstance(default, int) else value


def _slug(name: str) -> str:
    slug = "".join(c if c.isalnum() or c in "_.-" else "_" for c in name)
    return slug if slug[:1].isalnum() else f"d{slug}"
