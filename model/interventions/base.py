"""What every intervention shares: when it acts, what it may spend, and its public cost.

An intervention is configured by a pydantic spec (one per type, validated with the scenario
file) and acts once a month at stage 0 of the model's step, before the rules. It spends at
most its budget cap over the run: ``act`` is told how much is left and must not spend more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from ..model import BondsimModel


def about(unit: str, source: str = "") -> dict[str, str]:
    """A field's unit and source, kept beside its default and bounds (in its JSON schema
    extra) so that ``bondsim params`` and ``docs/parameters.md`` can show them. A source cites
    ``docs/references.md`` by key (``[@key]``) or starts with *assumption*; switches and
    choices have none."""
    return {"unit": unit, "source": source}


class InterventionSpec(BaseModel):
    """Fields common to all interventions in a scenario file's ``[[interventions]]`` list."""

    model_config = ConfigDict(extra="forbid", strict=True)
    type: str
    label: str | None = Field(
        None,
        description="name in outputs (default: the type)",
        json_schema_extra=about("text"))
    start: int = Field(
        1, ge=1,
        description="first month it acts",
        json_schema_extra=about("month"))
    end: int | None = Field(
        None, ge=1,
        description="last month it acts (default: the horizon)",
        json_schema_extra=about("month"))
    budget: float | None = Field(
        None, ge=0,
        description="most it may spend over the run",
        json_schema_extra=about("Rs"))
    pacing: Literal["as_needed", "even"] = Field(
        "as_needed",
        description="as_needed: spend until the budget runs out; even: spread the budget evenly "
                    "over start..end (needs budget and end)",
        json_schema_extra=about("choice"))


def affordable(allowance: float, unit_cost: float, most: int) -> int:
    """How many units (visits, payments, registrations) at ``unit_cost`` fit in
    ``allowance``, and never more than ``most``."""
    if unit_cost <= 0 or not np.isfinite(allowance):
        return most
    return min(most, max(int(allowance // unit_cost), 0))


class Intervention:
    """Base class: timing, budget and cost bookkeeping; subclasses implement ``act``."""

    spec_class: ClassVar[type[InterventionSpec]] = InterventionSpec

    def __init__(self, spec: InterventionSpec) -> None:
        self.spec = spec
        self.spent = 0.0
        self._month_cost = 0.0

    @property
    def name(self) -> str:
        return self.spec.label or self.spec.type

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
