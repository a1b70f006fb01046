"""Policy interventions: one small class per policy, switched on by a scenario file.

Each module holds a pydantic spec (the fields a scenario may set, with units, defaults and
bounds) and the intervention's monthly ``act``; ``REGISTRY`` maps the ``type`` a scenario
names to the class. Adding a policy means adding a module and a registry entry, never editing
the model's step.
"""

from __future__ import annotations

from collections.abc import Iterable

from .advance_cap import AdvanceCap, AdvanceCapSpec
from .awareness import Awareness, AwarenessSpec
from .base import Intervention, InterventionSpec
from .cash_transfer import CashTransfer, CashTransferSpec
from .cnic_drive import CnicDrive, CnicDriveSpec
from .employer_code import EmployerCode, EmployerCodeSpec
from .health_cover import HealthCover, HealthCoverSpec
from .inspections import Inspections, InspectionsSpec
from .interest_free_loans import InterestFreeLoans, InterestFreeLoansSpec
from .minimum_piece_rate import MinimumPieceRate, MinimumPieceRateSpec
from .rehabilitation import Rehabilitation, RehabilitationSpec
from .school_stipend import SchoolStipend, SchoolStipendSpec
from .vigilance_committees import VigilanceCommittees, VigilanceCommitteesSpec

REGISTRY: dict[str, type[Intervention]] = {
    "cash_transfer": CashTransfer,
    "advance_cap": AdvanceCap,
    "minimum_piece_rate": MinimumPieceRate,
    "inspections": Inspections,
    "rehabilitation": Rehabilitation,
    "school_stipend": SchoolStipend,
    "health_cover": HealthCover,
    "cnic_drive": CnicDrive,
    "interest_free_loans": InterestFreeLoans,
    "vigilance_committees": VigilanceCommittees,
    "employer_code": EmployerCode,
    "awareness": Awareness,
}

AnySpec = (CashTransferSpec | AdvanceCapSpec | MinimumPieceRateSpec | InspectionsSpec
           | RehabilitationSpec | SchoolStipendSpec | HealthCoverSpec | CnicDriveSpec
           | InterestFreeLoansSpec | VigilanceCommitteesSpec | EmployerCodeSpec | AwarenessSpec)


def build(specs: Iterable[InterventionSpec]) -> list[Intervention]:
    """Interventions from their validated specs, in the order the scenario lists them."""
    return [REGISTRY[spec.type](spec) for spec in specs]


__all__ = ["REGISTRY", "AnySpec", "Intervention", "InterventionSpec", "build"]
