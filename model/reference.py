"""``docs/parameters.md``, generated: model parameters, then each intervention's fields."""

from __future__ import annotations

import inspect
import re
from typing import Any

from .interventions import REGISTRY
from .interventions.base import InterventionSpec
from .prices import shown_unit
from .simulation.parameters import (
    ASSUMPTION,
    PARAM_INFO,
    Params,
    as_given,
    linked,
    params_table_markdown,
)


def _bounds(field: Any) -> str:
    parts = []
    for item in field.metadata:
        for attr, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            value = getattr(item, attr, None)
            if value is not None:
                parts.append(f"{sign} {value:g}")
    return ", ".join(parts) or "—"


def _default(field: Any) -> str:
    value = field.default
    if value is None:
        return "—"
    if isinstance(value, float):
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        return f"{value:g}" + as_given(extra.get("figure"), extra.get("price_year"))
    return str(value).lower() if isinstance(value, bool) else str(value)


def interventions_markdown() -> str:
    """One table per intervention type: its fields, defaults, units, bounds, sources and
    meaning."""
    head = ["| field | label | default | unit | bounds | source | meaning |",
            "|---|---|---|---|---|---|---|"]
    lines = ["", "## Interventions", "",
             "Fields of each entry in a scenario's `[[interventions]]` list. Every "
             "intervention also takes the common fields below. Mechanisms: "
             "`docs/ODD.md` section 7.11 and each module's docstring in "
             "`model/interventions/`. Sources cite [`references.md`](references.md) by key; "
             "switches and choices have none.", "", *head]
    lines += [_field_row(name, field) for name, field in InterventionSpec.model_fields.items()
              if name != "type"]
    for kind, cls in REGISTRY.items():
        lines += ["", f"### `{kind}`", "", _summary(cls), "", *head]
        lines += [_field_row(name, field) for name, field in cls.spec_class.model_fields.items()
                  if name not in InterventionSpec.model_fields]
    return "\n".join(lines) + "\n"


def _summary(cls: type) -> str:
    """The first paragraph of an intervention module's docstring, on one line."""
    doc = inspect.getdoc(inspect.getmodule(cls)) or ""
    return doc.split("\n\n")[0].replace("\n", " ")


def _field_row(name: str, field: Any) -> str:
    unit, source = field_info(field)
    shown = f"*{source}*" if source == ASSUMPTION else (linked(source) or "—")
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return (f"| `{name}` | {extra.get('label', '—')} | {_default(field)} | "
            f"{shown_unit(unit) or '—'} | {_bounds(field)} | "
            f"{shown} | "
            f"{field.description or ''} |")


def labels_markdown() -> str:
    """The table of what plots, reports and the page call each outcome and effect metric."""
    from .experiments.paired import METRIC_LIST
    from .outputs.labels import label, scale_for, unit
    from .simulation.outcome_labels import OUTCOME_LABELS

    lines = ["", "## Labels and units of outcomes and effect metrics", "",
             "What every plot, report table and the interactive page call each column "
             "(``outcome_labels.py`` and the effect metrics in ``paired.py``). Shares are shown "
             "as percentages and their differences in percentage points; large rupee amounts "
             "in thousands or millions.", "",
             "| column | label | unit | shown as |", "|---|---|---|---|"]
    names = list(OUTCOME_LABELS) + [m.stem for m in METRIC_LIST]
    for name in names:
        shown = scale_for(unit(name)).unit
        lines.append(f"| `{name}` | {label(name)} | {unit(name)} | {shown} |")
    return "\n".join(lines) + "\n"


def reference_markdown() -> str:
    """The whole of ``docs/parameters.md``."""
    return params_table_markdown() + interventions_markdown() + labels_markdown()


CITATION = re.compile(r"\[@([a-z0-9][a-z0-9-]*)\]")
BIBLIOGRAPHY_ROW = re.compile(r'^\| <a id="([a-z0-9][a-z0-9-]*)"></a>`\1` \|', re.MULTILINE)


def citations(source: str) -> list[str]:
    """The bibliography keys a source cites (``[@key]``, entries of docs/references.md)."""
    return CITATION.findall(source)


def field_info(field: Any) -> tuple[str, str]:
    """An intervention field's unit and source (see ``interventions.base.about``)."""
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return str(extra.get("unit", "")), str(extra.get("source", ""))


def cited_sources() -> dict[str, str]:
    """Every source the code cites, by where: parameters and intervention fields."""
    out = {f"parameter {name}": info.source for name, info in PARAM_INFO.items()}
    for name, field in InterventionSpec.model_fields.items():
        out[f"intervention field {name}"] = field_info(field)[1]
    for kind, cls in REGISTRY.items():
        for name, field in cls.spec_class.model_fields.items():
            if name not in InterventionSpec.model_fields:
                out[f"intervention field {kind}.{name}"] = field_info(field)[1]
    return out


def params_text(width: int = 100) -> str:
    """What ``bondsim params`` prints: every parameter, then every intervention field, each
    with its default, unit, range or bounds on one line and its source wrapped below it, so
    that a terminal shows it all without a table wider than the screen."""
    width = max(width, 60)
    defaults = Params()
    out = [*_wrapped("Model parameters: name, default, unit, plausible range (the range "
                     "sweeps use), meaning and source. Sources cite the bibliography "
                     f"docs/references.md (installed: {_bibliography()}) by key ([@key]); "
                     "'assumption': no publication gives the number. The same as tables: "
                     "bondsim params --markdown.", width), ""]
    for name, info in PARAM_INFO.items():
        rng = "—" if info.plausible is None else f"{info.plausible[0]:g} to {info.plausible[1]:g}"
        value = _shown(getattr(defaults, name)) + as_given(info.figure, info.price_year)
        out += _entry(f"{name:<28} {value:>10}  {shown_unit(info.unit)}; plausible {rng}",
                      info.source, width, info.doc)
    out += ["", *_wrapped("Intervention fields (of an entry in a scenario's [[interventions]] "
                          "list): name, default, unit, bounds, meaning and source.", width),
            "", "every type:"]
    out += _fields(InterventionSpec.model_fields, set(), width)
    for kind, cls in REGISTRY.items():
        out += ["", *_wrapped(f"{kind}: {_summary(cls)}", width)]
        out += _fields(cls.spec_class.model_fields, set(InterventionSpec.model_fields), width)
    return "\n".join(out) + "\n"


def _bibliography() -> str:
    """Where the installed package keeps docs/references.md (a wheel carries it)."""
    from importlib import resources

    return str(resources.files("bondsim.docs") / "references.md")


def _fields(fields: dict[str, Any], skip: set[str], width: int) -> list[str]:
    out = []
    for name, field in fields.items():
        if name == "type" or name in skip:
            continue
        unit, source = field_info(field)
        out += _entry(f"  {name:<26} {_default(field):>10}  {shown_unit(unit) or '—'}; "
                      f"{_bounds(field)}",
                      source, width, field.description or "")
    return out


def _entry(line: str, source: str, width: int, meaning: str = "") -> list[str]:
    """One parameter or field: its line, then what it means and its source, each wrapped."""
    out = _wrapped(line, width, "", " " * 42)
    if meaning:
        out += _wrapped(meaning, width, " " * 6, " " * 6)
    if source:
        out += _wrapped(f"source: {source}", width, " " * 6, " " * 14)
    return out


def _wrapped(text: str, width: int, first: str = "", rest: str = "") -> list[str]:
    """Lines of at most ``width``, never broken inside a citation key's hyphens."""
    import textwrap

    return textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest,
                         break_on_hyphens=False)


def _shown(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(str(v) for v in value) + ")"
    return f"{value:g}" if isinstance(value, float) else str(value)
