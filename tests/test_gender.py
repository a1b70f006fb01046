"""Rule 6b, girls and boys, and the women who mould in the family unit: the weighted draws by
hand, the split following rule 6's counts without ever changing them, the initial split, and
the outcomes by sex adding up to the totals."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_invariants import check_sex_split

import bondsim.simulation.model
from bondsim import OUTCOMES, BondsimModel, Params
from bondsim.simulation.gender import pick_girls, split_band
from bondsim.simulation.population import init_households, init_owners
from bondsim.simulation.rng import Streams

I8 = np.int8
NEW = list(OUTCOMES)[list(OUTCOMES).index("girls_5_14"):]  # the outcomes by sex
OLD = [name for name in OUTCOMES if name not in NEW]


class Uniforms:
    """Stands in for the ``gender`` stream: hands out the given uniforms in order."""

    def __init__(self, *u: float) -> None:
        self.u = list(u)
        self.used = 0

    def random(self, size: int) -> np.ndarray:
        out = np.array(self.u[self.used:self.used + size], dtype=float)
        assert out.size == size, "the rule drew more uniforms than the test gave"
        self.used += size
        return out


def pick(k, g, b, weight, *u):
    rng = Uniforms(*u)
    pools = [np.array(x, dtype=I8) for x in (g, b)]
    out = pick_girls(rng, np.array(k, dtype=I8), *pools, weight)
    np.testing.assert_array_equal(pools[0], g)  # the pools are read, not written
    np.testing.assert_array_equal(pools[1], b)
    assert rng.used == len(u), "the rule drew fewer uniforms than the test gave"
    return out.tolist()


# --- the weighted draw ----------------------------------------------------------------------

def test_with_weight_one_and_one_girl_and_one_boy_the_chance_is_one_half():
    # a girl when u x (1 x 1 + 1) < 1 x 1, i.e. u < 1/2
    assert pick([1, 1], [1, 1], [1, 1], 1.0, 0.4999, 0.5) == [1, 0]


def test_the_weights_arithmetic():
    # weight 0.8, one girl, one boy: 0.8 / 1.8 = 0.444...
    assert pick([1, 1], [1, 1], [1, 1], 0.8, 0.444, 0.445) == [1, 0]
    # weight 2, one girl, three boys: 2 / 5 = 0.4
    assert pick([1, 1], [1, 1], [3, 3], 2.0, 0.399, 0.401) == [1, 0]
    # weight 0.5, two girls, one boy: 1 / 2
    assert pick([1, 1], [2, 2], [1, 1], 0.5, 0.499, 0.5) == [1, 0]


def test_with_no_girl_available_a_boy_moves_and_with_no_boy_a_girl():
    assert pick([1], [0], [2], 1.0, 0.0) == [0]
    assert pick([1], [2], [0], 1.0, 0.999) == [1]
    assert pick([1], [2], [0], 0.0, 0.999) == [1]  # weight 0 and only girls: still a girl
    assert pick([1], [2], [1], 0.0, 0.0) == [0]    # weight 0: a boy while there is one


def test_several_children_are_drawn_one_at_a_time_without_replacement():
    # uniforms: round 1 for every household drawing (in household order), then round 2
    # A: 2 of (2 girls, 1 boy): 0.6 < 2/3 girl, then (1, 1): 0.2 < 1/2 girl -> 2
    # B: 1 of (1, 1): 0.7 boy -> 0;  C: draws nothing
    assert pick([2, 1, 0], [2, 1, 1], [1, 1, 1], 1.0, 0.6, 0.7, 0.2) == [2, 0, 0]
    # A: 0.7 > 2/3 boy, then only girls are left: a girl whatever the uniform -> 1
    assert pick([2], [2], [1], 1.0, 0.7, 0.999) == [1]
    # a whole pool drawn: everybody, in any order
    assert pick([5], [2], [3], 0.3, 0.1, 0.9, 0.5, 0.5, 0.5) == [2]


@pytest.mark.parametrize(("weight", "g", "b"), [(1.0, 2, 2), (0.8, 1, 1), (2.0, 1, 3),
                                                 (0.5, 3, 1)])
def test_the_chance_of_a_girl_is_weight_girls_over_weight_girls_plus_boys(weight, g, b):
    n = 200_000
    draws = pick_girls(np.random.default_rng(5), np.ones(n, dtype=I8), np.full(n, g, dtype=I8),
                       np.full(n, b, dtype=I8), weight)
    p = weight * g / (weight * g + b)
    assert abs(draws.mean() - p) < 4.0 * math.sqrt(p * (1 - p) / n)


# --- rule 6b on one band ---------------------------------------------------------------------

def split(c, g, w0, s0, w, s, gw, gs, u=(), work_weight=1.0, school_weight=1.0):
    """Apply rule 6b to one band given as lists; return (girls_work, girls_school)."""
    cols = [np.array(x, dtype=I8) for x in (c, g, w0, s0, w, s, gw, gs)]
    before = [a.copy() for a in cols[:6]]
    rng = Uniforms(*u)
    changed = split_band(rng, *cols, work_weight, school_weight)
    for a, b in zip(cols[:6], before, strict=True):  # counts and girls are never written
        np.testing.assert_array_equal(a, b)
    assert rng.used == len(u), "the rule drew fewer uniforms than the test gave"
    moved = (np.array(w0) != np.array(w)) | (np.array(s0) != np.array(s))
    assert changed.tolist() == np.flatnonzero(moved).tolist()
    return cols[6].tolist(), cols[7].tolist()


def test_a_new_worker_from_idleness():
    # one girl and one boy idle, weight 1: u < 1/2 a girl
    assert split(c=[2, 2], g=[1, 1], w0=[0, 0], s0=[0, 0], w=[1, 1], s=[0, 0], gw=[0, 0],
                 gs=[0, 0], u=(0.49, 0.5)) == ([1, 0], [0, 0])
    # the only girl is in school: the new worker is the idle boy, whatever the uniform
    assert split(c=[2], g=[1], w0=[0], s0=[1], w=[1], s=[1], gw=[0], gs=[1],
                 u=(0.0,)) == ([0], [1])


def test_girls_are_less_likely_to_be_enrolled_with_a_school_weight_below_one():
    # one girl and one boy idle, weight 0.5: a girl with chance 0.5 / 1.5 = 1/3
    assert split(c=[2, 2], g=[1, 1], w0=[0, 0], s0=[0, 0], w=[0, 0], s=[1, 1], gw=[0, 0],
                 gs=[0, 0], u=(0.33, 0.34), school_weight=0.5) == ([0, 0], [1, 0])


def test_a_worker_sent_to_school_keeps_its_sex():
    # rule 6's room: a girl and a boy work, one goes to school; weight 0.5: the girl with
    # chance 1/3; she leaves work and joins school
    assert split(c=[2, 2], g=[1, 1], w0=[2, 2], s0=[0, 0], w=[1, 1], s=[1, 1], gw=[1, 1],
                 gs=[0, 0], u=(0.3, 0.4), school_weight=0.5) == ([0, 1], [1, 0])


def test_a_pupil_taken_out_of_school_to_work_keeps_its_sex():
    # rule 6 under pressure with no idle child: a girl and a boy in school, weight 1
    assert split(c=[2, 2], g=[1, 1], w0=[0, 0], s0=[2, 2], w=[1, 1], s=[1, 1], gw=[0, 0],
                 gs=[1, 1], u=(0.7, 0.2)) == ([0, 1], [1, 0])


def test_a_ban_sends_every_worker_home_whatever_the_draws():
    # three workers (two girls) stop: three draws, and no girl works after
    assert split(c=[3], g=[2], w0=[3], s0=[0], w=[0], s=[0], gw=[2], gs=[0],
                 u=(0.9, 0.9, 0.9)) == ([0], [0])


def test_a_ban_then_an_enrolment_removes_first_then_moves_a_remaining_worker():
    # two workers (a girl, a boy) stop and one child is enrolled: one move to idleness (the
    # girl, u = 0.3 < 1/2), then one from work to school: only the boy is left to move
    assert split(c=[2], g=[1], w0=[2], s0=[0], w=[0], s=[1], gw=[1], gs=[0],
                 u=(0.3, 0.0)) == ([0], [0])


def test_households_whose_counts_did_not_change_draw_nothing():
    assert split(c=[3, 2], g=[2, 1], w0=[1, 0], s0=[1, 2], w=[1, 0], s=[1, 2], gw=[1, 0],
                 gs=[0, 1]) == ([1, 0], [0, 1])


def test_kinds_of_move_are_drawn_in_order_then_households_in_order():
    # h0 enrols from idleness, h1 moves a worker to school, h2 leaves school for idleness:
    # order of draws: to idleness (h2), between activities (h1), then enrolment (h0)
    gw, gs = split(c=[2, 2, 2], g=[1, 1, 1], w0=[0, 2, 0], s0=[0, 0, 2], w=[0, 1, 0],
                   s=[1, 1, 1], gw=[0, 1, 0], gs=[0, 0, 1], u=(0.1, 0.9, 0.6))
    # h2: a girl leaves school (0.1); h1: a boy goes to school (0.9); h0: a boy enrols (0.6)
    # (in household order instead, h0's girl would have enrolled and h2's girl stayed)
    assert gw == [0, 1, 0]
    assert gs == [0, 0, 0]


@st.composite
def bands(draw):
    """A band of households with a consistent sex split, and new counts for it."""
    n = draw(st.integers(1, 30))
    cols = {name: [] for name in ("c", "g", "w0", "s0", "w", "s", "gw", "gs")}
    for _ in range(n):
        c = draw(st.integers(0, 5))
        g = draw(st.integers(0, c))
        w0 = draw(st.integers(0, c))
        s0 = draw(st.integers(0, c - w0))
        gw = draw(st.integers(max(0, w0 - (c - g)), min(w0, g)))  # boys working <= boys
        gs = draw(st.integers(max(0, s0 - ((c - g) - (w0 - gw))), min(s0, g - gw)))
        w = draw(st.integers(0, c))
        s = draw(st.integers(0, c - w))
        for name, v in zip(cols, (c, g, w0, s0, w, s, gw, gs), strict=True):
            cols[name].append(v)
    weights = (draw(st.sampled_from([0.0, 0.5, 1.0, 3.0])),
               draw(st.sampled_from([0.0, 0.5, 1.0, 3.0])))
    return cols, weights, draw(st.integers(0, 2**32 - 1))


@given(bands())
def test_the_split_follows_any_new_counts(band):
    cols, (work_weight, school_weight), seed = band
    c, g, w0, s0, w, s, gw0, gs0 = (np.array(cols[k]) for k in cols)
    arrays = [np.array(cols[k], dtype=I8) for k in cols]
    split_band(np.random.default_rng(seed), *arrays, work_weight, school_weight)
    gw, gs = arrays[6].astype(int), arrays[7].astype(int)
    assert np.all((gw >= 0) & (gw <= w) & (gw <= g))
    assert np.all((gs >= 0) & (gs <= s) & (gs <= g))
    assert np.all(gw + gs <= g)
    assert np.all((w - gw) + (s - gs) <= c - g)  # boys: never more than there are
    same = (w == w0) & (s == s0)
    np.testing.assert_array_equal(gw[same], gw0[same])
    np.testing.assert_array_equal(gs[same], gs0[same])
    # a rise in work from idleness (school unchanged) never takes a girl out of work, etc.
    up = (w > w0) & (s == s0)
    assert np.all(gw[up] >= gw0[up])
    assert np.all(gw[up] - gw0[up] <= (w - w0)[up])
    down = (w < w0) & (s == s0)
    assert np.all(gw[down] <= gw0[down])


# --- the layer in the model ------------------------------------------------------------------

def test_rule_6b_does_not_touch_any_count():
    model = BondsimModel(Params(child_work_trigger=0.0), households=400, kilns=12, seed=4)
    split = model.sex_split
    update = split.update
    written = {f"girls_{what}_{band}" for what in ("work", "school") for band in ("5_9", "10_14")}
    calls = []

    def checked(rng, hh, params):
        before = {f.name: getattr(hh, f.name).copy() for f in dataclasses.fields(hh)}
        update(rng, hh, params)
        for name, value in before.items():
            if name not in written:
                np.testing.assert_array_equal(getattr(hh, name), value, err_msg=name)
        calls.append(1)

    split.update = checked
    for _ in range(24):
        model.step()
        check_sex_split(model)
    assert len(calls) == 24


class OtherGenderStream(Streams):
    """The run's streams, but another ``gender`` stream."""

    def __getitem__(self, name: str) -> np.random.Generator:
        return super().__getitem__("gender, drawn differently" if name == "gender" else name)


def test_the_gender_stream_changes_no_other_outcome(monkeypatch):
    # without rule 10: with it, girls marry out and women bear children, so the sex split
    # decides who is in the household and every outcome follows
    def run() -> BondsimModel:
        model = BondsimModel(Params(law_fine_child_labour=5e6, prior_police_visits=6.0,
                                    demography=0), households=500, kilns=15, seed=9)
        model.run(24)
        return model

    plain = run().timeseries()
    monkeypatch.setattr(bondsim.simulation.model, "Streams", OtherGenderStream)
    other = run().timeseries()
    assert plain[OLD].equals(other[OLD])  # identical, NaNs included
    assert list(plain.columns) == OLD + NEW  # the outcomes by sex come last
    assert not plain[NEW].equals(other[NEW])  # the split itself is drawn


class RandomHome:
    """A test policy that sends all the children of some families home from work and school,
    so that several children of a band leave an activity for idleness at once."""

    def __init__(self, share: float) -> None:
        self.share = share

    def step(self, model: BondsimModel) -> None:
        hit = model.streams["test-home"].random(model.hh.n) < self.share
        for col in ("work_5_9", "work_10_14", "school_5_9", "school_10_14"):
            getattr(model.hh, col)[hit] = 0

    def cost(self, model: BondsimModel) -> float:
        return 0.0


@pytest.mark.parametrize(("work_weight", "school_weight"), [(1.0, 0.8), (0.0, 0.0), (3.0, 5.0)])
def test_the_split_stays_consistent_over_a_long_run(work_weight, school_weight):
    p = Params(girl_work_weight=work_weight, girl_school_weight=school_weight,
               child_work_trigger=0.0, illness_rate=0.06)
    model = BondsimModel(p, households=300, kilns=10, seed=2, interventions=[RandomHome(0.02)])
    check_sex_split(model)
    for _ in range(120):
        model.step()
        check_sex_split(model)


def test_outcomes_by_sex_add_up_to_the_totals():
    p = Params(women_paid_directly=0.5)
    model = BondsimModel(p, households=600, kilns=20, seed=11)
    for _ in range(13):
        model.step()
        hh, out = model.hh, model.outcomes
        s = {name: int(getattr(hh, name).sum(dtype=np.int64)) for name in (
            "children_5_9", "children_10_14", "girls_5_9", "girls_10_14", "work_5_9",
            "work_10_14", "school_5_9", "school_10_14", "girls_work_5_9", "girls_work_10_14",
            "girls_school_5_9", "girls_school_10_14", "adults", "women", "women_paid")}
        children = s["children_5_9"] + s["children_10_14"]
        girls = s["girls_5_9"] + s["girls_10_14"]
        boys = children - girls
        work, school = s["work_5_9"] + s["work_10_14"], s["school_5_9"] + s["school_10_14"]
        girls_work = s["girls_work_5_9"] + s["girls_work_10_14"]
        girls_school = s["girls_school_5_9"] + s["girls_school_10_14"]
        # counts: girls plus boys give the totals exactly
        assert out["girls_5_14"] == girls
        assert out["girls_work_rate"] * girls == pytest.approx(girls_work, abs=1e-9)
        assert out["boys_work_rate"] * boys == pytest.approx(work - girls_work, abs=1e-9)
        assert out["girls_school_rate"] * girls == pytest.approx(girls_school, abs=1e-9)
        assert out["boys_school_rate"] * boys == pytest.approx(school - girls_school, abs=1e-9)
        # rates: weighted by the sexes' shares of the children, they give the totals
        assert math.isclose(girls / children * out["girls_work_rate"]
                            + boys / children * out["boys_work_rate"],
                            out["child_labour_rate"], rel_tol=1e-12)
        assert math.isclose(girls / children * out["girls_school_rate"]
                            + boys / children * out["boys_school_rate"],
                            out["school_enrolment"], rel_tol=1e-12)
        # women: their share of the moulders, of the bricks, and of those paid directly
        assert out["women_moulder_share"] == s["women"] / s["adults"]
        bricks = (s["adults"] * p.bricks_per_adult_day + s["work_10_14"]
                  * p.bricks_per_child_10_14_day + s["work_5_9"] * p.bricks_per_child_5_9_day)
        assert math.isclose(out["women_output_share"],
                            s["women"] * p.bricks_per_adult_day / bricks, rel_tol=1e-12)
        assert out["women_paid_directly_share"] == s["women_paid"] / s["women"]
    assert 0.4 < out["women_paid_directly_share"] < 0.6


def test_no_woman_is_paid_directly_by_default():
    model = BondsimModel(Params(), households=300, kilns=10, seed=1)
    assert not model.hh.women_paid.any()
    assert model.outcomes["women_paid_directly_share"] == 0.0


# --- initialisation ------------------------------------------------------------------------

def make(p: Params, households: int = 20_000, seed: int = 3, gender_seed: int | None = 8):
    rng = np.random.default_rng(seed)
    ow = init_owners(households // 35, 1, households, p, rng)
    gender = None if gender_seed is None else np.random.default_rng(gender_seed)
    return init_households(households, ow, p, rng, 23.4, gender)


def test_the_initial_split_follows_the_parameters():
    p = Params(women_moulder_share=0.45, girl_share=0.49, girl_work_weight=1.0)
    hh = make(p)
    assert abs(hh.women.sum() / hh.adults.sum() - 0.45) < 0.01
    children = int(hh.children_5_9.sum()) + int(hh.children_10_14.sum())
    girls = int(hh.girls_5_9.sum()) + int(hh.girls_10_14.sum())
    assert abs(girls / children - 0.49) < 0.01
    # girls as likely as boys to work: the same work rate, within sampling noise
    work_girls = (int(hh.girls_work_5_9.sum()) + int(hh.girls_work_10_14.sum())) / girls
    work = (int(hh.work_5_9.sum()) + int(hh.work_10_14.sum())) / children
    assert abs(work_girls - work) < 0.01


def test_with_school_weight_zero_girls_are_enrolled_only_when_no_boy_is_left():
    hh = make(Params(girl_school_weight=0.0), households=3000)
    for band in ("5_9", "10_14"):
        c, g, w, s, gw, gs = (getattr(hh, f"{col}_{band}").astype(int) for col in (
            "children", "girls", "work", "school", "girls_work", "girls_school"))
        boys_not_working = (c - g) - (w - gw)
        np.testing.assert_array_equal(gs, np.maximum(s - boys_not_working, 0))


@pytest.mark.parametrize(("share", "expected"), [(0.0, "none"), (1.0, "all")])
def test_all_or_no_girls_and_women(share, expected):
    hh = make(Params(girl_share=share, women_moulder_share=share), households=500)
    for girls, total in ((hh.women, hh.adults), (hh.girls_5_9, hh.children_5_9),
                         (hh.girls_work_10_14, hh.work_10_14),
                         (hh.girls_school_5_9, hh.school_5_9)):
        np.testing.assert_array_equal(girls, total if expected == "all" else 0)


def test_the_split_is_drawn_after_and_apart_from_every_other_column():
    p = Params()
    a, b = make(p, 2000, gender_seed=1), make(p, 2000, gender_seed=2)
    c = make(p, 2000, gender_seed=None)  # drawn from the init stream, after all else
    split = {"women", "women_paid", "girls_5_9", "girls_10_14", "girls_work_5_9",
             "girls_work_10_14", "girls_school_5_9", "girls_school_10_14"}
    for f in dataclasses.fields(a):
        if f.name not in split:
            np.testing.assert_array_equal(getattr(a, f.name), getattr(b, f.name), f.name)
            np.testing.assert_array_equal(getattr(a, f.name), getattr(c, f.name), f.name)
    assert not np.array_equal(a.girls_5_9, b.girls_5_9)
    for name in split:
        assert getattr(a, name).dtype == np.int8
