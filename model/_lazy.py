"""Libraries imported on first use, so that reading and checking an input file (``bondsim
validate``, the start of every job) does not pay for pandas, SciPy or Matplotlib.

    pd = deferred("pandas")      # at the top of a module, instead of ``import pandas as pd``
    pd.DataFrame(...)            # the first use imports pandas; later uses cost a dict lookup

Type checkers see the real module (``if TYPE_CHECKING: import pandas as pd``).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class Deferred:
    """A stand-in for the module ``name`` that imports it when an attribute is first read."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)

    def __repr__(self) -> str:
        state = "imported" if self._module is not None else "not yet imported"
        return f"<deferred module {self._name!r} ({state})>"


def deferred(name: str) -> Any:
    """The module ``name``, imported on first use (see the module docstring)."""
    return Deferred(name)
