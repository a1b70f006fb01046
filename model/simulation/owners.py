"""Rule 9, owners' decisions: pay, lending, book-keeping and children, under inspection risk.

Each owner has preferred practices (drawn at start: paid share of the notified rate, deduction
share, book inflation). Its perceived risks of inspection decay towards a baseline, and rise when
inspections happen (interventions add to them). Deterrence is the risk above baseline times a
sensitivity, capped at 1 (full compliance). Fear of a wage inspection makes an owner pay closer
to the notified rate; fear of a bonded-labour inspection makes it inflate the books less, lend
less and, at high compliance, refuse children's work.
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
    """Set next month's paid rate, book inflation and child-work policy from compliance.

    Two fears, two responses: the risk of a wage inspection moves the rate an owner pays;
    the risk of a bonded-labour inspection moves its book-keeping, lending and children's
    work (inspectors under the 1992 Act look for bondage, not for the piece rate)."""
    c = compliance(owners.risk, params)
    owners.compliance[:] = c
    pay = compliance(owners.wage_risk, params)
    owners.paid_ratio[:] = owners.base_paid_ratio + (1.0 - owners.base_paid_ratio) * pay
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
