"""How a simulated rapid assessment mismeasures the kilns it visits: under-reported debts,
hidden child workers and refusals, each with its source. A module of its own (numpy only), so
that ``bondsim --help`` can show the defaults without loading the survey's statistics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import BondsimError

DEFAULT_KILN_COUNTS = (5, 10, 20, 40, 80)  # the kiln counts of a precision curve

ASSUMPTION = "assumption"
SOURCES: dict[str, str] = {
    "debt_underreport": (
        "assumption, sized on the model's book inflation (owners write down about 20% more "
        "than they lend, domain.md 1.6 'if I borrow another 500 rupees they write down 1,000'): "
        "families report the cash they received, not what the books say; fact 10 (pressure to "
        "under-report where a cap is enforced)"),
    "debt_underreport_sd": f"{ASSUMPTION}: families differ in how much they know of the books",
    "child_hiding": (
        "assumption: child labour at kilns is an offence with kilns sealed and owners arrested "
        "(Punjab 2016 Act, domain.md 1.9-1.10), so owners keep some working children out of "
        "sight of a visiting team"),
    "refusal": f"{ASSUMPTION}: owners not forced to admit a survey team (no field figure)",
    "refusal_coercive": (f"{ASSUMPTION}: owners who hold families by their debts have more to "
                         f"hide and refuse twice as often"),
    "replace_refusals": "rapid-assessment practice: a refusing kiln is replaced from a reserve "
                        "list drawn at random",
}


# -- measurement error ------------------------------------------------------------------------
@dataclass(frozen=True)
class MeasurementError:
    """How a rapid assessment mismeasures the kilns it visits (each field's source in
    ``SOURCES``). ``MeasurementError.none()`` is a perfect survey.

    Attributes:
        debt_underreport: mean share of its debt a household leaves out when it reports it
            (reported = debt x (1 - u)).
        debt_underreport_sd: standard deviation of ``u`` across households (``u`` is drawn
            from a Beta distribution with this mean and sd); 0 gives every household ``u``.
        child_hiding: share of working children 5-14 hidden from the enumerators (each one
            independently); they are counted as children who do not work.
        refusal: probability that the owner of a kiln without coercion refuses the survey.
        refusal_coercive: the same for a coercive owner (None: same as ``refusal``).
        replace_refusals: replace a refusing kiln by the next kiln of a random reserve list
            (True), or survey fewer kilns (False).
    """

    debt_underreport: float = 0.20
    debt_underreport_sd: float = 0.10
    child_hiding: float = 0.30
    refusal: float = 0.10
    refusal_coercive: float | None = 0.20
    replace_refusals: bool = True

    def __post_init__(self) -> None:
        for name in ("debt_underreport", "debt_underreport_sd", "child_hiding", "refusal",
                     "refusal_coercive"):
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not (
                    0.0 <= value <= 1.0):
                raise BondsimError(f"measurement error {name} must be a share in [0, 1], "
                                   f"got {value!r}")
        for name in ("refusal", "refusal_coercive"):
            value = getattr(self, name)
            if value is not None and value >= 1.0:
                raise BondsimError(f"measurement error {name} must be below 1 (every kiln "
                                   f"would refuse), got {value}")
        mean, sd = self.debt_underreport, self.debt_underreport_sd
        if sd > 0 and sd * sd >= mean * (1.0 - mean):
            limit = float(np.sqrt(mean * (1.0 - mean)))
            raise BondsimError(f"measurement error debt_underreport_sd ({sd}) must be below "
                               f"sqrt(mean x (1 - mean)) = {limit:.3f} for a debt_underreport "
                               f"of {mean} (a share cannot vary more)")

    @classmethod
    def none(cls) -> MeasurementError:
        """A perfect survey: true debts, every working child seen, no refusals."""
        return cls(debt_underreport=0.0, debt_underreport_sd=0.0, child_hiding=0.0,
                   refusal=0.0, refusal_coercive=None)

    @property
    def is_none(self) -> bool:
        return (self.debt_underreport == 0.0 and self.child_hiding == 0.0
                and self.refusal == 0.0 and not self.refusal_coercive)

    def underreport_shares(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """Each of ``size`` households' share ``u`` of its debt left out of its report."""
        mean, sd = self.debt_underreport, self.debt_underreport_sd
        if sd == 0.0 or mean in (0.0, 1.0):
            return np.full(size, float(mean))
        concentration = mean * (1.0 - mean) / (sd * sd) - 1.0
        return rng.beta(mean * concentration, (1.0 - mean) * concentration, size)
