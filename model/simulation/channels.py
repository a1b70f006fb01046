"""The channels through which an intervention acts, each of which can be switched off.

``bondsim effect`` says where a policy's effect comes from by running the policy again with
one channel switched off (``BondsimModel(..., channels_off={"credit"})``) on the same seeds:
what is lost is that channel's share. Each intervention asks ``model.channel_on(name)`` at the
one place where it acts through a channel, and does nothing there when it is off; everything
else (its draws, its effort, its spending) stays as it was, so the runs stay paired.

The channels are a fixed set (docs/ODD.md, "Channels"):

- ``releases``: bonded families released and their debts written off (``model.release``:
  every release route goes through it);
- ``deterrence``: owners' changed terms: what owners learn from enforcement (perceived risk),
  and any compliance an intervention obtains from them (an advance cap, a code of conduct);
- ``credit``: credit an intervention offers (a scheme's buy-outs and emergency loans);
- ``cash``: money an intervention pays families: social-protection cash, stipends, grants,
  outside income, illness costs paid.
"""

from __future__ import annotations

from collections.abc import Iterable

CHANNELS: dict[str, str] = {
    "releases": "bonded families released, their debts written off",
    "deterrence": "owners' changed terms: perceived risk learned from enforcement, compliance",
    "credit": "credit offered by interventions: buy-outs, emergency loans",
    "cash": "cash paid by interventions: transfers, stipends, grants, outside income, cover",
}


def check_channels(names: Iterable[str]) -> frozenset[str]:
    """The channels named, checked against ``CHANNELS`` (a clear error for any other name)."""
    if isinstance(names, str):
        names = (names,)
    names = frozenset(names)
    unknown = sorted(names - CHANNELS.keys())
    if unknown:
        raise ValueError(f"unknown channel(s) {unknown}; the channels are "
                         f"{', '.join(CHANNELS)}")
    return names
