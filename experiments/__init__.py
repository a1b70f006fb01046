"""The example experiment files (data, not code): batches, sweeps, plans, calibrations and
discoveries, read with ``importlib.resources`` so an installed bondsim finds them by name.
Installed as ``bondsim.examples``: ``bondsim.experiments`` is the experiment code's name."""
