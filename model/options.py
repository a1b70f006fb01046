"""Parsers of command-line values, shared by every ``bondsim`` command: a bad value gets one
line saying what was expected (argparse prints it with the usage and exits with status 2)."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def whole(low: int, what: str | None = None) -> Callable[[str], int]:
    """A whole number from ``low`` up to 2**63 - 1 (a seed's range); ``what`` names the
    expected value in the message (default "a number >= low")."""
    expected = what or f"a number >= {low}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value < 2**63:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {value}")
        return value
    return parse


def share(text: str) -> float:
    """A share, from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a share in [0, 1], got {value}")
    return value


def kiln_counts(text: str) -> list[int]:
    """Comma-separated kiln counts of at least 2, e.g. ``5,10,20``."""
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected kiln counts like 5,10,20, got {text!r}") \
            from None
    if not values or min(values) < 2:
        raise argparse.ArgumentTypeError(f"expected kiln counts of at least 2, got {text!r}")
    return values
