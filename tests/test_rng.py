"""Random streams: keyed by name, independent of each other and of creation order."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bondsim import BondsimModel, Params
from bondsim.simulation.rng import Streams, sparse_bernoulli, stream_key


def test_stream_key_is_crc32_of_the_name():
    # CRC-32 check values: "" -> 0, "a" -> 0xE8B7BE43, "123456789" -> 0xCBF43926
    assert stream_key("") == 0
    assert stream_key("a") == 0xE8B7BE43
    assert stream_key("123456789") == 0xCBF43926


def test_same_name_same_stream():
    a, b = Streams(42), Streams(42)
    assert a["shocks"] is a["shocks"]  # one generator per name and run
    np.testing.assert_array_equal(a["shocks"].random(100), b["shocks"].random(100))


def test_different_names_give_different_and_uncorrelated_numbers():
    s = Streams(42)
    x, y = s["shocks"].random(20_000), s["mobility"].random(20_000)
    assert not np.array_equal(x[:10], y[:10])
    assert abs(np.corrcoef(x, y)[0, 1]) < 0.03


def test_different_seeds_give_different_numbers():
    np.testing.assert_raises(AssertionError, np.testing.assert_array_equal,
                             Streams(1)["shocks"].random(10), Streams(2)["shocks"].random(10))


def test_order_of_creation_and_use_does_not_matter():
    first = Streams(7)
    x1 = first["shocks"].random(5)
    y1 = first["mobility"].random(5)
    second = Streams(7)
    y2 = second["mobility"].random(5)  # created first, and another stream used in between
    second["a new policy stream"].random(1000)
    x2 = second["shocks"].random(5)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)


def test_streams_do_not_depend_on_the_python_hash_seed():
    # a stream equals one built by hand from the seed and the name's CRC-32
    seq = np.random.SeedSequence(entropy=3, spawn_key=(0xE8B7BE43,))
    by_hand = np.random.Generator(np.random.PCG64(seq)).random(4)
    np.testing.assert_array_equal(Streams(3)["a"].random(4), by_hand)


def test_model_shocks_are_common_random_numbers_across_policies():
    """A run that draws from an extra stream (as a policy would) has the same shocks."""
    class Lottery:
        def step(self, model):
            model.streams["lottery"].random(model.hh.n)

        def cost(self, model):
            return 0.0

    plain = BondsimModel(Params(), households=200, kilns=6, seed=8)
    policy = BondsimModel(Params(), households=200, kilns=6, seed=8, interventions=[Lottery()])
    for _ in range(5):
        plain.step()
        policy.step()
        assert plain.outcomes["shocks"] == policy.outcomes["shocks"]
    np.testing.assert_array_equal(plain.hh.debt, policy.hh.debt)


def test_sparse_bernoulli_edges():
    rng = np.random.default_rng(0)
    index, v = sparse_bernoulli(rng, 10, 0.0)  # nobody
    assert index.size == 0
    assert v.size == 0
    assert sparse_bernoulli(rng, 0, 0.5)[0].size == 0  # no households
    index, v = sparse_bernoulli(rng, 6, 1.0)  # everybody, with v uniform on [0, 1)
    np.testing.assert_array_equal(index, np.arange(6))
    assert np.all((v >= 0.0) & (v < 1.0))


def test_sparse_bernoulli_is_one_trial_per_household():
    # 200,000 households at p = 0.3: about 60,000 hit, households hit evenly along the
    # array, and neighbours hit together about p^2 = 9% of the time (independence)
    n, p = 200_000, 0.3
    index, v = sparse_bernoulli(np.random.default_rng(1), n, p)
    assert np.all(np.diff(index) > 0)
    assert index[0] >= 0
    assert index[-1] < n
    hit = np.zeros(n, dtype=bool)
    hit[index] = True
    assert hit.mean() == pytest.approx(p, abs=0.005)
    assert (hit[:n // 2].mean() - hit[n // 2:].mean()) == pytest.approx(0.0, abs=0.01)
    assert (hit[:-1] & hit[1:]).mean() == pytest.approx(p * p, abs=0.005)
    assert hit[0::2].mean() == pytest.approx(p, abs=0.005)
    # the uniform numbers that split the event into kinds are uniform on [0, p)
    assert np.all((v >= 0.0) & (v < p))
    assert np.median(v) == pytest.approx(p / 2, rel=0.02)


def test_sparse_bernoulli_first_household_is_hit_with_probability_p():
    rng = np.random.default_rng(2)
    first = [sparse_bernoulli(rng, 3, 0.2)[0] for _ in range(5000)]
    share = np.mean([idx.size > 0 and idx[0] == 0 for idx in first])
    assert share == pytest.approx(0.2, abs=0.02)
    assert all(idx.size == 0 or idx[-1] < 3 for idx in first)


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 3000),
       p=st.one_of(st.just(0.0), st.floats(1e-12, 1.0, exclude_max=True)))
def test_sparse_bernoulli_same_stream_same_draws(seed, n, p):
    a = sparse_bernoulli(np.random.default_rng(seed), n, p)
    b = sparse_bernoulli(np.random.default_rng(seed), n, p)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    index, v = a
    assert index.dtype == np.intp
    assert np.all(np.diff(index) > 0)
    assert index.size == 0 or (index[0] >= 0 and index[-1] < n)
    assert v.shape == index.shape
    assert np.all((v >= 0.0) & (v < p)) if p > 0 else v.size == 0


class CountingGenerator:
    """A real generator that refuses a thousandth call of ``geometric`` (a loop that never
    ends would otherwise hang the test run)."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.calls = 0

    def geometric(self, p, size):
        self.calls += 1
        if self.calls >= 1000:
            raise RuntimeError("sparse_bernoulli keeps drawing: its loop does not end")
        return self.rng.geometric(p, size)

    def __getattr__(self, name: str):
        return getattr(self.rng, name)


@pytest.mark.parametrize("p", [1e-300, 1e-19, 1e-18, 1e-17])
def test_sparse_bernoulli_with_a_tiny_probability_hits_nobody(p):
    # geometric gaps near the int64 maximum once overflowed their sum, and the loop drawing
    # more gaps never ended; a hit has probability about 10 x p here
    index, v = sparse_bernoulli(CountingGenerator(0), 10, p)
    assert index.size == 0
    assert v.size == 0
