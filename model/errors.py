"""The one exception users see: a problem with their input, told in one clear message."""


class BondsimError(Exception):
    """Bad input (a scenario file, an option). The CLI prints it without a traceback."""
