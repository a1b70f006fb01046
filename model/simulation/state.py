"""Agent state as columns: one numpy array per attribute, one row per household or kiln.

Households are many (a district holds tens of thousands), so their state lives in arrays that
the rules update in whole-column operations. ``Household`` and ``KilnOwner`` (in ``agents.py``)
are windows onto one row, for users who want to look at one family or one kiln.
Money is float64 so that the debt ledger balances to the rupee; counts are small integers.
Interventions add columns of their own to these tables when a run lists them
(``points.Column``); the columns here are the core's, which the rules read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NOT_YET = -1  # month stamp of an event that has not happened

# where a household lives and works (``HouseholdState.location``): at a kiln, or off the kilns
# after a release (``release.py``): casual work in town (paying rent), back home in the village
# (little work, no rent), or in a rehabilitation colony (casual work, no rent)
KILN, TOWN, HOME, COLONY = 0, 1, 2, 3
LOCATIONS = ("kiln", "town", "home", "colony")


@dataclass
class HouseholdState:
    """Columns describing every household (``n`` rows)."""

    district: np.ndarray        # int16, index into the model's district names
    kiln: np.ndarray            # intp, index of the current kiln (off the kilns: the last one)
    location: np.ndarray        # int8, KILN, TOWN, HOME or COLONY (only KILN counts in occupancy)
    adults: np.ndarray          # int8, adults who mould
    dependants: np.ndarray      # int8, members who neither mould nor are children
    children_0_4: np.ndarray    # int8
    children_5_9: np.ndarray    # int8
    children_10_14: np.ndarray  # int8
    work_5_9: np.ndarray        # int8, children 5-9 who mould
    work_10_14: np.ndarray      # int8, children 10-14 who mould
    school_5_9: np.ndarray      # int8, children 5-9 attending school
    school_10_14: np.ndarray    # int8, children 10-14 attending school
    # the sex split (rule 6b, ``gender.py``): boys and men are the rest of each count
    women: np.ndarray           # int8, adult moulders who are women (<= adults)
    women_paid: np.ndarray      # int8, women moulders paid directly, not via the head (<= women)
    girls_5_9: np.ndarray       # int8, girls among children_5_9
    girls_10_14: np.ndarray     # int8, girls among children_10_14
    girls_work_5_9: np.ndarray  # int8, girls among work_5_9
    girls_work_10_14: np.ndarray  # int8, girls among work_10_14
    girls_school_5_9: np.ndarray  # int8, girls among school_5_9
    girls_school_10_14: np.ndarray  # int8, girls among school_10_14
    debt: np.ndarray            # float64, Rs owed to the current owner (as the books say)
    outside_debt: np.ndarray    # float64, Rs owed to an outside lender
    savings: np.ndarray         # float64, Rs
    outside_access: np.ndarray  # bool, an outside lender will lend to this household
    cnic: np.ndarray            # bool, holds an identity card
    sp_enrolled: np.ndarray     # bool, enrolled in social protection
    sp_cash: np.ndarray         # float64, Rs of social-protection cash on hand, held until spent
    bonded: np.ndarray          # bool
    months_bonded: np.ndarray   # int16, consecutive months bonded
    released: np.ndarray        # bool
    released_month: np.ndarray  # int16, NOT_YET until released
    rehabilitated: np.ndarray   # bool
    rehabilitated_month: np.ndarray  # int16, NOT_YET until rehabilitated
    unmet_need: np.ndarray      # float64, Rs of need that went uncovered last month
    outside_income: np.ndarray  # float64, Rs a month earned outside the kiln (not deducted)
    stipend: np.ndarray         # float64, Rs a month promised per child in school
    outside_option: np.ndarray  # bool, can find casual work when the kiln idles (outside_work.py)
    # the monsoon (rule 1b, ``migration.py``): a seasonal migrant goes home for the closure and
    # keeps its place: ``location`` stays KILN, so it is neither released nor off the kilns
    migrant: np.ndarray         # bool, a seasonal migrant family (drawn once for the run)
    away: np.ndarray            # bool, home for the monsoon this month
    # rule 10 (``demography.py``): when a couple founded the household in the run; whether
    # the household where its youngest grown man grew up was bonded when he came of age (a
    # boy reaching 15 here) or when he split off (a founded household): 1, 0, or -1 not yet
    founded_month: np.ndarray   # int16, month a split-off couple took the row; NOT_YET
    parent_bonded: np.ndarray   # int8
    # interventions add their own columns when they are in the run (``points.Column``)

    @property
    def n(self) -> int:
        return int(self.debt.shape[0])

    @property
    def at_kiln(self) -> np.ndarray:
        """Households living and working at a kiln (bool): not off the kilns, not home for the
        monsoon."""
        return (self.location == KILN) & ~self.away

    @property
    def size(self) -> np.ndarray:
        """Household members (int16)."""
        return (self.adults.astype(np.int16) + self.dependants + self.children_0_4
                + self.children_5_9 + self.children_10_14)


@dataclass
class OwnerState:
    """Columns describing every kiln and its owner (``k`` rows)."""

    district: np.ndarray           # int16
    capacity: np.ndarray           # int32, families the kiln can house
    # the district's terms (``local_terms.py``): its province's notified rate, its brick price
    notified_rate: np.ndarray      # float64, Rs per 1,000 bricks notified for the kiln's district
    brick_price: np.ndarray        # float64, Rs per 1,000 fired bricks sold
    occupants: np.ndarray          # int32, families currently at the kiln (location KILN)
    base_paid_ratio: np.ndarray    # float64, paid/notified rate the owner prefers
    paid_ratio: np.ndarray         # float64, paid/notified rate set for the coming month
    deduction_share: np.ndarray    # float64, share of gross pay deducted against debt
    advance_limit_months: np.ndarray  # float64, lending limit in months of expected pay
    base_book_inflation: np.ndarray   # float64, preferred over-recording of advances
    book_inflation: np.ndarray     # float64, over-recording of advances, coming month
    prepared_to_hold: np.ndarray   # bool, would hold indebted families if it paid (drawn)
    coercive: np.ndarray           # bool, holds its indebted families this month (rule 9)
    pay_mode: np.ndarray           # int8, 0 pays the notified rate, 1 underpays, 2 fakes it
    off_book: np.ndarray           # bool, lends past a legal cap off the books
    legal_debt_cap: np.ndarray     # float64, Rs a law lets a family owe (inf: no cap)
    belief_police: np.ndarray      # float64, believed chance of a police visit a month
    belief_wage: np.ndarray        # float64, believed chance of a wage inspection a month
    belief_audit: np.ndarray       # float64, believed chance of an audit of advances a month
    belief_conviction: np.ndarray  # float64, believed chance a case ends in a conviction
    belief_release: np.ndarray     # float64, believed chance a month that a committee or a
    #                                court frees a family it holds
    cases_remembered: np.ndarray   # float64, its district's cases it remembers (faded counts)
    convictions_remembered: np.ndarray  # float64, and of them, convictions
    prison_months: np.ndarray      # float64, what a prison term costs it, months of profit
    child_ban: np.ndarray          # bool, refuses children's work in the coming month
    sealed_months: np.ndarray      # float64, months the kiln stays sealed (no moulding)
    advances_ewm: np.ndarray       # float64, Rs, exponentially weighted sum of monthly advances
    cash: np.ndarray               # float64, Rs, cumulative cash position
    profit: np.ndarray             # float64, Rs, operating profit last month
    convictions: np.ndarray        # int32, convictions of this owner so far
    fines_paid: np.ndarray         # float64, Rs, cumulative
    # interventions add their own columns when they are in the run (``points.Column``)

    @property
    def k(self) -> int:
        return int(self.capacity.shape[0])
