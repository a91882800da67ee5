"""Dask: dask-ml's Incremental on a larger-than-memory array, and a grid search on a cluster."""

import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier

pytest.importorskip("dask.array", reason='needs the "distributed" extra (dask[array])')
pytest.importorskip("dask_ml", reason='needs the "distributed" extra (dask-ml)')
distributed = pytest.importorskip("distributed",
                                  reason='needs the "distributed" extra (dask.distributed)')

# Run in a fresh interpreter so that its peak RSS is the streaming fit's alone.
STREAMING_SCRIPT = r"""
import json, resource, warnings
import numpy as np
import dask
import dask.array as da
from dask_ml.wrappers import Incremental
from sklearn.exceptions import ConvergenceWarning
from skmlp import MLPClassifier

N_ROWS, N_FEATURES, CHUNK, N_CLASSES = 2_000_000, 100, 100_000, 5
TRUTH = np.random.default_rng(0).normal(size=(N_FEATURES, N_CLASSES)).astype(np.float32)

def chunk(seed, rows=CHUNK):
    return np.random.default_rng(seed).standard_normal((rows, N_FEATURES), dtype=np.float32)

def labels(X):
    return np.argmax(np.tanh(X @ TRUTH), axis=1)

def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

# 2M x 100 float32 (763 MiB), each chunk generated from its seed when a task needs it
X = da.concatenate([
    da.from_delayed(dask.delayed(chunk)(seed), shape=(CHUNK, N_FEATURES), dtype=np.float32)
    for seed in range(N_ROWS // CHUNK)
])
y = X.map_blocks(labels, drop_axis=1, dtype=np.int64)
X_test = chunk(10**6, 20_000)
y_test = labels(X_test)
before = peak_mib()

model = MLPClassifier(hidden_layer_sizes=(64,), batch_size=256, random_state=0)
streamed = Incremental(model, shuffle_blocks=True, random_state=0)
# partial_fit runs block after block; the synchronous scheduler computes each block
# just before its partial_fit (the threaded one computes blocks ahead of the chain)
with dask.config.set(scheduler="synchronous"):
    streamed.fit(X, y, classes=np.arange(N_CLASSES))
during = peak_mib()

# where both fit: the same network on 200k rows in memory, 5 epochs
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    X_small = chunk(10**7, 200_000)
    in_memory = MLPClassifier(hidden_layer_sizes=(64,), batch_size=256, max_iter=5,
                              random_state=0).fit(X_small, labels(X_small))
print(json.dumps({
    "samples_seen": int(streamed.estimator_.t_),
    "streamed_accuracy": float(streamed.estimator_.score(X_test, y_test)),
    "in_memory_accuracy": float(in_memory.score(X_test, y_test)),
    "peak_rss_before_mib": before, "peak_rss_after_fit_mib": during,
    "array_mib": N_ROWS * N_FEATURES * 4 / 2**20,
}))
"""


def test_incremental_trains_on_a_larger_than_memory_array_in_bounded_memory():
    result = subprocess.run([sys.executable, "-c", STREAMING_SCRIPT], capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(report)  # the numbers, for the record (pytest -s)
    assert report["samples_seen"] == 2_000_000
    # every block went through partial_fit, and the result is as good as in memory
    assert report["streamed_accuracy"] >= report["in_memory_accuracy"] - 0.01
    # the array never existed: fitting grew the peak by far less than its size
    growth = report["peak_rss_after_fit_mib"] - report["peak_rss_before_mib"]
    assert growth < 0.3 * report["array_mib"], report


@pytest.fixture(scope="module")
def cluster_client():
    """A real scheduler and two worker processes on 127.0.0.1."""
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def _process_id(estimator, X, y):
    """A "score" that records which process ran the fit: GridSearchCV scores in the fit's task."""
    return float(os.getpid())


def test_grid_search_on_a_dask_cluster_matches_the_local_search(cluster_client):
    joblib = pytest.importorskip("joblib")
    X, y = load_digits(return_X_y=True)
    pipe = make_pipeline(StandardScaler(),
                         MLPClassifier(hidden_layer_sizes=(32,), max_iter=15, random_state=0))
    grid = {
        "mlpclassifier__alpha": [1e-4, 1e-2],
        "mlpclassifier__weight_init": ["he_normal", "glorot_uniform"],
        "mlpclassifier__dropout": [0.0, 0.2],
    }
    scoring = {"accuracy": "accuracy", "pid": _process_id}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        local = GridSearchCV(pipe, grid, cv=3, n_jobs=1, scoring=scoring,
                             refit="accuracy").fit(X, y)
        with joblib.parallel_backend("dask"):
            remote = GridSearchCV(pipe, grid, cv=3, n_jobs=-1, scoring=scoring,
                                  refit="accuracy").fit(X, y)
    # Every one of the 8 x 3 fits ran in a worker process, whatever joblib's batching
    # (it groups quick fits into fewer tasks, so the number of tasks says nothing).
    worker_pids = set(cluster_client.run(os.getpid).values())
    assert os.getpid() not in worker_pids
    local_pids = [local.cv_results_[f"split{k}_test_pid"] for k in range(3)]
    remote_pids = [remote.cv_results_[f"split{k}_test_pid"] for k in range(3)]
    assert set(np.concatenate(local_pids)) == {os.getpid()}  # the probe tells processes apart
    assert np.concatenate(remote_pids).shape == (8 * 3,)
    assert set(np.concatenate(remote_pids)) <= worker_pids
    for key in local.cv_results_:
        if key.endswith("test_accuracy"):
            np.testing.assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    assert remote.best_params_ == local.best_params_


def test_fused_search_spreads_its_stacks_over_a_dask_cluster(cluster_client):
    joblib = pytest.importorskip("joblib")
    from skmlp.model_selection import GridSearchCV as FusedGridSearchCV

    X, y = load_digits(return_X_y=True)
    pipe = make_pipeline(StandardScaler(),
                         MLPClassifier(hidden_layer_sizes=(32,), max_iter=15, random_state=0))
    grid = {"mlpclassifier__alpha": [1e-4, 1e-2],
            "mlpclassifier__learning_rate_init": [1e-3, 1e-2]}
    scoring = {"accuracy": "accuracy", "pid": _process_id}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = GridSearchCV(pipe, grid, cv=3, scoring=scoring, refit="accuracy").fit(X, y)
        with joblib.parallel_backend("dask"):
            fused = FusedGridSearchCV(pipe, grid, cv=3, n_jobs=-1, scoring=scoring,
                                      refit="accuracy").fit(X, y)
    # the 12 fits form one group, split into one stack per worker (2), run on the workers
    worker_pids = set(cluster_client.run(os.getpid).values())
    pids = np.concatenate([fused.cv_results_[f"split{k}_test_pid"] for k in range(3)])
    assert set(pids) <= worker_pids and len(set(pids)) <= 2
    for key in reference.cv_results_:
        if key.endswith("test_accuracy"):
            np.testing.assert_array_equal(fused.cv_results_[key], reference.cv_results_[key])
    assert fused.best_params_ == reference.best_params_


def _marking(log):
    """A scorer that appends, for each model it scores, its epochs and how many times it
    was scored before (a mark it leaves on the model), to the file ``log``."""
    def score(estimator, X, y):
        mlp = estimator.steps[-1][1]
        with open(log, "a") as file:
            file.write(f"{mlp.n_iter_} {getattr(mlp, 'scored_before', 0)}\n")
        mlp.scored_before = getattr(mlp, "scored_before", 0) + 1
        return estimator.score(X, y)
    return score


def test_halving_search_continues_its_survivors_on_a_dask_cluster(cluster_client, tmp_path):
    joblib = pytest.importorskip("joblib")
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingGridSearchCV

    from skmlp.model_selection import HalvingGridSearchCV as FusedHalvingGridSearchCV

    X, y = load_digits(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(16,), tol=0.0,
                                                         random_state=0))
    grid = {"mlpclassifier__alpha": [1e-4, 1e-2, 1.0],
            "mlpclassifier__learning_rate_init": [1e-3, 1e-2, 1e-1]}
    options = dict(resource="mlpclassifier__max_iter", max_resources=9, cv=3,
                   return_train_score=False)
    log = tmp_path / "scored.txt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = HalvingGridSearchCV(pipe, grid, scoring="accuracy", **options).fit(X, y)
        with joblib.parallel_backend("dask"):
            fused = FusedHalvingGridSearchCV(pipe, grid, scoring=_marking(log), n_jobs=-1,
                                             **options).fit(X, y)
    # each rung's models are the previous rung's, sent back from the workers and continued
    lines = sorted(log.read_text().splitlines())
    assert lines == sorted(["1 0"] * 27 + ["3 1"] * 9 + ["9 2"] * 3)
    np.testing.assert_array_equal(fused.cv_results_["mean_test_score"],
                                  reference.cv_results_["mean_test_score"])
    assert fused.best_params_ == reference.best_params_
