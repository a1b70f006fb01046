"""Rule 9, owners' decisions: pay, lending, book-keeping and children, under inspection risk.

Each owner has preferred practices (drawn at start: paid share of the notified rate, deduction
share, book inflation). Its perceived inspection risk decays towards a baseline, and rises when
inspections happen (interventions add to it). Deterrence is the risk above baseline times a
sensitivity, capped at 1 (full compliance): a complying owner pays closer to the notified rate,
inflates the books less, lends less, and at high compliance refuses children's work.
"""

from __future__ import annotations

import numpy as np

from .parameters import Params
from .state import OwnerState


def decay_risk(risk: np.ndarray, params: Params) -> np.ndarray:
    """Perceived risk a month later: the excess over baseline shrinks by ``risk_memory``."""
    return params.risk_baseline + params.risk_memory * (risk - params.risk_baseline)


def compliance(risk: np.ndarray, params: Params) -> np.ndarray:
    """Owners' compliance in [0, 1] from the risk they perceive above the baseline."""
    return np.clip(params.risk_sensitivity * (risk - params.risk_baseline), 0.0, 1.0)


def decide(owners: OwnerState, params: Params) -> None:
    """Set next month's paid rate, book inflation and child-work policy from compliance."""
    c = compliance(owners.risk, params)
    owners.compliance[:] = c
    owners.paid_ratio[:] = owners.base_paid_ratio + (1.0 - owners.base_paid_ratio) * c
    owners.book_inflation[:] = owners.base_book_inflation * (1.0 - c)
    owners.child_ban[:] = c >= params.child_ban_compliance


def lending_factor(owners: OwnerState, params: Params) -> np.ndarray:
    """Share of its usual advance limit an owner will lend at its compliance."""
    return 1.0 - params.risk_lending_response * owners.compliance


def operating_profit(bricks: np.ndarray, gross: np.ndarray, params: Params) -> np.ndarray:
    """Per-household contribution to the owner's monthly profit: brick revenue less
    non-moulding costs less the moulders' gross pay."""
    margin = params.brick_price / 1000.0 * (1.0 - params.nonlabour_cost_share)
    return bricks * margin - gross
