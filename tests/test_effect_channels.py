"""``bondsim effect`` says where an effect comes from: the bonded household-years averted
through each channel, by rerunning the policy with it switched off (issue 17)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bondsim.cli import main
from bondsim.experiments.effect import paired_effect
from bondsim.experiments.paired import (
    REMAINDER,
    channel_column,
    channel_contributions,
    summarise_channels,
)
from bondsim.experiments.scenario import scenario_from_dict
from conftest import ROOT

SCENARIOS = ROOT / "scenarios"
CHANNELS = ("releases", "deterrence", "credit", "cash")


def _frame(bonded):
    return pd.DataFrame({"month": range(len(bonded)), "bonded_share": bonded,
                         "child_labour_rate": 0.0, "intervention_cost": 0.0})


def test_contributions_by_hand():
    # 12 households, months 1-2 (month 0 left out): baseline 0.5, 0.5; policy 0.4, 0.3:
    # averted (0.1 + 0.2) x 12 / 12 = 0.3 household-years. Releases off: 0.45, 0.4, so
    # releases give (0.05 + 0.1) x 12 / 12 = 0.15; deterrence off: 0.5, 0.5 gives the whole
    # 0.3; credit and cash never asked: 0. Interaction 0.3 - 0.45 = -0.15 (both needed)
    base, policy = _frame([0.9, 0.5, 0.5]), _frame([0.9, 0.4, 0.3])
    without = {"releases": _frame([0.9, 0.45, 0.4]), "deterrence": _frame([0.9, 0.5, 0.5])}
    out = channel_contributions(base, policy, without, 12, CHANNELS)
    assert out[channel_column("releases")] == pytest.approx(0.15)
    assert out[channel_column("deterrence")] == pytest.approx(0.3)
    assert out[channel_column("credit")] == 0.0
    assert out[channel_column("cash")] == 0.0
    assert out[channel_column(REMAINDER)] == pytest.approx(-0.15)
    by_seed = pd.DataFrame([{"bonded_household_years_averted": 0.3, **out}] * 2)
    table = summarise_channels(by_seed, CHANNELS).set_index("channel")
    assert table.loc["releases", "share"] == pytest.approx(0.5)
    assert table.loc["deterrence", "share"] == pytest.approx(1.0)
    assert table.loc[REMAINDER, "share"] == pytest.approx(-0.5)
    assert table["share"].sum() == pytest.approx(1.0)  # with the remainder, shares add to 1


def test_a_cash_transfer_works_wholly_through_cash():
    scenario = scenario_from_dict({"name": "cash", "horizon": 24,
                                   "interventions": [{"type": "cash_transfer"}]})
    result = paired_effect(scenario, SCENARIOS / "baseline.toml", replicates=2,
                           households=400)
    by_seed = result.by_seed
    averted = by_seed["bonded_household_years_averted"]
    assert (averted != 0).all()
    np.testing.assert_allclose(by_seed[channel_column("cash")], averted)
    for channel in ("releases", "deterrence", "credit", REMAINDER):
        np.testing.assert_allclose(by_seed[channel_column(channel)], 0.0, atol=1e-9)
    table = result.channels.set_index("channel")
    assert table.loc["cash", "share"] == pytest.approx(1.0)
    # the decomposition leaves the effect itself alone
    plain = paired_effect(scenario, SCENARIOS / "baseline.toml", replicates=2,
                          households=400, decompose=False)
    assert plain.channels is None
    pd.testing.assert_frame_equal(plain.summary, result.summary)


def test_effect_command_decomposes_by_default_and_not_when_told(tmp_path, capsys):
    out = tmp_path / "eff"
    args = ["effect", str(SCENARIOS / "release_with_rehabilitation.toml"), "--replicates", "2",
            "--households", "400", "--months", "24"]
    assert main([*args, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "by channel" in printed
    assert "interaction" in printed
    channels = pd.read_csv(out / "effect_channels.csv")
    assert channels["channel"].tolist() == [*CHANNELS, REMAINDER]
    assert channels.set_index("channel").loc["credit", "mean"] == 0.0  # no credit offered
    by_seed = pd.read_csv(out / "effect_by_seed.csv")
    parts = by_seed[[channel_column(c) for c in (*CHANNELS, REMAINDER)]].sum(axis=1)
    np.testing.assert_allclose(parts, by_seed["bonded_household_years_averted"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["channels"]["shares"]) == {*CHANNELS, REMAINDER}
    assert "full public cost" in manifest["channels"]["cost"]
    assert main(["report", str(out)]) == 0
    assert "Where the effect comes from" in (out / "report.html").read_text()
    capsys.readouterr()
    assert main([*args, "--out", str(tmp_path / "plain"), "--no-decompose"]) == 0
    assert "by channel" not in capsys.readouterr().out
    assert not (tmp_path / "plain" / "effect_channels.csv").exists()
    assert json.loads((tmp_path / "plain" / "manifest.json").read_text())["channels"] is None


def test_a_mostly_deterrent_effect_carries_a_caveat_naming_its_assumptions():
    import pandas as pd

    from bondsim.experiments.paired import deterrence_caveat

    frame = pd.DataFrame({"channel": ["releases", "deterrence"], "share": [0.3, 0.7]})
    caveat = deterrence_caveat(frame)
    assert caveat is not None
    assert "70%" in caveat
    assert "prison_cost_months" in caveat
    frame["share"] = [0.6, 0.4]
    assert deterrence_caveat(frame) is None
    frame["share"] = [float("nan"), float("nan")]
    assert deterrence_caveat(frame) is None
