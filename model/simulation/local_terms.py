"""Terms that differ by district: the province's notified piece rate, the brick price, the cost
of living and the outside work options around the kilns.

A model of several districts (``BondsimModel(districts=...)``) may give each its own value of
the parameters in ``LOCAL`` (``district_parameters``, by district name); a district without
one keeps the run's parameter. ``district_values`` turns them into one array per parameter,
indexed by district, so the rules gather them by ``ow.district`` or ``hh.district`` in whole
columns: the kilns of a district pay against its province's notified rate and sell at its
brick price, its families need what living there costs and have its outside work options.
Piece rates are notified by each province (Punjab Rs 1,295 per 1,000 in 2019-21, KP Rs 800 in
2017, Sindh Rs 336 in 2011; domain.md 1.3), so one model of districts in two provinces needs
two rates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .keywords import _checked
from .parameters import Params

#: the parameters a district may set for itself, with what each reaches
LOCAL: dict[str, str] = {
    "notified_piece_rate": "the district's kilns (``ow.notified_rate``): pay, lending limits, "
                           "owners' gain from underpaying",
    "brick_price": "the district's kilns (``ow.brick_price``): owners' margin and profit",
    "need_per_person": "the district's households: monthly consumption need (rule 3)",
    "outside_option_share": "the district's households: who has an outside work option "
                            "(``hh.outside_option``, drawn at the start)",
}


def check_district_parameters(overrides: Mapping[str, Mapping[str, float]],
                              districts: Sequence[str]) -> None:
    """Refuse a district that is not in the run or a parameter a district may not set."""
    unknown = [name for name in overrides if name not in districts]
    if unknown:
        raise ValueError(f"district_parameters names districts not in the run: {unknown}; "
                         f"expected some of {list(districts)}")
    for name, values in overrides.items():
        bad = [k for k in values if k not in LOCAL]
        if bad:
            raise ValueError(f"district_parameters[{name!r}]: {bad} cannot differ by "
                             f"district; expected some of {list(LOCAL)}")


def district_values(params: Params, districts: Sequence[str],
                    overrides: Mapping[str, Mapping[str, float]] | None = None,
                    ) -> dict[str, np.ndarray]:
    """Each parameter of ``LOCAL`` as a float64 array over ``districts`` (in their order): the
    district's own value where ``overrides`` gives one, else the run's parameter."""
    overrides = overrides or {}
    check_district_parameters(overrides, districts)
    return {name: np.array([_checked(name, overrides[d][name], getattr(params, name))
                            if name in overrides.get(d, {}) else getattr(params, name)
                            for d in districts], dtype=np.float64)
            for name in LOCAL}
