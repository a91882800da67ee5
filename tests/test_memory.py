"""fit keeps at most one converted copy of X; predict works in bounded extra memory.

numpy reports its allocations to tracemalloc, so the traced peak during a call,
minus what existed before it, is the extra memory the call needed.
"""

import tracemalloc
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skmlp import MLPClassifier, MLPRegressor


def _extra_peak_bytes(call):
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fit_does_not_copy_float_input(dtype, early_stopping):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40_000, 64)).astype(dtype)
    y = rng.standard_normal(40_000)
    model = MLPRegressor(hidden_layer_sizes=(16,), max_iter=1, batch_size=64,
                         early_stopping=early_stopping, random_state=0)
    extra = _extra_peak_bytes(lambda: model.fit(X, y))
    # targets, permutation and split indices are O(n); no copy of X (20 or 10 MB)
    assert extra < 0.25 * X.nbytes, extra / X.nbytes


def test_fit_makes_one_converted_copy_of_integer_input():
    rng = np.random.default_rng(0)
    X = rng.integers(-5, 5, (40_000, 64), dtype=np.int64)
    y = rng.integers(0, 3, 40_000)
    model = MLPClassifier(hidden_layer_sizes=(16,), max_iter=1, early_stopping=True,
                          random_state=0)
    extra = _extra_peak_bytes(lambda: model.fit(X, y))
    assert extra < 1.25 * X.nbytes, extra / X.nbytes  # one float64 copy, not two


@pytest.mark.parametrize("X_dtype", [np.float32, np.float64])
def test_predict_memory_is_bounded(X_dtype):
    rng = np.random.default_rng(0)
    model = MLPClassifier(hidden_layer_sizes=(64, 32), max_iter=1, random_state=0)
    model.fit(rng.standard_normal((500, 50), dtype=np.float32), rng.integers(0, 4, 500))
    X = rng.standard_normal((200_000, 50)).astype(X_dtype)
    extra = _extra_peak_bytes(lambda: model.predict_proba(X))
    output = 200_000 * 4 * np.dtype(np.float32).itemsize
    # the probabilities (and a clipped copy) plus one chunk's activations; the
    # float64 input is cast chunk by chunk, never as a whole (which would be 40 MB)
    assert extra < 3 * output + 8 * 2**20, extra / 2**20
