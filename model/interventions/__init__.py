"""Policy interventions: one module per policy, switched on by a scenario file.

Each module holds a pydantic spec (the fields a scenario may set, with units, defaults and
bounds) and an ``Intervention`` subclass; defining the subclass registers it under its spec's
``type`` (``REGISTRY``), and the scenario schema (``spec_union``), ``bondsim params`` and
``docs/parameters.md`` are built from the registry. Importing this package imports every
module in it, so the shipped types are registered.

Adding a policy
---------------
1. One new file here, ``my_policy.py``, with ``MyPolicySpec(InterventionSpec)`` (its
   ``type: Literal["my_policy"]`` and its fields, each with a description, a unit and a source
   through ``about``) and ``MyPolicy(Intervention)`` with ``spec_class = MyPolicySpec``.
2. Its monthly work at stage 0 in ``act(model, allowance)``, returning the public cost; to act
   inside a rule, a method ``on_<point>`` for one of the points of ``bondsim.simulation.points``
   (``kiln_terms``, ``shock_costs``, ``shortfall_credit``, ``book_inflation``, or one
   another intervention offers). State it keeps per household or owner goes in ``columns``
   (``points.Column``), created only in runs that list it; state of its own stays on the
   instance. Random draws come from its own stream,
   ``model.streams[f"intervention:{self.name}"]``.
3. Its docs: the module docstring (mechanism, sources, what is assumption), a paragraph in
   ``docs/ODD.md`` 7.11, and ``bondsim params --markdown > docs/parameters.md``.
4. Its tests: its mechanism by hand on a tiny model (``tests/mechanism_kit.py``) and its
   effect on paired seeds. ``tests/test_points.py`` shows a policy defined outside this
   package registering, validating in a scenario and acting at a point.

No file of the core (``model.py``, the rules, ``state.py``) changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from typing import Any, Union

from .base import REGISTRY, Intervention, InterventionSpec

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if _module != "base" and not _module.startswith("_"):
        importlib.import_module(f"{__name__}.{_module}")


def spec_union() -> Any:
    """The union of every registered spec, which a scenario's ``[[interventions]]`` entries
    are validated against (discriminated by ``type``)."""
    specs = tuple(cls.spec_class for cls in REGISTRY.values())
    return Union[specs]  # noqa: UP007 (a union built at run time)


def build(specs: Iterable[InterventionSpec]) -> list[Intervention]:
    """Interventions from their validated specs, in the order the scenario lists them."""
    return [REGISTRY[spec.type](spec) for spec in specs]


__all__ = ["REGISTRY", "Intervention", "InterventionSpec", "build", "spec_union"]
