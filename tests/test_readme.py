"""The README stays true: the run files it names are the ones batch writes, every Python example
that starts worker processes is under the ``__main__`` guard, and long jobs say how long they
take."""

from __future__ import annotations

import re
from pathlib import Path

from bondsim.experiments.batch import RunTask, run_file

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
POOLS = re.compile(r"\b(run_batch|run_sweep|run_plan|run_calibration|run_discovery|sobol|morris|"
                   r"pawn|evaluate)\(")


def test_the_run_files_named_are_the_ones_batch_writes(tmp_path):
    written = run_file(tmp_path, RunTask("baseline", "x.toml", 0, 1, None, None))
    assert f"runs/<scenario>/<replicate>{written.suffix}" in README
    assert not re.search(r"runs/<scenario>/<replicate>\.(?!npy)", README)


def test_python_examples_that_start_processes_have_the_main_guard():
    blocks = re.findall(r"```python\n(.*?)```", README, re.DOTALL)
    starting = [b for b in blocks if POOLS.search(b)]
    assert starting, "the README has no example of the parallel API any more"
    for block in starting:
        guard = block.find('if __name__ == "__main__":')
        assert guard != -1, block
        assert all(m.start() > guard for m in POOLS.finditer(block)), block


def test_long_jobs_and_the_tests_say_how_long_they_take():
    for command in ("bondsim sweep experiments/sensitivity_screening.toml",
                    "bondsim sweep experiments/sensitivity_sobol.toml",
                    "bondsim plan experiments/balochistan_pilot.toml"):
        line = next(line for line in README.splitlines() if command in line)
        assert re.search(r"\d+(\.\d+)? (s|min)\b", line), line
    for passage in ("experiments/policies.toml` (70 runs", "discovery_policies.toml",
                    "calibration_baseline.toml` (about", "Run the tests"):
        start = README.index(passage)
        paragraph = README[start:README.find("\n\n", start)]
        assert "on 2 cores" in " ".join(paragraph.split()), passage
