"""One self-contained HTML page from an output folder: what was run, what came out, how sure.

    from bondsim.outputs.report import write_report
    write_report(Path("outputs/baseline-20250101-120000"))   # -> .../report.html

The folder is any output of bondsim: a run, an effect, a batch (with its comparison), a
sweep, a plan, a calibration, a discovery or a survey; its ``manifest.json`` says which. Each
kind of job describes its own report in a ``<kind>_report`` module next to it
(``run_report``, ``batch_report``, ...: a
:class:`~bondsim.outputs.report_tables.JobReport` naming its summary, its tables from which
files and columns, and its plots); this module knows no job, only how to render a
description as a page (templates in ``model/outputs/templates``). The page opens in a browser
without a server and without the internet: no external style sheets, scripts, fonts or links;
plots are embedded as base64 PNGs. In order: the findings (generated from the
results by the job's ``findings``: what was compared, the largest effects with their intervals,
the cost-effectiveness order and the caveats of this run), a plain-language summary of what
was run (from the manifest), the job's headline tables, its plots (no section when there are
none), the model's caveats (section 9 of ``docs/ODD.md``, read when the report is written),
every parameter with its value, unit, plausible range and source, assumptions marked, and an
appendix of versions and provenance (commit, packages, inputs).

May import: ``report_tables``, ``report_html``, ``numbers``, ``mini_markdown``, the model's
parameters, and a job's ``*_report`` module when its folder is reported (never the job
itself, so that the report neither runs nor loads a job's machinery).
"""

from __future__ import annotations

import base64
import dataclasses
import html
import importlib
import json
import pkgutil
import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from ..errors import BondsimError
from ..io import write_text
from ..manifest import INSTALLED
from ..numbers import setting
from ..prices import shown_unit
from ..simulation.parameters import PARAM_INFO, Params
from .mini_markdown import markdown_html
from .report_html import bullets, figure, note, paragraph, render, section
from .report_tables import MAX_ROWS, JobReport, against_default, basis, html_table

__all__ = ["FALLBACK_CAVEATS", "MAX_ROWS", "build_report", "caveats_markdown", "kinds",
           "markdown_html", "odd_file", "read_manifest", "write_report"]

_e = html.escape
SUFFIX = "_report"


def kinds() -> tuple[str, ...]:
    """Every kind of output folder a job describes (a ``<kind>_report`` module of bondsim)."""
    package = importlib.import_module(__package__ or "bondsim")
    return tuple(sorted(m.name.removesuffix(SUFFIX) for m in
                        pkgutil.iter_modules(package.__path__) if m.name.endswith(SUFFIX)))


@cache
def description(kind: str) -> JobReport:
    """The report the job of ``kind`` declares (``bondsim.<kind>_report.REPORT``)."""
    described = importlib.import_module(f".{kind}{SUFFIX}", __package__).REPORT
    if not isinstance(described, JobReport) or described.kind != kind:
        raise BondsimError(f"bondsim.{kind}{SUFFIX}: REPORT is not the report of a {kind}")
    return described


# --- caveats ------------------------------------------------------------------------------

FALLBACK_CAVEATS = (
    "The model's documentation (<code>docs/ODD.md</code>) was not found in the installed "
    "package, so its list of simplifications cannot be shown here. In short: household "
    "composition is fixed (no ageing, births or deaths), owners do not adapt in the baseline, "
    "many rates are assumptions (marked in the parameter table below), and results are for "
    "comparing policies in a stylised world, not forecasts. See section 9 of the ODD protocol "
    "in the bondsim repository.")


def odd_file() -> Path:
    """The model description shipped inside the package (``bondsim.docs``), wherever it is
    installed."""
    from importlib import resources
    return Path(str(resources.files("bondsim.docs") / "ODD.md"))


def caveats_markdown(text: str) -> str | None:
    """Section 9 ('Known simplifications and caveats') of the ODD text, without its heading."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines)
                  if re.match(r"^##\s+9[.\s]", line) or
                  (line.startswith("## ") and "caveat" in line.lower())), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"^#{1,2}\s", lines[i])),
               len(lines))
    body = "\n".join(lines[start + 1:end]).strip()
    return body or None


def _caveats() -> str:
    path = odd_file()
    body = None
    if path.is_file():
        body = caveats_markdown(path.read_text(encoding="utf-8"))
    if body is None:
        return paragraph(FALLBACK_CAVEATS)
    return paragraph("From section 9 of the model's ODD description (<code>docs/ODD.md</code>, "
                     "read when this report was written):") + markdown_html(body)


# --- parameters ---------------------------------------------------------------------------

def _parameter_sets(m: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The resolved parameters of the manifest, by scenario: ``{name: {parameter: value}}``
    (older run manifests kept one flat set, returned under the name "")."""
    resolved = m.get("parameters")
    if not isinstance(resolved, dict) or not resolved:
        return {}
    if set(resolved) <= set(PARAM_INFO) | {""}:
        return {"": resolved}
    return {str(k): v for k, v in resolved.items() if isinstance(v, dict)}


def _parameter_values(described: JobReport, m: dict[str, Any]) -> tuple[dict[str, str], str]:
    """The value used for each parameter, as text, and a note saying where it comes from."""
    defaults = {f.name: getattr(Params(), f.name) for f in dataclasses.fields(Params)}
    shown: dict[str, str] = {}
    sets = _parameter_sets(m)
    if sets and described.resolved_parameters:
        differ = False
        for name in PARAM_INFO:
            values = {label: s[name] for label, s in sets.items() if name in s}
            if len({json.dumps(v) for v in values.values()}) > 1:
                differ = True
                shown[name] = "; ".join(f"{label}: {setting(v)}" for label, v in values.items())
            else:
                shown[name] = against_default(next(iter(values.values())), defaults.get(name)) \
                    if values else setting(defaults[name])
        return shown, ("Values as resolved for the runs and recorded in the manifest"
                       + (", by scenario where they differ." if differ else "."))
    said = "the bondsim defaults"
    scenario = m.get("scenario")
    overrides = scenario.get("parameters") if isinstance(scenario, dict) else None
    for name in PARAM_INFO:
        shown[name] = setting(defaults[name])
    if isinstance(overrides, dict):
        for name, value in overrides.items():
            if name in shown:
                shown[name] = against_default(value, defaults.get(name))
        said = "the bondsim defaults with the scenario's overrides, from the manifest"
    if described.parameters is not None:
        said = described.parameters(m, shown, defaults, said)
    if said == "the bondsim defaults":
        said += (": this manifest does not record the parameters the runs used, so the "
                 "scenario files' overrides are not shown")
    return shown, said[0].upper() + said[1:] + "."


def _parameters(described: JobReport, m: dict[str, Any]) -> str:
    values, said = _parameter_values(described, m)
    rows, classes = [], []
    for name, info in PARAM_INFO.items():
        grounds = basis(info.source)
        rng = "—" if info.plausible is None else \
            f"{setting(info.plausible[0])} to {setting(info.plausible[1])}"
        rows.append({"parameter": name, "value used": values[name],
                     "unit": shown_unit(info.unit),
                     "plausible range": rng, "basis": grounds, "source": info.source})
        classes.append({"assumption": "assumption", "partly assumed": "partly"}.get(grounds, ""))
    count = sum(c == "assumption" for c in classes)
    partly = sum(c == "partly" for c in classes)
    intro = (f"{_e(said)} Every parameter with its unit, the range the evidence supports and "
             f"its source, cited by key from <code>docs/references.md</code>. "
             f"<span class=\"assumption-key\">Shaded</span>: {count} of {len(rows)} parameters "
             f"are assumptions; {partly} more are partly assumed.")
    out = paragraph(intro) + html_table(pd.DataFrame(rows), set(), classes, max_rows=None,
                                        code_columns=("parameter",))
    if described.after_parameters is not None:
        out += described.after_parameters(m)
    return out


# --- plots --------------------------------------------------------------------------------

def _figure(path: Path, caption: str) -> str:
    return figure(base64.b64encode(path.read_bytes()).decode("ascii"), caption, path.name)


def _plots(described: JobReport, m: dict[str, Any], folder: Path) -> str:
    """The job's plots in the order it declares, with its captions (files absent skipped),
    then any other plot in the folder."""
    pngs = {p.name: p for p in sorted(folder.glob("*.png")) if p.is_file()}
    declared = described.plots(m, folder) if callable(described.plots) else described.plots
    parts = []
    for plot in declared:
        if plot.file in pngs:
            parts.append(_figure(pngs.pop(plot.file), plot.caption))
    for name, path in pngs.items():
        parts.append(_figure(path, f"{name} (a plot the report does not describe)"))
    return "".join(parts)  # none: the page has no Plots section


# --- the page -----------------------------------------------------------------------------

def read_manifest(folder: Path) -> dict[str, Any]:
    """The folder's manifest, checked to be of a kind the report knows."""
    file = folder / "manifest.json"
    if not folder.is_dir():
        raise BondsimError(f"{folder}: not a folder; expected a bondsim output folder")
    if not file.is_file():
        raise BondsimError(f"{folder}: no manifest.json; expected the output folder of bondsim "
                           f"run, effect, batch, sweep, plan or calibrate")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BondsimError(f"{file}: not valid JSON ({exc})") from None
    kind = manifest.get("kind") if isinstance(manifest, dict) else None
    known = kinds()
    if kind not in known:
        raise BondsimError(f"{file}: field 'kind': value {kind!r} is not a kind of output the "
                           f"report knows; expected one of {', '.join(known)}")
    return manifest


def _provenance(m: dict[str, Any], folder: Path) -> str:
    created = m.get("created")
    if created:
        when = f"Created {_e(str(created))}"
    else:
        stamp = datetime.fromtimestamp((folder / "manifest.json").stat().st_mtime, UTC)
        when = (f"Date not recorded in the manifest (manifest.json last written "
                f"{stamp.isoformat(timespec='seconds')})")
    git = m.get("git") or {}
    commit = git.get("commit")
    dirty = git.get("dirty")
    version = f"bondsim {_e(str(m['bondsim']))}" if m.get("bondsim") else "bondsim"
    code = (f"{version} commit <code>{_e(str(commit)[:12])}</code>" if commit else
            f"{version}, commit unknown (not run from a git checkout)")
    if commit == INSTALLED:
        code = f"{version}, an installed package (not run from a git checkout)"
    elif commit:
        code += {True: ", with uncommitted changes (the results may not be reproducible from "
                       "the commit alone)",
                 False: ", no uncommitted changes"}.get(dirty, ", uncommitted changes unknown")
    seeds = m.get("seeds")
    count = len(seeds) if isinstance(seeds, list) else (1 if "seed" in m else None)
    seeds_text = f"; {count} seed{'s' if count != 1 else ''}" if count is not None else ""
    return f"{when}; {code}{seeds_text}."


def _packages(m: dict[str, Any]) -> str:
    packages = m.get("packages") or {}
    if not packages:
        return note("Package versions not recorded.")
    cells = pd.DataFrame([{k: v if v is not None else "not installed"
                           for k, v in packages.items()}])
    return section("Package versions", None, html_table(cells, max_rows=None))



def _findings(described: JobReport, m: dict[str, Any], folder: Path) -> str:
    if described.findings is None:
        return note("This kind of output has no findings of its own; see the results below.")
    return described.findings(m, folder).html()


def _manifest_details(m: dict[str, Any]) -> str:
    """The manifest's input files (with their checksums) and prices; not its command line
    nor platform, which differ between identical runs on two machines."""
    items = []
    for given in m.get("inputs") or []:
        if isinstance(given, dict):
            items.append(Markup(f"Input ({_e(str(given.get('role', '?')))}): <code>"
                                f"{_e(str(given.get('path', '?')))}</code>, sha256 <code>"
                                f"{_e(str(given.get('sha256', '?'))[:16])}</code>…"))
    prices = m.get("prices")
    if isinstance(prices, dict) and prices.get("base_year"):
        items.append(f"Rupees at {prices['base_year']} prices (CPI table "
                     f"{prices.get('cpi_table', '?')}).")
    return bullets(items) if items else ""


def build_report(folder: Path) -> str:
    """The report of an output folder, as one HTML document: the findings first, then what
    was run, the results, the plots (when there are any), the model's caveats, the parameters
    and an appendix of versions and provenance."""
    folder = Path(folder)
    m = read_manifest(folder)
    kind = m["kind"]
    described = description(kind)
    name, summary = described.summary(m, folder)
    title = f"bondsim {kind}: {name}"
    plots = _plots(described, m, folder)
    sections = [
        ("findings", "Findings", _findings(described, m, folder)),
        ("summary", "What was run", paragraph(summary)),
        ("results", "Results", "".join(part for make in described.results
                                       for part in make(m, folder))),
        *([("plots", "Plots", plots)] if plots else []),
        ("caveats", "What the model leaves out", _caveats()),
        ("parameters", "Parameters and their sources", _parameters(described, m)),
        ("appendix", "Appendix: versions and provenance",
         paragraph(_provenance(m, folder))
         + note(Markup(f"Folder: <code>{_e(str(folder.resolve()))}</code>"))
         + _manifest_details(m) + _packages(m)),
    ]
    made = datetime.now(UTC).isoformat(timespec="seconds")
    return render("report.html", title=title, folder_name=folder.name, made=made,
                  sections=[{"key": key, "heading": head, "body": Markup(body)}
                            for key, head, body in sections])


def write_report(folder: Path, out: Path | None = None) -> Path:
    """Write the report of an output folder (default ``<folder>/report.html``), atomically;
    return its path. Raises ``BondsimError`` when the folder has no manifest or one of a kind
    the report does not know."""
    folder = Path(folder)
    page = build_report(folder)
    out = Path(out) if out is not None else folder / "report.html"
    write_text(out, page)
    return out

