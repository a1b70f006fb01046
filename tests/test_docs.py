"""The documentation keeps up with the code: every outcome is described in the ODD, every
command is in the README, every shipped input file validates."""

from __future__ import annotations

from pathlib import Path

import pytest

from bondsim.cli import build_parser, main
from bondsim.simulation.outcomes import OUTCOMES

ROOT = Path(__file__).resolve().parents[1]


def test_every_outcome_is_described_in_odd_section_8():
    text = (ROOT / "docs" / "ODD.md").read_text()
    section = text[text.index("## 8. Outcomes"):text.index("## 9.")]
    missing = [name for name in OUTCOMES if f"`{name}`" not in section]
    assert not missing, f"outcomes missing from docs/ODD.md section 8: {missing}"


def test_every_command_is_in_the_readme():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    readme = (ROOT / "README.md").read_text()
    missing = [c for c in commands if f"bondsim {c}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.toml"))
                         + sorted((ROOT / "experiments").glob("*.toml")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_file_validates(path, capsys):
    assert main(["validate", str(path)]) == 0, capsys.readouterr().err
