"""An interactive page: pick a scenario and a few levers, and watch the outcomes month by month.

Start it with (after ``pip install -e '.[app]'``)::

    solara run bondsim.outputs.app

It is built on Mesa's ``SolaraViz``: the sidebar holds the controls (Reset, Play/Pause, Step)
and the model parameters (scenario, households, seed, three assumptions and two interventions
to add); the main area plots bondage, debt, child labour and schooling as the model steps.
A change of the parameters takes effect on Reset. The page is for exploring: results come from
``bondsim run``, ``bondsim effect`` and ``bondsim batch`` (many seeds, intervals), not from one
run on a small population here (see ``docs/interactive.md``).

The model the page steps is ``InteractiveModel``: a ``BondsimModel`` built from a scenario file
with the levers applied, exactly as ``bondsim run`` would build it, but not run. Importing this
module builds no model; each browser session gets its own.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import solara
from matplotlib.axes import Axes
from mesa.visualization import SolaraViz, make_plot_component

# absolute imports, so that ``solara run model/outputs/app.py`` (a script) works too
from bondsim.errors import BondsimError
from bondsim.io import read_toml
from bondsim.simulation.model import BondsimModel
from bondsim.simulation.parameters import Params
from bondsim.experiments.run import model_arguments
from bondsim.experiments.scenario import Scenario, scenario_from_dict

TITLE = "bondsim: debt bondage at brick kilns"
DEFAULT_SCENARIO = "baseline"
DEFAULT_HOUSEHOLDS = 1_000
DEFAULTS = Params()
LEVER_START = 13  # added interventions start in month 13 (September of year 2), as shipped


def scenario_dir() -> Path:
    """Where the scenario files are: ``$BONDSIM_SCENARIOS``, else the shipped scenarios
    (inside the installed package, whatever the working directory)."""
    if os.environ.get("BONDSIM_SCENARIOS"):
        return Path(os.environ["BONDSIM_SCENARIOS"])
    from bondsim.shipped import folder
    return folder("scenario")


def scenario_names() -> list[str]:
    """The scenario files offered in the dropdown (their names without ``.toml``)."""
    return sorted(path.stem for path in scenario_dir().glob("*.toml"))


def build_scenario(name: str, *, markup_annual: float, advance_limit_months: float,
                   prison_cost_months: float, cash_transfer_coverage: float,
                   inspections_per_district: int, lever_start: int = LEVER_START) -> Scenario:
    """The scenario file ``name`` with the page's levers applied, validated like a file.

    The three assumptions replace the file's values. An intervention lever above zero adds
    that intervention (from ``lever_start``) to the ones the file already has."""
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
    if inspections_per_district > 0:
        added.append({"type": "inspections", "label": "added_inspections",
                      "start": lever_start,
                      "inspections_per_district": int(inspections_per_district)})
    data["interventions"] = [*data.get("interventions", []), *added]
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

    Every argument is a keyword with a default, as Mesa's ``SolaraViz`` needs to rebuild the
    model on Reset. The model stops (``running`` false) at the scenario's horizon.

    Args:
        scenario_name: a file in the scenarios folder, without ``.toml``.
        households: worker households (the file's kilns are kept, one a family at most).
        seed: the run's seed; blank for the file's seed.
        markup_annual, advance_limit_months, prison_cost_months: parameters (see
            ``docs/parameters.md``); they replace the file's values.
        cash_transfer_coverage: share of eligible families a BISP-style transfer (Rs 13,500 a
            quarter) enrols from month 13, on top of the file's interventions; 0 adds none.
        inspections_per_district: labour inspections a month in each district from month 13
            (random targeting), on top of the file's interventions; 0 adds none.
    """

    def __init__(self, *, scenario_name: str = DEFAULT_SCENARIO,
                 households: int = DEFAULT_HOUSEHOLDS, seed: int | str | None = "",
                 markup_annual: float = DEFAULTS.markup_annual,
                 advance_limit_months: float = DEFAULTS.advance_limit_months,
                 prison_cost_months: float = DEFAULTS.prison_cost_months,
                 cash_transfer_coverage: float = 0.0,
                 inspections_per_district: int = 0) -> None:
        scenario = build_scenario(
            scenario_name, markup_annual=markup_annual,
            advance_limit_months=advance_limit_months, prison_cost_months=prison_cost_months,
            cash_transfer_coverage=cash_transfer_coverage,
            inspections_per_district=inspections_per_district)
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
        self.levers = {"cash_transfer_coverage": float(cash_transfer_coverage),
                       "inspections_per_district": int(inspections_per_district)}

    def step(self) -> None:
        """One month; stops the page's Play at the scenario's horizon."""
        super().step()
        if self.steps >= self.horizon:
            self.running = False


def _shares_axes(ax: Axes) -> None:
    ax.set_ylim(0.0, 1.0)
    ax.set_ylabel("share")
    ax.grid(alpha=0.3)


def status(model: InteractiveModel) -> solara.Element:
    """What the plots show: scenario, seed, size, levers and month (a SolaraViz component).
    Plain text: solara's Markdown would fetch KaTeX from a CDN."""
    p, levers = model.params, model.levers
    added = [f"a cash transfer to {levers['cash_transfer_coverage']:.0%} of eligible families"
             if levers["cash_transfer_coverage"] > 0 else "",
             f"{levers['inspections_per_district']} inspections a month in each district"
             if levers["inspections_per_district"] > 0 else ""]
    added = [a for a in added if a]
    with solara.Column(gap="6px") as panel:
        solara.Text(f"{model.scenario_name}, seed {model.seed}, {model.hh.n:,} households in "
                    f"{model.ow.k:,} kilns", style={"font-weight": "bold"})
        solara.Text(f"Month {model.steps} of {model.horizon}",
                    style={"font-weight": "bold", "font-size": "1.2em"})
        solara.Text(f"Markup {p.markup_annual:.0%} a year; advance limit "
                    f"{p.advance_limit_months:g} months of the adults' pay; prison valued at "
                    f"{p.prison_cost_months:g} months of a kiln's profit")
        solara.Text(f"Added from month {LEVER_START}: "
                    + ("; ".join(added) if added else "nothing"))
        solara.Text("Change the parameters, then press Reset to apply them.",
                    style={"font-style": "italic"})
        for note in model.notes:
            solara.Warning(note)
    return panel


COMPONENTS = [
    make_plot_component({"bonded_share": "tab:red", "indebted_share": "tab:orange"},
                        post_process=_shares_axes),
    make_plot_component({"child_labour_rate": "tab:purple", "school_enrolment": "tab:green"},
                        post_process=_shares_axes),
    (status, 0),
]


def model_params() -> dict[str, Any]:
    """The sidebar's inputs, in Mesa's ``model_params`` form (keys are ``InteractiveModel``
    keyword arguments)."""
    names = scenario_names()
    if not names:
        raise BondsimError(f"{scenario_dir()}: no scenario files (*.toml) to offer; set "
                           f"BONDSIM_SCENARIOS to a folder of them")
    return {
        "scenario_name": {"type": "Select", "label": "Scenario", "values": names,
                          "value": DEFAULT_SCENARIO if DEFAULT_SCENARIO in names else names[0]},
        "households": {"type": "SliderInt", "label": "Households", "value": DEFAULT_HOUSEHOLDS,
                       "min": 100, "max": 10_000, "step": 100},
        "seed": {"type": "InputText", "label": "Seed (blank: the file's)", "value": ""},
        "markup_annual": {"type": "SliderFloat", "label": "Markup a year",
                          "value": DEFAULTS.markup_annual, "min": 0.0, "max": 1.0,
                          "step": 0.05},
        "advance_limit_months": {"type": "SliderFloat",
                                 "label": "Advance limit",
                                 "value": DEFAULTS.advance_limit_months, "min": 2.0,
                                 "max": 16.0, "step": 0.5},
        "prison_cost_months": {"type": "SliderFloat",
                               "label": "Prison cost (months of profit)",
                               "value": DEFAULTS.prison_cost_months, "min": 0.0,
                               "max": 60.0, "step": 1.0},
        "cash_transfer_coverage": {"type": "SliderFloat",
                                   "label": "Cash transfer",
                                   "value": 0.0, "min": 0.0, "max": 1.0, "step": 0.05},
        "inspections_per_district": {"type": "SliderInt",
                                     "label": "Inspections",
                                     "value": 0, "min": 0, "max": 50, "step": 1},
    }


@solara.component
def Page() -> None:  # noqa: N802 - the name solara run looks for
    """The page: one model per browser session, built with the inputs' defaults."""
    params = solara.use_memo(model_params, [])
    model = solara.use_memo(InteractiveModel, [])
    SolaraViz(model, components=COMPONENTS, model_params=params, name=TITLE,
              play_interval=150)


page = Page()  # an element (for Jupyter); solara run uses ``Page``
