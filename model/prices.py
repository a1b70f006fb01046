"""Rupees of one year: every money figure of the model is in rupees of ``BASE_YEAR``.

Sources give rupee figures of many years (a 2016 fine, a 2019 wage, a 2025 transfer); Pakistan's
prices more than doubled between 2020 and 2025, so the figures are comparable only once they
are in the prices of one year. Each rupee parameter and intervention field declares the price
year of its source figure, and its default is that figure converted with Pakistan's national
consumer price index (``data/cpi.csv``, fiscal-year averages, [@pbs-cpi]). A scenario may give
its figures in another year's prices (``price_year``); the loader converts them here.

A price year is a Pakistani fiscal year, named by the year it ends (2020: July 2019 to June
2020), as PBS names them. A figure dated by its month goes to that month's fiscal year
(November 2019: 2020); one dated only by a calendar year Y is given fiscal year Y, an
approximation of half a year's inflation at most (docs/ODD.md, section 2, "Money").

``data/cpi.csv`` holds each fiscal year's CPI inflation, the change of the year's average index
over the previous year's, as the Pakistan Bureau of Statistics publishes it and the Pakistan
Economic Survey reports it; the first year (2008) has none and is the index's reference, 100.
The index here chains the rates, so it has PBS's year-on-year changes but not its published
levels (PBS rebases its index; 2015-16 = 100 at present). The rates were transcribed from the
Economic Survey's table and should be checked against the PBS release (docs/references.md).
"""

from __future__ import annotations

import csv
import hashlib
import io
from functools import cache
from importlib import resources

from .errors import BondsimError

#: the year whose prices the model works in: the fiscal year 2019-20, the year most of the
#: sourced figures and the calibration come from (docs/ODD.md, section 2)
BASE_YEAR = 2020
CPI_FILE = "data/cpi.csv"


def _cpi_text() -> str:
    return (resources.files("bondsim") / CPI_FILE).read_text(encoding="utf-8")


@cache
def cpi_index() -> dict[int, float]:
    """The CPI by fiscal year: the table's first year is 100, each later year the previous one
    times (1 + its inflation rate)."""
    index: dict[int, float] = {}
    for row in csv.DictReader(io.StringIO(_cpi_text())):
        year, rate = int(row["fiscal_year"]), row["cpi_inflation_percent"].strip()
        if not index:
            index[year] = 100.0
            continue
        if year != max(index) + 1 or not rate:
            raise BondsimError(f"{CPI_FILE}: fiscal year {year} does not follow "
                               f"{max(index)} with a rate; expected consecutive years, each "
                               f"after the first with its inflation rate")
        index[year] = index[year - 1] * (1.0 + float(rate) / 100.0)
    return index


def years() -> tuple[int, int]:
    """The first and last fiscal year of the CPI table: the price years a figure may have."""
    table = cpi_index()
    return min(table), max(table)


def check_year(year: int) -> int:
    """``year`` if the CPI table has it, else a ``ValueError`` saying which years it has."""
    first, last = years()
    if isinstance(year, bool) or not isinstance(year, int) or not first <= year <= last:
        raise ValueError(f"a fiscal year of the CPI table, {first} to {last} "
                         f"(bondsim/{CPI_FILE})")
    return year


def deflator(year: int) -> float:
    """The price level of ``year`` relative to the base year (1 in ``BASE_YEAR``): a rupee of
    the base year costs ``deflator(year)`` rupees in ``year``."""
    table = cpi_index()
    try:
        return table[check_year(year)] / table[BASE_YEAR]
    except ValueError as exc:
        raise BondsimError(f"price year {year!r} is not in the CPI table; expected {exc}") from None


def to_base(amount: float, year: int) -> float:
    """``amount`` rupees of ``year`` in rupees of the base year."""
    return amount / deflator(year)


def from_base(amount: float, year: int) -> float:
    """``amount`` rupees of the base year in rupees of ``year``: the inverse of ``to_base``."""
    return amount * deflator(year)


def is_money(unit: str) -> bool:
    """Whether a unit is rupees (``Rs``, ``Rs/month``, ``Rs per 1,000 bricks``), which needs a
    price year; a share of rupees is written without a leading ``Rs``."""
    return unit == "Rs" or unit.startswith(("Rs ", "Rs/"))


def shown_unit(unit: str) -> str:
    """A unit as reports show it: rupees with the base year, ``Rs (2020 prices)/month``."""
    return f"Rs ({BASE_YEAR} prices){unit[2:]}" if is_money(unit) else unit


def cpi_sha256() -> str:
    """The sha256 of the CPI table's content, for manifests."""
    data = (resources.files("bondsim") / CPI_FILE).read_bytes()
    return hashlib.sha256(data).hexdigest()


def manifest_entry() -> dict[str, object]:
    """What a manifest records of the prices: the base year and the CPI table's hash."""
    first, last = years()
    return {"base_year": BASE_YEAR, "cpi_table": f"bondsim/{CPI_FILE}",
            "cpi_years": [first, last], "cpi_sha256": cpi_sha256()}
