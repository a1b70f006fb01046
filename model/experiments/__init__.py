"""Experiments: the core that builds and runs models, and the jobs built on it.

- the core: ``experiment`` (uncertainties, levers, policies, futures, outcomes, one results
  table, the one run path), ``executor`` (serial, process pool or Dask), ``stores`` (finished
  runs kept for ``--resume``), ``paired`` (the one definition of an effect), ``factors`` and
  ``scenario`` (the input files), ``run`` (one scenario);
- the jobs: ``batch``, ``effect``, ``compare``, ``sweep`` and ``sensitivity``, ``plan`` with
  ``plan_runs``, ``plan_search``, ``absorb`` and ``districts``, ``discover`` with ``boxes``,
  ``calibration``, ``survey`` with ``measurement``.

The layer rule (``tests/test_layers.py`` enforces it): experiments may import the model, the
interventions and the shared modules at the top of ``bondsim`` (``errors``, ``io``,
``shipped``, ...), never the faces (``api``, ``cli``) nor the outputs, except that each job
still imports its plotting module to draw its figures when it finishes (listed in the test).
The core imports no job. The example experiment *files* are the package ``bondsim.examples``.
"""
