"""The debt ledger: every rupee that enters or leaves the families' debts, month by month.

The identity checked every month, to the rupee:

    debt at close = debt at open + advances + book inflation + markup + transfer premiums
                    - deductions - repayments - write-offs

A family may also owe a public loan scheme (``interest_free_loans``: the household column
``loan_debt``). That claim is debt too (rule 7 counts it), so it has a second book,
``SchemeLedger``, balanced the same way:

    scheme debt at close = scheme debt at open + lent - collected

``ledger_residual`` in the outcomes is the left side less the right side of both identities
(the residual of all debt, to owners and schemes); tests assert it is below one rupee. The
rules add to the month's flows (never overwrite them), and interventions change a debt only
through ``BondsimModel.write_off``, ``repay_debt``, ``scheme_lend`` and ``scheme_collect``,
which book the flow, so no rupee goes unrecorded.
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


SCHEME_INFLOWS = ("scheme_lent",)
SCHEME_OUTFLOWS = ("scheme_collected",)


@dataclass
class SchemeLedger:
    """Monthly totals (Rs) of the flows into and out of households' debts to public loan
    schemes, and what the schemes lent and collected since the run began (their recovery)."""

    opening: float = 0.0
    scheme_lent: float = 0.0
    scheme_collected: float = 0.0
    lent_to_date: float = 0.0
    collected_to_date: float = 0.0

    def open(self, debt_total: float) -> None:
        """Start a month: zero the month's flows and record the opening balance."""
        self.opening = debt_total
        self.scheme_lent = self.scheme_collected = 0.0

    def lend(self, amount: float) -> None:
        self.scheme_lent += amount
        self.lent_to_date += amount

    def collect(self, amount: float) -> None:
        self.scheme_collected += amount
        self.collected_to_date += amount

    def residual(self, closing: float) -> float:
        """Closing balance less what the flows say it should be (0 when the books balance)."""
        return closing - (self.opening + self.scheme_lent - self.scheme_collected)

    def recovery_rate(self) -> float:
        """Collected / lent since the run began; NaN before anything was lent."""
        return self.collected_to_date / self.lent_to_date if self.lent_to_date else float("nan")

    def flows(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in SCHEME_INFLOWS + SCHEME_OUTFLOWS}
