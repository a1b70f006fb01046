"""Rule 9, owners decide: each practice kept while its gain exceeds its expected penalty.

An owner has practices it would keep if nobody watched (drawn at start: the share of the
notified rate it pays, the over-recording of advances, whether it is prepared to hold indebted
families at all). Each month it weighs, practice by practice, what the practice earns it in a
month (the *gain*) against what it expects the practice to cost it in penalties (the *expected
penalty*): the chance of a visit by the enforcement that looks for it, times the chance the
visit finds it, times what a case costs (the fine, the prison term a conviction brings valued
at the kiln's profit, the months a sealed kiln loses; for holding families also the debts a
release extinguishes). It keeps the practice while the gain is larger (ODD 7.9, the decision
section). Nothing here sets an effect: with no visits or no penalty the expected penalty is
zero and every owner keeps every practice.

Owners learn the chance of a visit from what they see, their own visits and their district's,
and forget: each month their belief moves a share ``1 - belief_memory`` of the way towards the
background chance plus what they saw (a calibrated learner: under a steady campaign it settles
at the background chance plus the campaign's visits per kiln-month). They learn the chance that
a case ends in a conviction by counting the cases and convictions in their district they
remember (their prior worth ``conviction_prior_cases`` cases), and the chance that a family
they hold is freed by a committee's hearing or a court (a release that needs no visit) from
the share of their district's held families those routes freed.
Sources: domain.md 1.10 (the penalties and the enforcement record) and 3 (fact 13: bondage
pays); the decision rule, the learning rule and the valuations (and how owners differ in what
prison would cost them, ``prison_cost_spread``) are *assumptions*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .debt import markup_annual
from .parameters import Params
from .state import OwnerState

# What owners watch for: the visits that look for each practice
POLICE, WAGE, AUDIT = "police", "wage", "audit"
KINDS = (POLICE, WAGE, AUDIT)
# the practices, and the kind of visit that looks for each
PRACTICES = {"holding": POLICE, "child_labour": POLICE, "book_inflation": POLICE,
             "underpay": WAGE, "fake_pay": WAGE, "off_book": AUDIT}
PAY_COMPLY, PAY_OPEN, PAY_FAKE = 0, 1, 2  # how an owner pays: ow.pay_mode


@dataclass(frozen=True)
class Penalty:
    """What enforcement does to one practice, as owners know it.

    ``find`` is the chance one visit finds the practice: per family for holding and child
    labour (a visit finds each bonded family, or each family with working children, on its
    own), per kiln for the others. ``fine`` (Rs) is levied on every case; ``seal_months`` is
    how long a sealing closes the kiln and ``seal_share`` the share of cases in which the
    authority seals it (owners weigh what the state does, ``seal_share`` x ``seal_months``
    expected months a case, not the law's letter); ``prison`` says whether a case may end in
    a conviction and a prison term."""

    find: float
    fine: float
    seal_months: float = 0.0
    prison: bool = False
    seal_share: float = 1.0


def background_penalties(params: Params) -> dict[str, Penalty]:
    """The law as applied without a campaign (``law_*`` and ``find_*`` parameters). An
    enforcement intervention replaces its practices' entries while it acts."""
    p = params
    return {
        "holding": Penalty(p.find_bonded_family, p.law_fine_bonded_labour, 0.0, True),
        "child_labour": Penalty(p.find_child_family, p.law_fine_child_labour,
                                p.law_seal_months_child_labour, True,
                                p.law_seal_share_child_labour),
        "book_inflation": Penalty(p.find_false_books, p.law_fine_bonded_labour),
        "underpay": Penalty(p.find_underpayment, p.law_fine_underpayment),
        "fake_pay": Penalty(p.find_faked_pay, p.law_fine_underpayment),
        "off_book": Penalty(p.find_off_book, p.law_fine_debt_cap),
    }


def prior_visits(params: Params) -> dict[str, float]:
    """Background chance of a visit of each kind a month (no campaign)."""
    return {POLICE: params.prior_police_visits / 12.0, WAGE: params.prior_wage_visits / 12.0,
            AUDIT: params.prior_audits / 12.0}


# -- learning -----------------------------------------------------------------------------------
def seen_visits(visited: np.ndarray, district: np.ndarray, district_kilns: np.ndarray,
                own_weight: float) -> np.ndarray:
    """What each owner saw of one kind of visit this month: its own visit (1 or 0) weighted
    ``own_weight``, and the share of its district's kilns visited (what the kiln owners'
    association passes on) weighted the rest. Its mean over owners is the share visited."""
    per_district = np.bincount(district, weights=visited.astype(np.float64),
                               minlength=district_kilns.size)
    share = per_district / np.maximum(district_kilns, 1)
    return own_weight * visited + (1.0 - own_weight) * share[district]


def learn(belief: np.ndarray, target: np.ndarray | float, memory: float) -> np.ndarray:
    """A belief a month later: it moves a share ``1 - memory`` of the way to ``target``."""
    return np.clip(memory * belief + (1.0 - memory) * target, 0.0, 1.0)


def learn_conviction(ow: OwnerState, cases: np.ndarray, convictions: np.ndarray,
                     params: Params) -> None:
    """Each owner's belief that a case ends in a conviction, a month later: convictions per
    case over the cases of its district it remembers, its prior counting as
    ``conviction_prior_cases`` cases. Remembered counts fade at ``belief_memory`` a month, so
    without news the belief returns to the prior. Counting cases, not months, weighs a month
    of one case and one conviction as one case, not as a conviction rate of 1 (the mean of
    monthly shares would swing every owner of a district at once on a single conviction).
    ``cases`` and ``convictions``: this month's, per district (zeros when owners learn
    nothing)."""
    p = params
    ow.cases_remembered *= p.belief_memory
    ow.cases_remembered += cases[ow.district]
    ow.convictions_remembered *= p.belief_memory
    ow.convictions_remembered += convictions[ow.district]
    w = p.conviction_prior_cases
    ow.belief_conviction[:] = ((w * p.prior_conviction + ow.convictions_remembered)
                               / (w + ow.cases_remembered))


def prison_months(rng: np.random.Generator, kilns: int, params: Params) -> np.ndarray:
    """What a conviction's prison term costs each owner, in months of its kiln's profit:
    ``prison_cost_months`` times a log-normal factor with median 1 and log-sd
    ``prison_cost_spread``. Owners differ in their ties (to the association, police and
    politicians) and so in what a conviction would really cost them; with owners alike a
    district's owners would all stop holding at the same belief."""
    z = rng.standard_normal(kilns)
    return params.prison_cost_months * np.exp(params.prison_cost_spread * z)


# -- the decision -------------------------------------------------------------------------------
@dataclass
class KilnFacts:
    """What an owner knows about its kiln when it decides (one value per kiln)."""

    bricks_month: np.ndarray       # bricks its families mould in an average month
    child_bricks_month: np.ndarray  # of which children would mould (those working or short)
    child_families: np.ndarray     # families whose children work or would work
    debt: np.ndarray               # Rs its indebted families owe it
    indebted_families: np.ndarray  # families owing it: bonded in the law's sense if it holds
    advances_month: np.ndarray     # Rs it advances in an average month (its recent record)
    debt_above_cap: np.ndarray     # Rs owed above a legal cap on advances (0 without one)


def release_target(freed: np.ndarray, held: np.ndarray, district: np.ndarray) -> np.ndarray:
    """What each owner saw of releases that need no visit: the share of its district's held
    families that committees and courts freed this month (0 where nobody was held)."""
    share = np.divide(freed, held, out=np.zeros(freed.shape), where=held > 0)
    return np.minimum(share, 1.0)[district]


def margin_per_brick(params: Params, brick_price: float | np.ndarray | None = None,
                     ) -> float | np.ndarray:
    """Owner's revenue per brick less non-moulding costs, before the moulder's pay, Rs, at
    ``brick_price`` (Rs per 1,000: one per kiln, its district's, ``ow.brick_price``; default
    the parameter)."""
    price = params.brick_price if brick_price is None else brick_price
    return price / 1000.0 * (1.0 - params.nonlabour_cost_share)


def chance_found(find: float, families: np.ndarray) -> np.ndarray:
    """Chance a visit finds at least one of ``families`` when it finds each with ``find``."""
    return -np.expm1(np.log1p(-min(find, 1.0 - 1e-12)) * families) if find < 1.0 else (
        (families > 0).astype(np.float64))


def case_cost(penalty: Penalty, conviction: np.ndarray, profit_month: np.ndarray,
              prison: np.ndarray | float) -> np.ndarray:
    """What one case costs an owner, Rs: the fine, the months a sealed kiln loses (the
    expected months, since only a share of cases is sealed), and, where a case may end in
    prison, the believed chance of a conviction times the prison term valued at the kiln's
    profit (``prison``: months of profit, the owner's ``prison_months``)."""
    profit = np.maximum(profit_month, 0.0)
    cost = penalty.fine + penalty.seal_share * penalty.seal_months * profit
    if penalty.prison:
        cost = cost + conviction * prison * profit
    return cost


@dataclass
class Choices:
    """The practices each owner keeps next month."""

    pay_mode: np.ndarray        # PAY_COMPLY, PAY_OPEN or PAY_FAKE
    holding: np.ndarray         # bool: will not let an indebted family go
    child_labour: np.ndarray    # bool: takes children's work
    book_inflation: np.ndarray  # bool: over-records advances
    off_book: np.ndarray        # bool: lends past a legal cap off the books


def gains(ow: OwnerState, facts: KilnFacts, params: Params) -> dict[str, np.ndarray]:
    """What each practice earns an owner in an average month, Rs."""
    p = params
    rate_full = ow.notified_rate / 1000.0  # the kiln's district's notified rate
    paid = rate_full * ow.base_paid_ratio
    return {
        # the notified rate less what it prefers to pay, on every brick
        "underpay": (rate_full - paid) * facts.bricks_month,
        # the debts of families who would walk away if it let them (rule 8's rate for a free
        # family), lost with them
        "holding": p.exit_rate_debt_free * facts.debt,
        # children's bricks at the owner's margin less what it pays for them
        "child_labour": facts.child_bricks_month * np.maximum(
            margin_per_brick(p, ow.brick_price) - paid, 0.0),
        # the over-recorded share of its advances
        "book_inflation": ow.base_book_inflation * facts.advances_month,
        # the markup on debts above a cap, and those debts kept from walking away
        "off_book": (markup_annual(p) / 12.0 + p.exit_rate_debt_free) * facts.debt_above_cap,
    }


def expected_penalties(ow: OwnerState, facts: KilnFacts, penalties: dict[str, Penalty],
                       params: Params) -> dict[str, np.ndarray]:
    """What each practice is expected to cost an owner a month in penalties, Rs: the
    believed chance of a visit x the chance the visit finds it x what a case costs."""
    visit = {POLICE: ow.belief_police, WAGE: ow.belief_wage, AUDIT: ow.belief_audit}
    profit = facts.bricks_month * (margin_per_brick(params, ow.brick_price)
                                   - ow.notified_rate / 1000.0 * ow.base_paid_ratio)
    out = {}
    for practice, kind in PRACTICES.items():
        pen = penalties[practice]
        if practice == "holding":
            found = chance_found(pen.find, facts.indebted_families)
        elif practice == "child_labour":
            found = chance_found(pen.find, facts.child_families)
        else:
            found = np.full(ow.k, min(pen.find, 1.0))
        out[practice] = visit[kind] * found * case_cost(pen, ow.belief_conviction, profit,
                                                        ow.prison_months)
    # a family found bonded is released and its debt extinguished (BLSA 1992 s.6); so is one
    # a committee or a court frees, at the chance the owner believes that happens a month
    pen = penalties["holding"]
    out["holding"] = out["holding"] + (visit[POLICE] * min(pen.find, 1.0)
                                       + ow.belief_release) * facts.debt
    return out


def choose(ow: OwnerState, facts: KilnFacts, penalties: dict[str, Penalty],
           params: Params) -> Choices:
    """Keep each practice whose gain is at least its expected penalty: a tie, such as no gain
    against no penalty (a cap nobody audits, at a kiln where nobody owes above it yet), keeps
    the practice, so a policy without teeth changes nothing. Pay has three options:
    pay the notified rate (forgo the gain), underpay openly (risk the open penalty), or fake
    compliance, paying the rate on the books and deducting the difference, which costs a share
    ``fake_pay_cost_share`` of the gain and is harder to find (``find_faked_pay``)."""
    gain = gains(ow, facts, params)
    risk = expected_penalties(ow, facts, penalties, params)
    g = gain["underpay"]
    cost_open = risk["underpay"]
    cost_fake = params.fake_pay_cost_share * g + risk["fake_pay"]
    pay_mode = np.where(cost_fake < cost_open, PAY_FAKE, PAY_OPEN)
    pay_mode = np.where(np.minimum(cost_open, cost_fake) <= g, pay_mode, PAY_COMPLY)
    return Choices(
        pay_mode=pay_mode.astype(np.int8),
        holding=ow.prepared_to_hold & (gain["holding"] >= risk["holding"]),
        child_labour=gain["child_labour"] >= risk["child_labour"],
        book_inflation=gain["book_inflation"] >= risk["book_inflation"],
        off_book=gain["off_book"] >= risk["off_book"],
    )


def apply(ow: OwnerState, choices: Choices, decided: bool = True) -> None:
    """Set next month's terms from the choices. An owner that pays openly or fakes
    compliance pays its families its preferred rate (faking changes the books, not the pay)."""
    ow.pay_mode[:] = choices.pay_mode
    ow.paid_ratio[:] = np.where(choices.pay_mode == PAY_COMPLY, 1.0, ow.base_paid_ratio)
    ow.coercive[:] = choices.holding
    ow.child_ban[:] = ~choices.child_labour
    if decided:  # before its first record of advances an owner keeps its books as they are
        ow.book_inflation[:] = np.where(choices.book_inflation, ow.base_book_inflation, 0.0)
    ow.off_book[:] = choices.off_book


def operating_profit(bricks: np.ndarray, gross: np.ndarray, params: Params,
                     brick_price: float | np.ndarray | None = None) -> np.ndarray:
    """Per-household (or per-kiln) contribution to the owner's monthly profit: brick revenue
    at ``brick_price`` (``margin_per_brick``) less non-moulding costs less the moulders'
    gross pay."""
    return bricks * margin_per_brick(params, brick_price) - gross
