"""An interactive page: pick a scenario and a few levers, and watch the outcomes month by month
against the same run without any policy, or two settings side by side on the same seed.

Start it with (after ``pip install -e '.[app]'``)::

    SOLARA_TELEMETRY_MIXPANEL_ENABLE=false solara run bondsim.outputs.app

A solara page over the Mesa model (``app_runs.InteractiveModel``, a ``mesa.Model``). It uses no
part of ``mesa.visualization``: Mesa's ready-made page brought a "Page 0" tab, a "Use Threads"
switch, a "Step:" counter, an x axis of bare steps and a warning on start, and its interface
changes between Mesa 3.3 and 3.5. The sidebar holds the controls (Reset, Play/Pause, Step, To
the end), the month, the seed and size both runs share, the view, and each setting (scenario,
three assumptions and two interventions to add); any change of a setting starts the runs again
at month 0. The page is for exploring: results come from ``bondsim run``, ``bondsim effect``
and ``bondsim batch`` (many seeds, intervals), not from one run on a small population here
(see ``docs/interactive.md``). Importing this module builds no model; each browser session
gets its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import solara

# absolute imports, so that ``solara run model/outputs/app.py`` (a script) works too
from bondsim.outputs.app_chart import render_png
from bondsim.outputs.app_runs import (
    DEFAULT_HOUSEHOLDS,
    DEFAULT_SCENARIO,
    LEVER_START,
    Runs,
    Setting,
    SideRun,
    month_words,
    scenario_names,
)
from bondsim.outputs.labels import label, scale_for, unit

TITLE = "bondsim: debt bondage at brick kilns"
PLAY_INTERVAL_S = 0.15  # between months while playing: a 10-year run plays in about 20 s
# a slider's caption on its own line above the track, so a long caption leaves the track wide
SLIDER_CSS = """
.v-input__slider .v-input__slot { flex-wrap: wrap; }
.v-input__slider .v-input__slot > .v-label { flex: 0 0 100%; max-width: 100%; }
"""
ONE, TWO = "One setting against no policy", "Two settings side by side"


@dataclass(frozen=True)
class Slider:
    """A setting's slider: the reader's name, and how its value reads with its unit."""

    field: str
    name: str
    low: float
    high: float
    step: float
    shows: Callable[[float], str]

    def caption(self, value: float) -> str:
        """'Inspections from month 13: 0.7 visits/kiln/year'."""
        return f"{self.name}: {self.shows(value)}"


def _name(field: str) -> str:
    """A slider's name: the parameter's label, or the added intervention's type and month."""
    if "." in field:
        return f"{field.split('.')[0].replace('_', ' ').capitalize()} from month {LEVER_START}"
    return label(field).capitalize()


def _value(field: str, none: str, rate: bool) -> Callable[[float], str]:
    """How a slider's value reads: in the unit of the parameter or intervention field (the
    label table's, ``labels.unit``), shares and ``rate``s (a markup per year) as percentages;
    0 of a lever adds nothing."""
    scale = scale_for(unit(field))
    percent = rate or scale.factor == 100.0

    def shows(v: float) -> str:
        if "." in field and v <= 0:
            return none
        number = f"{v * 100:.0f}%" if percent else f"{v:g}"
        rest = scale.unit.removeprefix("%") if scale.factor == 100.0 else f" {scale.unit}"
        return f"{number}{rest}"
    return shows


#: (setting field, name in the label table); levers as ``<intervention type>.<field>``
LABELLED = {"markup_annual": "markup_annual", "advance_limit_months": "advance_limit_months",
            "prison_cost_months": "prison_cost_months",
            "cash_transfer_coverage": "cash_transfer.coverage",
            "inspections_per_kiln_year": "inspections.inspections_per_kiln_year"}


def _slider(field: str, low: float, high: float, step: float, none: str = "none",
            rate: bool = False) -> Slider:
    return Slider(field, _name(LABELLED[field]), low, high, step,
                  _value(LABELLED[field], none, rate))


# names and units from the label table (parameters' and intervention fields' declarations)
SLIDERS: tuple[Slider, ...] = (
    _slider("markup_annual", 0.0, 1.0, 0.05, rate=True),
    _slider("advance_limit_months", 2.0, 16.0, 0.5),
    _slider("prison_cost_months", 0.0, 60.0, 1.0),
    _slider("cash_transfer_coverage", 0.0, 1.0, 0.05),
    _slider("inspections_per_kiln_year", 0.0, 5.0, 0.1, none="none added"),
)


def households_caption(households: int) -> str:
    return f"Households: {households:,}"


def describe(side: SideRun) -> str:
    """One line naming a run: scenario, seed, size, the file's policies and what was added.
    Added inspections also read as visits a month, what their rate per kiln makes of the
    page's kilns."""
    model, setting = side.model, side.setting
    added = [s.caption(getattr(setting, s.field)) for s in SLIDERS[3:]
             if getattr(setting, s.field) > 0]
    if setting.inspections_per_kiln_year > 0:
        per_month = setting.inspections_per_kiln_year * model.ow.k / 12
        added[-1] += f" (about {per_month:.1f} visits a month to {model.ow.k:,} kilns)"
    filed = sorted({i.name for i in model.interventions} - {"added_cash_transfer",
                                                             "added_inspections"})
    return (f"{model.scenario_name}, seed {model.seed}, {model.hh.n:,} households in "
            f"{model.ow.k:,} kilns; policies in the file: "
            + (", ".join(filed) if filed else "none") + "; added: "
            + ("; ".join(added) if added else "nothing"))


@solara.component
def SettingForm(setting: solara.Reactive[Setting], names: list[str], heading: str,  # noqa: N802 - solara components are capitalised
                on_change: Callable[[], None]) -> None:
    """A scenario and the sliders of one setting, each slider captioned with its value."""
    current = setting.value

    def set_field(field: str) -> Callable[[object], None]:
        def set_value(value: object) -> None:
            setting.set(replace(setting.value, **{field: value}))
            on_change()
        return set_value

    solara.Text(heading, style={"font-weight": "bold", "margin-top": "12px"})
    solara.Select(label="Scenario", value=current.scenario, values=names,
                  on_value=set_field("scenario"))
    for slider in SLIDERS:
        value = getattr(current, slider.field)
        if isinstance(slider.step, int):
            solara.SliderInt(label=slider.caption(value), value=int(value), min=int(slider.low),
                             max=int(slider.high), step=slider.step,
                             on_value=set_field(slider.field), thumb_label=False)
        else:
            solara.SliderFloat(label=slider.caption(value), value=float(value), min=slider.low,
                               max=slider.high, step=slider.step,
                               on_value=set_field(slider.field), thumb_label=False)


@solara.component
def Chart(side: SideRun, drawn: int, stacked: bool, heading: str) -> None:  # noqa: N802
    """One run's chart, redrawn when the page's count of redraws changes."""
    model = side.model

    def draw() -> bytes:
        return render_png(side.trace, side.reference, horizon=model.horizon,
                          params=model.params, policy_starts=model.policy_starts,
                          stacked=stacked, width=6.4 if stacked else 10.0)

    png = solara.use_memo(draw, [side, drawn, stacked])
    with solara.Column(gap="4px", classes=["bondsim-chart"]):
        solara.Text(heading, style={"font-weight": "bold"})
        solara.Text(describe(side))
        for note in model.notes:
            solara.Warning(note)
        solara.Image(png, width="100%")


@solara.component
def Page() -> None:  # noqa: N802 - the name solara run looks for
    """The page: one pair of runs per browser session."""
    names = solara.use_memo(scenario_names, [])
    start = Setting(scenario=DEFAULT_SCENARIO if DEFAULT_SCENARIO in names else names[0])
    mine = solara.use_reactive(start)
    other = solara.use_reactive(start)
    seed = solara.use_reactive("")
    households = solara.use_reactive(DEFAULT_HOUSEHOLDS)
    view = solara.use_reactive(ONE)
    playing = solara.use_reactive(False)
    restarts = solara.use_reactive(0)  # Reset builds the runs again
    drawn = solara.use_reactive(0)  # bumped after each step, to redraw the charts
    runs = solara.use_memo(
        lambda: Runs(other.value, mine.value, seed.value, households.value),
        [other.value, mine.value, seed.value, households.value, restarts.value])
    current = solara.use_ref(runs)
    current.current = runs

    def stop() -> None:
        playing.set(False)

    def redraw() -> None:
        drawn.set(drawn.value + 1)

    def play() -> None:
        """Step while Play is on, this page's runs are current and a month is left."""
        while playing.value and runs is current.current and runs.running:
            time.sleep(PLAY_INTERVAL_S)
            if not playing.value or runs is not current.current:
                return
            runs.step()
            redraw()
        if runs is current.current and not runs.running:
            playing.set(False)

    solara.lab.use_task(play, dependencies=[playing.value, runs], prefer_threaded=True)

    def step() -> None:
        runs.step()
        redraw()

    def to_end() -> None:
        playing.set(False)
        runs.to_end()
        redraw()

    def reset() -> None:
        playing.set(False)
        restarts.set(restarts.value + 1)

    shown = drawn.value  # read here, so that each redraw renders the page
    solara.Title(TITLE)
    solara.Style(SLIDER_CSS)
    with solara.Sidebar():
        with solara.Row(gap="6px"):
            solara.Button("Reset", color="primary", on_click=reset)
            solara.Button("❚❚" if playing.value else "▶", color="primary",
                          on_click=lambda: playing.set(not playing.value),
                          disabled=not runs.running)
            solara.Button("Step", color="primary", on_click=step,
                          disabled=playing.value or not runs.running)
            solara.Button("To the end", color="primary", on_click=to_end,
                          disabled=not runs.running)
        solara.Text(f"{month_words(runs.month).capitalize()} of {runs.horizon}",
                    style={"font-weight": "bold", "font-size": "1.2em"})
        solara.ToggleButtonsSingle(value=view, values=[ONE, TWO])
        solara.Text("Both runs", style={"font-weight": "bold", "margin-top": "12px"})
        solara.InputText("Seed (blank: the scenario file's seed)", value=seed,
                         on_value=lambda _: stop())
        solara.SliderInt(households_caption(households.value), value=households, min=100,
                         max=10_000, step=100, on_value=lambda _: stop(), thumb_label=False)
        if view.value == TWO:
            SettingForm(other, names, "Left: compared with", stop)
        SettingForm(mine, names, "Your setting" if view.value == ONE else "Right: your setting",
                    stop)
        solara.Text("A change of setting starts the runs again at month 0.",
                    style={"font-style": "italic", "margin-top": "8px"})

    caption = ("Solid: the setting's run. Dashed: the same scenario, assumptions, seed and "
               "households with no policy at all (the reference). Grey: months the kilns are "
               "closed. Dotted: the month a policy starts. One run of a small population is "
               "noisy: for results use bondsim effect or bondsim batch.")
    if view.value == ONE:
        Chart(runs.right, shown, False, "Your setting")
    else:
        with solara.Columns([1, 1]):
            Chart(runs.left, shown, True, "Left: compared with")
            Chart(runs.right, shown, True, "Right: your setting")
    solara.Text(caption, style={"font-size": "0.9em", "color": "#444"})


page = Page()  # an element (for Jupyter); solara run uses ``Page``
