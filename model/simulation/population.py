"""Initialisation: the households and kilns at month 0, drawn from the ``init`` stream (the
sex split of adults and children from the ``gender`` stream, ``gender.init_gender``).

Kilns are split evenly across districts and numbered district by district; households are
spread evenly across kilns (domain.md 1.2: 25-50 families a kiln). Household composition,
owners' practices and initial debts are drawn from the parameters' distributions.
"""

from __future__ import annotations

import numpy as np

from .debt import inflates_books
from .gender import init_gender
from .local_terms import district_values
from .owners import prison_months
from .parameters import Params
from .season import bricks_per_day
from .state import NOT_YET, HouseholdState, OwnerState


def kiln_districts(kilns: int, districts: int) -> np.ndarray:
    """District of each kiln: contiguous blocks of (nearly) equal size."""
    return (np.arange(kilns, dtype=np.int64) * districts // kilns).astype(np.int16)


def init_owners(kilns: int, districts: int, households: int, params: Params,
                rng: np.random.Generator,
                local: dict[str, np.ndarray] | None = None,
                ties_rng: np.random.Generator | None = None) -> OwnerState:
    """Kiln owners with their preferred practices, and their district's notified rate and
    brick price (``local``, one value per district, ``local_terms.district_values``; default:
    the parameters). What a prison term costs each owner (``owners.prison_months``) is drawn
    from ``ties_rng`` (the model passes its ``owner_ties`` stream), or else from ``rng`` after
    every other draw, so it never changes the other columns."""
    district = kiln_districts(kilns, districts)
    local = local or district_values(params, [str(d) for d in range(districts)])
    per_kiln = households / kilns
    capacity = np.full(kilns, int(np.ceil(per_kiln / params.kiln_occupancy)), dtype=np.int32)
    base_paid = rng.uniform(params.paid_ratio_low, params.paid_ratio_high, kilns)
    base_infl = rng.uniform(0.0, 2.0 * params.book_inflation_mean, kilns)
    if not inflates_books(params):  # a debt structure of markup alone (drawn all the same)
        base_infl[:] = 0.0
    deduction = rng.uniform(params.deduction_share_low, params.deduction_share_high, kilns)
    coercive = rng.random(kilns) < params.coercive_owner_share
    zeros = np.zeros(kilns)
    prison = prison_months(ties_rng or rng, kilns, params)
    return OwnerState(
        district=district,
        capacity=capacity,
        notified_rate=local["notified_piece_rate"][district],
        brick_price=local["brick_price"][district],
        occupants=np.zeros(kilns, dtype=np.int32),
        base_paid_ratio=base_paid,
        paid_ratio=base_paid.copy(),
        deduction_share=deduction,
        advance_limit_months=np.full(kilns, params.advance_limit_months),
        base_book_inflation=base_infl,
        book_inflation=base_infl.copy(),
        prepared_to_hold=coercive,
        coercive=coercive.copy(),
        pay_mode=np.ones(kilns, dtype=np.int8),
        off_book=np.zeros(kilns, dtype=bool),
        legal_debt_cap=np.full(kilns, np.inf),
        belief_police=np.full(kilns, params.prior_police_visits / 12.0),
        belief_wage=np.full(kilns, params.prior_wage_visits / 12.0),
        belief_audit=np.full(kilns, params.prior_audits / 12.0),
        belief_conviction=np.full(kilns, params.prior_conviction),
        belief_release=zeros.copy(),
        cases_remembered=zeros.copy(),
        convictions_remembered=zeros.copy(),
        prison_months=prison,
        child_ban=np.zeros(kilns, dtype=bool),
        sealed_months=zeros.copy(),
        advances_ewm=zeros.copy(),
        cash=zeros.copy(),
        profit=zeros.copy(),
        convictions=np.zeros(kilns, dtype=np.int32),
        fines_paid=zeros.copy(),
    )


def _poisson_i8(rng: np.random.Generator, mean: float, n: int, cap: int) -> np.ndarray:
    return np.minimum(rng.poisson(mean, n), cap).astype(np.int8)


def _binomial_i8(rng: np.random.Generator, counts: np.ndarray, p: float) -> np.ndarray:
    return rng.binomial(counts, p).astype(np.int8)


def init_households(households: int, owners: OwnerState, params: Params,
                    rng: np.random.Generator, days_open: float,
                    gender_rng: np.random.Generator | None = None) -> HouseholdState:
    """Households spread over kilns, with composition, children's activities and debts.

    The sex split (``gender.init_gender``) is drawn from ``gender_rng`` (the model passes its
    ``gender`` stream), or else from ``rng`` after every other draw, so it never changes the
    other columns."""
    n, k = households, owners.k
    kiln = (np.arange(n, dtype=np.int64) * k // n).astype(np.intp)
    owners.occupants[:] = np.bincount(kiln, minlength=k)
    adults = (1 + _poisson_i8(rng, params.extra_adults_mean, n, 2)).astype(np.int8)
    dependants = _poisson_i8(rng, params.dependants_mean, n, 4)
    c04 = _poisson_i8(rng, params.children_0_4_mean, n, 5)
    c59 = _poisson_i8(rng, params.children_5_9_mean, n, 5)
    c1014 = _poisson_i8(rng, params.children_10_14_mean, n, 5)
    w1014 = _binomial_i8(rng, c1014, params.child_work_10_14_init)
    w59 = _binomial_i8(rng, c59, params.child_work_5_9_init)
    s1014 = _binomial_i8(rng, c1014 - w1014, params.school_init)
    s59 = _binomial_i8(rng, c59 - w59, params.school_init)

    rate = owners.base_paid_ratio[kiln] * owners.notified_rate[kiln] / 1000.0
    expected_gross = bricks_per_day(adults, w1014, w59, params) * days_open * rate
    indebted = rng.random(n) < params.initial_indebted_share
    debt = params.initial_debt_months * expected_gross * np.exp(
        params.initial_debt_sigma * rng.standard_normal(n))
    debt = np.where(indebted, debt, 0.0)
    savings = np.where(indebted, 0.0, rng.random(n) * expected_gross)
    outside = rng.random(n) < params.outside_lender_share
    cnic = rng.random(n) < params.cnic_share

    split = init_gender(adults, {"5_9": c59, "10_14": c1014}, {"5_9": w59, "10_14": w1014},
                        {"5_9": s59, "10_14": s1014}, params,
                        rng if gender_rng is None else gender_rng)

    false = np.zeros(n, dtype=bool)
    never = np.full(n, NOT_YET, dtype=np.int16)
    return HouseholdState(
        district=owners.district[kiln], kiln=kiln,
        location=np.zeros(n, dtype=np.int8), adults=adults, dependants=dependants,
        children_0_4=c04, children_5_9=c59, children_10_14=c1014,
        work_5_9=w59, work_10_14=w1014, school_5_9=s59, school_10_14=s1014, **split,
        debt=debt, outside_debt=np.zeros(n), savings=savings, outside_access=outside,
        cnic=cnic, sp_enrolled=false.copy(), sp_cash=np.zeros(n),
        bonded=false.copy(), months_bonded=np.zeros(n, dtype=np.int16),
        released=false.copy(), released_month=never.copy(),
        rehabilitated=false.copy(), rehabilitated_month=never.copy(),
        unmet_need=np.zeros(n),
        outside_income=np.zeros(n),
        stipend=np.zeros(n),
        outside_option=false.copy(),  # drawn by the model (``outside_work.draw_options``)
        migrant=false.copy(), away=false.copy(),  # drawn by the model (``migration.py``)
        founded_month=never.copy(),
        parent_bonded=np.full(n, -1, dtype=np.int8),
    )
