"""Model parameters: one frozen dataclass, each field declared with its metadata.

Every parameter carries a unit, a default, a plausible range (the bounds a sensitivity sweep
uses) and a source: publications cited by key, ``[@curry-2020]``, each an entry of
``docs/references.md``, or the word *assumption* first. The same
declaration generates ``docs/parameters.md`` and validates scenario files, so the numbers are
written down once. Hard ``valid`` bounds are what the model can run with at all; the
``plausible`` range is what the evidence supports.

A rupee parameter also declares the price year of its source figure (``price_year``); its
default and plausible range are that figure and range converted to rupees of the base year
(``prices.py``), and the metadata keeps the figure as the source gave it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ..prices import BASE_YEAR, check_year, shown_unit, to_base

ASSUMPTION = "assumption"
CALIBRATION = ("within the accepted range of experiments/calibration_baseline.toml (ABC, "
               "17 of 800 draws;")


@dataclass(frozen=True)
class ParamInfo:
    """Metadata of one parameter (see the module docstring)."""

    unit: str
    plausible: tuple[float, float] | None
    source: str
    doc: str
    #: what plots, reports and the interactive page call it (a few words, no underscores)
    label: str
    valid: tuple[float | None, float | None] = (0.0, None)
    #: rupees only: the fiscal year of the source figure's prices, and the figure itself
    price_year: int | None = None
    figure: float | None = None


def par(
    default: Any,
    unit: str,
    plausible: tuple[float, float] | None,
    source: str,
    doc: str,
    *,
    valid: tuple[float | None, float | None] = (0.0, None),
    label: str,
    price_year: int | None = None,
) -> Any:
    """Declare a parameter field with its metadata. A rupee figure (``prices.is_money``) needs
    ``price_year``, the year of its prices: its default and plausible range are converted to
    base-year rupees, and the figure as given is kept. ``label`` is its reader's name, declared
    here so that a new parameter cannot reach a plot as ``snake_case``."""
    figure = None
    if price_year is not None:
        figure = default
        default = to_base(default, check_year(price_year))
        if plausible is not None:
            plausible = (to_base(plausible[0], price_year), to_base(plausible[1], price_year))
    info = ParamInfo(unit=unit, plausible=plausible, source=source, doc=doc, label=label,
                     valid=valid,
                     price_year=price_year, figure=figure)
    return field(default=default, metadata={"info": info})


PROB = (0.0, 1.0)
#: parameters that take one of a few named values; a sweep gives the position in the tuple
CHOICES: dict[str, tuple[str, ...]] = {"debt_structure": ("markup", "inflation", "both")}


def choice(name: str, value: object) -> str:
    """The named value of choice parameter ``name`` from a name or its position in
    ``CHOICES[name]`` (a whole number, as a sweep's factor gives it)."""
    import numbers

    options = CHOICES[name]
    if isinstance(value, str) and value in options:
        return value
    if (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and float(value) == int(value) and 0 <= int(value) < len(options)):
        return options[int(value)]
    codes = ", ".join(f"{i} = {o!r}" for i, o in enumerate(options))
    raise ValueError(f"parameter {name!r}: expected one of {codes}, got {value!r}")
MONTH_OF_YEAR = (1.0, 12.0)


@dataclass(frozen=True)
class Params:
    """All parameters of the core model. Make variants with ``dataclasses.replace``."""

    # --- Season and production (rule 1) -------------------------------------------------
    start_month: int = par(
        9, "calendar month (1-12)", None,
        "kilns reopen after the monsoon in September [@nation-2017-monsoon] "
        "[@tns-brick-upon-brick]",
        "Calendar month of simulation month 1 (the season's start).", valid=MONTH_OF_YEAR,
        label="first calendar month of the run")
    closure_months: tuple[int, ...] = par(
        (7, 8), "calendar months", None,
        "monsoon closure about July to early September [@nation-2017-monsoon]",
        "Months in which kilns do not mould (monsoon closure).", valid=MONTH_OF_YEAR,
        label="monsoon closure months")
    extra_closure_months: tuple[int, ...] = par(
        (), "calendar months", None,
        "Punjab anti-smog bans 20 Oct-31 Dec 2018 [@tns-bricks-mortals], 7 Nov-31 Dec 2020 "
        "[@urdupoint-2020-closure]",
        "Additional closed months, for example a smog ban (11, 12).", valid=MONTH_OF_YEAR,
        label="extra closed months (smog ban)")
    working_days_per_month: float = par(
        26.0, "days/month", (22.0, 27.0),
        "[derived] a 9-10 month season [@tns-brick-upon-brick] of about 26 working days a month",
        "Moulding days in an open month before rain losses.", valid=(1.0, 31.0),
        label="working days in an open month")
    rain_loss_share: float = par(
        0.10, "share of days", (0.0, 0.25),
        "[derived] about 200-250 moulding days a year; rain stops work for days [@curry-2020]",
        "Share of working days lost to rain in open months.", valid=(0.0, 0.9),
        label="working days lost to rain")
    # the monsoon away from the kiln (rule 1b, ``migration.py``)
    monsoon_migrant_share: float = par(
        0.3, "share of households", (0.1, 0.5),
        "assumption: migrant moulders go home in July-August and return in September "
        "[@tns-brick-upon-brick] [@nation-2017-monsoon], but a kiln's 30-35 families "
        "[@aftab-social-protection] are not said to be all migrants; no count of how many go "
        "home was found, so the middle of the range, which the screening sweep covers "
        "(experiments/sensitivity_screening.toml); the stylised facts and prevalence bands "
        "hold across it (docs/ODD.md 7.1b)",
        "Share of households that are seasonal migrants: they go home for the monsoon closure "
        "(drawn once per household for the run).", valid=PROB,
        label="seasonal migrant families")
    monsoon_work_days: float = par(
        6.0, "days/month", (0.0, 20.0),
        "assumption: as home_work_days (paid days back home in the village), at the casual "
        "wage (outside_daily_wage); the kharif harvest may offer more",
        "Days a month an adult of a migrant family finds paid work at home during the monsoon.",
        valid=(0.0, 31.0),
        label="migrants' paid days at home in the monsoon")
    rehire_advance_weeks: float = par(
        2.0, "weeks of the family's expected pay", (0.0, 6.0),
        "assumption: advances at re-hiring tie returning migrants to the next season "
        "[@tns-brick-upon-brick] (size not reported); the upper bound is the Punjab 2016 "
        "ordinance's cap of 6 x one wage period's wages [@nation-2016-act]",
        "Most an owner advances a returning migrant family at re-hiring in September, to "
        "restock the savings the monsoon used up (up to its buffer and the owner's limit).",
        label="re-hiring advance after the monsoon")
    bricks_per_adult_day: float = par(
        420.0, "bricks/adult/day", (250.0, 600.0),
        "about 1,000 bricks a day for a family of five (labour department) [@ahrc-2012]; split "
        "by adult is an assumption",
        "Raw bricks moulded per working adult per day.", valid=(1.0, None),
        label="bricks an adult moulds a day")
    bricks_per_child_10_14_day: float = par(
        200.0, "bricks/child/day", (100.0, 350.0), ASSUMPTION,
        "Raw bricks moulded per working child aged 10-14 per day.",
        label="bricks a child of 10-14 moulds a day")
    bricks_per_child_5_9_day: float = par(
        80.0, "bricks/child/day", (30.0, 150.0), ASSUMPTION,
        "Raw bricks moulded per working child aged 5-9 per day.",
        label="bricks a child of 5-9 moulds a day")

    # --- Wages and owners' economics (rules 2 and 9) ------------------------------------
    notified_piece_rate: float = par(
        1295.0, "Rs per 1,000 bricks", (960.0, 1600.0),
        "Punjab notified pathera rate Rs 1,295 (2019-21), in force in November 2019 "
        "[@urdupoint-2019-notices]: prices of 2019-20",
        "Official minimum piece rate.", valid=(1.0, None), price_year=2020,
        label="notified piece rate")
    paid_ratio_low: float = par(
        0.50, "paid/notified", (0.4, 0.7),
        "[derived] rates paid against rates notified, about 0.5-0.93: Rs 300-450 against Rs "
        "665.7 [@tribune-2012-modern-slavery]; Rs 1,000 against Rs 1,295 "
        "[@urdupoint-2019-notices]; Rs 800 against about Rs 1,100 [@curry-2020]",
        "Lowest share of the notified rate an owner pays (owners draw uniformly).",
        valid=(0.01, 1.0),
        label="lowest rate paid, against the notified")
    paid_ratio_high: float = par(
        0.93, "paid/notified", (0.8, 1.0),
        "[derived] Rs 1,200 paid against Rs 1,295 notified (2021) [@uca-2021-jhang]; range "
        "about 0.5-0.93 across reports",
        "Highest share of the notified rate an owner pays.", valid=PROB,
        label="highest rate paid, against the notified")
    deduction_share_low: float = par(
        0.25, "share of gross pay", (0.1, 0.35),
        "Rs 200 of Rs 800 deducted (25%) [@curry-2020]",
        "Lowest share of gross pay an owner deducts against debt.", valid=PROB,
        label="lowest deduction from pay")
    deduction_share_high: float = par(
        0.50, "share of gross pay", (0.35, 0.6),
        "owner retains half of earnings (50%) [@insider-2023-thar]",
        "Highest share of gross pay an owner deducts against debt.", valid=PROB,
        label="highest deduction from pay")
    brick_price: float = par(
        9000.0, "Rs per 1,000 bricks", (8000.0, 10500.0),
        "Rs 8,000-10,000 per 1,000 (2020) [@curry-2020]",
        "Sale price of fired bricks, for owners' revenue.", price_year=2020,
        label="price of fired bricks")
    nonlabour_cost_share: float = par(
        0.60, "share of revenue", (0.4, 0.8), ASSUMPTION,
        "Fuel, clay, transport and other non-moulding costs as a share of owner revenue.",
        valid=PROB,
        label="kilns' non-labour costs")

    # --- Consumption and shocks (rule 3) ------------------------------------------------
    need_base: float = par(
        3000.0, "Rs/month", (1500.0, 5000.0), ASSUMPTION,
        "Fixed monthly consumption need of a household (shelter, fuel).", price_year=2020,
        label="household's fixed monthly need")
    need_per_person: float = par(
        1450.0, "Rs/month/person", (1200.0, 2500.0),
        "assumption, checked against a family's gross pay of about Rs 28,800 a month at the "
        "notified rate [@tns-2016-ordinance], about Rs 20,000 at rates paid; "
        f"{CALIBRATION} median 1,630, 5-95% 1,146-1,917)",
        "Monthly consumption need per household member.", price_year=2020,
        label="need per person")
    illness_rate: float = par(
        0.030, "per household-month", (0.01, 0.06), ASSUMPTION,
        "Probability that a household has a costly illness in a month.", valid=PROB,
        label="illness shocks")
    illness_cost_median: float = par(
        20000.0, "Rs", (10000.0, 60000.0),
        "assumption: no survey of shock costs found; Rs 10-60k, against one medical debt of "
        "about US$560 [@insider-2023-thar]",
        "Median cost of an illness shock (lognormal).", price_year=2020,
        label="median cost of an illness")
    illness_cost_sigma: float = par(
        0.6, "log-sd", (0.3, 1.0), ASSUMPTION, "Log-scale spread of illness costs.",
        label="spread of illness costs")
    funeral_rate: float = par(
        0.003, "per household-month", (0.001, 0.006), ASSUMPTION,
        "Probability of a funeral in a month.", valid=PROB,
        label="funerals")
    funeral_cost_median: float = par(
        30000.0, "Rs", (20000.0, 50000.0),
        "assumption: no survey of shock costs found; Rs 20-50k",
        "Median cost of a funeral (lognormal).", price_year=2020,
        label="median cost of a funeral")
    funeral_cost_sigma: float = par(
        0.4, "log-sd", (0.2, 0.8), ASSUMPTION, "Log-scale spread of funeral costs.",
        label="spread of funeral costs")
    marriage_rate: float = par(
        0.004, "per household-month", (0.001, 0.008), ASSUMPTION,
        "Probability of a marriage (dowry) in a month; with demography on, the household's "
        "own weddings (rule 10) replace this shock.", valid=PROB,
        label="marriage shocks")
    marriage_cost_median: float = par(
        150000.0, "Rs", (100000.0, 400000.0),
        "a Rs 400,000 advance for a dowry (2018) [@uca-2021-jhang]; the range Rs 100-400k is an "
        "assumption",
        "Median cost of a marriage (lognormal): a marriage shock, or each wedding of rule 10.",
        price_year=2020,
        label="median cost of a marriage")
    marriage_cost_sigma: float = par(
        0.5, "log-sd", (0.2, 0.9), ASSUMPTION, "Log-scale spread of marriage costs.",
        label="spread of marriage costs")

    # --- Advances and debt (rules 4 and 5) ----------------------------------------------
    advance_limit_months: float = par(
        8.0, "months of the adults' expected gross pay", (4.0, 14.0),
        "[derived] typical debt Rs 150-200k [@curry-2020], 5-7 months of a family's gross pay "
        "[@tns-2016-ordinance], tail to 14 [@uca-2021-jhang]; "
        f"{CALIBRATION} median 7.3, 5-95% 6.1-8.4)",
        "Most an owner will have lent a household, against its adults' expected monthly pay.",
        label="advance limit")
    markup_annual: float = par(
        0.30, "per year", (0.0, 1.0),
        "no Pakistan-specific rate found; India quarry loans 24-36%/yr [@gsi-2018]; South Asian "
        "bonded loans often above 100%/yr [@kara-2011-interest] (⚠); "
        f"{CALIBRATION} median 0.24, 5-95% 0.11-0.48)",
        "Markup added to outstanding debt, pro rata each month.",
        label="markup on debt")
    debt_structure: str = par(
        "both", "structure: markup, inflation or both (a sweep: 0, 1, 2)", None,
        "assumption, as the digest advises (a markup of 0-100%/yr plus book inflation): "
        "over-recorded advances are reported in Pakistan ('if I borrow another 500 rupees they "
        "write down 1,000' [@aljazeera-2019]); no Pakistan-specific markup was found "
        "[@gsi-2018] [@kara-2011-interest], but without one the median debt falls below the "
        "5-7 months of earnings [@curry-2020] [@tns-2016-ordinance] (ODD 7.5)",
        "How debts grow beyond what was lent (rule 5): 'markup' charges markup_annual on the "
        "balance and no owner over-records; 'inflation' over-records advances "
        "(book_inflation_mean) and charges no markup; 'both' does both.", valid=(None, None),
        label="how debts grow (markup, inflation, both)")
    debt_recovery_years: float = par(
        10.0, "years", (5.0, 20.0),
        "assumption: the horizon over which an owner counts on collecting a family's debt, "
        "about a decade of one family's work for one creditor (a boy who started at 7 owed "
        "Rs 150,000 at 18, a press report without an entry in references.md)",
        "An owner lets a family owe at most what its deductions repay over this horizon, "
        "discounted at the markup the owner charges (rule 5b).", valid=(0.1, None),
        label="owner's debt recovery horizon")
    book_inflation_mean: float = par(
        0.20, "share of each advance", (0.0, 1.0),
        "'if I borrow another 500 rupees they write down 1,000' [@aljazeera-2019] (⚠)",
        "Mean over-recording of advances; owners draw uniformly on [0, 2 x mean].",
        label="over-recording of advances")
    savings_buffer_months: float = par(
        1.0, "months of need", (0.0, 3.0), ASSUMPTION,
        "Savings a household keeps; savings above it repay the owner's debt early.",
        label="savings buffer")
    surplus_spend_share: float = par(
        0.85, "share of surplus", (0.5, 0.95),
        "assumption: no survey of kiln families' saving was found; 79% of 208 rescued bonded "
        "labourers in Tamil Nadu had no savings (Loyola College/IJM survey, digest 1.13: a "
        "proxy, ⚠); swept over the plausible range in experiments/sensitivity_screening.toml",
        "Share of a month's surplus over subsistence need that a family spends, not saves "
        "(transfer cash held above the buffer joins the surplus, rule 4).",
        valid=PROB,
        label="surplus spent, not saved")
    outside_lender_share: float = par(
        0.0, "share of households", (0.0, 0.5),
        "outside credit is scarce where bondage exists [@genicot-2002]",
        "Share of households with access to an outside lender.", valid=PROB,
        label="families with an outside lender")
    outside_limit_months: float = par(
        2.0, "months of expected gross pay", (0.5, 6.0), ASSUMPTION,
        "Most an outside lender lends a household.",
        label="outside lender's limit")
    outside_rate_annual: float = par(
        0.30, "per year", (0.0, 1.0),
        "India quarry loans 24-36%/yr [@gsi-2018]",
        "Interest charged by the outside lender.",
        label="outside lender's interest")

    # --- Bondage (rule 7) ---------------------------------------------------------------
    bondage_debt_multiple: float = par(
        2.0, "years of repayment capacity", (0.5, 5.0), ASSUMPTION,
        "Debt above this multiple of expected net annual earnings (earnings less subsistence "
        "need) cannot realistically be repaid.",
        label="debt beyond repayment capacity, threshold")
    coercive_owner_share: float = par(
        0.85, "share of owners", (0.5, 1.0),
        "90% bonded (FBS 2002) [@brecorder-2017-consultation], 97% trapped by loans [@nchr-2025] "
        "(⚠)",
        "Share of owners prepared to hold an indebted family at all; each of them holds its "
        "families while that pays better than its expected penalty (rule 9).", valid=PROB,
        label="owners prepared to hold families")

    # --- Children (rule 6) --------------------------------------------------------------
    child_work_trigger: float = par(
        0.10, "share of the month's need", (0.0, 0.5),
        f"assumption; {CALIBRATION} median 0.29, 5-95% 0.03-0.46: weakly identified)",
        "Unmet need, as a share of the month's need, above which a family puts a child to work.",
        valid=PROB,
        label="unmet need that puts a child to work")
    child_work_10_14_init: float = par(
        0.30, "share of children", (0.1, 0.5),
        "assumption, with about 74% of kiln children enrolled [@urban-unit-census]; children "
        "10-14 mould as patheras [@piler-ilo-2004]",
        "Initial share of children aged 10-14 who work.", valid=PROB,
        label="children of 10-14 working at the start")
    child_work_5_9_init: float = par(
        0.10, "share of children", (0.0, 0.3), ASSUMPTION,
        "Initial share of children aged 5-9 who work.", valid=PROB,
        label="children of 5-9 working at the start")
    school_init: float = par(
        0.88, "share of non-working children", (0.6, 1.0),
        "about 74% of kiln children enrolled [@urban-unit-census]",
        "Initial share of non-working children aged 5-14 in school.", valid=PROB,
        label="non-working children in school at the start")

    # --- Women and girls (rule 6b) ------------------------------------------------------
    women_moulder_share: float = par(
        0.45, "share of adult moulders", (0.10, 0.55),
        "assumption, between the Punjab police count (27,358 of 266,750 registered labourers "
        "female, 0.10 [@nation-2018-police]: registered workers, missing women who mould in "
        "the family unit [@asi-vsj-2017]) and BLLF's releases (25% women, 30% men: 0.45 of "
        "released adults are women [@bllf-releases]); over half of the bonded are women and "
        "children [@piler-ilo-2004]",
        "Probability that each moulding adult is a woman (women ~ Binomial(adults, this)).",
        valid=PROB,
        label="women among moulding adults")
    girl_share: float = par(
        0.49, "share of children", (0.47, 0.51), ASSUMPTION,
        "Probability that each child aged 5-14 is a girl.", valid=PROB,
        label="girls among children")
    girl_work_weight: float = par(
        1.0, "relative odds", (0.7, 1.3),
        "assumption: girls as likely as boys to mould (families mould as units "
        "[@asi-vsj-2017]; no split of kiln child workers by sex found)",
        "How much more likely a girl than a boy (1: equally) is the child who starts work "
        "(rule 6b), and is a working child at the start.",
        label="girls' odds of being the child who works")
    girl_school_weight: float = par(
        0.8, "relative odds", (0.5, 1.0),
        "assumption: no enrolment figure by sex at kilns found; the higher stipend for girls "
        "(Taleemi Wazaif Rs 2,500 v Rs 2,000 a quarter at primary "
        "[@urdupoint-taleemi-wazaif]) targets a gap",
        "How much more likely a girl than a boy (below 1: less) is the child who is enrolled "
        "(rule 6b), and is a pupil at the start.",
        label="girls' odds of being the child in school")
    women_paid_directly: float = par(
        0.0, "share of women moulders", (0.0, 0.1),
        "the piece rate is paid to the family unit, the family is the contracting unit (India) "
        "[@asi-vsj-2017]",
        "Share of women moulders whose pay is paid to them rather than to the family's head "
        "(a lever for later interventions; changes no flow of money).", valid=PROB,
        label="women moulders paid directly")

    # --- Mobility (rule 8) --------------------------------------------------------------
    transfer_rate: float = par(
        0.006, "per indebted household-month", (0.001, 0.02),
        "debts are traded between kilns [@tns-vicious-circle] (rate ⚠ assumption)",
        "Probability that another owner buys an indebted household's debt in a month.",
        valid=PROB,
        label="debts sold to another kiln")
    transfer_premium: float = par(
        0.10, "share of debt", (0.0, 0.3),
        "new owner pays 'the outstanding peshgi amount ... plus a minimum amount' "
        "[@tns-vicious-circle]",
        "Premium added to the family's debt when it is bought by another kiln.",
        label="premium on a sold debt")
    exit_rate_debt_free: float = par(
        0.01, "per debt-free household-month", (0.0, 0.05), ASSUMPTION,
        "Probability that a household with no debt leaves for another kiln in a month.",
        valid=PROB,
        label="debt-free families changing kiln")
    kiln_occupancy: float = par(
        0.90, "families/capacity", (0.7, 1.0), ASSUMPTION,
        "Initial occupancy of kilns: capacity is families per kiln divided by this.",
        valid=(0.05, 1.0),
        label="kiln occupancy at the start")
    # where a released family goes (``release.py``) and what it earns off the kilns
    outside_daily_wage: float = par(
        600.0, "Rs/adult/day", (400.0, 925.0),
        "casual labour paid less than Rs 600 a shift after the 2022 floods "
        "[@asiafeatured-2022-floods]; the upper bound is Punjab's minimum wage, Rs 1,538 for an "
        "8-hour day in 2025 [@dunya-2025-minimum-wage], about Rs 925 of 2022",
        "Daily wage of an adult in casual work off the kilns (town or colony).",
        price_year=2022,
        label="casual daily wage off the kilns")
    outside_work_days: float = par(
        18.0, "days/month", (10.0, 26.0), ASSUMPTION,
        "Days a month an adult finds casual work in town or a colony (work is not daily).",
        valid=(0.0, 31.0),
        label="days of casual work in town")
    home_work_days: float = par(
        6.0, "days/month", (0.0, 15.0), ASSUMPTION,
        "Days a month an adult finds paid work back home in the village (little income).",
        valid=(0.0, 31.0),
        label="days of paid work at home")
    # outside work options (``outside_work.py``): families near a labour market that hires
    # casual hands (construction, harvests, a relative in town) earn on days the kiln idles
    outside_option_share: float = par(
        0.3, "share of households", (0.1, 0.5),
        "assumption: kiln workers found casual labour when the 2022 floods shut the kilns "
        "[@asiafeatured-2022-floods], so some families do, but no survey of how many was "
        "found; the district profiles' value for a mid-sized Punjab district such as the "
        "baseline's Kasur (scenarios/districts: 0.1-0.5, more near cities), the middle of "
        "the range the screening sweep covers (experiments/sensitivity_screening.toml); the "
        "stylised facts and prevalence bands hold across it (docs/ODD.md 7.2)",
        "Share of households with an outside work option: an adult can find casual work when "
        "the kiln does not mould (drawn per household at the start, by district).", valid=PROB,
        label="families with an outside work option")
    idle_work_days: float = par(
        10.0, "days/month", (4.0, 18.0),
        "assumption: below the 18 days of casual work off the kilns (outside_work_days), since "
        "a family that stays at its kiln looks for work only nearby and the monsoon slows "
        "building too; casual labour paid under Rs 600 a shift when the 2022 floods shut "
        "kilns [@asiafeatured-2022-floods]",
        "Days a month each adult of a family with an outside work option finds casual work, "
        "at outside_daily_wage, in a month its kiln does not mould (pro rata when it moulds "
        "part of the month).", valid=(0.0, 31.0),
        label="casual work days while kilns are idle")
    town_rent: float = par(
        1000.0, "Rs/month", (500.0, 3000.0),
        "Rs 1,000 a month for rent and utilities (2021) [@uca-2021-jhang]",
        "Rent a family pays for a room in town (at a kiln, in a colony or at home: none).",
        price_year=2021,
        label="rent of a room in town")

    # --- Owners' decisions: what they believe and what the law costs them (rule 9) ------
    prior_police_visits: float = par(
        0.24, "perceived police visits/kiln-year", (0.0, 0.7),
        "assumption: below the 0.7 visits a kiln-year of the 2016-18 push (15,813 inspections "
        "of 9,288 kilns in about 2.3 years) [@nation-2018-police]",
        "Chance of a police (bonded- or child-labour) visit a year that owners believe in "
        "without a campaign; beliefs fade back to it.", valid=(0.0, 12.0),
        label="owners' prior belief in police visits")
    prior_wage_visits: float = par(
        0.24, "perceived wage inspections/kiln-year", (0.0, 1.0), ASSUMPTION,
        "Chance of a labour department wage inspection a year that owners believe in without "
        "a campaign.", valid=(0.0, 12.0),
        label="owners' prior belief in wage inspections")
    prior_audits: float = par(
        0.0, "perceived audits/kiln-year", (0.0, 1.0),
        "assumption: no register of advances is audited without a cap policy",
        "Chance of an audit of the register of advances a year, without a campaign.",
        valid=(0.0, 12.0),
        label="owners' prior belief in audits")
    belief_memory: float = par(
        0.90, "monthly persistence", (0.5, 0.99), ASSUMPTION,
        "Share of last month's belief (chance of a visit, of a conviction) an owner keeps; "
        "the rest moves to the background chance plus what it saw this month.", valid=PROB,
        label="owners' memory of beliefs")
    own_visit_weight: float = par(
        0.5, "weight", (0.1, 0.9), ASSUMPTION,
        "Weight of an owner's own visit (1 or 0) against the share of its district's kilns "
        "visited in what it saw this month.", valid=PROB,
        label="weight of an owner's own visit")
    prior_conviction: float = par(
        0.10, "share of cases", (0.0, 0.5),
        "assumption: Punjab alone reports convictions [@us-tip-reports]",
        "Chance that a case ends in a conviction that owners believe in without news; they "
        "learn it from the cases and convictions in their district.", valid=PROB,
        label="owners' prior belief in conviction")
    conviction_prior_cases: float = par(
        10.0, "cases", (2.0, 50.0), ASSUMPTION,
        "What owners' prior belief in conviction counts for, in cases: they weigh it against "
        "the cases and convictions in their district they remember (forgotten at "
        "belief_memory), so one conviction where cases are few moves the belief little.",
        valid=(1e-9, None), label="weight of owners' prior belief in conviction")
    prison_cost_months: float = par(
        24.0, "months of the kiln's profit", (0.0, 60.0),
        "assumption: 2-5 years' imprisonment under the BLSA 1992 (⚠ not verified), valued at "
        "the profit an owner forgoes",
        "What a conviction's prison term costs an owner, in months of its kiln's profit.",
        label="prison term's cost to an owner")
    prison_cost_spread: float = par(
        0.5, "log-sd", (0.0, 1.0),
        "assumption: owners' ties to the kiln owners' association, the police and politicians "
        "differ, and officials let some perpetrate bonded labour with impunity "
        "[@us-tip-reports]",
        "Spread among owners of what a prison term costs them: each owner's cost is "
        "prison_cost_months times a log-normal factor with median 1 and this log-sd (0: every "
        "owner alike).", valid=(0.0, 3.0), label="spread of owners' fear of prison")
    law_fine_bonded_labour: float = par(
        50000.0, "Rs per case", (0.0, 500000.0),
        "a fine of at least Rs 50,000 under the BLSA 1992 (⚠ not verified) "
        "[@nation-2016-arrests]; fixed by law, read at face value in 2019-20 prices "
        "(assumption: not revised by then)",
        "Fine on a bonded-labour case (holding families, falsified books) without a campaign.",
        price_year=2020,
        label="fine for bonded labour")
    law_fine_child_labour: float = par(
        50000.0, "Rs per case", (50000.0, 500000.0),
        "Rs 50,000-500,000 under the Punjab 2016 ordinance [@nation-2016-arrests] (⚠); fixed "
        "by law, read at face value in 2019-20 prices (assumption: not revised by then)",
        "Fine on a child-labour case without a campaign.", price_year=2020,
        label="fine for child labour")
    law_seal_months_child_labour: float = par(
        0.25, "months", (0.0, 2.0),
        "kiln sealed 7 days under the Punjab 2016 ordinance [@nation-2016-arrests] (⚠)",
        "Months a kiln is sealed (no moulding) when a child-labour case seals it.",
        label="kiln sealed after a child-labour case")
    law_seal_share_child_labour: float = par(
        0.40, "share of child-labour cases", (0.2, 1.0),
        "[derived] 201 kilns sealed against 498 child-labour cases registered (FIRs) in the "
        "2016 ordinance's first fortnight, 2,517 kilns checked [@nation-2016-qadri]; range "
        "assumption: half that share to every case (the law's letter)",
        "Share of child-labour cases in which the authority seals the kiln; owners weigh a "
        "case's sealing at this share times law_seal_months_child_labour.", valid=PROB,
        label="child-labour cases that seal the kiln")
    law_fine_underpayment: float = par(
        2200.0, "Rs per case", (0.0, 50000.0),
        "[derived] Faisalabad: Rs 185,000 of fines in 168 inspections [@urdupoint-2021-fines] "
        "with half the underpaying kilns found (find_underpayment): fines imposed in 2021, "
        "prices of 2020-21 (set case by case, not fixed by law)",
        "Fine on an owner found paying below the notified rate.", price_year=2021,
        label="fine for underpayment")
    law_fine_debt_cap: float = par(
        50000.0, "Rs per case", (0.0, 500000.0),
        "assumption: the Punjab 2016 Act's penalties [@nation-2016-act], fixed by law, read "
        "at face value in 2019-20 prices",
        "Fine on an owner found lending past a legal cap off the books.", price_year=2020,
        label="fine for lending past a cap")
    find_bonded_family: float = par(
        0.0035, "per family and visit", (0.001, 0.05),
        "[derived] 1,301 cases in 15,813 inspections [@nation-2018-police]",
        "Chance a police visit finds a given bonded family.", valid=PROB,
        label="police visit finds a bonded family")
    find_child_family: float = par(
        0.0125, "per family and visit", (0.005, 0.05),
        "[derived] child labour found at 14 of 104 kilns checked (13.5%) "
        "[@urdupoint-2021-june], with about 12 families a kiln whose children work (baseline)",
        "Chance a police visit finds a given family's working children.", valid=PROB,
        label="police visit finds working children")
    find_false_books: float = par(
        0.02, "per visit", (0.0, 0.2), ASSUMPTION,
        "Chance a police visit finds falsified books (over-recorded advances) at a kiln that "
        "keeps them.", valid=PROB,
        label="police visit finds falsified books")
    find_underpayment: float = par(
        0.5, "per visit", (0.1, 1.0),
        "assumption: notices to 84 kilns in a month [@urdupoint-2019-notices]",
        "Chance a wage inspection finds open underpayment.", valid=PROB,
        label="wage inspection finds underpayment")
    find_faked_pay: float = par(
        0.1, "per visit", (0.0, 0.5), ASSUMPTION,
        "Chance a wage inspection sees through faked compliance (the rate paid on the books, "
        "the difference deducted).", valid=PROB,
        label="wage inspection sees through faked pay")
    fake_pay_cost_share: float = par(
        0.1, "share of the underpayment", (0.0, 0.5), ASSUMPTION,
        "What faking compliance costs an owner (a second set of books, the munshi's cut), as a "
        "share of what underpaying earns it.", valid=PROB,
        label="cost of faking compliance")
    find_off_book: float = par(
        0.2, "per audit", (0.0, 1.0), ASSUMPTION,
        "Chance an audit of the register finds advances past a legal cap kept off the books.",
        valid=PROB,
        label="audit finds off-book advances")

    # --- Demography (rule 10) -----------------------------------------------------------
    demography: int = par(
        1, "switch (0 off, 1 on)", None, ASSUMPTION,
        "Whether rule 10 runs: children age through the bands, are born, marry at 15; adults "
        "stop moulding; couples split off. 0 keeps every household's members as drawn at the "
        "start, for comparisons.", valid=(0, 1),
        label="demography (rule 10) on")
    birth_rate: float = par(
        0.17, "births per woman moulder-year", (0.10, 0.25),
        "[derived] total fertility 3.6 births a woman [@pdhs-2017] over about 20 childbearing "
        "years (0.18), less the 7.4% who die before 5 (under-5 mortality 74 per 1,000 "
        "[@pdhs-2017]); *assumption* that women moulders are of childbearing age",
        "Yearly chance that a woman moulder bears a child who survives to 5 (births go to "
        "children_0_4; child deaths are folded in, not modelled).", valid=PROB,
        label="births")
    marry_out_share: float = par(
        0.8, "share of girls reaching 15", (0.5, 1.0),
        "assumption: daughters marry into their husband's family; the age at first marriage, "
        "dated here at 15, is studied in [@rasul-2022-afm]",
        "Share of girls who marry out of the household when they reach 15 (the others mould "
        "in it); as many brides marry in with the boys reaching 15 (a closed marriage "
        "market).", valid=PROB,
        label="girls marrying out at 15")
    retire_rate: float = par(
        0.04, "per adult moulder-year", (0.025, 0.07),
        "assumption: about 25 years of moulding from 15",
        "Yearly chance that an adult moulder stops moulding and becomes a dependant (a "
        "household keeps its last moulder while it has children).", valid=PROB,
        label="moulders retiring")
    dependant_exit_rate: float = par(
        0.10, "per dependant-year", (0.05, 0.2),
        "assumption: dependants are mostly elderly or sick",
        "Yearly chance that a dependant dies or leaves the household.", valid=PROB,
        label="dependants leaving or dying")
    split_rate: float = par(
        0.5, "per eligible household-year", (0.2, 1.0),
        "assumption: a married son sets up his own family unit within about two years; 0.5 "
        "keeps households at about 7 members over 20 years, the family size of "
        "[@aftab-social-protection]",
        "Yearly chance that a household at a kiln with a second couple (two men and two women "
        "moulding) splits it off as a new household.", valid=PROB,
        label="couples splitting off")
    split_advance: float = par(
        0.0, "Rs", (0.0, 100000.0),
        "assumption: the wedding is the parent household's marriage shock (rule 3); a couple "
        "starts debt-free unless an owner ties it with an advance [@tribune-2012-modern-slavery]",
        "Advance an owner gives a new couple when it takes a place at its kiln (booked as an "
        "advance).", price_year=2020,
        label="advance to a new couple")

    # --- Households at start ------------------------------------------------------------
    extra_adults_mean: float = par(
        1.3, "adults beyond the first", (0.8, 2.0),
        "[derived] families of about 7 with at least 3 children [@aftab-social-protection]: 2-3 "
        "adult moulders",
        "Poisson mean of moulding adults beyond the first (capped at 2 more: 1-3 adults).",
        label="moulding adults beyond the first")
    children_0_4_mean: float = par(
        1.4, "children", (0.5, 1.5),
        "family of 7 with at least 3 children [@aftab-social-protection]",
        "Poisson mean of children aged 0-4.",
        label="children aged 0-4 at the start")
    children_5_9_mean: float = par(
        1.2, "children", (0.7, 1.7),
        "family of 7 with at least 3 children [@aftab-social-protection]",
        "Poisson mean of children aged 5-9.",
        label="children aged 5-9 at the start")
    children_10_14_mean: float = par(
        1.1, "children", (0.6, 1.6),
        "family of 7 with at least 3 children [@aftab-social-protection]",
        "Poisson mean of children aged 10-14.",
        label="children aged 10-14 at the start")
    dependants_mean: float = par(
        1.0, "persons", (0.0, 1.5), "average family size about 7 [@aftab-social-protection]",
        "Poisson mean of members who neither mould nor are children (elderly, sick).",
        label="dependants at the start")
    cnic_share: float = par(
        0.50, "share of households", (0.3, 0.8),
        "assumption: BLLF is reported to find more than half of kiln workers without a CNIC "
        "(the report was not identified)",
        "Share of households holding an identity card (CNIC).", valid=PROB,
        label="families with an identity card (CNIC)")
    initial_indebted_share: float = par(
        0.90, "share of households", (0.7, 0.97),
        "about 90% (FBS 2002) [@brecorder-2017-consultation], 97% [@nchr-2025]",
        "Share of households holding debt at the start.", valid=PROB,
        label="families in debt at the start")
    initial_debt_months: float = par(
        5.5, "months of expected gross pay", (3.0, 8.0),
        "[derived] typical debt Rs 150-200k [@curry-2020], 5-7 months of gross family earnings "
        "[@tns-2016-ordinance]",
        "Median initial debt of indebted households (lognormal).",
        label="median debt at the start")
    initial_debt_sigma: float = par(
        0.6, "log-sd", (0.3, 1.0), ASSUMPTION, "Log-scale spread of initial debts.",
        label="spread of debts at the start")

    def __post_init__(self) -> None:
        """A choice parameter given by its position (a sweep's value) becomes its name; an
        unknown choice is refused."""
        for name in CHOICES:
            object.__setattr__(self, name, choice(name, getattr(self, name)))

    def overrides(self) -> dict[str, Any]:
        """Parameters that differ from the defaults, for manifests and summaries."""
        base = Params()
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if getattr(self, f.name) != getattr(base, f.name)}


PARAM_INFO: dict[str, ParamInfo] = {
    f.name: f.metadata["info"] for f in dataclasses.fields(Params)
}


def params_table_markdown() -> str:
    """The parameter table of ``docs/parameters.md``, generated from the declarations."""
    lines = [
        "# Parameters",
        "",
        "Generated from `model/simulation/parameters.py` and `model/interventions/` by "
        "`bondsim params --markdown`; do not edit by "
        "hand. Each parameter has a unit, a default, a plausible range (the bounds used by "
        "sensitivity sweeps) and a source: publications cited by key, `[@key]`, each an entry "
        "of [`references.md`](references.md), or the word *assumption* first. ⚠ marks "
        "uncertain or conflicting figures. Rupees are rupees of the fiscal year "
        f"{BASE_YEAR - 1}-{BASE_YEAR % 100:02d} (`Rs ({BASE_YEAR} prices)`, `docs/ODD.md` "
        "section 2): a figure the source gives in another year's prices is converted with "
        "Pakistan's CPI, and the default shows it as given, with its year.",
        "",
        "| parameter | label | default | unit | plausible range | source | meaning |",
        "|---|---|---|---|---|---|---|",
    ]
    defaults = Params()
    for name, info in PARAM_INFO.items():
        default = getattr(defaults, name)
        rng = "—" if info.plausible is None else f"{info.plausible[0]:g} – {info.plausible[1]:g}"
        source = f"*{info.source}*" if info.source == ASSUMPTION else linked(info.source)
        shown = _fmt(default) + as_given(info.figure, info.price_year)
        lines.append(f"| `{name}` | {info.label} | {shown} | {shown_unit(info.unit)} | {rng} | "
                     f"{source} | "
                     f"{info.doc} |")
    return "\n".join(lines) + "\n"


def as_given(figure: float | None, price_year: int | None) -> str:
    """A rupee default's source figure and its year, where the year is not the base year:
    `` (13500 in 2025 prices)``; otherwise nothing."""
    if figure is None or price_year is None or price_year == BASE_YEAR:
        return ""
    return f" ({figure:g} in {price_year} prices)"


def linked(source: str) -> str:
    """A source for the generated docs: each ``[@key]`` links to its entry of references.md."""
    import re

    return re.sub(r"\[@([a-z0-9][a-z0-9-]*)\]", r"[[@\1](references.md#\1)]", source)


def _fmt(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(str(v) for v in value) + ")" if value else "()"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
