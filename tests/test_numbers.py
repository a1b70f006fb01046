"""The one number formatter: each named style writes numbers as its place always has."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from bondsim.numbers import (
    EFFECT_TABLE,
    READING,
    RUN_SUMMARY,
    SIGNIFICANT,
    STYLES,
    SURVEY_TABLE,
    number,
    percent,
    rupees,
    setting,
)


@pytest.mark.parametrize(("value", "whole", "text"), [
    (0.24013, False, "0.240"),          # a share: three decimals
    (5.5815, False, "5.582"),
    (99.9994, False, "99.999"),
    (100.0, False, "100"),              # from 100 on: whole, thousands separated
    (97857.4, False, "97,857"),
    (-1234567.5, False, "-1,234,568"),
    (0.0004567, False, "0.000457"),     # below 0.001: three significant digits
    (-0.0004567, False, "-0.000457"),
    (0.0, False, "0.000"),              # an exact zero keeps the decimals ...
    (0.0, True, "0"),                   # ... unless written whole (rupees)
    (1e-13, False, "0.000"),
    (-0.4, True, "0"),                  # rounds to zero: no minus sign
    (12.345, True, "12"),
    (7, False, "7"),                    # integers whole, never with decimals
    (np.int64(12345), False, "12,345"),
    (True, False, "yes"),
    (np.bool_(False), False, "no"),
    (math.inf, False, "∞"),
    (-math.inf, False, "−∞"),
    (math.nan, False, "—"),
    (None, False, "—"),
    (np.float64("nan"), True, "—"),
])
def test_the_report_reads_shares_to_three_decimals_and_rupees_whole(value, whole, text):
    assert number(value, READING, whole=whole) == text


@pytest.mark.parametrize(("style", "value", "text"), [
    (SIGNIFICANT, 0.012345, "0.0123"),
    (SIGNIFICANT, 4.5678, "4.57"),
    (SIGNIFICANT, 999.4, "999"),
    (SIGNIFICANT, 999.6, "1e+03"),      # as printed so far: 3 significant digits below 1,000
    (SIGNIFICANT, 1000.0, "1,000"),
    (SIGNIFICANT, 1234567.0, "1,234,567"),
    (SIGNIFICANT, 0.0, "0"),
    (SIGNIFICANT, math.nan, "n/a"),
    (EFFECT_TABLE, 6.54166, "6.5417"),
    (EFFECT_TABLE, -0.00001, "-0.0000"),  # the terminal keeps the sign
    (EFFECT_TABLE, 100.0, "100"),
    (EFFECT_TABLE, 9625165.2, "9,625,165"),
    (EFFECT_TABLE, 5, "5.0000"),        # an integer is not special in the terminal
    (EFFECT_TABLE, math.nan, "n/a"),
    (RUN_SUMMARY, 0.4871, "0.487"),
    (RUN_SUMMARY, 0.0, "0.000"),
    (RUN_SUMMARY, 106054.3, "106,054"),
    (RUN_SUMMARY, math.nan, "n/a"),
    (SURVEY_TABLE, 0.40501, "0.4050"),
    (SURVEY_TABLE, -0.07791, "-0.0779"),
    (SURVEY_TABLE, 1234.5, "1234.5000"),  # no separators, never whole
])
def test_the_terminal_styles_write_numbers_as_printed_before(style, value, text):
    assert number(value, style) == text


def test_every_style_is_named_once():
    assert set(STYLES) == {"reading", "significant", "effect table", "run summary",
                           "survey table"}
    assert all(STYLES[name].name == name for name in STYLES)


def test_a_pandas_table_formats_through_the_survey_style():
    table = pd.DataFrame({"outcome": ["bonded_share"], "bias": [-0.07791]})
    text = table.to_string(index=False, float_format=lambda x: number(x, SURVEY_TABLE))
    assert text.splitlines()[1].split() == ["bonded_share", "-0.0779"]


def test_rupees_percent_and_settings_in_sentences():
    assert rupees(40_000_000.0) == "40,000,000"
    assert rupees(999.5) == "1,000"
    assert percent(0.854) == "85%"
    assert percent(0.0) == "0%"
    assert setting(0.3) == "0.3"
    assert setting(1450.0) == "1,450"
    assert setting(2e-5) == "2e-05"
    assert setting(12000) == "12,000"
    assert setting([1, 2.5]) == "1, 2.5"
    assert setting([]) == "none"
    assert setting(True) == "yes"
    assert setting("Quetta") == "Quetta"


def test_the_formatter_loads_no_heavy_library():
    import subprocess
    import sys

    code = ("import sys, bondsim.numbers as n; n.number(0.5); "
            "print(sorted(m for m in ('numpy', 'pandas') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == "[]"


# -- numbers with a unit, for readers -------------------------------------------------------

def test_shares_read_as_percentages_and_their_differences_as_points():
    from bondsim.numbers import percentage, points

    assert percentage(0.24013) == "24.0%"
    assert percentage(0.8221) == "82.2%"
    assert percentage(1.0) == "100.0%"
    assert percentage(float("nan")) == "—"
    assert points(-0.0412) == "−4.1"     # a true minus sign
    assert points(0.0625) == "6.2"       # 6.25 rounds half to even
    assert points(-0.0004) == "0.0"      # rounds to zero: no sign


def test_counts_averaged_over_runs_are_whole_or_one_decimal():
    from bondsim.numbers import counted

    assert counted(67.667) == "67.7"      # not "67.667 households"
    assert counted(1234.5) == "1,234"     # from 100 on: whole, thousands separated
    assert counted(99.96) == "100.0"
    assert counted(21) == "21"            # an integer stays whole
    assert counted(21.0) == "21.0"        # a mean keeps its decimal
    assert counted(-0.04) == "0.0"


def test_other_numbers_keep_three_significant_figures_and_rupees_are_whole():
    from bondsim.numbers import money, significant

    assert significant(0.016875) == "0.0169"
    assert significant(12.345) == "12.3"
    assert significant(5.5815) == "5.58"
    assert significant(1234.5) == "1,234"
    assert significant(-0.5) == "−0.500"
    assert significant(0) == "0"
    assert money(1852209.4) == "Rs 1,852,209"
    assert money(-5965500.6) == "−Rs 5,965,501"
