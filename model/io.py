"""Writing results atomically: a file is either complete or absent, never half-written."""

from __future__ import annotations

import json
import os
import secrets
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = _new_temporary(path)
    try:
        write(tmp_path)
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def _new_temporary(path: Path) -> Path:
    """A new empty file beside ``path`` with the permissions of any file the user creates
    (0644 under umask 022): ``tempfile.mkstemp`` makes 0600 files, and results written
    through it could not be read by the user's group, a web server or a colleague."""
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(f"no free temporary name beside {path}")


def write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_json(path: Path, data: Any) -> None:
    write_text(path, json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")


def read_toml(path: Path, kind: str) -> dict[str, Any]:
    """Parse a TOML input file; any problem becomes one clear ``BondsimError`` naming it."""
    from .errors import BondsimError

    if not path.is_file():
        raise BondsimError(f"{path}: {kind} file not found")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BondsimError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise BondsimError(f"{path}: not a text file (expected UTF-8 TOML)") from None


def input_file(path: Path, name: str, field: str, what: str = "a scenario file") -> Path:
    """The file that field ``field`` of input file ``path`` names (relative to ``path``), or a
    clear error naming both."""
    from .errors import BondsimError
    from .shipped import FOLDERS, locate

    file = (path.parent / name).resolve()
    if file.is_file():
        return file
    kind = "district profile" if "district" in what else "scenario"
    try:
        shipped = locate(name, kind) if kind in FOLDERS else None
    except BondsimError:
        shipped = None
    if shipped is not None and shipped.is_file():
        return shipped  # a shipped file named without a path: ``scenario = "baseline"``
    raise BondsimError(f"{path}: field '{field}': value {name!r} is not a file (looked for "
                       f"{file}); expected {what} path relative to {path.name}, or the name "
                       f"of a shipped one (bondsim scenarios)")


def output_folder(out: str | Path, resume: bool, what: str) -> Path:
    """The output folder of a many-run job: new or empty, or, with ``resume``, one holding an
    interrupted job's saved runs (which the job itself checks belong to it)."""
    from .errors import BondsimError

    out = Path(out)
    if out.exists() and any(out.iterdir()) and not resume:
        raise BondsimError(f"{out}: output folder is not empty; use --resume to finish an "
                           f"interrupted {what} there, or choose another --out")
    out.mkdir(parents=True, exist_ok=True)
    return out


def run_folder(out: str | Path, force: bool) -> Path:
    """The output folder of a single run, checked before the run and made only when its
    outputs are written (a run refused for another reason leaves nothing behind): new or
    empty, or, with ``force``, any folder (files of the same name are replaced), so that a
    run never mixes its files into another's unasked."""
    from .errors import BondsimError

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise BondsimError(f"{out}: --out is a file; expected a folder")
    if out.exists() and any(out.iterdir()) and not force:
        raise BondsimError(f"{out}: output folder is not empty; use --force to write over "
                           f"it, or choose another --out")
    return out
