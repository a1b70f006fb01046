"""The one exception users see: a problem with their input, told in one clear message."""


class BondsimError(Exception):
    """Bad input (a scenario file, an option). The CLI prints it without a traceback."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread as Ctrl-C raises ``KeyboardInterrupt``, so that a job
    stops the same way either way (work cancelled, workers ended, saved runs kept). The CLI
    exits 143 on it, 130 on Ctrl-C."""
