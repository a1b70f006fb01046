"""``docs/parameters.md``, generated: model parameters, then each intervention's fields."""

from __future__ import annotations

import inspect
from typing import Any

from .interventions import REGISTRY
from .interventions.base import InterventionSpec
from .parameters import params_table_markdown


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
        return f"{value:g}"
    return str(value).lower() if isinstance(value, bool) else str(value)


def interventions_markdown() -> str:
    """One table per intervention type: its fields, defaults, bounds and meaning."""
    lines = ["", "## Interventions", "",
             "Fields of each entry in a scenario's `[[interventions]]` list. Every "
             "intervention also takes the common fields below. Mechanisms and sources: "
             "`docs/ODD.md` section 7.11 and each module's docstring in "
             "`model/interventions/`.", "",
             "| field | default | bounds | meaning |", "|---|---|---|---|"]
    for name, field in InterventionSpec.model_fields.items():
        if name != "type":
            lines.append(f"| `{name}` | {_default(field)} | {_bounds(field)} | "
                         f"{field.description or ''} |")
    for kind, cls in REGISTRY.items():
        doc = inspect.getdoc(inspect.getmodule(cls)) or ""
        lines += ["", f"### `{kind}`", "", doc.split("\n\n")[0].replace("\n", " "), "",
                  "| field | default | bounds | meaning |", "|---|---|---|---|"]
        for name, field in cls.spec_class.model_fields.items():
            if name in InterventionSpec.model_fields:
                continue
            lines.append(f"| `{name}` | {_default(field)} | {_bounds(field)} | "
                         f"{field.description or ''} |")
    return "\n".join(lines) + "\n"


def reference_markdown() -> str:
    """The whole of ``docs/parameters.md``."""
    return params_table_markdown() + interventions_markdown()
