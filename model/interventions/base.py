"""What every intervention shares: when it acts, what it may spend, its public cost, and the
registry of intervention types.

Rupee fields are in rupees of the base year (``prices.py``): a field's default is
its source figure converted from the figure's price year (``rupees``), and an entry of a
scenario file may give its figures in another year's prices (``price_year``), which the
validation converts.

An intervention is configured by a pydantic spec (one per type, validated with the scenario
file) and acts once a month at stage 0 of the model's step, before the rules, and at any other
point of the month (``points.py``) where it defines an ``on_<point>`` method. It spends at
most its budget cap over the run: ``act`` is told how much is left and must not spend more.

Defining a subclass with its own ``spec_class`` registers it under the spec's ``type``
literal in ``REGISTRY``, from which the scenario schema is built: no list to keep by hand.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..prices import BASE_YEAR, check_year, is_money, to_base
from ..simulation.points import Column

if TYPE_CHECKING:
    from ..simulation.model import BondsimModel

#: every intervention type by the ``type`` a scenario names, in the order they were defined
REGISTRY: dict[str, type[Intervention]] = {}


def about(unit: str, source: str = "", *, label: str, price_year: int | None = None,
          figure: float | None = None) -> dict[str, Any]:
    """A field's unit, source and label, kept beside its default and bounds (in its JSON
    schema extra) so that ``bondsim params``, ``docs/parameters.md`` and the plots of a sweep
    that varies it can show them. A source cites ``docs/references.md`` by key (``[@key]``) or
    starts with *assumption*; switches and choices have none. The label is the field's name
    for a reader, a few words (the intervention's type is said beside it). A rupee field also
    has the price year of its figure (``rupees``)."""
    extra: dict[str, Any] = {"unit": unit, "source": source, "label": label}
    if price_year is not None:
        extra["price_year"] = check_year(price_year)
    if figure is not None:
        extra["figure"] = figure
    return extra


def rupees(figure: float, price_year: int, unit: str, source: str = "", *,
           label: str) -> dict[str, Any]:
    """A rupee field's default and metadata, for ``Field(..., **rupees(...))``: the default is
    ``figure`` (rupees of ``price_year``, the year of the source's prices) in base-year
    rupees; the metadata keeps the figure and its year."""
    return {"default": to_base(figure, check_year(price_year)),
            "json_schema_extra": about(unit, source, label=label, price_year=price_year,
                                       figure=figure)}


def money_fields(spec_class: type[BaseModel]) -> list[str]:
    """The fields of ``spec_class`` in rupees: those a ``price_year`` converts."""
    out = []
    for name, field in spec_class.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if is_money(str(extra.get("unit", ""))):
            out.append(name)
    return out


class InterventionSpec(BaseModel):
    """Fields common to all interventions in a scenario file's ``[[interventions]]`` list."""

    model_config = ConfigDict(extra="forbid", strict=True)
    type: str
    label: str | None = Field(
        None,
        description="name in outputs (default: the type)",
        json_schema_extra=about("text", label="name in outputs"))
    start: int = Field(
        1, ge=1,
        description="first month it acts",
        json_schema_extra=about("month", label="first month"))
    end: int | None = Field(
        None, ge=1,
        description="last month it acts (default: the horizon)",
        json_schema_extra=about("month", label="last month"))
    budget: float | None = Field(
        None, ge=0,
        description="most it may spend over the run",
        json_schema_extra=about("Rs", price_year=BASE_YEAR, label="budget"))
    pacing: Literal["as_needed", "even"] = Field(
        "as_needed",
        description="as_needed: spend until the budget runs out; even: spread the budget evenly "
                    "over start..end (needs budget and end)",
        json_schema_extra=about("choice", label="pacing of spending"))
    price_year: int = Field(
        BASE_YEAR,
        description=f"fiscal year whose prices the entry's rupee figures are in; they are "
                    f"converted to {BASE_YEAR} rupees when read",
        json_schema_extra=about("fiscal year", "CPI table [@pbs-cpi]",
                                label="price year of its figures"))

    @field_validator("price_year")
    @classmethod
    def _year_in_table(cls, year: int) -> int:
        """A price year must be one the CPI table can convert."""
        return check_year(year)

    @model_validator(mode="after")
    def _in_base_year(self) -> Self:
        """Rupee figures given in another year's prices, in base-year rupees: the defaults
        are in base-year rupees already. The spec then says it is in base-year prices, so
        validating its dump again converts nothing twice."""
        if self.price_year != BASE_YEAR:
            for name in set(money_fields(type(self))) & self.model_fields_set:
                value = getattr(self, name)
                if value is not None:
                    self.__dict__[name] = to_base(value, self.price_year)
            self.__dict__["price_year"] = BASE_YEAR
        return self


def in_districts(model: BondsimModel, wanted: Sequence[str] | None, owner: str) -> np.ndarray:
    """Per district of ``model``, whether it is among ``wanted`` (all when None); an unknown
    name is an error naming the intervention ``owner``."""
    names = model.district_names
    wanted = names if wanted is None else wanted
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        raise ValueError(f"{owner}: unknown districts {unknown}; the model has {names}")
    return np.array([name in wanted for name in names])


def affordable(allowance: float, unit_cost: float, most: int) -> int:
    """How many units (visits, payments, registrations) at ``unit_cost`` fit in
    ``allowance``, and never more than ``most``."""
    if unit_cost <= 0 or not np.isfinite(allowance):
        return most
    return min(most, max(int(allowance // unit_cost), 0))


def spec_type(spec_class: type[InterventionSpec]) -> str:
    """The ``type`` a scenario names for ``spec_class``: its ``type`` field's one literal."""
    kinds = typing.get_args(spec_class.model_fields["type"].annotation)
    if len(kinds) != 1 or not isinstance(kinds[0], str):
        raise TypeError(f"{spec_class.__name__}.type must be one string literal, "
                        f"e.g. Literal['cash_transfer']")
    return kinds[0]


class Intervention:
    """Base class: timing, budget and cost bookkeeping; subclasses implement ``act``, may act
    at the month's points (``on_<point>`` methods, ``points.py``) and may declare the columns
    they add to households or owners in ``columns`` (created only when they are in the run)."""

    spec_class: ClassVar[type[InterventionSpec]] = InterventionSpec
    columns: ClassVar[Mapping[str, Column]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        """Register a subclass that names its own spec; a type may be defined only once
        (redefining the same class, as on a module's reload, replaces it)."""
        super().__init_subclass__(**kwargs)
        spec = cls.__dict__.get("spec_class")
        if spec is None:
            return
        kind = spec_type(spec)
        known = REGISTRY.get(kind)
        if known is not None and (known.__module__, known.__qualname__) != (
                cls.__module__, cls.__qualname__):
            raise TypeError(f"intervention type {kind!r} is defined twice: by "
                            f"{known.__module__}.{known.__qualname__} and "
                            f"{cls.__module__}.{cls.__qualname__}")
        REGISTRY[kind] = cls

    def __init__(self, spec: InterventionSpec) -> None:
        self.spec = spec
        self.spent = 0.0
        self._month_cost = 0.0

    @property
    def name(self) -> str:
        return self.spec.label or self.spec.type

    def uniforms(self, model: BondsimModel, process: str, n: int) -> np.ndarray:
        """``n`` uniform numbers for one of this intervention's random processes, from a
        stream of its own (``intervention:<name>:<process>``). Draw one per household or per
        kiln every month and index it, never as many as this month's events: paired
        scenarios then give the same family or kiln the same number (common random numbers),
        and a policy that changes how many families are found does not reshuffle who is
        visited, convicted or sold in every later month."""
        return model.streams[f"intervention:{self.name}:{process}"].random(n)

    def active(self, month: int) -> bool:
        end = self.spec.end
        return month >= self.spec.start and (end is None or month <= end)

    def step(self, model: BondsimModel) -> None:
        """Stage 0: act if this month is in the intervention's window and money is left."""
        self._month_cost = 0.0
        if not self.active(model.steps):
            self.idle(model)
            return
        left = self.allowance(model.steps)
        cost = self.act(model, max(left, 0.0))
        if cost > left + 1e-6:
            raise AssertionError(f"{self.name} spent Rs {cost:,.0f} with Rs {left:,.0f} left")
        self._month_cost = cost
        self.spent += cost

    def allowance(self, month: int) -> float:
        """What may be spent this month: the rest of the budget, or with even pacing the
        budget's share for the months of the window so far less what was spent (so a month
        that spent less leaves more for the next)."""
        s = self.spec
        if s.budget is None:
            return float("inf")
        if s.pacing == "even" and s.end is not None:
            share = (month - s.start + 1) / (s.end - s.start + 1)
            return s.budget * min(share, 1.0) - self.spent
        return s.budget - self.spent

    def cost(self, model: BondsimModel) -> float:
        """Public cost this month, Rs."""
        return self._month_cost

    def act(self, model: BondsimModel, allowance: float) -> float:
        """Do this month's work spending at most ``allowance``; return the public cost."""
        raise NotImplementedError

    def idle(self, model: BondsimModel) -> None:
        """Outside the active window (e.g. undo a standing effect). Default: nothing."""
