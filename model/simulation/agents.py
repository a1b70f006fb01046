"""Mesa agents: ``Household`` and ``KilnOwner`` as windows onto one row of the state arrays.

The model keeps state in columns (``state.py``) so that rules run on whole arrays; these Mesa
agents let a user look at, and change, one family or one kiln with ordinary attributes, e.g.
``model.households[17].debt``. Kiln owners are few and are created with the model; households
may be a million, so their agents are created on first access and cached.

The columns an intervention adds (``points.Column``: a scheme's loans, say) are
attributes of the agents in runs that list the intervention, and only there: elsewhere
reading one raises ``AttributeError``, as for any attribute the agent does not have.

The agents sit below the model: ``model.py`` imports them, and they know the model only by
what they use of it (``RowModel``), so this module imports nothing of bondsim.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

import mesa
import numpy as np


class RowModel(Protocol):
    """What the agents use of the model (``BondsimModel`` has it): the state tables, the
    columns interventions added to them, the kiln owners' agents, and the one way to move a
    family."""

    hh: Any  # state.HouseholdState, plus any added columns
    ow: Any  # state.OwnerState, plus any added columns
    added_columns: Mapping[str, Mapping[str, Any]]
    kiln_owners: Sequence[KilnOwner]

    def move_households(self, households: np.ndarray, kilns: np.ndarray | int) -> None: ...


def _column(name: str, cast: type, doc: str) -> property:
    def get(self):  # noqa: ANN001
        return cast(getattr(self._state(), name)[self.index])

    def set_(self, value) -> None:  # noqa: ANN001
        getattr(self._state(), name)[self.index] = value

    return property(get, set_, doc=doc)


class _RowAgent(mesa.Agent):
    """A Mesa agent that is a view onto row ``index`` of one of the model's state tables."""

    table = ""  # the model attribute holding the table: "hh" or "ow"

    def __init__(self, model: RowModel, index: int) -> None:
        super().__init__(model)
        self.index = int(index)

    def _state(self) -> Any:
        return getattr(self.model, self.table)

    def _added(self, name: str) -> bool:
        """Whether ``name`` is a column an intervention in the run added to this table."""
        model = self.__dict__.get("model")
        return model is not None and name in model.added_columns[self.table]

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("_") and self._added(name):
            return getattr(self._state(), name)[self.index].item()
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if not name.startswith("_") and self._added(name):
            getattr(self._state(), name)[self.index] = value
        else:
            super().__setattr__(name, value)


class Household(_RowAgent):
    """One worker household (a family that moulds as a unit), a view onto row ``index``."""

    table = "hh"

    district = _column("district", int, "District index (see model.district_names).")
    @property
    def kiln(self) -> int:
        """Index of the current kiln and its owner (setting it moves the family there)."""
        return int(self.model.hh.kiln[self.index])

    @kiln.setter
    def kiln(self, value: int) -> None:
        self.model.move_households(np.array([self.index]), value)

    adults = _column("adults", int, "Adults who mould.")
    dependants = _column("dependants", int, "Members who neither mould nor are children.")
    children_0_4 = _column("children_0_4", int, "Children aged 0-4.")
    children_5_9 = _column("children_5_9", int, "Children aged 5-9.")
    children_10_14 = _column("children_10_14", int, "Children aged 10-14.")
    work_5_9 = _column("work_5_9", int, "Children 5-9 who mould.")
    work_10_14 = _column("work_10_14", int, "Children 10-14 who mould.")
    school_5_9 = _column("school_5_9", int, "Children 5-9 in school.")
    school_10_14 = _column("school_10_14", int, "Children 10-14 in school.")
    women = _column("women", int, "Adult moulders who are women.")
    women_paid = _column("women_paid", int, "Women moulders paid directly, not via the head.")
    girls_5_9 = _column("girls_5_9", int, "Girls aged 5-9.")
    girls_10_14 = _column("girls_10_14", int, "Girls aged 10-14.")
    girls_work_5_9 = _column("girls_work_5_9", int, "Girls 5-9 who mould.")
    girls_work_10_14 = _column("girls_work_10_14", int, "Girls 10-14 who mould.")
    girls_school_5_9 = _column("girls_school_5_9", int, "Girls 5-9 in school.")
    girls_school_10_14 = _column("girls_school_10_14", int, "Girls 10-14 in school.")
    debt = _column("debt", float, "Rupees owed to the current owner, as the books say.")
    outside_debt = _column("outside_debt", float, "Rupees owed to an outside lender.")
    savings = _column("savings", float, "Rupees saved.")
    outside_access = _column("outside_access", bool, "An outside lender will lend to it.")
    cnic = _column("cnic", bool, "Holds an identity card (CNIC).")
    sp_enrolled = _column("sp_enrolled", bool, "Enrolled in social protection.")
    sp_cash = _column("sp_cash", float, "Social-protection cash on hand, Rs (held until spent).")
    unmet_need = _column("unmet_need", float, "Need left uncovered last month, Rs.")
    outside_income = _column("outside_income", float,
                             "Rs a month earned outside the kiln (not deducted).")
    stipend = _column("stipend", float, "Rs a month promised per child in school.")
    bonded = _column("bonded", bool, "Bonded (both conditions of rule 7).")
    months_bonded = _column("months_bonded", int, "Consecutive months bonded.")
    location = _column("location", int, "0 at a kiln; off the kilns 1 town, 2 home, 3 colony.")
    migrant = _column("migrant", bool, "A seasonal migrant family (goes home for the monsoon).")
    away = _column("away", bool, "Home for the monsoon this month (its kiln place kept).")
    released = _column("released", bool, "Released from bondage.")
    released_month = _column("released_month", int, "Month of release (-1: never).")
    rehabilitated = _column("rehabilitated", bool, "Received a rehabilitation package.")
    rehabilitated_month = _column("rehabilitated_month", int, "Month of rehabilitation (-1).")
    founded_month = _column("founded_month", int,
                            "Month a split-off couple founded it (-1: there at the start).")
    parent_bonded = _column("parent_bonded", int,
                            "1 if the household its youngest grown man grew up in was bonded "
                            "when he came of age or split off, 0 if not, -1 not yet.")

    @property
    def owner(self) -> KilnOwner:
        return self.model.kiln_owners[self.kiln]

    def __repr__(self) -> str:
        return (f"Household({self.index}, kiln={self.kiln}, debt={self.debt:,.0f}, "
                f"bonded={self.bonded})")


class KilnOwner(_RowAgent):
    """One kiln and its owner, a view onto row ``index`` of the owner arrays."""

    table = "ow"

    district = _column("district", int, "District index.")
    capacity = _column("capacity", int, "Families the kiln can house.")
    occupants = _column("occupants", int, "Families at the kiln now.")
    base_paid_ratio = _column("base_paid_ratio", float,
                              "Paid / notified rate the owner prefers without deterrence.")
    paid_ratio = _column("paid_ratio", float, "Piece rate paid / notified rate, next month.")
    deduction_share = _column("deduction_share", float, "Share of gross pay deducted.")
    advance_limit_months = _column("advance_limit_months", float,
                                   "Lending limit, months of a family's expected pay.")
    base_book_inflation = _column("base_book_inflation", float,
                                  "Over-recording of advances without deterrence.")
    book_inflation = _column("book_inflation", float, "Over-recording of advances.")
    prepared_to_hold = _column("prepared_to_hold", bool,
                               "Would hold indebted families if it paid (drawn at start).")
    coercive = _column("coercive", bool, "Holds its indebted families this month (rule 9).")
    pay_mode = _column("pay_mode", int, "0 pays the notified rate, 1 underpays, 2 fakes it.")
    off_book = _column("off_book", bool, "Lends past a legal cap off the books.")
    legal_debt_cap = _column("legal_debt_cap", float, "Most a law lets a family owe, Rs.")
    belief_police = _column("belief_police", float, "Believed chance of a police visit a month.")
    belief_wage = _column("belief_wage", float, "Believed chance of a wage inspection a month.")
    belief_audit = _column("belief_audit", float, "Believed chance of an audit a month.")
    belief_conviction = _column("belief_conviction", float,
                                "Believed chance that a case ends in a conviction.")
    belief_release = _column("belief_release", float,
                             "Believed chance a month that a committee or court frees a family "
                             "it holds.")
    prison_months = _column("prison_months", float,
                            "What a prison term would cost it, months of its kiln's profit "
                            "(drawn at start).")
    child_ban = _column("child_ban", bool, "Refuses children's work this month.")
    cash = _column("cash", float, "Cumulative cash position, Rs.")
    profit = _column("profit", float, "Operating profit last month, Rs.")
    sealed_months = _column("sealed_months", float, "Months the kiln stays sealed.")
    advances_ewm = _column("advances_ewm", float, "Weighted record of monthly advances, Rs.")
    convictions = _column("convictions", int, "Convictions of this owner so far.")
    fines_paid = _column("fines_paid", float, "Fines paid, Rs.")

    def __repr__(self) -> str:
        return f"KilnOwner({self.index}, occupants={self.occupants}, holding={self.coercive})"


class Households:
    """A sequence of ``Household`` agents, created on first access and cached."""

    def __init__(self, model: RowModel) -> None:
        self._model = model
        self._cache: dict[int, Household] = {}

    def __len__(self) -> int:
        return self._model.hh.n

    def __getitem__(self, index: int) -> Household:
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"household index {index} out of range (0-{n - 1})")
        index %= n
        agent = self._cache.get(index)
        if agent is None:
            agent = self._cache[index] = Household(self._model, index)
        return agent

    def __iter__(self) -> Iterator[Household]:
        return (self[i] for i in range(len(self)))
