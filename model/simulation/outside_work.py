"""Outside work options: casual work a family at a kiln finds on days its kiln does not mould.

Kilns stop in the monsoon, in smog bans and when sealed (rule 1); a family with nothing else
borrows its whole need from the owner for those months (domain.md fact 4: advances cluster in
the off-season). Where the kilns stand near a labour market that hires casual hands
(construction, harvests, a relative's trade in town), some families earn part of that need
instead: each of their adults finds ``idle_work_days`` days of casual work a month at
``outside_daily_wage``, pro rata to the share of the month the kiln idles. Which families have
the option is drawn once at the start, with each district's ``outside_option_share``
(``local_terms.py``). The earnings are cash (rule 2), never deducted by the owner, so they
shrink the advances of the off-season and with them the debt a bonded family carries.

Families off the kilns (``release.py``: town, home, colony) earn their own wages there and are
not counted here.
"""

from __future__ import annotations

import numpy as np

from .parameters import Params


def draw_options(share: np.ndarray, district: np.ndarray,
                 rng: np.random.Generator) -> np.ndarray:
    """Which households have an outside work option (bool): each with its district's
    ``share`` (one value per district, indexed by ``district``)."""
    return rng.random(district.size) < share[district]


def idle_share(worked_days: float | np.ndarray, open_days: float) -> float | np.ndarray:
    """The share of a month each family's kiln does not mould: 1 in a closed month, 0 in a
    full open month, the sealed share of a month a kiln is sealed for part of."""
    return np.clip(1.0 - np.asarray(worked_days, dtype=np.float64) / open_days, 0.0, 1.0)


def idle_income(adults: np.ndarray, option: np.ndarray, at_kiln: np.ndarray,
                idle: float | np.ndarray, params: Params) -> np.ndarray:
    """Rs each household earns outside this month: adults x idle_work_days x the share of the
    month idle x outside_daily_wage, for families at a kiln with an option; 0 for the rest."""
    days = params.idle_work_days * np.asarray(idle, dtype=np.float64)
    earns = option & at_kiln
    return np.where(earns, adults * days * params.outside_daily_wage, 0.0)
