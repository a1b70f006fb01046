"""Interventions are plug-ins: a policy defined outside the package registers itself, validates
in a scenario, adds its own column and acts at a point of the month, with no change to the
core; the core names no intervention; columns are created only for the runs that list them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar, Literal

import numpy as np
import pytest
from pydantic import Field

from bondsim import BondsimModel, Params
from bondsim.errors import BondsimError
from bondsim.experiments.scenario import scenario_from_dict
from bondsim.interventions import REGISTRY, Intervention, InterventionSpec, build
from bondsim.interventions.base import about
from bondsim.simulation.points import Column
from conftest import ROOT


@pytest.fixture
def toy() -> Iterator[type[Intervention]]:
    """A toy policy, an 'honest ledger' that strikes out a share of the book inflation of
    advances at rule 5 and counts, per family, the months it was on; defined here, removed
    from the registry afterwards so no other test sees it."""

    class HonestLedgerSpec(InterventionSpec):
        type: Literal["honest_ledger"]
        struck_out: float = Field(1.0, ge=0, le=1, description="share of inflation struck out",
                                  json_schema_extra=about("share", "assumption",
                                                          label="inflation struck out"))

    class HonestLedger(Intervention):
        spec_class = HonestLedgerSpec
        spec: HonestLedgerSpec
        columns: ClassVar[dict[str, Column]] = {
            "ledger_months": Column("hh", np.int16, 0, "months under an honest ledger")}
        on = False

        def act(self, model: BondsimModel, allowance: float) -> float:
            model.hh.ledger_months += 1
            self.on = True
            return 0.0

        def idle(self, model: BondsimModel) -> None:
            self.on = False

        def on_book_inflation(self, model: BondsimModel, share: np.ndarray) -> np.ndarray:
            return share * (1.0 - self.spec.struck_out) if self.on else share

    try:
        yield HonestLedger
    finally:
        del REGISTRY["honest_ledger"]


def _scenario(*interventions: dict) -> dict:
    return {"name": "toy", "horizon": 6, "population": {"households": 300},
            "interventions": list(interventions)}


def test_a_policy_defined_outside_the_package_registers_validates_and_acts(toy):
    assert REGISTRY["honest_ledger"] is toy
    scenario = scenario_from_dict(_scenario({"type": "honest_ledger", "start": 3}))
    item = scenario.spec.interventions[0]
    assert (type(item).__name__, item.struck_out) == ("HonestLedgerSpec", 1.0)
    m = BondsimModel(scenario.params, households=300, seed=1,
                     interventions=build(scenario.spec.interventions))
    inflation = []
    for _ in range(6):
        m.step()
        inflation.append(m.ledger.book_inflation)  # booked this month
    assert min(inflation[:2]) > 0  # before it starts: the owners' inflation
    assert inflation[2:] == [0.0] * 4  # then none
    assert (m.hh.ledger_months == 4).all()  # its own column, months 3-6
    assert m.households[0].ledger_months == 4  # and the agents see it
    # its fields are checked as any shipped type's
    with pytest.raises(BondsimError, match=r"struck_out.*less than or equal to 1"):
        scenario_from_dict(_scenario({"type": "honest_ledger", "struck_out": 2.0}))


def test_a_policy_no_longer_registered_is_not_a_scenario_type(toy):
    del REGISTRY["honest_ledger"]
    try:
        with pytest.raises(BondsimError, match=r"type 'honest_ledger' is not an intervention"):
            scenario_from_dict(_scenario({"type": "honest_ledger"}))
    finally:
        REGISTRY["honest_ledger"] = toy


def test_a_type_is_defined_once(toy):
    with pytest.raises(TypeError, match="'honest_ledger' is defined twice"):
        class Again(Intervention):
            spec_class = toy.spec_class


def test_columns_exist_only_in_runs_that_list_their_intervention():
    from bondsim.interventions.awareness import AwarenessSpec
    from bondsim.interventions.interest_free_loans import InterestFreeLoansSpec
    plain = BondsimModel(Params(), households=200, seed=2)
    assert not {"loan_debt", "informed"} & set(vars(plain.hh))
    with pytest.raises(AttributeError):
        _ = plain.households[0].informed
    plain.step()
    assert plain.outcomes["loan_debt_total"] == 0.0  # an absent column sums to nothing
    specs = [InterestFreeLoansSpec(type="interest_free_loans"),
             AwarenessSpec(type="awareness", label="radio"), AwarenessSpec(type="awareness")]
    m = BondsimModel(Params(), households=200, seed=2, interventions=build(specs))
    assert m.hh.loan_debt.dtype == np.float64
    assert not m.hh.loan_debt.any()
    assert set(m.added_columns["hh"]) == {"loan_debt", "loan_overdue", "informed"}  # 2 campaigns: 1
    m.households[3].informed = 0.5  # agents read and write an added column
    assert m.hh.informed[3] == 0.5
    assert m.households[3].informed == 0.5


def test_a_column_declared_twice_differently_or_clashing_with_the_core_is_an_error():
    class Clash:
        columns: ClassVar[dict[str, Column]] = {"informed": Column("hh", np.int8)}

        def step(self, model: BondsimModel) -> None: ...

        def cost(self, model: BondsimModel) -> float:
            return 0.0

    from bondsim.interventions.awareness import AwarenessSpec
    with pytest.raises(ValueError, match=r"'informed'.*another intervention declares otherwise"):
        BondsimModel(Params(), households=50, interventions=[
            *build([AwarenessSpec(type="awareness")]), Clash()])
    Clash.columns = {"debt": Column("hh")}
    with pytest.raises(ValueError, match=r"'debt'.*the core has"):
        BondsimModel(Params(), households=50, interventions=[Clash()])


def test_columns_keep_their_type_and_a_shared_column_does_not_hide_the_next():
    """Two plug-ins may declare one column alike (it is added once); the columns a plug-in
    declares after a shared one are still added, each with its declared type and fill."""
    from types import SimpleNamespace

    from bondsim.simulation.points import add_columns

    class First:
        columns: ClassVar[dict[str, Column]] = {"heard": Column("hh", np.int16, 0)}

    class Second:
        columns: ClassVar[dict[str, Column]] = {"heard": Column("hh", np.int16, 0),
                                                "visited": Column("ow", bool, True)}

    tables = {"hh": SimpleNamespace(debt=np.zeros(3)), "ow": SimpleNamespace(capacity=np.zeros(2))}
    added = add_columns(tables, [First(), Second()])
    assert sorted(added["hh"]) == ["heard"]
    assert sorted(added["ow"]) == ["visited"]
    assert tables["hh"].heard.dtype == np.int16
    assert tables["hh"].heard.tolist() == [0, 0, 0]
    assert tables["ow"].visited.dtype == bool
    assert tables["ow"].visited.tolist() == [True, True]


def test_a_column_clash_names_the_plug_in_the_column_and_the_table():
    from types import SimpleNamespace

    from bondsim.simulation.points import add_columns

    class Loud:
        columns: ClassVar[dict[str, Column]] = {"debt": Column("hh")}

    class Quiet:
        columns: ClassVar[dict[str, Column]] = {"noise": Column("ow", np.int8)}

    class Louder:
        columns: ClassVar[dict[str, Column]] = {"noise": Column("ow", np.float64)}

    tables = {"hh": SimpleNamespace(debt=np.zeros(3)), "ow": SimpleNamespace(capacity=np.zeros(2))}
    with pytest.raises(ValueError, match=r"^Loud declares column 'debt' of 'hh', which the "
                                         r"core has$"):
        add_columns(tables, [Loud()])
    with pytest.raises(ValueError, match=r"^Louder declares column 'noise' of 'ow', which "
                                         r"another intervention declares otherwise$"):
        add_columns(tables, [Quiet(), Louder()])


class CeilingAndCandour:
    """At ``kiln_terms``: a Rs 30,000 ceiling on what a family may owe kiln 1's owner, and
    every owner over-records half as much. Not registered: a run may list any plug-in."""

    def step(self, model: BondsimModel) -> None: ...

    def cost(self, model: BondsimModel) -> float:
        return 0.0

    def on_kiln_terms(self, model: BondsimModel, terms: dict[str, np.ndarray]) -> None:
        ceiling = terms["debt_ceiling"].copy()
        ceiling[1] = 30000.0
        terms["debt_ceiling"] = ceiling
        terms["book_inflation"] = terms["book_inflation"] * 0.5


def test_an_intervention_at_kiln_terms_changes_the_terms_rules_4_and_5_use():
    """Two families at each of two kilns (tests/mechanism_kit.py: owners lend up to Rs 40,000),
    owing 20,000 and 35,000, each short of Rs 100,000; kiln 0 over-records 10 %, kiln 1 30 %."""
    from mechanism_kit import owner_advance, tiny

    booked = {}
    for name, plug_ins in (("absent", []), ("present", [CeilingAndCandour()])):
        m = tiny(households=4, kilns=2)
        m.interventions.extend(plug_ins)
        m.ow.book_inflation[:] = [0.1, 0.3]
        m.hh.debt[:] = [20000.0, 35000.0, 20000.0, 35000.0]
        advance = owner_advance(m, 100000.0)  # refreshes the terms as rule 1 does
        flows = m._cover(np.zeros(4), np.full(4, 100000.0), np.full(4, 5000.0))
        before = m.ledger.book_inflation
        m._book_debt(flows)
        booked[name] = (advance.tolist(), m.terms.book_inflation.tolist(),
                        m.terms.debt_ceiling.tolist(), m.ledger.book_inflation - before)
    inf = float("inf")
    # absent: the owners' own terms, no ceiling; over-recorded 10 % of 25,000 + 30 % of 25,000
    assert booked["absent"] == ([20000.0, 5000.0, 20000.0, 5000.0], [0.1, 0.1, 0.3, 0.3],
                                [inf] * 4, pytest.approx(2500.0 + 7500.0))
    # present: kiln 1 lends up to 30,000 (10,000 and nothing); half the inflation:
    # 5 % of 25,000 + 15 % of 10,000
    assert booked["present"] == ([20000.0, 5000.0, 10000.0, 0.0], [0.05, 0.05, 0.15, 0.15],
                                 [inf, inf, 30000.0, 30000.0], pytest.approx(1250.0 + 1500.0))


def test_the_core_names_no_intervention():
    """The rules, the state and the model offer points; the interventions' names, classes and
    columns live in their modules."""
    names = re.compile(r"health_cover|[Vv]igilance|Rights|\.rights|informed|contest_share|"
                       r"loan_debt|public_room|public_lent|public_loan|stipend_|awareness|"
                       r"advance_cap|code_adopted|inflation_scale|retaliation_scale|employer")
    for name in ("model.py", "state.py", "credit.py", "population.py", "shocks.py",
                 "points.py", "kiln_terms.py", "agents.py", "owners.py"):
        text = (ROOT / "model" / "simulation" / name).read_text()
        assert not names.findall(text), (name, sorted(set(names.findall(text))))


def test_an_intervention_spec_names_exactly_one_type():
    from bondsim.interventions.base import InterventionSpec, spec_type

    class Two(InterventionSpec):
        type: Literal["a", "b"]

    class One(InterventionSpec):
        type: Literal["c"]

    assert spec_type(One) == "c"
    with pytest.raises(TypeError, match=r"Two\.type must be one string literal"):
        spec_type(Two)
