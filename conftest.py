"""Test-session setup shared by tests/ and the doctests in skmlp/."""

import os

# scikit-learn's array-API estimator checks run only when scipy was imported
# with its array-API support on; without it they skip. Set it before anything
# imports scipy so those checks really run (skmlp itself is numpy-only, so this
# changes nothing else).
os.environ.setdefault("SCIPY_ARRAY_API", "1")

# skmlp.plot's doctests draw with matplotlib, an optional extra ("plot"): without it
# they are not collected (the tests in tests/test_plot.py skip with a reason).
try:
    import matplotlib

    matplotlib.use("Agg")
    collect_ignore_glob = []
except ImportError:
    collect_ignore_glob = ["skmlp/plot/*"]

# skmlp.onnx imports skl2onnx, an optional extra ("onnx"): without it the module is
# not collected (tests/test_onnx.py skips with a reason).
try:
    import skl2onnx  # noqa: F401
except ImportError:
    collect_ignore_glob.append("skmlp/onnx.py")

# The tests train on small data, where BLAS threads cost more to start than they save
# and compete with the joblib workers of the n_jobs=2 tests on a 2-core machine: one
# BLAS thread for the whole session (the benchmarks in benchmarks/ measure threading).
import pytest  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    with threadpool_limits(limits=1, user_api="blas"):
        yield
