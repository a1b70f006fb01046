"""The model itself: its state, its rules and what it measures.

- ``parameters`` (every parameter with its source), ``state`` and ``agents`` (the households
  and kiln owners as columns of arrays), ``population`` and ``gender`` (the initial state);
- ``model`` (``BondsimModel``: the monthly step) and its rules, one module each: ``season``,
  ``earnings``, ``shocks``, ``credit``, ``debt``, ``children``, ``bondage``, ``mobility``,
  ``owners``, ``kiln_terms``, ``ledger``;
- ``points`` (where interventions plug in) and ``outcomes`` (the monthly outcomes);
- ``keywords``, ``rng``, ``stats`` and ``_memory``, their helpers.

The layer rule (``tests/test_layers.py`` enforces it): the model imports nothing of bondsim but
itself and the shared modules at the top (``errors``, ``prices``); it knows no intervention,
experiment or output by name. Interventions, experiments and outputs import it.
``bondsim.BondsimModel``, ``bondsim.Params`` and the other names of ``bondsim`` load from here
on first use.
"""
