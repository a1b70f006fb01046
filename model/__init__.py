"""bondsim: an agent-based model of peshgi debt bondage at Pakistani brick kilns.

The names below are imported on first use, so that ``bondsim --help`` and ``bondsim validate``
start without loading Mesa, pandas, SciPy or Matplotlib. ``bondsim.api`` holds one function
per job (``docs/python-api.md``); ``bondsim.api`` and ``bondsim.ema`` are found as attributes
too, imported on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: each public name and the module that defines it (in the model's subpackage)
_EXPORTS = {"Household": "agents", "KilnOwner": "agents", "BondsimModel": "model",
            "Intervention": "model", "OUTCOMES": "outcomes", "PARAM_INFO": "parameters",
            "Params": "parameters"}

__all__ = ["OUTCOMES", "PARAM_INFO", "BondsimModel", "Household", "Intervention", "KilnOwner",
           "Params", "__version__"]

if TYPE_CHECKING:
    from .simulation.agents import Household, KilnOwner
    from .simulation.model import BondsimModel, Intervention
    from .simulation.outcomes import OUTCOMES
    from .simulation.parameters import PARAM_INFO, Params


#: modules found as attributes (``bondsim.api.run(...)`` after ``import bondsim``)
_MODULES = ("api", "ema")


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name not in _EXPORTS:
        raise AttributeError(f"module 'bondsim' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".simulation.{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
