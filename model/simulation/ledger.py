"""The debt ledger: every rupee that enters or leaves the families' debts, month by month.

The identity checked every month, to the rupee:

    debt at close = debt at open + advances + book inflation + markup + transfer premiums
                    - deductions - repayments - write-offs

``ledger_residual`` in the outcomes is the left side less the right side; tests assert it is
below one rupee. The rules add to the month's flows (never overwrite them), and interventions
change a debt only through ``BondsimModel.write_off`` and ``BondsimModel.repay_debt``, which
book the flow, so no rupee goes unrecorded.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

INFLOWS = ("advances", "book_inflation", "markup", "transfer_premiums")
OUTFLOWS = ("deductions", "repayments", "write_offs")


@dataclass
class Ledger:
    """Monthly totals (Rs) of the flows into and out of households' debts to owners."""

    opening: float = 0.0
    advances: float = 0.0
    book_inflation: float = 0.0
    markup: float = 0.0
    transfer_premiums: float = 0.0
    deductions: float = 0.0
    repayments: float = 0.0
    write_offs: float = 0.0

    def open(self, debt_total: float) -> None:
        """Start a month: zero the flows and record the opening balance."""
        for f in fields(self):
            setattr(self, f.name, 0.0)
        self.opening = debt_total

    def expected_close(self) -> float:
        inflow = sum(getattr(self, name) for name in INFLOWS)
        outflow = sum(getattr(self, name) for name in OUTFLOWS)
        return self.opening + inflow - outflow

    def residual(self, closing: float) -> float:
        """Closing balance less what the flows say it should be (0 when the books balance)."""
        return closing - self.expected_close()

    def flows(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in INFLOWS + OUTFLOWS}
