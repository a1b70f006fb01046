"""The shipped scenario files (data, not code): ``bondsim scenarios`` lists them, and any
command takes one by name (``bondsim run baseline``). Read with ``importlib.resources``."""
