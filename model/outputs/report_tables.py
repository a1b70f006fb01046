"""What a job's report is made of, and the tools to make it: each job's ``*_report`` module
(``run_report``, ``batch_report``, ...) declares a :class:`JobReport` (its summary sentence,
the tables of its results from which files and columns, its plots and how it shows the
parameters), built from the pieces here; ``bondsim.outputs.report`` renders whichever the output
folder's manifest names.

Tables are HTML (``bondsim.outputs.report_html``) with numbers formatted for reading
(``bondsim.numbers``: shares to 3 decimals, rupees whole with thousands separators); long tables
of a job's inputs or diagnostics are cut at ``MAX_ROWS`` rows with a note naming the CSV file
that holds them all, but a comparison never is: it is shown in full, in wide tables
(:func:`wide`) split so that each fits a 1280-pixel screen.

May import: the model's light modules (outcomes, paired, parameters), ``numbers`` and
``report_html``; never a job module (the report is read without running anything) nor
``bondsim.outputs.report`` (which imports the ``*_report`` modules).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

from ..errors import BondsimError
from ..numbers import number, rupees, setting
from ..simulation.outcomes import OUTCOMES, Window, outcome_stem
from .labels import label, scale_for
from .report_html import Cell, Column, Row, note, section, table
from .shown import cell, changed, header, known, measure, unit_of

Manifest = dict[str, Any]

MAX_ROWS = 50
RUPEE_OUTCOMES = frozenset(name for name, meaning in OUTCOMES.items()
                           if re.search(r"\bRs\b", meaning))
MAIN_OUTCOMES = ("bonded_share", "indebted_share", "median_debt", "median_debt_months",
                 "child_labour_rate", "school_enrolment", "net_pay_share", "owner_profit",
                 "intervention_cost")

_e = html.escape


# --- what a job's report shows ------------------------------------------------------------

Part = Callable[[Manifest, Path], list[str]]


@dataclass(frozen=True)
class Plot:
    """A plot the job writes (a PNG in the output folder) and its caption."""

    file: str
    caption: str


@dataclass(frozen=True)
class CsvTable:
    """A table of the results read from one of the job's CSV files, shown whole with its
    numbers formatted: ``rupee_columns`` whole, ``low``/``high`` merged into one ``interval``
    column, cut at ``max_rows``. Where the file is absent: a note if ``required``, else
    nothing."""

    file: str
    title: str
    intro: str
    required: bool = True
    rupee_columns: tuple[str, ...] = ()
    interval: str | None = "95% interval"
    max_rows: int | None = MAX_ROWS

    def __call__(self, m: Manifest, folder: Path) -> list[str]:
        frame = read_csv(folder, self.file)
        if frame is None:
            return [missing(self.file)] if self.required else []
        return [section_table(self.title, self.intro, frame_table(
            frame, source=self.file, rupee_columns=self.rupee_columns,
            interval=self.interval, max_rows=self.max_rows))]


@dataclass(frozen=True)
class JobReport:
    """What the report of one kind of output folder shows, declared by the job:

    - ``summary``: the page's name and the sentence saying what was run (HTML, values
      escaped), from the manifest;
    - ``results``: the parts of the Results section in order, each a :class:`CsvTable` or a
      function of the manifest and the folder returning HTML;
    - ``plots``: the plots in reading order with captions, or a function returning them (a
      plot the job did not declare is still shown, as undescribed);
    - ``resolved_parameters``: show the parameters the manifest records as resolved for the
      runs (one set, or one per scenario); a job whose runs vary them says so instead through
      ``parameters``, which is given the values shown (the defaults with the scenario's
      overrides), the defaults and the note so far, may change the values and returns the note;
    - ``after_parameters``: more HTML after the parameter table (a plan's district figures);
    - ``findings``: the block at the top of the page, generated from the results (what was
      compared, the largest effects with their intervals, the cost-effectiveness order, the
      caveats that apply), a :class:`~bondsim.outputs.findings.Findings`.
    """

    kind: str
    summary: Callable[[Manifest, Path], tuple[str, str]]
    results: tuple[Part, ...]
    plots: tuple[Plot, ...] | Callable[[Manifest, Path], list[Plot]] = ()
    resolved_parameters: bool = True
    parameters: Callable[[Manifest, dict[str, str], dict[str, Any], str], str] | None = None
    after_parameters: Callable[[Manifest], str] | None = None
    findings: Callable[[Manifest, Path], Any] | None = None


def against_default(value: Any, default: Any) -> str:
    """A parameter's value, with its default beside it when they differ."""
    same = setting(value) == setting(default)
    return setting(value) if same else f"{setting(value)} (default {setting(default)})"


# --- formatting ---------------------------------------------------------------------------

def is_rupee_label(text: str) -> bool:
    """Does a label (an outcome, metric, unit or meaning) denote rupees?"""
    head = outcome_stem(text.split(" (", 1)[0].strip()).removesuffix("_change")
    return (head in RUPEE_OUTCOMES or text.strip() == "Rs" or text.startswith("Rs ")
            or "(Rs)" in text)


def rupee_row(row: pd.Series) -> bool:
    return any(isinstance(v, str) and is_rupee_label(v) for v in row.to_numpy())


INTERVAL_GROUP = ("mean", "median", "low", "high")


def any_large(values: list[Any]) -> bool:
    """Does any of these numbers call for whole-number formatting (so that a mean and its
    interval are written alike)?"""
    return any(isinstance(v, float | np.floating) and math.isfinite(v) and abs(v) >= 100
               for v in values)


#: the columns whose text names what a row is about (an outcome, a measure, a metric)
ROW_NAMES = ("outcome", "measure", "metric", "target")
#: numeric columns that are never in the row's unit: counts of runs, ranks, shares of a whole
NOT_IN_ROW_UNIT = frozenset({"replicates", "rank", "share", "seed", "kilns", "kilns_in_frame",
                             "surveys", "failed", "coverage", "coverage_se", "runs",
                             "mean_refused"})


#: text columns whose values are outcome or metric names (shown by their labels), and text
#: columns that define a metric in words and may name others (each name replaced by its label)
LABELLED = frozenset({"objective", "criterion"})
WORDED = frozenset({"meaning", "definition"})
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def row_name(value: str) -> str:
    """The outcome or metric a row's name is about: without a ' (...)' tail, and the outcome
    of a calibration target named ``scenario:outcome`` (``baseline:indebted_share``)."""
    name = value.split(" (", 1)[0]
    if ":" in name:
        return next((part for part in name.split(":") if known(part)), name)
    return name


def worded(text: str) -> str:
    """A definition with every outcome or metric it names given by its label
    ('public_cost / bonded_household_years_averted' -> 'public cost / bonded household-years
    averted'): the CSV keeps the names, a reader gets the words."""
    return _SNAKE.sub(lambda m: label(m.group(0)) if known(m.group(0)) else m.group(0), text)


def row_measure(frame: pd.DataFrame, index: Any) -> tuple[str, bool] | None:
    """The known outcome or metric a row is about (and whether it is a change), if any."""
    for column in ROW_NAMES:
        if column in frame.columns:
            name = frame.at[index, column]
            if isinstance(name, str) and known(row_name(name)):
                return measure(row_name(name))
    return None


def row_unit(frame: pd.DataFrame, index: Any) -> str | None:
    """The unit a row's ``unit`` column gives (a channel's household-years), if any."""
    if "unit" not in frame.columns:
        return None
    said = frame.at[index, "unit"]
    return said if isinstance(said, str) and said and not said.startswith("(") else None


def display_cells(frame: pd.DataFrame, rupee_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every cell as display text, in the unit a reader uses (``shown``): a column named for
    an outcome or metric in its unit; the values of a row about one (its mean, interval, value)
    in the row's unit, its name as the label and unit; shares as percentages with one decimal,
    differences of shares in percentage points, counts whole or to one decimal, rupees whole.
    Elsewhere: rupees whole (``rupee_columns``, rows labelled in rupees) and a row's mean,
    median and interval written alike."""
    out = pd.DataFrame(index=frame.index)
    rupee_rows = [bool(v) for v in frame.apply(rupee_row, axis=1)] if len(frame) else []
    group = [c for c in INTERVAL_GROUP if c in frame.columns]
    large = [any_large(list(row)) for row in frame[group].itertuples(index=False)] if group \
        else [False] * len(frame)
    rows = [row_measure(frame, i) for i in frame.index]
    units = [row_unit(frame, i) for i in frame.index]
    has_unit = "unit" in frame.columns
    for column in frame.columns:
        values = frame[column]
        own = measure(str(column)) if known(str(column)) else None
        if column == "share" and "channel" in frame.columns \
                and pd.api.types.is_float_dtype(values):  # a channel's share of the effect: %
            out[column] = ["—" if math.isnan(v) else f"{v:.0%}" for v in values.to_numpy()]
            continue
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            alike = column in group
            texts = []
            for v, r, big, about, said in zip(values.to_numpy(), rupee_rows, large, rows,
                                              units, strict=True):
                named = own or (about if column not in NOT_IN_ROW_UNIT else None)
                if named is not None and not isinstance(v, bool | np.bool_):
                    texts.append(cell(v, unit_of(named[0]), named[1]))
                elif said is not None and column in group and not isinstance(v, bool):
                    texts.append(cell(v, said))
                else:
                    texts.append(number(v, whole=column in rupee_columns or r or
                                        (alike and big)))
            out[column] = texts
        elif column in ROW_NAMES:
            out[column] = [_row_name(v, has_unit) for v in values.to_numpy()]
        elif column == "unit" and has_unit:
            out[column] = [scale_for(unit_of(about[0]), difference=about[1]).unit if about
                           else str(v)
                           for v, about in zip(values.to_numpy(), rows, strict=True)]
        elif column in LABELLED:
            out[column] = [label(v) if isinstance(v, str) and known(v) else _text(v)
                           for v in values.to_numpy()]
        elif column in WORDED:
            out[column] = [worded(v) if isinstance(v, str) else _text(v)
                           for v in values.to_numpy()]
        else:
            out[column] = [_text(v) for v in values.to_numpy()]
    return out


def _text(value: Any) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else str(value)


def _row_name(value: Any, has_unit: bool) -> str:
    """A row's outcome or metric as its label (and unit, unless a unit column says it)."""
    if not isinstance(value, str) or not known(row_name(value)):
        return _text(value)
    name = row_name(value)
    # a calibration target names its scenario first: 'baseline: indebted to an owner (...)'
    where = ", ".join(p for p in value.split(" (", 1)[0].split(":") if p != name)
    if not has_unit:
        shown = header(name)
    else:
        plain, difference = measure(name)
        shown = changed(label(plain)) if difference else label(plain)
    return f"{where}: {shown}" if where else shown


def interval_columns(frame: pd.DataFrame, cells: pd.DataFrame, low: str = "low",
                      high: str = "high", label: str = "95% interval") -> pd.DataFrame:
    """Replace the ``low`` and ``high`` columns of ``cells`` by one 'low to high' column."""
    if low not in frame.columns or high not in frame.columns:
        return cells
    joined = [("—" if a == "—" and b == "—" else f"{a} to {b}")
              for a, b in zip(cells[low], cells[high], strict=True)]
    at = list(cells.columns).index(low)
    cells = cells.drop(columns=[low, high])
    cells.insert(at, label, joined)
    return cells


def html_table(cells: pd.DataFrame, numeric: set[str] | None = None,
                row_classes: list[str] | None = None, source: str | None = None,
                max_rows: int | None = MAX_ROWS, code_columns: tuple[str, ...] = (),
                stacked: bool = False, breakable: bool = False,
                named_headers: bool = True) -> str:
    """An HTML table of display text (escaped), numbers right-aligned, cut at ``max_rows``;
    ``stacked``: line breaks in cells are kept; ``breakable``: column names and the first
    column's labels may wrap after their underscores; ``named_headers``: a column named for an
    outcome or metric is headed by its label and unit, any other with spaces for underscores
    (off: the names are shown as given, e.g. scenario names)."""
    numeric = numeric or set()
    total = len(cells)
    shown = cells if max_rows is None or total <= max_rows else cells.iloc[:max_rows]
    name = wrappable if breakable else str
    columns = [Column(name(header(str(c)) if named_headers else str(c)), c in numeric)
               for c in shown.columns]
    rows = []
    for i, (_, row) in enumerate(shown.iterrows()):
        rows.append(Row([Cell(name(str(row[c])) if breakable and k == 0 else str(row[c]),
                              c in numeric, c in code_columns)
                         for k, c in enumerate(shown.columns)],
                        row_classes[i] if row_classes else ""))
    return table(columns, rows, total=total, stacked=stacked, source=source)


def wrappable(name: str) -> Markup:
    """A column name, escaped, that may wrap after its underscores (long snake_case names
    would otherwise widen a table beyond the screen)."""
    return Markup(_e(name).replace("_", "_<wbr>"))


def frame_table(frame: pd.DataFrame, *, source: str | None = None,
                 rupee_columns: tuple[str, ...] = (), interval: str | None = "95% interval",
                 max_rows: int | None = MAX_ROWS, breakable: bool = False) -> str:
    """A data table: formatted, with low/high merged into one column named ``interval``."""
    if frame.empty:
        return _no_rows(source)
    cells = display_cells(frame, rupee_columns)
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}
    if interval:
        cells = interval_columns(frame, cells, label=interval)
        numeric.add(interval)
    return html_table(cells, numeric, source=source, max_rows=max_rows, breakable=breakable)


def read_csv(folder: Path, name: str) -> pd.DataFrame | None:
    file = folder / name
    if not file.is_file():
        return None
    try:
        return pd.read_csv(file)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except pd.errors.ParserError as exc:
        raise BondsimError(f"{file}: not a readable CSV table ({exc})") from None


def section_table(title: str, intro: str, body: str) -> str:
    """A titled table: ``intro`` and ``body`` are HTML (their values escaped already)."""
    return section(title, intro, body)


def missing(name: str) -> str:
    return note(Markup(f"No <code>{_e(name)}</code> in the folder."))


def _no_rows(source: str | None) -> str:
    return note(Markup(f"No rows{f' in <code>{_e(source)}</code>' if source else ''}."))


# --- sentences --------------------------------------------------------------------------

def and_list(items: list[str], empty: str = "none") -> str:
    items = [str(i) for i in items]
    if not items:
        return empty
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def interventions_text(items: list[dict[str, Any]]) -> str:
    described = []
    for item in items or []:
        label = item.get("label")
        when = f"from month {item['start']}" if item.get("start") else ""
        if item.get("end"):
            when += f" to {item['end']}"
        budget = f"budget Rs {rupees(item['budget'])}" if item.get("budget") else ""
        extra = "; ".join(x for x in (when, budget) if x)
        text = f"<code>{_e(str(item.get('type')))}</code>"
        if label:
            text += f" ({_e(str(label))})"
        described.append(text + (f" [{_e(extra)}]" if extra else ""))
    return and_list(described)


def count(n: int, noun: str, plural: str | None = None) -> str:
    """'1 policy', '2 policies' (``plural`` where adding an s is wrong)."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def given(value: Any, otherwise: str) -> str:
    return setting(value) if value else otherwise


def named(name: str, description: str) -> str:
    return f"<strong>{_e(name)}</strong>" + (f" ({_e(description.strip().rstrip('.'))})"
                                             if description and description.strip() else "")


def counterfactual(m: dict[str, Any]) -> str:
    """The counterfactual the manifest says the effects were measured against, as a
    sentence (none for folders written before manifests said it)."""
    said = m.get("counterfactual")
    return f" Counterfactual: {_e(str(said))}." if said else ""


def window_of(m: dict[str, Any], names: Any = ()) -> Window:
    """The window a table's names carry (a comparison may be rerun with another), else the one
    the job's manifest records, else the last 12 months."""
    for name in names:
        found = Window.from_name(str(name))
        if found is not None:
            return found
    return Window.from_dict(m.get("window")) or Window()


def dash_note(undefined: list[str]) -> str:
    """Below a table: why each of its dashes has no value."""
    if not undefined:
        return ""
    return note("A dash: no value, because " + "; ".join(undefined) + ".")


# --- wide tables --------------------------------------------------------------------------

SCREEN_PX = 1050  # the page's text width (1100 px less padding), all of a 1280-pixel screen
CHAR_PX = 7.6     # a character of a table cell (0.86 rem of 15 px; digits are tabular)
CELL_PX = 22      # a cell's padding
LABEL_CHARS = 24  # the row labels' column: longer labels wrap after an underscore


def _interval_cell(mean: float, low: float, high: float, money: bool,
                   named: tuple[str, bool] | None = None) -> str:
    """'mean' over 'low to high', written alike: in the unit of the outcome or metric
    ``named`` (its name and whether a change) when known, else the same decimals."""
    if named is not None:
        a, b, c = (cell(v, unit_of(named[0]), named[1]) for v in (mean, low, high))
    else:
        whole = money or any_large([mean, low, high])
        a, b, c = (number(v, whole=whole) for v in (mean, low, high))
    return a if b == "—" and c == "—" else f"{a}\n{b} to {c}"


def _named(*names: Any) -> tuple[str, bool] | None:
    """The first of ``names`` that is a known outcome or metric, as ``measure`` gives it."""
    for name in names:
        text = str(name).split(" (", 1)[0]
        if known(text):
            return measure(text)
    return None


def _column_px(texts: list[str]) -> float:
    """About how wide a column of these cells is drawn (its longest line)."""
    return max((len(line) for t in texts for line in t.split("\n")), default=1) * CHAR_PX \
        + CELL_PX


def _fit(columns: list[Any], px: dict[Any, float], label_px: float) -> list[list[Any]]:
    """The columns in groups, in order, each group as many as fit beside the row labels."""
    groups: list[list[Any]] = [[]]
    used = label_px
    for column in columns:
        if groups[-1] and used + px[column] > SCREEN_PX:
            groups.append([])
            used = label_px
        groups[-1].append(column)
        used += px[column]
    return groups


def wide(long: pd.DataFrame, down: str, across: str, centre: str = "mean",
          source: str = "") -> str:
    """A long table (one row per ``down`` x ``across``) as wide tables: every ``down`` value
    a row, never cut; the ``across`` values as columns, as many a table as fit a 1280-pixel
    screen (the row labels repeated in each). Each cell: the centre over its interval."""
    rows = list(dict.fromkeys(long[down]))
    columns = list(dict.fromkeys(long[across]))
    cells = {(r[down], r[across]): _interval_cell(
        float(r[centre]), float(r["low"]), float(r["high"]), rupee_row(r),
        _named(r[across], r[down]))
        for _, r in long.iterrows()}
    px = {c: _column_px([v for (_, col), v in cells.items() if col == c]) for c in columns}
    label_px = min(max(len(_shown_name(r)) for r in rows), LABEL_CHARS) * CHAR_PX + CELL_PX
    parts = []
    for chunk in _fit(columns, px, label_px):
        frame = pd.DataFrame([{header(down): _shown_name(row),
                               **{_shown_name(c): cells.get((row, c), "—") for c in chunk}}
                              for row in rows])
        parts.append(html_table(frame, {_shown_name(c) for c in chunk},
                                source=source or None, max_rows=None, stacked=True,
                                breakable=True, named_headers=False))
    return "".join(parts)


def _shown_name(name: Any) -> str:
    """A wide table's row or column name: an outcome or metric by its label and unit, any
    other (a scenario) as named."""
    text = str(name)
    return header(text.split(" (", 1)[0]) if known(text.split(" (", 1)[0]) else text


# --- parameters ---------------------------------------------------------------------------

def basis(source: str) -> str:
    low = source.lower()
    if low.startswith("assumption"):
        return "assumption"
    return "partly assumed" if "assumption" in low else "sourced"

