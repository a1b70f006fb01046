"""The input files bondsim ships: scenarios, district profiles and example experiment files.

They travel inside the package (a wheel carries them), so an installed bondsim finds them from
any working directory, by name: ``bondsim run baseline`` runs the shipped baseline, and
``bondsim batch policies`` the example batch. A name that is also a path the user can see
means that file: the user's own files always come first.

Read with ``importlib.resources``, never with paths relative to a checkout. Standard library
only: ``bondsim --help`` and ``bondsim validate`` import this, and must start fast.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import BondsimError

#: the kinds of shipped file, each with the package that holds it and a folder inside it
FOLDERS: dict[str, tuple[str, str]] = {
    "scenario": ("bondsim.scenarios", ""),
    "district profile": ("bondsim.scenarios", "districts"),
    "experiment": ("bondsim.examples", ""),  # the experiments/ folder
}


@dataclass(frozen=True)
class ShippedFile:
    """One shipped input file: its name (the file name without ``.toml``), path and the
    one-line description it gives of itself."""

    name: str
    path: Path
    description: str


def folder(kind: str) -> Path:
    """The folder of the installed package that holds the shipped files of ``kind``."""
    package, sub = FOLDERS[kind]
    root = resources.files(package)
    return Path(str(root / sub if sub else root))


def listing(kind: str) -> list[ShippedFile]:
    """Every shipped file of ``kind``, by name."""
    found = []
    for path in sorted(folder(kind).glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            data = {}
        description = str(data.get("description", ""))
        found.append(ShippedFile(path.stem, path, description))
    return found


def locate(given: str | Path, kind: str = "scenario") -> Path:
    """The file the user means by ``given``: the path itself if it exists, else the shipped
    file of that name (``baseline``, ``baseline.toml``). A bare name that is neither raises a
    clear error listing what is shipped, with a did-you-mean; anything else is returned as it
    is, for the reader to report as missing."""
    path = Path(given)
    if path.exists() or len(path.parts) != 1:
        return path
    kinds = [kind] if kind in FOLDERS else list(FOLDERS)
    names: list[str] = []
    for each in kinds:
        shipped = {item.name: item.path for item in listing(each)}
        name = path.stem if path.suffix == ".toml" else path.name
        if name in shipped:
            return shipped[name]
        names += shipped
    if path.suffix == ".toml" or not names:
        return path
    close = difflib.get_close_matches(path.name, names, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise BondsimError(f"{given}: no such file, and no shipped {kinds[0]} of that name "
                       f"(shipped: {', '.join(names)}){hint}")
