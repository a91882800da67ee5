"""
=====================================================
Training on a larger-than-memory array with dask-ml
=====================================================

dask-ml's :class:`~dask_ml.wrappers.Incremental` feeds a dask array to an estimator's
``partial_fit`` one block at a time. Here the array is a million rows by 100 float32
features (381 MiB) that never exist at once: each block is generated from a seed when
its task runs, trained on, and released; a larger array only takes more blocks. Needs
the ``distributed`` extra: from the root of a source checkout,
``pip install ".[plot,distributed]"``.
"""

# %%
# A lazy array, block by block
# ----------------------------
import time
import tracemalloc
import warnings

import dask
import dask.array as da
import matplotlib.pyplot as plt
import numpy as np
from dask_ml.wrappers import Incremental
from sklearn.exceptions import ConvergenceWarning

from skmlp import MLPClassifier

N_ROWS, N_FEATURES, CHUNK, N_CLASSES = 1_000_000, 100, 50_000, 5
TRUTH = np.random.default_rng(0).normal(size=(N_FEATURES, N_CLASSES)).astype(np.float32)


def chunk(seed, rows=CHUNK):
    """One block of features; in practice: read a file, a partition, a query."""
    return np.random.default_rng(seed).standard_normal((rows, N_FEATURES), dtype=np.float32)


def labels(X):
    return np.argmax(np.tanh(X @ TRUTH), axis=1)


X = da.concatenate([
    da.from_delayed(dask.delayed(chunk)(seed), shape=(CHUNK, N_FEATURES), dtype=np.float32)
    for seed in range(N_ROWS // CHUNK)
])
y = X.map_blocks(labels, drop_axis=1, dtype=np.int64)
X_test = chunk(10**6, 20_000)
y_test = labels(X_test)
print(X)

# %%
# One pass with ``Incremental``
# -----------------------------
# ``partial_fit`` runs block after block, so the blocks are best computed just in
# time: the synchronous scheduler does that (the threaded one would compute blocks
# ahead of the sequential chain and hold them). On a ``dask.distributed`` cluster the
# blocks are computed on the workers.
streamed = Incremental(MLPClassifier(hidden_layer_sizes=(64,), batch_size=256, random_state=0),
                       shuffle_blocks=True, random_state=0)
tracemalloc.start()  # counts numpy's allocations too
start = time.perf_counter()
with dask.config.set(scheduler="synchronous"):
    streamed.fit(X, y, classes=np.arange(N_CLASSES))
seconds = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1] / 2**20
tracemalloc.stop()
mlp = streamed.estimator_
array_mib = N_ROWS * N_FEATURES * 4 / 2**20
print(f"{mlp.t_:,} samples in {seconds:.1f} s; test accuracy {mlp.score(X_test, y_test):.4f}; "
      f"at most {peak:.0f} MiB allocated at once (the array would be {array_mib:.0f} MiB)")

# %%
# Where the data fits, compare with an in-memory fit on 100k rows (5 epochs).
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    X_small = chunk(10**7, 100_000)
    in_memory = MLPClassifier(hidden_layer_sizes=(64,), batch_size=256, max_iter=5,
                              random_state=0).fit(X_small, labels(X_small))
print(f"in memory, 100k rows x 5 epochs: test accuracy {in_memory.score(X_test, y_test):.4f}")

# %%
# Each ``partial_fit`` call is one entry of ``history_``: the loss of every block.
fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
ax.plot(np.arange(1, len(mlp.history_["loss"]) + 1) * CHUNK, mlp.history_["loss"], marker=".")
ax.set(xlabel="rows trained on", ylabel="block training loss", yscale="log",
       title="MLPClassifier streamed through dask-ml Incremental")
plt.show()
