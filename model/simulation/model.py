"""The Mesa model: households and kiln owners under peshgi, one step per month.

``BondsimModel.step`` is a short list of named rules, in the order of ``docs/ODD.md``:

    0. interventions act (their ``step(model)``; they arrive with the scenarios)
    1. season: moulding days this month; bricks per family-day
       1b. the monsoon: migrants go home for the closure and come back re-tied by an advance
           (``migration.py``)
    2. earnings at the paid piece rate; the owner's deduction against debt; outside income
    3. consumption need and shocks
    4. shortfall covered by savings, social-protection cash on hand, owner's advance, outside
       lender
    5. advances, book inflation and markup added to the debt (``debt_structure``)
       5b. owners write a debt above what they can collect down to it
    6. children sent to work or to school
       6b. girls and boys: the sex split follows rule 6's counts (it changes no count)
    7. bondage: debt over threshold and held by the owner
    8. mobility: debt transfers between kilns, debt-free families leaving
       8b. families off the kilns whose need went unmet return to a kiln (``release.py``)
    9. owners: the month's profit and cash (booked just before rule 8, so that each family's
       work is booked where it was done), then next month's pay, book-keeping and
       child-work policy from their perceived risk
    10. demography: children age through the bands, are born, marry at 15; adults stop
        moulding; couples split off into the places of households that dissolve

then the month's outcomes are collected. State lives in numpy arrays (``self.hh``,
``self.ow``); ``self.households`` and ``self.kiln_owners`` are the Mesa agents on top.

Besides stage 0, interventions act at named points inside the rules (``points.py``: shock
costs in rule 3, credit before the owner's in rule 4, book inflation in rule 5, the owners'
terms as households see them each month); the core offers the points and knows no
intervention by name.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any, Protocol

import mesa
import numpy as np

from . import (
    bondage,
    channels,
    children,
    credit,
    debt,
    debt_ceiling,
    demography,
    earnings,
    kiln_terms,
    local_terms,
    migration,
    mobility,
    outside_work,
    owners,
    population,
    release,
    season,
)
from ._memory import reuse_freed_memory
from .agents import Households, KilnOwner
from .gender import SexSplit
from .keywords import with_keywords
from .ledger import Ledger, SchemeLedger
from .outcomes import EVENTS, OUTCOMES, MonthFacts, compute
from .parameters import Params
from .points import CreditOffer, add_columns
from .rng import Streams, sparse_bernoulli
from .shocks import (
    ShockDraw,
    classify_shocks,
    consumption_need,
    expected_shock_cost,
    shock_rates,
)
from .state import KILN
from .stats import WarmMedian

FAMILIES_PER_KILN = 35  # domain.md 1.2: 30-35 families a kiln (Punjab L&HRD)


class Intervention(Protocol):
    """A policy plug-in: acts once a month before the rules, and reports its public cost. It
    may also act at the month's points (``points.py``) through ``on_<point>`` methods, and
    declare the columns it adds to households or owners in ``columns``."""

    def step(self, model: BondsimModel) -> None: ...

    def cost(self, model: BondsimModel) -> float: ...


class BondsimModel(mesa.Model):
    """Peshgi debt bondage at brick kilns.

    Args:
        params: model parameters (defaults: ``Params()``).
        households: number of worker households.
        kilns: number of kilns (default: one per 35 households, at least one per district).
        districts: district names; kilns are split evenly among them.
        district_parameters: by district name, its own values of the parameters that may
            differ by district (``local_terms.LOCAL``: notified piece rate, brick price, need
            per person, outside work options); the others keep ``params``.
        seed: the run's seed; every random stream is derived from it.
        rng: the seed under Mesa's name (``mesa.Model(rng=...)``), for tools that seed
            models that way; give ``seed`` or ``rng``, not both.
        interventions: policy plug-ins (see ``Intervention``).
        channels_off: channels through which interventions may not act in this run
            (``channels.CHANNELS``: releases, deterrence, credit, cash); none by default.
            ``bondsim effect`` switches each off in turn to say where an effect comes from.
        **kwargs: any field of ``Params`` by name (``markup_annual=0.5``), replacing the
            value in ``params``, so that ``mesa.batch_run`` can sweep it (``keywords.py``).
            Named ``kwargs`` because Mesa's ``SolaraViz`` accepts model parameters it does
            not see in the signature only from a constructor with ``**kwargs``.
    """

    def __init__(self, params: Params | None = None, *, households: int = 5000,
                 kilns: int | None = None, districts: Sequence[str] = ("district",),
                 seed: int | None = None, interventions: Sequence[Intervention] = (),
                 rng: int | None = None, channels_off: Iterable[str] = frozenset(),
                 district_parameters: Mapping[str, Mapping[str, float]] | None = None,
                 **kwargs: Any) -> None:
        seed = _seed(seed, rng)
        self.channels_off = channels.check_channels(channels_off)
        self.channels_asked: set[str] = set()  # the channels interventions acted through
        super().__init__(rng=seed)
        reuse_freed_memory()
        self.params = p = with_keywords(params, kwargs)
        self.seed = int(seed)
        self.streams = Streams(self.seed)
        kilns = kilns or min(households, max(len(districts),
                                             round(households / FAMILIES_PER_KILN)))
        if households < 1 or not 1 <= len(districts) <= kilns <= households:
            raise ValueError(f"need 1 <= districts <= kilns <= households; got "
                             f"{len(districts)} districts, {kilns} kilns, {households} households")
        self.district_names = tuple(districts)
        nd = len(self.district_names)
        init = self.streams["init"]
        # the district's own terms (``local_terms.py``), one value per district
        self.local = local_terms.district_values(p, self.district_names, district_parameters)
        self.ow = population.init_owners(kilns, nd, households, p, init, self.local,
                                         self.streams["owner_ties"])
        self._days_open = p.working_days_per_month * (1.0 - p.rain_loss_share)
        self._open_months = season.open_months_per_year(p)
        self.hh = population.init_households(households, self.ow, p, init, self._days_open,
                                             self.streams["gender"])
        self.hh.outside_option[:] = outside_work.draw_options(
            self.local["outside_option_share"], self.hh.district, self.streams["outside_work"])
        self.sex_split = SexSplit(self.hh)  # rule 6b's memory of the counts
        self.hh.migrant[:] = migration.draw_migrants(self.streams["migrants"], households, p)
        self.district_kilns = np.bincount(self.ow.district, minlength=nd).astype(np.intp)
        self.district_first = np.concatenate(([0], np.cumsum(self.district_kilns)[:-1]))
        # rule 10's weddings are the households' marriages: with demography on, rule 3 draws
        # no marriage shock, and rule 7 expects the shocks rule 3 draws (the weddings apart)
        self._shock_params = replace(p, marriage_rate=0.0) if p.demography else p
        self._expected_shocks = expected_shock_cost(self._shock_params)
        self._composition_changed()
        self.demography_counts = dict.fromkeys(demography.COUNTS, 0)  # rule 10's, this month
        # social-protection cash received, summed over about the last year (rule 7's income)
        self._transfers_year = np.zeros(households)
        # rule 10's weddings, paid in next month's rule 3 (households, weddings each)
        self.weddings_due = (np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64))
        self.interventions = list(interventions)
        # the columns interventions add (``points.Column``), by table: only those in the run
        self.added_columns = add_columns({"hh": self.hh, "ow": self.ow}, self.interventions)
        self.terms = kiln_terms.KilnTerms()
        # rule 9: the penalties owners weigh (the law, as campaigns apply it this month), what
        # they saw of enforcement this month, and the weight of their record of advances
        self.penalties = owners.background_penalties(p)
        self._seen: dict[str, np.ndarray] = {}
        self._cases_seen = np.zeros(nd)
        self._convictions_seen = np.zeros(nd)
        self._freed_seen = np.zeros(nd)  # families committees and courts freed, by district
        self._advance_weight = 0.0
        self.ledger = Ledger()
        # debts to public schemes: the household columns interventions declare as debt
        self.scheme_debts = tuple(name for name, column in self.added_columns["hh"].items()
                                  if column.debt)
        self.scheme_ledger = SchemeLedger()
        self.kiln_owners = [KilnOwner(self, k) for k in range(kilns)]
        self.households = Households(self)
        self.outcomes: dict[str, float] = {}
        self.events: dict[str, float] = dict.fromkeys(EVENTS, 0.0)  # interventions count here
        self.idle_work_income = 0.0  # Rs earned outside while kilns idled this month (rule 2)
        self.median_debt = WarmMedian()
        self.median_debt_months = WarmMedian()
        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(_reporter, name) for name in OUTCOMES})
        self._record_initial_state()

    # -- the month --------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one month (see the module docstring for the rules and their order)."""
        p, hh = self.params, self.hh
        month = self.steps
        self.ledger.open(float(hh.debt.sum()))
        self.scheme_ledger.open(self.scheme_debt_total())
        bonded_before = hh.bonded.copy()
        self.events = dict.fromkeys(EVENTS, 0.0)
        self.penalties = owners.background_penalties(p)  # campaigns replace entries at stage 0
        sp_before = hh.sp_cash.copy() if hh.sp_cash.any() else None
        for intervention in self.interventions:  # 0. interventions
            intervention.step(self)
        self._count_transfers(sp_before)

        cal = season.calendar_month(month, p)  # 1. season
        days = season.production_days(cal, p)
        bricks_day = season.bricks_per_day(hh.adults, hh.work_10_14, hh.work_5_9, p,
                                           self._adult_bricks)
        self.refresh_terms()
        rate = self.terms.rate
        # what a family expects to earn in an open month: the base of owners' lending limits
        expected_gross = earnings.monthly_pay(bricks_day, self._days_open, rate)
        migration.monsoon(self, cal)  # 1b. migrants go home for the monsoon, back re-tied
        worked = self._days_worked(days)  # a sealed kiln moulds nothing while sealed
        gross, deducted, cash = self._earn(worked, bricks_day, expected_gross)  # 2. earnings
        need, shocks = self._need_and_shocks()  # 3. need and shocks
        flows = self._cover(cash, need, expected_gross)  # 4. cover the shortfall
        self._book_debt(flows)  # 5. debt ledger
        # 5b. owners write a book above what they can collect down to it (``debt_ceiling.py``)
        self.ledger.write_offs += debt_ceiling.write_down(hh.debt, self._collectable)

        children.update_children(  # 6. children
            flows.unmet > p.child_work_trigger * need if days > 0 else np.zeros(hh.n, dtype=bool),
            self._has_room(flows), self.terms.child_ban,
            hh.children_5_9, hh.children_10_14, hh.work_5_9, hh.work_10_14,
            hh.school_5_9, hh.school_10_14)
        self.sex_split.update(self.streams["gender"], hh, p)  # 6b. girls and boys

        self._bondage(expected_gross)  # 7. bondage
        # 9. owners book the month before anyone moves, so each family's bricks, pay and loans
        # are booked to the kiln where it worked, at that kiln's rate
        self._owners_account(bricks_day, worked, deducted, flows)
        n_transfer, n_free, n_left = self._move()  # 8. mobility
        release.return_to_kilns(self)  # 8b. families off the kilns return when short
        self._owners_decide(bricks_day)  # 9. owners set next month's terms
        self._demography()  # 10. children grow up, are born, marry; couples split off
        over, ilo = self._ilo_at_month_end()

        # public costs are counted at the month's end: a scheme may have lent during rule 4
        cost = sum(intervention.cost(self) for intervention in self.interventions)
        facts = MonthFacts(
            month=month, calendar_month=cal, production_days=days,
            expected_gross=expected_gross, bonded_before=bonded_before,
            shocked=shocks.index, advance=flows.advance, unmet=flows.unmet,
            gross=float(gross.sum()), sp_cash_used=float(flows.from_sp.sum()),
            outside_advances=float(flows.outside_advance.sum()),
            moves_transfer=n_transfer, moves_debt_free=n_free, moves_left_debt=n_left,
            over_count=int(np.count_nonzero(over)), ilo_count=int(np.count_nonzero(ilo)),
            intervention_cost=cost,
            paid_ratio_mean=self._paid_ratio_mean())
        self.outcomes = compute(self, facts)
        self.datacollector.collect(self)

    def run(self, months: int) -> None:
        """Run ``months`` monthly steps."""
        for _ in range(months):
            self.step()

    def at(self, point: str) -> list[Callable[..., Any]]:
        """The interventions acting at ``point``: their ``on_<point>`` methods, in the order
        the scenario lists them (``points.py``). Looked up on every call (a few attribute
        look-ups; none without interventions), so an intervention appended to
        ``self.interventions`` acts too; the columns it declares, though, are added only
        at construction."""
        method = "on_" + point
        return [handler for intervention in self.interventions
                if (handler := getattr(intervention, method, None)) is not None]

    def channel_on(self, name: str) -> bool:
        """Whether interventions may act through channel ``name`` (``channels.CHANNELS``) in
        this run. Each intervention asks at the one place where it acts through the channel;
        the model remembers what was asked (``channels_asked``), so that a channel never asked
        is known to have changed nothing."""
        if name not in channels.CHANNELS:
            channels.check_channels((name,))
        self.channels_asked.add(name)
        return name not in self.channels_off

    def owner_terms(self) -> dict[str, np.ndarray]:
        """The owners' terms this month, one value per kiln (``kiln_terms.owner_terms``), as
        interventions at the point ``kiln_terms`` change them (``points.py``)."""
        terms = kiln_terms.owner_terms(self.ow, self.params)
        for handler in self.at("kiln_terms"):
            handler(self, terms)
        return terms

    def refresh_terms(self) -> None:
        """Bring each household's copy of its kiln's terms up to date (rule 1 does, after the
        interventions of stage 0 have acted)."""
        self.terms.update(self.hh.kiln, self.owner_terms())

    # -- rules that touch several columns -----------------------------------------------------
    def _paid_ratio_mean(self) -> float:
        """The mean over households of the rate paid against their district's notified rate."""
        notified = self.ow.notified_rate[self.hh.kiln]
        return float(np.mean(self.terms.rate * 1000.0 / notified))

    def _composition_changed(self) -> None:
        """What the rules derive from households' members (need, the savings buffer, the
        adults' bricks) and the model's head counts: at construction, and after rule 10."""
        p, hh = self.params, self.hh
        self._need = consumption_need(hh.size, p, self.local["need_per_person"][hh.district])
        self._adult_bricks = season.adult_bricks_per_day(hh.adults, p)
        self._adult_open_bricks = self._adult_bricks * self._days_open  # an open month's
        self._buffer = p.savings_buffer_months * self._need
        # rule 7's yearly need: subsistence and the expected cost of shocks (with rule 10 on,
        # weddings are the household's own, expected from its children of 10-14)
        shocks = self._expected_shocks
        if p.demography:
            shocks = shocks + demography.expected_wedding_cost(hh.children_10_14, p)
        self._capacity_need = 12.0 * (self._need + shocks)
        self.children_5_14 = int(hh.children_5_9.sum(dtype=np.int64)
                                 + hh.children_10_14.sum(dtype=np.int64))
        self.girls_5_14 = int(hh.girls_5_9.sum(dtype=np.int64)
                              + hh.girls_10_14.sum(dtype=np.int64))
        self.adult_moulders = int(hh.adults.sum(dtype=np.int64))
        self.women_moulders = int(hh.women.sum(dtype=np.int64))

    def forget_transfers(self, households: np.ndarray) -> None:
        """Rule 10: a row a new couple takes has received no social-protection cash yet (the
        year's transfers rule 7 counts as income)."""
        self._transfers_year[households] = 0.0

    def _demography(self) -> None:
        """Rule 10 (``demography.py``), when switched on: members change, so what the rules
        derive from them is derived again and rule 6b remembers the new counts."""
        if not self.params.demography:
            return
        self.demography_counts = demography.step(self)
        self._composition_changed()
        self.sex_split.remember(self.hh)

    def _days_worked(self, days: float) -> float | np.ndarray:
        """Rule 1's moulding days where each family works: ``days`` everywhere, or, when a kiln
        is sealed for part of the month (rule 9), fewer there (one value per household)."""
        sealed = self.ow.sealed_months
        if days <= 0 or not sealed.any():
            return days
        return days * (1.0 - np.minimum(sealed, 1.0))[self.hh.kiln]

    def _earn(self, days: float | np.ndarray, bricks_day: np.ndarray,
              expected_gross: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rule 2: gross pay, the owner's deduction against debt, and the cash left (plus any
        income earned outside the kiln). Returns gross, deducted, cash."""
        hh = self.hh
        if np.any(days > 0):
            gross = (expected_gross if np.isscalar(days) and days == self._days_open
                     else earnings.monthly_pay(bricks_day, days, self.terms.rate))
            deducted = earnings.deduction(gross, self.terms.deduction_share, hh.debt)
            hh.debt -= deducted
            cash = gross - deducted
        else:
            gross = deducted = cash = credit.zeros(hh.n)
        if hh.location.any():  # families off the kilns: no kiln pay, a wage on some days
            off = hh.location != KILN
            gross = np.where(off, 0.0, gross)
            deducted = np.where(off, 0.0, deducted)
            cash = np.where(off, 0.0, cash) + release.off_kiln_income(hh.adults, hh.location,
                                                                       self.params)
        if hh.away.any():  # rule 1b: migrants home for the monsoon earn a wage there
            cash = cash + np.where(hh.away, migration.away_income(hh.adults, self.params), 0.0)
        if hh.outside_income.any():  # work outside the kiln (e.g. after skills training)
            cash = cash + hh.outside_income
        idle = outside_work.idle_share(days, self._days_open)
        self.idle_work_income = 0.0
        if np.any(idle > 0.0) and hh.outside_option.any():  # casual work while the kiln idles
            earned = outside_work.idle_income(hh.adults, hh.outside_option, hh.at_kiln,
                                              idle, self.params)  # not a migrant away (1b)
            self.idle_work_income = float(earned.sum())
            cash = cash + earned
        self.ledger.deductions += float(deducted.sum())
        return gross, deducted, cash

    def _need_and_shocks(self) -> tuple[np.ndarray, ShockDraw]:
        """Rule 3: each family's need this month, with the shocks that hit it (interventions
        at ``shock_costs`` may change what they cost, e.g. health cover)."""
        p, hh = self.params, self.hh
        need = self._need.copy()
        sp = self._shock_params
        hit, v = sparse_bernoulli(self.streams["shocks"], hh.n, float(shock_rates(sp).sum()))
        shocks = classify_shocks(hit, v, self.streams["shock_costs"], sp)
        for handler in self.at("shock_costs"):
            handler(self, shocks)
        need[shocks.index] += shocks.cost
        wed, weddings = self.weddings_due
        if wed.size:  # rule 10's weddings of last month
            need[wed] += demography.wedding_costs(self.streams["weddings"], wed, weddings, p)
        if hh.location.any():  # a room in town costs rent
            need += release.rent(hh.location, p)
        return need, shocks

    def _cover(self, cash: np.ndarray, need: np.ndarray,
               expected_gross: np.ndarray) -> credit.CreditFlows:
        """Rule 4, with the owner's lending limit and the outside lender's room.

        Owners lend against the adults' expected pay: a limit that moved with the children's
        work would fall when a child goes to school, push the family back into shortfall and
        the child back to work the next month, a two-month cycle with no basis in the field."""
        p, hh = self.params, self.hh
        # limit = limit months x the adults' expected pay = (limit months x rate) x bricks
        limit = self.terms.limit_per_brick * self._adult_open_bricks
        # rule 5b: nor past what the owner can collect (kept for the write-down after rule 5)
        self._collectable = debt_ceiling.collectable_debt(
            self.terms.rate * self._adult_open_bricks, self.terms.deduction_share,
            self._open_months / 12.0, p.debt_recovery_years, debt.markup_annual(p))
        np.minimum(limit, self._collectable, out=limit)
        if np.isfinite(self.terms.by_kiln("debt_ceiling")).any():  # e.g. a legal cap on advances
            np.minimum(limit, self.terms.debt_ceiling, out=limit)
        if hh.location.any():  # no owner lends to a family off the kilns (one home for the
            limit = np.where(hh.location == KILN, limit, 0.0)  # monsoon: through his jamadar)
        room = credit.advance_room(limit, hh.debt)
        sp_cash = hh.sp_cash if hh.sp_cash.any() else None
        outside_room = None
        if p.outside_lender_share > 0 and hh.outside_access.any():
            limit = np.where(hh.outside_access, p.outside_limit_months * expected_gross, 0.0)
            outside_room = credit.advance_room(limit, hh.outside_debt)
        offers: list[CreditOffer] = [offer for handler in self.at("shortfall_credit")
                                     if (offer := handler(self)) is not None]
        flows = credit.cover_shortfall(cash, need, hh.savings, sp_cash, hh.debt, room,
                                       hh.outside_debt, outside_room, self._buffer,
                                       p.surplus_spend_share, [o.room for o in offers],
                                       sp_keep=self._buffer)  # cash on hand up to the buffer
        hh.unmet_need = flows.unmet
        for offer, drawn in zip(offers, flows.before_owner, strict=True):
            offer.drawn(drawn)
        return flows

    def _has_room(self, flows: credit.CreditFlows) -> np.ndarray:
        """Rule 6's room: the family met its need, and its owner would still lend it at least
        a working child's monthly pay less any school stipend the child would bring, so it
        can afford to send the child to school."""
        slack = flows.slack
        if self.hh.stipend.any():
            slack = slack + self.hh.stipend
        return (flows.unmet == 0.0) & (slack >= self.terms.child_pay)

    def _book_debt(self, flows: credit.CreditFlows) -> None:
        """Rule 5: repayments out; advances, book inflation and markup in."""
        p, hh, led = self.params, self.hh, self.ledger
        hh.debt -= flows.repayment
        share = self.terms.book_inflation  # the owner's, as kiln_terms left it
        for handler in self.at("book_inflation"):  # e.g. families who contest inflated entries
            share = handler(self, share)
        inflated = debt.book_inflation(flows.advance, share)
        added = debt.markup(hh.debt, debt.markup_annual(p))
        led.repayments += float(flows.repayment.sum())
        led.markup += float(added.sum())
        led.advances += float(flows.advance.sum())
        led.book_inflation += float(inflated.sum())
        added += flows.advance
        added += inflated
        hh.debt += added
        if flows.outside_advance is not flows.outside_repayment:  # an outside lender exists
            hh.outside_debt -= flows.outside_repayment
            hh.outside_debt += debt.markup(hh.outside_debt, p.outside_rate_annual)
            hh.outside_debt += flows.outside_advance

    def _bondage(self, expected_gross: np.ndarray) -> None:
        """Rule 7: update the bonded flag (the legal definition, the headline) and months
        bonded, and keep each family's repayment capacity (``bondage.py``)."""
        hh = self.hh
        capacity = bondage.repayment_capacity(self._annual_income(expected_gross),
                                              self._capacity_need)
        # kept for observers (a simulated survey applies rule 7 to reported debts)
        self.repayment_capacity = capacity
        legal = bondage.legally_bonded(hh.debt, self.terms.coercive)
        hh.bonded[:] = legal
        np.multiply(hh.months_bonded + legal, legal, out=hh.months_bonded)

    def _ilo_at_month_end(self) -> tuple[np.ndarray, np.ndarray]:
        """The involuntariness condition (debt over the threshold of rule 7's capacity) and
        the ILO definition, read from the month's final state like the legal headline, so
        releases, moves and splits after rule 7 count in all three definitions alike."""
        over = bondage.debt_over_threshold(self.debt_owed(), self.repayment_capacity,
                                           self.params.bondage_debt_multiple)
        return over, bondage.ilo_bonded(over, self.hh.bonded)

    def _count_transfers(self, before: np.ndarray | None) -> None:
        """Add the social-protection cash interventions paid this month to the yearly sum
        rule 7 counts as income (a moving sum: each month keeps 11/12 of the last)."""
        hh = self.hh
        if before is None and not hh.sp_cash.any() and not self._transfers_year.any():
            return
        paid = hh.sp_cash if before is None else np.maximum(hh.sp_cash - before, 0.0)
        self._transfers_year *= 11.0 / 12.0
        self._transfers_year += paid

    def _annual_income(self, expected_gross: np.ndarray) -> np.ndarray:
        """Rule 7's yearly income: kiln pay in the open months (every member who moulds),
        outside work, and social-protection transfers at their recent yearly pace."""
        income = expected_gross * self._open_months
        if self.hh.outside_income.any():
            income = income + 12.0 * self.hh.outside_income
        if self._transfers_year.any():
            income = income + self._transfers_year
        return income

    def _move(self) -> tuple[int, int, int]:
        """Rule 8: debt transfers and free moves. Returns the counts of transfers, of moves of
        debt-free families and of moves of families that left a debt behind."""
        p, hh, ow = self.params, self.hh, self.ow
        tried, v = sparse_bernoulli(self.streams["mobility"], hh.n,
                                    max(p.transfer_rate, p.exit_rate_debt_free))
        # one destination draw per household that tried, whether or not it then moves, so
        # that a policy changing who is indebted does not shift other families' destinations
        where_to = self.streams["destinations"].random(tried.size)
        # a family owing an owner who does not hold it (rule 9) is as free as a debt-free one:
        # it may leave, and its debt stays behind, written off
        tied = np.where(self.terms.coercive, hh.debt, 0.0)
        index, is_transfer = mobility.select_movers(tried, v, tied, p.transfer_rate,
                                                    p.exit_rate_debt_free)
        if hh.location.any() or hh.away.any():  # off the kilns: by rule 8b only; away: not
            kept = hh.at_kiln[index]
            index, is_transfer = index[kept], is_transfer[kept]
        if index.size == 0:
            return 0, 0, 0
        origin = hh.kiln[index]
        dest = mobility.pick_destinations(hh.district[index],
                                          where_to[np.searchsorted(tried, index)],
                                          self.district_first, self.district_kilns)
        ok = mobility.accept(origin, dest, ow.capacity - ow.occupants)
        index, dest, is_transfer = index[ok], dest[ok], is_transfer[ok]
        self.sell_debts(index[is_transfer], dest[is_transfer], p.transfer_premium)
        free = index[~is_transfer]
        owed = self.let_go(free, dest[~is_transfer])
        return int(np.count_nonzero(is_transfer)), free.size - owed, owed

    def let_go(self, households: np.ndarray, kilns: np.ndarray) -> int:
        """Free families (debt-free, or owing an owner who does not hold them, rule 9) move to
        ``kilns``: what they owed stays behind, written off, since nobody bought it. Capacity
        is not checked (the caller's ``mobility.accept`` did). Returns how many left a debt."""
        owed = households[self.hh.debt[households] > 0.0]
        self.write_off(owed)
        self.move_households(households, kilns)
        return int(owed.size)

    def sell_debts(self, households: np.ndarray, kilns: np.ndarray, premium: float) -> float:
        """Another owner buys families' debts: it pays their current owner the recorded debt
        plus ``premium`` (a share of it), the families now owe it that larger sum and move to
        its kiln (domain.md 1.7). Books the premiums in the ledger; returns their total."""
        hh, ow = self.hh, self.ow
        index = self._distinct(households)
        kilns = np.broadcast_to(np.asarray(kilns, dtype=np.intp), index.shape)
        price = hh.debt[index] * (1.0 + premium)
        added = price - hh.debt[index]
        hh.debt[index] = price
        total = float(added.sum())
        self.ledger.transfer_premiums += total
        ow.cash += (np.bincount(hh.kiln[index], weights=price, minlength=ow.k)
                    - np.bincount(kilns, weights=price, minlength=ow.k))
        self.move_households(index, kilns)
        return total

    def _owners_account(self, bricks_day: np.ndarray, days: float | np.ndarray,
                        deducted: np.ndarray,
                        flows: credit.CreditFlows) -> None:
        """Rule 9, first half: owners' profit and cash from this month's bricks and loans.

        Called before rule 8 moves anyone, so each family is booked to the kiln where it
        worked, at that kiln's rate. A kiln pays one rate, so its wage bill is its bricks times
        its rate."""
        p, ow = self.params, self.ow
        k = ow.k
        kiln = self.hh.kiln
        if np.any(days > 0):
            if self.hh.location.any():  # off the kilns: no bricks
                bricks_day = np.where(self.hh.location == KILN, bricks_day, 0.0)
            if np.isscalar(days):
                bricks = np.bincount(kiln, weights=bricks_day, minlength=k) * days
            else:
                bricks = np.bincount(kiln, weights=bricks_day * days, minlength=k)
            kiln_rate = earnings.piece_rate_paid(ow.notified_rate, ow.paid_ratio)
            ow.profit[:] = owners.operating_profit(bricks, bricks * kiln_rate, p, ow.brick_price)
        else:
            ow.profit[:] = 0.0
        loan_cash = deducted + flows.repayment
        loan_cash -= flows.advance
        ow.cash += ow.profit + np.bincount(kiln, weights=loan_cash, minlength=k)
        # each owner's record of its advances: an exponentially weighted monthly average over
        # about a year (``advances_month`` corrects for the months before the record began)
        alpha = 1.0 / 12.0
        ow.advances_ewm *= 1.0 - alpha
        ow.advances_ewm += alpha * np.bincount(kiln, weights=flows.advance, minlength=k)
        self._advance_weight = (1.0 - alpha) * self._advance_weight + alpha
        np.maximum(ow.sealed_months - 1.0, 0.0, out=ow.sealed_months)

    def saw_visits(self, kind: str, kilns: np.ndarray) -> None:
        """Interventions report the visits of one kind (``owners.KINDS``) owners saw this
        month; rule 9 learns from them (unless the deterrence channel is off)."""
        seen = self._seen.get(kind)
        if seen is None:
            seen = self._seen[kind] = np.zeros(self.ow.k, dtype=bool)
        seen[kilns] = True

    def saw_cases(self, kilns: np.ndarray, convicted: np.ndarray) -> None:
        """Interventions report the cases registered at ``kilns`` (one per kiln) and which
        ended in a conviction; owners learn the conviction rate from their district's."""
        district = self.ow.district[kilns]
        nd = len(self.district_names)
        self._cases_seen += np.bincount(district, minlength=nd)
        self._convictions_seen += np.bincount(district, weights=convicted.astype(float),
                                              minlength=nd)

    def _owners_decide(self, bricks_day: np.ndarray) -> None:
        """Rule 9, second half: owners learn from the enforcement they saw and choose next
        month's practices from their gains and expected penalties (``owners.py``).

        This is the one guard of the ``deterrence`` channel: with it off, owners decide as if
        no campaign acted on them (``deterred``)."""
        p, ow = self.params, self.ow
        prior = owners.prior_visits(p)
        learning, penalties = self.deterred()
        for kind, belief in ((owners.POLICE, ow.belief_police), (owners.WAGE, ow.belief_wage),
                             (owners.AUDIT, ow.belief_audit)):
            visited = self._seen.get(kind)
            seen = 0.0
            if learning and visited is not None:
                seen = owners.seen_visits(visited, ow.district, self.district_kilns,
                                          p.own_visit_weight)
            belief[:] = owners.learn(belief, prior[kind] + seen, p.belief_memory)
        if not learning:
            self._cases_seen[:] = 0.0
            self._convictions_seen[:] = 0.0
        owners.learn_conviction(ow, self._cases_seen, self._convictions_seen, p)
        freed = 0.0
        if learning and self._freed_seen.any():
            hh = self.hh
            held = np.bincount(hh.district[hh.bonded], minlength=len(self.district_names))
            freed = owners.release_target(self._freed_seen, held + self._freed_seen,
                                          ow.district)
        ow.belief_release[:] = owners.learn(ow.belief_release, freed, p.belief_memory)
        self._seen = {}
        self._cases_seen[:] = 0.0
        self._convictions_seen[:] = 0.0
        self._freed_seen[:] = 0.0
        choices = owners.choose(ow, self._kiln_facts(bricks_day), penalties, p)
        owners.apply(ow, choices, decided=self._advance_weight > 0.0)

    def saw_releases(self, households: np.ndarray) -> None:
        """Committees and courts report the families they freed; owners learn from their
        district's share of held families freed (rule 9)."""
        nd = len(self.district_names)
        self._freed_seen += np.bincount(self.hh.district[households], minlength=nd)

    def deterred(self) -> tuple[bool, dict[str, owners.Penalty]]:
        """Whether owners learn from this month's enforcement, and the penalties they weigh.

        The ``deterrence`` channel is a campaign's hold on owners' beliefs: the visits, cases
        and convictions they learn from, and the penalties it sets (``model.penalties``). With
        it off they learn nothing and weigh the law's background penalties
        (``owners.background_penalties``): otherwise a campaign's higher fines or better
        detection would still deter at the background chance of a visit. The channel is asked
        only in a month when a campaign was seen or set a penalty, so a run that never asked it
        is known to be unchanged with it off."""
        background = owners.background_penalties(self.params)
        campaign = (bool(self._seen) or bool(self._cases_seen.any())
                    or bool(self._freed_seen.any()) or self.penalties != background)
        if not campaign or self.channel_on("deterrence"):
            return True, self.penalties
        return False, background

    def _kiln_facts(self, bricks_day: np.ndarray) -> owners.KilnFacts:
        """What each owner knows of its kiln when it decides (``owners.KilnFacts``): its
        families' bricks in an average month (open months' days spread over the year), what
        its children would mould (those working, and those of families short last month, whom
        rule 6 would send), its debts and its record of advances. Only families living at the
        kiln count: one off the kilns keeps its last kiln's index but works for nobody."""
        p, hh, ow = self.params, self.hh, self.ow
        k, kiln = ow.k, hh.kiln
        month_days = self._days_open * self._open_months / 12.0
        children = (hh.work_10_14 * p.bricks_per_child_10_14_day
                    + hh.work_5_9 * p.bricks_per_child_5_9_day).astype(np.float64)
        would = (hh.unmet_need > 0.0) & (children == 0.0)
        children[would] = (hh.children_10_14[would] * p.bricks_per_child_10_14_day
                           + hh.children_5_9[would] * p.bricks_per_child_5_9_day)
        owed = hh.debt
        if hh.location.any():  # a family off the kilns is nobody's labour (``release.py``)
            here = hh.location == KILN
            bricks_day = np.where(here, bricks_day, 0.0)
            children = np.where(here, children, 0.0)
            owed = np.where(here, owed, 0.0)  # 0 anyway: no owner lends off the kilns
        cap = ow.legal_debt_cap[kiln]
        above = np.maximum(owed - cap, 0.0) if np.isfinite(ow.legal_debt_cap).any() else None
        weight = self._advance_weight
        return owners.KilnFacts(
            bricks_month=np.bincount(kiln, weights=bricks_day, minlength=k) * month_days,
            child_bricks_month=np.bincount(kiln, weights=children, minlength=k) * month_days,
            child_families=np.bincount(kiln, weights=children > 0.0, minlength=k),
            debt=np.bincount(kiln, weights=owed, minlength=k),
            indebted_families=np.bincount(kiln, weights=owed > 0.0, minlength=k),
            advances_month=ow.advances_ewm / weight if weight > 0 else np.zeros(k),
            debt_above_cap=(np.zeros(k) if above is None
                            else np.bincount(kiln, weights=above, minlength=k)))

    # -- bookkeeping --------------------------------------------------------------------------
    def write_off(self, households: np.ndarray) -> float:
        """Extinguish the debts of ``households`` (indices or a boolean mask), e.g. on release
        (BLSA 1992 s.6); books the write-off in the ledger and returns the rupees written off.
        The owners lose the debt; no cash changes hands."""
        index = self._distinct(households)
        amount = float(self.hh.debt[index].sum())
        self.hh.debt[index] = 0.0
        self.ledger.write_offs += amount
        return amount

    def repay_debt(self, households: np.ndarray, amount: np.ndarray | float) -> float:
        """Repay up to ``amount`` (per household, or one figure for all) of the debts of
        ``households`` (distinct indices or a boolean mask), e.g. with an interest-free loan
        from an outside lender. The owners receive the cash; the ledger books a repayment.
        Returns the rupees repaid."""
        index = self._distinct(households)
        hh = self.hh
        paid = np.minimum(np.broadcast_to(np.asarray(amount, dtype=float), index.shape),
                          hh.debt[index])
        hh.debt[index] -= paid
        self.ow.cash += np.bincount(hh.kiln[index], weights=paid, minlength=self.ow.k)
        total = float(paid.sum())
        self.ledger.repayments += total
        return total

    def scheme_lend(self, households: np.ndarray, amount: np.ndarray | float,
                    column: str) -> float:
        """A public scheme lends ``amount`` (per household, or one figure for all) to
        ``households`` (distinct indices or a boolean mask): they owe it more on ``column``
        (a household column declared as debt, ``points.Column.debt``), booked as lent in the
        scheme's ledger. Returns the rupees lent."""
        owed = self._scheme_column(column)
        index = self._distinct(households)
        lent = np.broadcast_to(np.asarray(amount, dtype=float), index.shape)
        owed[index] += lent
        total = float(lent.sum())
        self.scheme_ledger.lend(total)
        return total

    def scheme_collect(self, amount: np.ndarray, column: str) -> float:
        """A public scheme collects ``amount`` (Rs per household, at most what each owes it on
        ``column`` and has saved) from families' savings; booked as collected. Returns the
        total."""
        owed, hh = self._scheme_column(column), self.hh
        due = np.minimum(np.minimum(amount, owed), hh.savings)
        hh.savings -= due
        owed -= due
        total = float(due.sum())
        self.scheme_ledger.collect(total)
        return total

    def _scheme_column(self, column: str) -> np.ndarray:
        if column not in self.scheme_debts:
            raise ValueError(f"{column!r} is not a household column declared as debt to a "
                             f"scheme; the run has {list(self.scheme_debts)}")
        return getattr(self.hh, column)

    def scheme_debt_total(self) -> float:
        """What families owe public schemes, Rs (0 in a run without one)."""
        return sum(float(getattr(self.hh, name).sum()) for name in self.scheme_debts)

    def debt_owed(self) -> np.ndarray:
        """Each family's debt to its owner and to public schemes, Rs: the debt rule 7's
        threshold and the indebted share count (a scheme's claim is debt like any other)."""
        if not self.scheme_debts:
            return self.hh.debt
        owed = self.hh.debt.copy()
        for name in self.scheme_debts:
            owed += getattr(self.hh, name)
        return owed

    def move_households(self, households: np.ndarray, kilns: np.ndarray | int) -> None:
        """Move ``households`` (distinct indices or a boolean mask) to ``kilns`` (one per
        household, or one for all), keeping kilns' occupancy and each household's copy of its
        kiln's terms right. No money changes hands and capacity is not checked: rule 8 does
        both for its own moves, and an intervention that sells families does its own books.
        A family off the kilns that moves here joins the kiln (its location becomes KILN).
        Every change of a household's kiln goes through here."""
        index = self._distinct(households)
        dest = np.broadcast_to(np.asarray(kilns, dtype=np.intp), index.shape)
        if index.size and not (dest.min() >= 0 and dest.max() < self.ow.k):
            raise ValueError(f"kiln index out of range 0-{self.ow.k - 1}")
        k, hh = self.ow.k, self.hh
        left = index[hh.location[index] == KILN]  # a family off the kilns frees no place
        self.ow.occupants += (np.bincount(dest, minlength=k)
                              - np.bincount(hh.kiln[left], minlength=k)).astype(np.int32)
        hh.kiln[index] = dest
        hh.district[index] = self.ow.district[dest]
        hh.location[index] = KILN
        self.terms.moved(index)

    def leave_kilns(self, households: np.ndarray, location: np.ndarray | int) -> None:
        """Move ``households`` (distinct indices or a mask, all at a kiln) off the kilns to
        ``location`` (a code of ``state.py`` other than KILN, one per household or one for
        all): their places are freed; ``kiln`` keeps the last kiln (and so the district).
        Their debts to owners must be 0: no owner follows a family off the kilns."""
        index = self._distinct(households)
        where = np.broadcast_to(np.asarray(location, dtype=np.int8), index.shape)
        hh = self.hh
        if index.size and ((where == KILN).any() or (hh.location[index] != KILN).any()
                           or (hh.debt[index] > 0.0).any()):
            raise ValueError("leave_kilns: families must be at a kiln, debt-free, and go off "
                             "the kilns")
        self.ow.occupants -= np.bincount(hh.kiln[index], minlength=self.ow.k).astype(np.int32)
        hh.location[index] = where

    def release(self, households: np.ndarray, route: str = "inspection") -> np.ndarray:
        """Release bonded ``households`` (indices or a boolean mask) by ``route``
        (``release.ROUTES``: an inspection's follow-through, a conviction, a committee's
        hearing, a court's order): their debts to owners are written off (BLSA 1992 s.6), they
        are marked released this month, counted by route, and each chooses where to go
        (``release.release_families``). Every release goes through here, the one guard of the
        ``releases`` channel: with it off nobody is released. Returns who was released."""
        index = self._distinct(households)
        if not self.channel_on("releases"):
            return index[:0]
        return release.release_families(self, index, route)

    def _distinct(self, households: np.ndarray) -> np.ndarray:
        """Household indices from indices or a boolean mask; repeated indices are an error,
        since they would book one debt twice."""
        households = np.asarray(households)
        if households.dtype == bool:
            return np.flatnonzero(households)
        index = households.astype(np.intp, copy=False).ravel()
        ascending = index.size < 2 or bool((np.diff(index) > 0).all())  # distinct, no sort
        if not ascending and np.unique(index).size != index.size:
            raise ValueError("a household appears more than once")
        return index

    def _record_initial_state(self) -> None:
        """Month 0: the initial state, with no flows, so plots start where the model starts."""
        hh = self.hh
        self.ledger.open(float(hh.debt.sum()))
        self.scheme_ledger.open(self.scheme_debt_total())
        zeros = np.zeros(hh.n)
        self.refresh_terms()
        expected_gross = (season.bricks_per_day(hh.adults, hh.work_10_14, hh.work_5_9,
                                                self.params)
                          * self.terms.rate * self._days_open)
        self._bondage(expected_gross)
        over, ilo = self._ilo_at_month_end()
        hh.months_bonded[:] = 0
        facts = MonthFacts(
            month=0, calendar_month=season.calendar_month(0, self.params), production_days=0.0,
            expected_gross=expected_gross, bonded_before=hh.bonded.copy(),
            shocked=np.zeros(0, dtype=np.intp), advance=zeros, unmet=zeros, gross=0.0,
            sp_cash_used=0.0, outside_advances=0.0, moves_transfer=0, moves_debt_free=0,
            moves_left_debt=0,
            over_count=int(np.count_nonzero(over)), ilo_count=int(np.count_nonzero(ilo)),
            intervention_cost=0.0,
            paid_ratio_mean=self._paid_ratio_mean())
        self.outcomes = compute(self, facts)
        self.datacollector.collect(self)

    def outcome_matrix(self) -> np.ndarray:
        """The outcomes as a (months + 1) x len(OUTCOMES) float array, in ``OUTCOMES`` order:
        what a batch stores per run, without building a DataFrame."""
        data = self.datacollector.model_vars
        return np.column_stack([np.asarray(data[name], dtype=np.float64) for name in OUTCOMES])

    def timeseries(self):
        """One row per month (0 = initial state), one column per outcome (pandas DataFrame)."""
        frame = self.datacollector.get_model_vars_dataframe()
        return frame.reset_index(drop=True)[list(OUTCOMES)]


def _seed(seed: int | None, rng: int | None) -> int:
    """The run's seed from ``seed`` or Mesa's ``rng`` (0 if neither): a whole number, since
    every random stream is derived from it (``rng.py``)."""
    if seed is not None and rng is not None and seed != rng:
        raise TypeError(f"BondsimModel got seed={seed!r} and rng={rng!r}; give one of them")
    value = seed if seed is not None else rng if rng is not None else 0
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise TypeError(f"BondsimModel's seed must be a whole number of at least 0, got "
                        f"{value!r}")
    return int(value)


def _reporter(name: str, model: BondsimModel) -> float:
    return model.outcomes[name]
