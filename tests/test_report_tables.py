"""Each job describes its own report; the report renders whichever the manifest names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from bondsim.errors import BondsimError
from bondsim.outputs.report import description, kinds, read_manifest
from bondsim.outputs.report_tables import CsvTable, JobReport, against_default, display_cells

JOBS = ("batch", "calibration", "discovery", "effect", "plan", "run", "survey", "sweep")


def test_every_kind_of_output_is_described_by_its_own_module():
    assert kinds() == JOBS
    for kind in JOBS:
        described = description(kind)
        assert isinstance(described, JobReport)
        assert described.kind == kind
        assert type(described).__module__ == "bondsim.outputs.report_tables"
    # the jobs whose runs vary or fit the parameters do not show one resolved set
    assert {k for k in JOBS if not description(k).resolved_parameters} == \
        {"sweep", "plan", "calibration", "discovery"}
    assert [t.file for t in description("survey").results] == ["summary.csv", "precision.csv"]
    assert [p.file for p in description("sweep").plots] == \
        ["ranking.png", "morris.png", "convergence.png"]


def test_an_unknown_kind_lists_the_described_ones(tmp_path: Path):
    (tmp_path / "manifest.json").write_text(json.dumps({"kind": "picnic"}))
    with pytest.raises(BondsimError, match=r"expected one of batch, calibration, discovery, "
                                            r"effect, plan, run, survey, sweep$"):
        read_manifest(tmp_path)


def test_the_report_loads_no_job_module_nor_the_model():
    code = ("import sys, bondsim.outputs.report as r\n"
            "for k in r.kinds(): r.description(k)\n"
            "jobs = ['bondsim.experiments.' + j for j in ('batch', 'sweep', 'plan', 'discover', "
            "'calibration', 'survey', 'effect', 'run')]\n"
            "print(sorted(m for m in (*jobs, 'bondsim.simulation.model', 'mesa', 'scipy', "
            "'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.strip() == "[]"


def test_a_channels_share_of_the_effect_reads_in_percent_and_statistics_by_name():
    from bondsim.outputs.report_tables import display_cells
    from bondsim.outputs.shown import header

    cells = display_cells(pd.DataFrame({"channel": ["deterrence", "cash"],
                                        "share": [0.4321, float("nan")]}))
    assert list(cells["share"]) == ["43%", "—"]
    assert header("p05") == "5th percentile"
    assert header("mu_star") == "μ* (mean absolute elementary effect)"


def test_a_declared_table_reads_its_file_and_formats_its_columns(tmp_path: Path):
    pd.DataFrame({"district": ["Quetta"], "allocated": [1234567.4], "share": [0.24013],
                  "low": [0.2], "high": [0.3]}).to_csv(tmp_path / "a.csv", index=False)
    table = CsvTable("a.csv", "Allocations", "Rupees <em>allocated</em>.",
                     rupee_columns=("allocated",))
    (html,) = table({}, tmp_path)
    assert html.startswith("<h3>Allocations</h3><p>Rupees <em>allocated</em>.</p>")
    assert ('<td>Quetta</td><td class="num">1,234,567</td><td class="num">0.240</td>'
            '<td class="num">0.200 to 0.300</td>') in html
    assert '<th class="num">95% interval</th>' in html


def test_a_missing_file_is_noted_only_when_the_table_is_required(tmp_path: Path):
    assert CsvTable("fit.csv", "Fit", "")({}, tmp_path) == \
        ['<p class="note">No <code>fit.csv</code> in the folder.</p>']
    assert CsvTable("fit.csv", "Fit", "", required=False)({}, tmp_path) == []


def test_a_mean_and_its_interval_are_written_alike():
    frame = pd.DataFrame({"outcome": ["median_debt", "bonded_share", "thing", "thing"],
                          "mean": [97857.2, 0.5, 0.5, 150.5], "low": [0.5, 0.4, 0.4, 99.0],
                          "high": [1.5, 0.6, 0.6, 200.0]})
    cells = display_cells(frame)
    # a known outcome: its label and unit, its numbers in that unit (rupees whole, shares in %)
    assert list(cells.iloc[0]) == ["median debt of indebted households (Rs)", "97,857", "0",
                                   "2"]
    assert list(cells.iloc[1]) == ["bonded (legal definition) (% of households)", "50.0",
                                   "40.0", "60.0"]
    # anything else: three decimals, or all whole when one is large
    assert list(cells.iloc[2]) == ["thing", "0.500", "0.400", "0.600"]
    assert list(cells.iloc[3]) == ["thing", "150", "99", "200"]


def test_a_value_is_marked_against_its_default():
    assert against_default(0.5, 0.3) == "0.5 (default 0.3)"
    assert against_default(8.0, 8) == "8"
