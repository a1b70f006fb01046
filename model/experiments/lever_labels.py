"""What a reader calls each intervention field a sweep or plan can vary (a lever), and its unit.

Both are declared with the field itself (``interventions.base.about``), beside its default,
bounds and source. The plots and reports may not import interventions (``tests/test_layers.py``),
so they read them here, in the layer that builds scenarios from those fields. A lever is named
``<label>.<field>``, after its intervention's label in the scenario (its type by default).
"""

from __future__ import annotations

from typing import Any


def field_labels() -> dict[tuple[str, str], tuple[str, str]]:
    """(intervention type, field) -> (label, unit) of every field of every registered type
    (read afresh each time: a test may register a type of its own)."""
    from ..interventions import REGISTRY

    out: dict[tuple[str, str], tuple[str, str]] = {}
    for kind, cls in REGISTRY.items():
        for name, field in cls.spec_class.model_fields.items():
            extra: Any = field.json_schema_extra if isinstance(field.json_schema_extra,
                                                               dict) else {}
            if "label" in extra:
                out[(kind, name)] = (str(extra["label"]), str(extra.get("unit", "")))
    return out


def lever_label(name: str) -> tuple[str, str] | None:
    """(label, unit) of lever ``<owner>.<field>``, or None when it is not known.

    An owner that is an intervention type names its field exactly. A renamed intervention
    (``label = "police"``) does not say its type: its field's label and unit are those every
    type with that field agrees on (``start``, ``budget``), else unknown rather than a guess
    (``fine`` is a different fine in each type)."""
    owner, _, field = name.partition(".")
    if not field:
        return None
    table = field_labels()
    if (owner, field) in table:
        return table[(owner, field)]
    found = {v for (_, f), v in table.items() if f == field}
    return found.pop() if len(found) == 1 else None
