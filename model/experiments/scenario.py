"""Scenario files: TOML, validated before anything runs.

A scenario names the run (name, description), its horizon in months, its seed, its
population (households, kilns, districts) and parameter overrides::

    name = "baseline"
    description = "No intervention."
    horizon = 120
    seed = 20240101

    [population]
    households = 10000
    districts = ["Kasur"]

    [parameters]
    markup_annual = 0.2

    [[interventions]]
    type = "cash_transfer"
    start = 13
    coverage = 0.6

Rupee figures are read in rupees of the base year (``prices.py``); a file whose
figures are in another year's prices says so with ``price_year = 2025`` at the top (for its
``[parameters]`` and every intervention entry) or in an entry (for that entry's fields).

Validation uses pydantic (strict types, unknown keys forbidden); every problem becomes one line
naming the file, the field, the value and what was expected, with a did-you-mean suggestion for
a misspelt key. Values outside a parameter's plausible range are allowed but warned about.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from ..errors import BondsimError
from ..interventions import REGISTRY, spec_union
from ..io import read_toml
from ..prices import BASE_YEAR, check_year, is_money, shown_unit, to_base
from ..shipped import locate
from ..simulation.local_terms import LOCAL
from ..simulation.parameters import CHOICES, PARAM_INFO, Params

STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
SpecT = TypeVar("SpecT", bound=BaseModel)
MAX_HORIZON = 1200  # months: a century is more than any policy question needs
# About 60 times Pakistan's kiln families (18-20k kilns x 30-40 families): more is a typo. Every
# file kind that sets households (scenario, experiment, sweep, calibration, discovery) uses it.
MAX_HOUSEHOLDS = 50_000_000


def _param_field(name: str, default: Any) -> tuple[Any, Any]:
    info = PARAM_INFO[name]
    low, high = info.valid
    if name in CHOICES:  # a named value, or its position in CHOICES (a sweep's number)
        options = CHOICES[name]
        position = Annotated[int, Field(ge=0, le=len(options) - 1)]
        return (Literal[options] | position | None, None)  # type: ignore[valid-type]
    if isinstance(default, tuple):
        item = Annotated[int, Field(ge=low, le=high)]
        return (list[item] | None, None)
    kind = int if isinstance(default, int) and not isinstance(default, bool) else float
    return (Annotated[kind | None, Field(ge=low, le=high)], None)


ParameterOverrides = create_model(
    "ParameterOverrides",
    __config__=STRICT,
    **{f.name: _param_field(f.name, f.default) for f in dataclasses.fields(Params)},
)
#: a district's own values of the parameters that may differ by district (``local_terms``)
DistrictParameters = create_model(
    "DistrictParameters",
    __config__=STRICT,
    **{f.name: _param_field(f.name, f.default) for f in dataclasses.fields(Params)
       if f.name in LOCAL},
)


class Population(BaseModel):
    """Who is simulated: households, kilns and the districts they are in, with any district's
    own piece rate, brick price, need per person or outside work options
    (``district_parameters``, by district name; ``local_terms.py``)."""

    model_config = STRICT
    households: int = Field(10_000, ge=1, le=MAX_HOUSEHOLDS)
    kilns: int | None = Field(None, ge=1)
    districts: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=lambda: ["district"], min_length=1)
    district_parameters: dict[str, DistrictParameters] = Field(  # type: ignore[valid-type]
        default_factory=dict)

    def local_overrides(self) -> dict[str, dict[str, float]]:
        """The districts' own values, as ``BondsimModel(district_parameters=...)`` takes them."""
        return {name: values.model_dump(exclude_none=True)
                for name, values in self.district_parameters.items()}


class _ScenarioFields(BaseModel):
    """A scenario file's fields but its interventions (``ScenarioSpec`` adds them)."""

    model_config = STRICT
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = ""
    horizon: int = Field(120, ge=1, le=MAX_HORIZON)
    seed: int = Field(0, ge=0, lt=2**63)
    population: Population = Field(default_factory=Population)
    parameters: ParameterOverrides = Field(default_factory=ParameterOverrides)  # type: ignore[valid-type]
    price_year: int = BASE_YEAR

    @field_validator("price_year")
    @classmethod
    def _year_in_table(cls, year: int) -> int:
        """The prices of the file's rupee figures: a year the CPI table can convert."""
        return check_year(year)


def scenario_spec() -> type[_ScenarioFields]:
    """The schema of a scenario file, its interventions drawn from the types registered now
    (a type registered after import, e.g. by a user's module, is included)."""
    global ScenarioSpec, _spec_kinds
    kinds = tuple(REGISTRY.items())
    if kinds != _spec_kinds:
        item = Annotated[spec_union(), Field(discriminator="type")]  # type: ignore[valid-type]
        ScenarioSpec = create_model(
            "ScenarioSpec", __base__=_ScenarioFields, __module__=__name__,
            __doc__="The validated content of a scenario file.",
            interventions=(list[item], Field(default_factory=list)))  # type: ignore[valid-type]
        _spec_kinds = kinds
    return ScenarioSpec


_spec_kinds: tuple[tuple[str, type], ...] = ()
ScenarioSpec = scenario_spec()  # the schema as of import; scenario_spec() keeps it current


@dataclasses.dataclass(frozen=True)
class Scenario:
    """A scenario ready to run: the spec, its resolved parameters and where it came from."""

    spec: ScenarioSpec
    params: Params
    path: Path | None = None
    warnings: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.spec.name


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raise ``BondsimError`` with every problem found."""
    path = locate(path, "scenario")
    data = read_toml(path, "scenario")
    return scenario_from_dict(data, source=str(path), path=path)


def scenario_from_dict(data: dict[str, Any], *, source: str = "<scenario>",
                       path: Path | None = None) -> Scenario:
    """Validate a scenario given as a dict (the parsed TOML)."""
    try:
        spec = scenario_spec().model_validate(with_price_year(data))
    except ValidationError as exc:
        raise BondsimError("\n".join(format_errors(exc, source, scenario_spec()))) from None
    spec = in_base_year(spec)
    overrides = {k: (tuple(v) if isinstance(v, list) else v)
                 for k, v in spec.parameters.model_dump(exclude_none=True).items()}
    params = dataclasses.replace(Params(), **overrides)
    problems = cross_checks(params) + intervention_checks(spec) + population_checks(spec)
    if problems:
        raise BondsimError("\n".join(f"{source}: {p}" for p in problems))
    return Scenario(spec=spec, params=params, path=path,
                    warnings=tuple(f"{source}: {w}" for w in plausibility_warnings(overrides)))


def with_price_year(data: dict[str, Any]) -> dict[str, Any]:
    """The scenario's data with the file's ``price_year`` given to every intervention entry
    that has none of its own (an entry converts its own rupee fields)."""
    year = data.get("price_year") if isinstance(data, dict) else None
    items = data.get("interventions") if isinstance(data, dict) else None
    try:
        check_year(year)  # type: ignore[arg-type]
    except ValueError:
        return data  # none, or not a year: validation says so once, at the top
    if not isinstance(items, list):
        return data
    return {**data, "interventions": [
        {"price_year": year, **item} if isinstance(item, dict) and "price_year" not in item
        else item for item in items]}


def in_base_year(spec: _ScenarioFields) -> Any:
    """``spec`` with its rupee parameters in base-year rupees (the file may give them in its
    ``price_year``'s prices); it then says it is in base-year prices, so that validating it
    again converts nothing twice."""
    if spec.price_year == BASE_YEAR:
        return spec
    given = spec.parameters.model_dump(exclude_none=True)
    money = {k: to_base(v, spec.price_year) for k, v in given.items()
             if is_money(PARAM_INFO[k].unit)}
    local = {name: values.model_copy(update={
        k: to_base(v, spec.price_year) for k, v in values.model_dump(exclude_none=True).items()
        if is_money(PARAM_INFO[k].unit)})
        for name, values in spec.population.district_parameters.items()}
    population = spec.population.model_copy(update={"district_parameters": local})
    return spec.model_copy(update={"price_year": BASE_YEAR, "population": population,
                                   "parameters": spec.parameters.model_copy(update=money)})


def cross_checks(params: Params) -> list[str]:
    """Constraints between parameters that single-field validation cannot see."""
    problems = []
    for low, high in (("paid_ratio_low", "paid_ratio_high"),
                      ("deduction_share_low", "deduction_share_high")):
        if getattr(params, low) > getattr(params, high):
            problems.append(f"field 'parameters.{low}': value {getattr(params, low)!r} exceeds "
                            f"parameters.{high} = {getattr(params, high)!r}; expected low <= high")
    if params.illness_rate + params.funeral_rate + params.marriage_rate > 1.0:
        problems.append("fields 'parameters.illness_rate', 'funeral_rate', 'marriage_rate': "
                        "their sum exceeds 1; expected monthly probabilities summing to <= 1")
    return problems


def population_checks(spec: ScenarioSpec) -> list[str]:
    """A district's own parameters name a district of the population."""
    districts = spec.population.districts
    unknown = [d for d in spec.population.district_parameters if d not in districts]
    if unknown:
        return [f"field 'population.district_parameters': value {unknown!r} names districts "
                f"not in population.districts; expected some of {districts}"]
    return []


def intervention_checks(spec: ScenarioSpec) -> list[str]:
    """Constraints on the interventions list: windows that make sense, distinct labels."""
    problems = []
    names = []
    for i, item in enumerate(spec.interventions):
        if item.end is not None and item.end < item.start:
            problems.append(f"field 'interventions.{i}.end': value {item.end!r} is before "
                            f"start = {item.start}; expected end >= start")
        if item.pacing == "even" and (item.end is None or item.budget is None):
            problems.append(f"field 'interventions.{i}.pacing': value 'even' needs both a "
                            f"budget and an end month; expected them set, or pacing = "
                            f"'as_needed'")
        names.append(item.label or item.type)
        wanted = getattr(item, "districts", None) or []
        unknown = [d for d in wanted if d not in spec.population.districts]
        if unknown:
            problems.append(f"field 'interventions.{i}.districts': value {unknown!r} names "
                            f"districts not in population.districts; expected some of "
                            f"{spec.population.districts}")
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"field 'interventions': two interventions are named {name!r}; "
                        f"expected distinct labels (set 'label' on repeated types)")
    return problems


def plausibility_warnings(overrides: dict[str, Any]) -> list[str]:
    """Overrides outside the plausible range: allowed (sweeps go there), but worth a note."""
    out = []
    for name, value in overrides.items():
        rng = PARAM_INFO[name].plausible
        if rng and not isinstance(value, tuple) and not rng[0] <= value <= rng[1]:
            out.append(f"field 'parameters.{name}': value {value!r} is outside the plausible "
                       f"range {rng[0]:g}-{rng[1]:g} ({shown_unit(PARAM_INFO[name].unit)})")
    return out


def read_spec(path: Path, kind: str, model: type[SpecT]) -> SpecT:
    """Read an input file (TOML) and validate it against ``model``: every problem becomes one
    line naming the file, the field, the value and what was expected."""
    data = read_toml(path, kind)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BondsimError("\n".join(format_errors(exc, str(path), model))) from None


def format_errors(exc: ValidationError, source: str, model: type[BaseModel]) -> list[str]:
    """One line per pydantic error: file, field, value, expected (and a did-you-mean)."""
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if str(p) not in REGISTRY)
        value = err.get("input")
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            tag = value.get("type") if isinstance(value, dict) else None
            hint = difflib.get_close_matches(str(tag), list(REGISTRY), n=1, cutoff=0.6)
            known = ", ".join(sorted(REGISTRY))
            got = "no type" if tag is None else f"type {tag!r}"
            lines.append(f"{source}: field '{loc}.type': {got} is not an intervention; "
                         + (f"did you mean '{hint[0]}'? " if hint else "")
                         + f"expected one of: {known}")
        elif err["type"] == "extra_forbidden":
            known = _keys_at(model, err["loc"][:-1])
            hint = difflib.get_close_matches(str(err["loc"][-1]), known, n=1, cutoff=0.6)
            expected = f"did you mean '{hint[0]}'?" if hint else (
                "expected one of: " + ", ".join(sorted(known)))
            lines.append(f"{source}: unknown field '{loc}'; {expected}")
        elif err["type"] == "missing":
            lines.append(f"{source}: field '{loc}' is missing; it is required")
        else:
            lines.append(f"{source}: field '{loc}': value {value!r} is invalid; "
                         f"expected {_expected(err)}")
    return lines


def _expected(err: dict[str, Any]) -> str:
    msg: str = err["msg"]
    for prefix in ("Input should be ", "Value should be ", "String should ", "Value error, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    return msg.replace("a valid ", "")


def _keys_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the (nested) model found at ``loc``."""
    for part in loc:
        if isinstance(part, int):
            continue
        if str(part) in REGISTRY:  # the tag of an intervention in the list
            model = REGISTRY[str(part)].spec_class
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        inner = _model_in(field.annotation)
        if inner is None:
            return []
        model = inner
    return list(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
