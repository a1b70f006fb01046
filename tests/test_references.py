"""Every source a parameter, an intervention field, a district profile value or a calibration
target cites is an entry of the bibliography in the repository (docs/references.md), every
entry is cited, and no source points at a file outside the repository."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from bondsim.interventions import REGISTRY
from bondsim.interventions.base import InterventionSpec
from bondsim.reference import BIBLIOGRAPHY_ROW, citations, cited_sources, field_info

ROOT = Path(__file__).resolve().parents[1]
BIBLIOGRAPHY = (ROOT / "docs" / "references.md").read_text()
PROFILES = sorted((ROOT / "scenarios" / "districts").glob("*.toml"))


def _profile_sources() -> dict[str, str]:
    out = {}
    for path in PROFILES:
        for district in tomllib.loads(path.read_text())["districts"]:
            for key, value in district.items():
                if isinstance(value, dict) and "source" in value:
                    out[f"{path.name} {district['name']}.{key}"] = value["source"]
            for key, value in district.get("parameters", {}).items():
                out[f"{path.name} {district['name']}.parameters.{key}"] = value["source"]
    return out


def _target_sources() -> dict[str, str]:
    """The field figures calibration files fit to."""
    out = {}
    for path in sorted((ROOT / "experiments").glob("*.toml")):
        for i, target in enumerate(tomllib.loads(path.read_text()).get("targets", [])):
            out[f"{path.name} targets.{i}"] = target["source"]
    return out


SOURCES = cited_sources() | _profile_sources() | _target_sources()
DOCS = {f"docs/{p.name}": p.read_text() for p in sorted((ROOT / "docs").glob("*.md"))
        if p.name not in ("references.md", "parameters.md")}  # prose that cites by key


def _entries() -> dict[str, list[str]]:
    """Each entry's cells (author, title, publisher, year, address) by key."""
    rows = {}
    for line in BIBLIOGRAPHY.splitlines():
        match = BIBLIOGRAPHY_ROW.match(line)
        if match:
            rows[match.group(1)] = [c.strip() for c in line.strip().strip("|").split("|")][1:]
    return rows


def test_every_entry_has_author_title_publisher_year_and_address():
    entries = _entries()
    assert len(entries) > 30
    assert len(BIBLIOGRAPHY_ROW.findall(BIBLIOGRAPHY)) == len(entries), "a key appears twice"
    for key, cells in entries.items():
        assert len(cells) == 5, f"{key}: expected 5 cells, got {cells}"
        assert all(cells), f"{key}: an empty cell (write 'not given'): {cells}"


def test_every_cited_source_resolves_to_an_entry():
    entries = _entries()
    unknown = {where: key for where, source in (SOURCES | DOCS).items()
               for key in citations(source) if key not in entries}
    assert not unknown, f"cited keys missing from docs/references.md: {unknown}"


def test_every_entry_is_cited():
    cited = {key for source in (SOURCES | DOCS).values() for key in citations(source)}
    unused = sorted(set(_entries()) - cited)
    assert not unused, f"entries of docs/references.md that nothing cites: {unused}"


@pytest.mark.parametrize("where", sorted(SOURCES))
def test_a_source_cites_a_publication_or_says_assumption(where):
    source = SOURCES[where]
    assert "domain.md" not in source, source
    assert "shared/" not in source, source
    if _is_switch(where):
        return
    assert citations(source) or source.startswith("assumption"), (
        f"{where}: {source!r} cites no entry of docs/references.md ([@key]) and does not "
        f"start with 'assumption'")


def test_every_intervention_field_has_a_unit():
    missing = [f"{kind}.{name}" for kind, cls in REGISTRY.items()
               for name, field in cls.spec_class.model_fields.items()
               if name != "type" and not field_info(field)[0]]
    assert not missing


def test_citations_are_written_as_keys():
    assert citations("Rs 1,295 [@urdupoint-2019-notices]; [derived] [@curry-2020]") == [
        "urdupoint-2019-notices", "curry-2020"]
    for source in SOURCES.values():  # a key written without the @ is a slip
        assert not re.search(r"\[[a-z]+-[a-z0-9-]+\]", source), source


def test_params_prints_unit_default_range_source_and_intervention_fields(capsys):
    from bondsim.cli import main

    assert main(["params"]) == 0
    out = capsys.readouterr().out
    assert "markup_annual" in out
    assert "per year; plausible 0 to 1" in out
    assert "source: India quarry loans 24-36%/yr [@gsi-2018]" in out
    assert "inspections: Labour inspections" in out
    assert "  fine" in out
    assert "Rs (2020 prices); >= 0" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def _is_switch(where: str) -> bool:
    """Choices, switches and labels (no number to source)."""
    if not where.startswith("intervention field "):
        return False
    kind, _, name = where.removeprefix("intervention field ").rpartition(".")
    fields = REGISTRY[kind].spec_class.model_fields if kind else InterventionSpec.model_fields
    default = fields[name].default
    return not isinstance(default, (int, float)) or isinstance(default, bool) or name in (
        "start", "end")
