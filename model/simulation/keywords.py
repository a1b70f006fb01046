"""Model parameters given as keywords: ``BondsimModel(households=2000, markup_annual=0.5)``.

Mesa's ``batch_run`` builds each model as ``model_cls(**values)``, so a parameter can be swept
only if the constructor takes it by name. Every field of ``Params`` is such a name; the value
is checked against the parameter's hard ``valid`` bounds (``PARAM_INFO``), as a scenario file's
would be, so that a sweep cannot run a model with a value it cannot run with. A name that is
no parameter is refused with the close names, since a misspelt keyword would otherwise sweep
nothing and say nothing.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from .parameters import CHOICES, PARAM_INFO, Params, choice

#: the keywords of ``BondsimModel`` that are not parameters (offered as close names too)
MODEL_KEYWORDS = ("params", "households", "kilns", "districts", "seed", "rng", "interventions",
                  "channels_off", "district_parameters")


def with_keywords(params: Params | None, keywords: Mapping[str, Any]) -> Params:
    """``params`` (default ``Params()``) with the parameters named in ``keywords`` replaced."""
    params = params or Params()
    if not keywords:
        return params
    unknown = [name for name in keywords if name not in PARAM_INFO]
    if unknown:
        raise TypeError("; ".join(_unknown(name) for name in unknown))
    defaults = {f.name: f.default for f in dataclasses.fields(Params)}
    return dataclasses.replace(params, **{name: _checked(name, value, defaults[name])
                                          for name, value in keywords.items()})


def _unknown(name: str) -> str:
    close = difflib.get_close_matches(name, [*PARAM_INFO, *MODEL_KEYWORDS], n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else (
        "; bondsim params lists the parameters")
    return f"BondsimModel got an unknown keyword {name!r}: not a parameter{hint}"


def _checked(name: str, value: Any, default: Any) -> Any:
    """``value`` as the type of the parameter's default, within its ``valid`` bounds."""
    low, high = PARAM_INFO[name].valid
    if name in CHOICES:  # a named value, or its position (a sweep's number)
        return choice(name, value)
    if isinstance(default, tuple):
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise TypeError(f"parameter {name!r}: expected a list of whole numbers, got "
                            f"{value!r}")
        items = tuple(_number(name, v, int) for v in value)
    else:
        items = (_number(name, value, int if isinstance(default, int) else float),)
    for item in items:
        if (low is not None and item < low) or (high is not None and item > high):
            bounds = f"{'-inf' if low is None else low} .. {'inf' if high is None else high}"
            raise ValueError(f"parameter {name!r}: value {item!r} is outside {bounds}")
    return items if isinstance(default, tuple) else items[0]


def _number(name: str, value: Any, kind: type) -> Any:
    """A float or whole number (numpy scalars too); bools and text are refused."""
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"parameter {name!r}: expected a number, got {value!r}")
    if kind is int:
        if float(value) != int(value):
            raise TypeError(f"parameter {name!r}: expected a whole number, got {value!r}")
        return int(value)
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"parameter {name!r}: value {value!r} is not a finite number")
    return number
