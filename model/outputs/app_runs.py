"""The runs the interactive page steps: a setting (scenario, assumptions, added levers), its model,
and the same run without any policy, the reference line the page draws under it.

Kept apart from the page (``app.py``) so it can be tested without solara or a browser. Every run
is built from a scenario file exactly as ``bondsim run`` would build it; the no-policy reference
has the same file, assumptions, seed and size with no interventions, so the two share their
random draws until a policy acts (the pairing ``bondsim effect`` uses).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

# absolute imports, so that ``solara run model/outputs/app.py`` (a script) works too
from bondsim.errors import BondsimError
from bondsim.experiments.run import model_arguments
from bondsim.experiments.scenario import Scenario, scenario_from_dict
from bondsim.io import read_toml
from bondsim.simulation.model import BondsimModel
from bondsim.simulation.parameters import Params

DEFAULT_SCENARIO = "baseline"
DEFAULT_HOUSEHOLDS = 1_000
DEFAULTS = Params()
LEVER_START = 13  # added interventions start in month 13 (September of year 2), as shipped
#: the outcomes the page plots, by panel
PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Bondage and debt", ("bonded_share", "indebted_share")),
    ("Children aged 5-14", ("child_labour_rate", "school_enrolment")),
)
COLUMNS = tuple(name for _, names in PANELS for name in names)


def scenario_dir() -> Path:
    """Where the scenario files are: ``$BONDSIM_SCENARIOS``, else the shipped scenarios
    (inside the installed package, whatever the working directory)."""
    if os.environ.get("BONDSIM_SCENARIOS"):
        return Path(os.environ["BONDSIM_SCENARIOS"])
    from bondsim.shipped import folder
    return folder("scenario")


def scenario_names() -> list[str]:
    """The scenario files offered (their names without ``.toml``); an error naming the folder
    when there are none, since the page has nothing to show then."""
    names = sorted(path.stem for path in scenario_dir().glob("*.toml"))
    if not names:
        raise BondsimError(f"{scenario_dir()}: no scenario files (*.toml) to offer; set "
                           f"BONDSIM_SCENARIOS to a folder of them")
    return names


@dataclass(frozen=True)
class Setting:
    """What a reader chooses for one run: a scenario file, three assumptions that replace the
    file's values, and two interventions added from ``LEVER_START`` (0 adds none)."""

    scenario: str = DEFAULT_SCENARIO
    markup_annual: float = DEFAULTS.markup_annual
    advance_limit_months: float = DEFAULTS.advance_limit_months
    prison_cost_months: float = DEFAULTS.prison_cost_months
    cash_transfer_coverage: float = 0.0
    inspections_per_kiln_year: float = 0.0

    def without_policy(self) -> Setting:
        """The same scenario and assumptions with no added lever (the file's interventions
        are dropped by ``build_scenario(policy=False)``)."""
        return replace(self, cash_transfer_coverage=0.0, inspections_per_kiln_year=0.0)

    def keywords(self) -> dict[str, Any]:
        """The setting as ``InteractiveModel`` keyword arguments."""
        return {("scenario_name" if f.name == "scenario" else f.name): getattr(self, f.name)
                for f in fields(self)}


def build_scenario(name: str, *, markup_annual: float, advance_limit_months: float,
                   prison_cost_months: float, cash_transfer_coverage: float,
                   inspections_per_kiln_year: float, lever_start: int = LEVER_START,
                   policy: bool = True) -> Scenario:
    """The scenario file ``name`` with the page's levers applied, validated like a file.

    The three assumptions replace the file's values. An intervention lever above zero adds
    that intervention (from ``lever_start``) to the ones the file already has. Without
    ``policy`` the run has no intervention at all: the reference the page draws."""
    path = scenario_dir() / f"{name}.toml"
    data = read_toml(path, "scenario")
    data["parameters"] = {**data.get("parameters", {}),
                          "markup_annual": float(markup_annual),
                          "advance_limit_months": float(advance_limit_months),
                          "prison_cost_months": float(prison_cost_months)}
    added: list[dict[str, Any]] = []
    if cash_transfer_coverage > 0:
        added.append({"type": "cash_transfer", "label": "added_cash_transfer",
                      "start": lever_start, "coverage": float(cash_transfer_coverage)})
    if inspections_per_kiln_year > 0:  # a rate, so the page's smaller population is not
        added.append({"type": "inspections", "label": "added_inspections",  # over-inspected
                      "start": lever_start,
                      "inspections_per_kiln_year": float(inspections_per_kiln_year)})
    data["interventions"] = [*data.get("interventions", []), *added] if policy else []
    return scenario_from_dict(data, source=str(path), path=path)


def parse_seed(seed: object) -> int | None:
    """The seed typed in the page: a non-negative integer, or None (blank or not a number:
    the scenario file's seed)."""
    if isinstance(seed, bool):
        return None
    if isinstance(seed, int | float):
        return int(seed) if seed >= 0 and float(seed).is_integer() else None
    text = str(seed or "").strip().replace(",", "").replace("_", "")
    return int(text) if text.isdigit() else None


class InteractiveModel(BondsimModel):
    """A ``BondsimModel`` built from a scenario file and the page's levers, not yet run.

    The model stops (``running`` false) at the scenario's horizon.

    Args:
        scenario_name: a file in the scenarios folder, without ``.toml``.
        households: worker households (the file's kilns are kept, one a family at most).
        seed: the run's seed; blank for the file's seed.
        markup_annual, advance_limit_months, prison_cost_months: parameters (see
            ``docs/parameters.md``); they replace the file's values.
        cash_transfer_coverage: share of eligible families a BISP-style transfer (Rs 13,500 a
            quarter) enrols from month 13, on top of the file's interventions; 0 adds none.
        inspections_per_kiln_year: labour inspections a year per kiln from month 13 (random
            targeting), on top of the file's interventions; 0 adds none.
        policy: False for the same run with no intervention at all (the page's reference).
    """

    def __init__(self, *, scenario_name: str = DEFAULT_SCENARIO,
                 households: int = DEFAULT_HOUSEHOLDS, seed: int | str | None = "",
                 markup_annual: float = DEFAULTS.markup_annual,
                 advance_limit_months: float = DEFAULTS.advance_limit_months,
                 prison_cost_months: float = DEFAULTS.prison_cost_months,
                 cash_transfer_coverage: float = 0.0,
                 inspections_per_kiln_year: float = 0.0, policy: bool = True) -> None:
        scenario = build_scenario(
            scenario_name, markup_annual=markup_annual,
            advance_limit_months=advance_limit_months, prison_cost_months=prison_cost_months,
            cash_transfer_coverage=cash_transfer_coverage,
            inspections_per_kiln_year=inspections_per_kiln_year, policy=policy)
        notes = list(scenario.warnings)
        chosen = parse_seed(seed)
        if chosen is None and str(seed or "").strip():
            notes.append(f"seed {seed!r} is not a non-negative whole number: using the "
                         f"scenario's seed")
        districts = len(scenario.spec.population.districts)
        households = max(int(households), districts)  # at least one family a district
        super().__init__(**model_arguments(scenario, seed=chosen, households=households))
        self.scenario_name = scenario.spec.name
        self.horizon = scenario.spec.horizon
        self.notes = tuple(notes)
        #: the months at which this run's interventions start, for the page's markers
        self.policy_starts = tuple(sorted({int(i.start) for i in scenario.spec.interventions}))
        self.levers = {"cash_transfer_coverage": float(cash_transfer_coverage),
                       "inspections_per_kiln_year": float(inspections_per_kiln_year)}

    def step(self) -> None:
        """One month; stops the page's Play at the scenario's horizon."""
        super().step()
        if self.steps >= self.horizon:
            self.running = False


def trace(model: BondsimModel) -> dict[str, np.ndarray]:
    """A copy of the plotted outcomes so far (row 0 is the initial state): what the page
    draws, so that a redraw never reads a model while the Play thread steps it."""
    data = model.datacollector.model_vars
    return {name: np.array(data[name], dtype=float) for name in COLUMNS}


@lru_cache(maxsize=32)
def reference_trace(setting: Setting, seed: int | str | None,
                    households: int) -> dict[str, np.ndarray]:
    """The no-policy run of ``setting`` over the whole horizon (cheap: about 0.2 s for 1,000
    households and 120 months), cached since both sides of the page often share it. Read-only
    arrays, as the cache hands the same ones to every session."""
    model = InteractiveModel(**setting.without_policy().keywords(), seed=seed,
                             households=households, policy=False)
    while model.running:
        model.step()
    out = trace(model)
    for values in out.values():
        values.setflags(write=False)
    return out


class SideRun:
    """One setting's run, stepped month by month, and its no-policy reference."""

    def __init__(self, setting: Setting, seed: int | str | None, households: int) -> None:
        self.setting = setting
        self.model = InteractiveModel(**setting.keywords(), seed=seed, households=households)
        self.reference = reference_trace(setting, seed, households)
        self.trace = trace(self.model)


class Runs:
    """The page's two runs (``left``, ``right``), stepped together on the same seed and size.

    One view shows the right run with its reference; the side-by-side view shows both. A lock
    keeps a step and a snapshot apart, since Play steps in a thread while the page redraws."""

    def __init__(self, left: Setting, right: Setting, seed: int | str | None,
                 households: int) -> None:
        self.left = SideRun(left, seed, households)
        self.right = SideRun(right, seed, households)
        self._lock = threading.Lock()

    @property
    def month(self) -> int:
        """Months run so far, read from the snapshot (row 0 is the initial state)."""
        return len(self.right.trace[COLUMNS[0]]) - 1

    @property
    def horizon(self) -> int:
        return int(self.right.model.horizon)

    @property
    def running(self) -> bool:
        return bool(self.left.model.running or self.right.model.running)

    def step(self, months: int = 1) -> None:
        """Advance both runs ``months`` months (each stops at its horizon)."""
        with self._lock:
            for _ in range(months):
                for side in (self.left, self.right):
                    if side.model.running:
                        side.model.step()
            for side in (self.left, self.right):
                side.trace = trace(side.model)

    def to_end(self) -> None:
        """Run both to their horizons."""
        self.step(max(self.left.model.horizon, self.right.model.horizon))


def month_words(month: int) -> str:
    """'month 25 (year 3)': month 1 to 12 are year 1; month 0 is the state before the first."""
    if month <= 0:
        return "month 0 (the start)"
    return f"month {month} (year {(month - 1) // 12 + 1})"
