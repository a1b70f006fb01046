"""A plan file's rupees in base-year rupees.

A programme is announced in the rupees of its year (Balochistan's Rs 40 million of November
2015), and a plan file says which with ``price_year`` at the top (default: the base year,
``prices.py``). Its budget, every allocation's budget and rupee fields (unless the allocation
gives its own ``price_year``), and the search's budgets and fixed rupee fields are converted
here, once, when the plan is read; the loaded plan then says it is in base-year prices, so the
budget check, the runs and the tables all count the same rupees. ``stated_budget`` keeps the
budget as written, for the manifest and the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import BondsimError
from ..interventions import REGISTRY
from ..interventions.base import money_fields
from ..prices import BASE_YEAR, check_year, to_base


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fields_in_base_year(fields: dict[str, Any], kind: str | None, year: int) -> dict[str, Any]:
    """An intervention's fields with its rupee fields (and ``budget``) in base-year rupees; the
    rest, and anything not a number, as they are (validation judges them)."""
    spec_class = getattr(REGISTRY.get(kind or ""), "spec_class", None)
    money = set(money_fields(spec_class)) if spec_class is not None else set()
    money.add("budget")
    return {k: to_base(v, year) if k in money and _number(v) else v for k, v in fields.items()}


def allocation_year(path: Path, where: str, fields: dict[str, Any], plan_year: int) -> int:
    """The price year of one allocation: its own ``price_year`` or the plan's."""
    year = fields.get("price_year", plan_year)
    try:
        return check_year(year)
    except ValueError as exc:
        raise BondsimError(f"{path}: field '{where}.price_year': value {year!r} is not a price "
                           f"year; expected {exc}") from None


def plan_in_base_year(spec: Any, path: Path) -> Any:
    """``spec`` (a ``plan.PlanSpec``) with every rupee figure in base-year rupees and
    ``price_year`` set to the base year."""
    year = spec.price_year
    strategies = []
    for i, strategy in enumerate(spec.strategies):
        allocations = []
        for j, alloc in enumerate(strategy.allocations):
            fields = alloc.model_dump()
            own = allocation_year(path, f"strategies.{i}.allocations.{j}", fields, year)
            fields.pop("price_year", None)  # now in base-year rupees: the intervention's default
            allocations.append(type(alloc).model_validate(
                _fields_in_base_year(fields, alloc.type, own)))
        strategies.append(strategy.model_copy(update={"allocations": allocations}))
    update: dict[str, Any] = {"price_year": BASE_YEAR, "strategies": strategies,
                              "budget": to_base(spec.budget, year)}
    if spec.search is not None and year != BASE_YEAR:
        search = dict(spec.search)
        budgets = search.get("budgets")
        if isinstance(budgets, list):
            search["budgets"] = [to_base(b, year) if _number(b) else b for b in budgets]
        fixed = search.get("fields")
        if isinstance(fixed, dict):
            search["fields"] = {kind: _fields_in_base_year(values, kind, year)
                                if isinstance(values, dict) else values
                                for kind, values in fixed.items()}
        update["search"] = search
    return spec.model_copy(update=update)


def stated_budget(spec: Any) -> dict[str, Any]:
    """The plan's budget as written and in base-year rupees, for the manifest and report."""
    return {"value": spec.budget, "price_year": spec.price_year,
            "base_year": BASE_YEAR, "in_base_year": to_base(spec.budget, spec.price_year)}
