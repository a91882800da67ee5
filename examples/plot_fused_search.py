"""
===================================================================
Tuning an MLP on real data: the fused search against scikit-learn's
===================================================================

:class:`skmlp.model_selection.GridSearchCV` is scikit-learn's
:class:`~sklearn.model_selection.GridSearchCV` with one change: the candidate x fold
fits of an skmlp estimator with a stochastic solver are trained together, as one
stacked network per group of fits that share a network shape (see :ref:`fused-search`).
Here both searches tune the same pipeline on the breast cancer data set over the same
grid and folds; the fused one gives the same ``cv_results_`` in less time. For
reference, scikit-learn's own MLP is searched over the same grid and folds too: every
contender trains the same 60 fits.
"""

# %%
# The pipeline and the grid
# -------------------------
# 12 candidates (learning rate and L2 penalty, hyperparameters scikit-learn's MLP has
# too) x 5 folds = 60 fits, each of 30 epochs of minibatches of 32 rows. All 60 fits
# have the same network shape, solver and number of minibatches per epoch, so the fused
# search trains them as one stack.
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV as SklearnGridSearchCV
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier
from skmlp.model_selection import GridSearchCV, fused_estimator

# 30 epochs is a deliberately short budget: no need to warn about it.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_breast_cancer(return_X_y=True)
pipe = Pipeline([
    ("scale", StandardScaler()),
    ("mlp", MLPClassifier(hidden_layer_sizes=(64,), batch_size=32, max_iter=30,
                          random_state=0)),
])
param_grid = {
    "mlp__learning_rate_init": [1e-3, 3e-3, 1e-2],
    "mlp__alpha": [1e-4, 1e-3, 1e-2, 1e-1],
}
cv = StratifiedKFold(5, shuffle=True, random_state=0)
print(f"{X.shape[0]} samples, {X.shape[1]} features")
# fused_estimator names the estimator a search can fuse (None: nothing fuses)
print("fused_estimator(pipe) is the pipeline's MLPClassifier:",
      fused_estimator(pipe) is pipe.named_steps["mlp"])


def timed_search(search_class, estimator, grid):
    """Fit a search on (X, y); return it and its wall-clock time in seconds."""
    started = time.perf_counter()
    search = search_class(estimator, grid, cv=cv, n_jobs=1).fit(X, y)
    return search, time.perf_counter() - started


# %%
# scikit-learn's search, one fit after another
# --------------------------------------------
sklearn_search, sklearn_time = timed_search(SklearnGridSearchCV, pipe, param_grid)
print(f"sklearn GridSearchCV: {sklearn_time:.2f} s")
print("best:", sklearn_search.best_params_, f"accuracy {sklearn_search.best_score_:.4f}")

# %%
# skmlp's search, the 60 fits as one stack
# ----------------------------------------
fused_search, fused_time = timed_search(GridSearchCV, pipe, param_grid)
print(f"skmlp GridSearchCV:   {fused_time:.2f} s ({sklearn_time / fused_time:.1f}x faster)")
print("best:", fused_search.best_params_, f"accuracy {fused_search.best_score_:.4f}")

# %%
# Every candidate's mean cross-validated accuracy is the same, and so is the best
# candidate: each fused model is the plain fit of that candidate on that fold.
ours = fused_search.cv_results_["mean_test_score"]
theirs = sklearn_search.cv_results_["mean_test_score"]
assert np.allclose(ours, theirs)
assert fused_search.best_params_ == sklearn_search.best_params_
print("mean_test_score agree:", np.allclose(ours, theirs),
      f"(largest difference {np.max(np.abs(ours - theirs)):.1e})")

# %%
# For reference: scikit-learn's own MLP
# -------------------------------------
# :class:`sklearn.neural_network.MLPClassifier` in the same pipeline, searched by
# scikit-learn's search over the same grid and folds: the same 60 fits, with the same
# network, minibatches and epochs.
sklearn_pipe = Pipeline([
    ("scale", StandardScaler()),
    ("mlp", SklearnMLPClassifier(hidden_layer_sizes=(64,), batch_size=32, max_iter=30,
                                 random_state=0)),
])
sklearn_mlp_search, sklearn_mlp_time = timed_search(SklearnGridSearchCV, sklearn_pipe,
                                                    param_grid)
print(f"sklearn GridSearchCV, sklearn MLPClassifier: {sklearn_mlp_time:.2f} s")
print("best:", sklearn_mlp_search.best_params_,
      f"accuracy {sklearn_mlp_search.best_score_:.4f}")

# %%
# Search times
# ------------
# Each search's wall-clock time, the refit of the best candidate included. A stack pays
# numpy's per-call overhead once per minibatch for all of its models, so the smaller
# the network and its minibatches, the more the fused search saves.
labels = ["skmlp MLPClassifier,\nskmlp GridSearchCV",
          "skmlp MLPClassifier,\nsklearn GridSearchCV",
          "sklearn MLPClassifier,\nsklearn GridSearchCV"]
times = [fused_time, sklearn_time, sklearn_mlp_time]
n_fits = [len(search.cv_results_["params"]) * cv.get_n_splits()
          for search in (fused_search, sklearn_search, sklearn_mlp_search)]
fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
bars = ax.barh(labels, times, color=["C2", "C0", "C1"])
ax.bar_label(bars, [f" {t:.1f} s, {n} fits" for t, n in zip(times, n_fits)])
ax.set_xlim(0, 1.3 * max(times))
ax.invert_yaxis()
ax.set_xlabel("search time (s), n_jobs=1")
ax.set_title("Grid search on the breast cancer data, 5 folds")
plt.show()
