"""Factors: the uncertain parameters and policy levers a sweep varies, and how each is drawn.

A factor has a support ``[low, high]`` and a distribution on it:

- ``uniform`` (the default): every value in the range equally likely;
- ``loguniform``: uniform in the logarithm, for rates and costs that are uncertain by a
  factor rather than by an amount (needs ``low > 0``);
- ``triangular``: most likely at ``mode``, for an expert's "between a and b, probably c";
- ``truncnormal``: normal with ``mean`` and ``sd``, cut to the range, for a field estimate
  with a standard error.

Samplers work on the unit hypercube; ``Factor.values`` maps a column of uniform quantiles
to the factor's values through the inverse of its distribution function. Variance-based and
moment-independent indices do not change under that monotone map, so a sweep can mix
distributions freely.

In a sweep of bondsim, a factor's name says what it sets: a model parameter by its name
(``relapse_...``, ``markup_annual``; see ``bondsim params``), or a lever of one of the
scenario's interventions as ``<label>.<field>`` (the label defaults to the type, e.g.
``inspections.inspections_per_kiln_year``). ``Target`` resolves a name against a scenario and
``apply`` writes sampled values into the scenario's data, rounding integer fields (a field with
an alternative, such as the inspections' rate and count, replaces the other).
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .._lazy import deferred
from ..errors import BondsimError

if TYPE_CHECKING:
    from scipy import stats
else:
    stats = deferred("scipy.stats")  # imported on first use: validating stays fast

Distribution = Literal["uniform", "loguniform", "triangular", "truncnormal"]


@dataclass(frozen=True)
class Factor:
    """An uncertain parameter or a policy lever, drawn from ``distribution`` on [low, high]."""

    name: str
    low: float
    high: float
    group: str | None = None
    distribution: Distribution = "uniform"
    mode: float | None = None   # triangular
    mean: float | None = None   # truncnormal
    sd: float | None = None     # truncnormal

    def __post_init__(self) -> None:
        def bad(what: str) -> BondsimError:
            return BondsimError(f"factor {self.name!r}: {what}")

        if not self.low < self.high:
            raise bad(f"expected low < high, got {self.low!r} and {self.high!r}")
        if self.distribution == "loguniform" and self.low <= 0:
            raise bad(f"a loguniform factor needs low > 0, got {self.low!r}")
        if self.distribution == "triangular" and (
                self.mode is None or not self.low <= self.mode <= self.high):
            raise bad(f"a triangular factor needs a mode within [{self.low}, {self.high}], "
                      f"got {self.mode!r}")
        if self.distribution == "truncnormal" and (
                self.mean is None or self.sd is None or self.sd <= 0):
            raise bad(f"a truncnormal factor needs a mean and an sd > 0, got mean "
                      f"{self.mean!r} and sd {self.sd!r}")

    def values(self, u: np.ndarray) -> np.ndarray:
        """The factor's values at uniform quantiles ``u`` in [0, 1]."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        lo, hi = self.low, self.high
        if self.distribution == "uniform":
            return lo + u * (hi - lo)
        if self.distribution == "loguniform":
            return np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo)))
        if self.distribution == "triangular":
            c = (self.mode - lo) / (hi - lo)  # type: ignore[operator]
            return stats.triang.ppf(u, c, loc=lo, scale=hi - lo)
        a, b = (lo - self.mean) / self.sd, (hi - self.mean) / self.sd  # type: ignore[operator]
        return stats.truncnorm.ppf(u, a, b, loc=self.mean, scale=self.sd)


@dataclass(frozen=True)
class Target:
    """Where a factor's value goes in a scenario: a model parameter or an intervention field."""

    factor: str
    kind: Literal["parameter", "lever"]
    key: str                  # the parameter, or the intervention's field
    index: int | None = None  # the intervention's position in the scenario's list
    integer: bool = False

    def describe(self) -> str:
        return (f"parameter {self.key}" if self.kind == "parameter"
                else f"intervention {self.factor.split('.', 1)[0]}, field {self.key}")


def _number(annotation: Any) -> type | None:
    """int or float for a field of that type, or optional of it (a field with an
    alternative, e.g. ``inspections_per_kiln_year``); None for any other."""
    if annotation in (int, float):
        return annotation
    kinds = set(typing.get_args(annotation)) - {type(None)}
    if len(kinds) == 1 and (only := kinds.pop()) in (int, float):
        return only
    return None


def resolve(name: str, scenario: dict[str, Any]) -> Target:
    """The target of factor ``name`` in a scenario's data (the parsed TOML), or a clear error
    listing what could be meant."""
    from ..interventions import REGISTRY
    from ..simulation.parameters import CHOICES, Params

    params = {f.name: f for f in dataclasses.fields(Params)}
    if name in params:
        default = params[name].default
        if name in CHOICES:  # swept by position: 0, 1, 2 ... of CHOICES[name], rounded
            return Target(name, "parameter", name, integer=True)
        if isinstance(default, (tuple, bool)):
            raise BondsimError(f"parameter {name!r} is not a number and cannot be swept")
        return Target(name, "parameter", name, integer=isinstance(default, int))
    levers: dict[str, Target] = {}
    for i, item in enumerate(scenario.get("interventions", [])):
        kind = REGISTRY.get(str(item.get("type")))
        if kind is None:
            continue
        label = item.get("label") or item["type"]
        for field, info in kind.spec_class.model_fields.items():
            number = _number(info.annotation)
            if number is not None:
                levers[f"{label}.{field}"] = Target(f"{label}.{field}", "lever", field, i,
                                                    integer=number is int)
            elif field in ("end", "budget"):
                levers[f"{label}.{field}"] = Target(f"{label}.{field}", "lever", field, i,
                                                    integer=field == "end")
    if name in levers:
        return levers[name]
    hint = difflib.get_close_matches(name, [*params, *levers], n=1, cutoff=0.6)
    where = (f"; the scenario's levers are: {', '.join(sorted(levers))}" if levers
             else "; the scenario has no interventions, so only parameters can be swept")
    raise BondsimError(f"{name!r} is neither a model parameter (see `bondsim params`) nor a "
                       f"lever '<label>.<field>' of the scenario's interventions"
                       + (f"; did you mean {hint[0]!r}?" if hint else where))


def apply(data: dict[str, Any], targets: list[Target], values: dict[str, float],
          levers: bool = True) -> dict[str, Any]:
    """A copy of scenario ``data`` with the factors' values written in (integers rounded).
    ``levers=False`` writes only the parameters: the baseline world of the same point."""
    from ..interventions.visits import ALTERNATIVES

    out = copy.deepcopy(data)
    for target in targets:
        value: float | int = values[target.factor]
        if target.integer:
            value = round(float(value))
        if target.kind == "parameter":
            out.setdefault("parameters", {})[target.key] = value
        elif levers:
            item = out["interventions"][target.index]
            item[target.key] = value
            other = ALTERNATIVES.get(target.key)
            if other is not None:  # the lever replaces the file's other way to say it
                item.pop(other, None)
    return out


def scenario_with(data: dict[str, Any], targets: Sequence[Target], values: dict[str, float],
                  source: str, levers: bool = True) -> Any:
    """The validated scenario of ``data`` with the factors' values written in."""
    from .scenario import scenario_from_dict

    return scenario_from_dict(apply(data, list(targets), values, levers=levers), source=source)


def check_factors(path: Path, field: str, specs: Sequence[Any], data: dict[str, Any],
                  levers: bool = True) -> list[Target]:
    """Resolve every declared factor (``specs``: objects with ``name``, ``low``, ``high``)
    against a scenario's data and check that both ends of its range are values the scenario
    accepts; errors name the file, the field and the value. ``levers=False``: parameters
    only (the factor applies to several scenarios)."""
    from .scenario import scenario_from_dict

    targets = []
    for i, item in enumerate(specs):
        try:
            target = resolve(item.name, data if levers else {"interventions": []})
        except BondsimError as exc:
            raise BondsimError(f"{path}: field '{field}.{i}.name': {exc}") from None
        for end in ("low", "high"):
            value = getattr(item, end)
            try:
                scenario_from_dict(apply(data, [target], {item.name: value}), source="")
            except BondsimError as exc:
                raise BondsimError(f"{path}: field '{field}.{i}.{end}': value {value!r} is "
                                   f"outside what {target.describe()} accepts "
                                   f"({str(exc).split(': ', 1)[-1]})") from None
        targets.append(target)
    return targets
