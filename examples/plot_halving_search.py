"""
======================================================================
Successive halving over epochs: survivors that continue their training
======================================================================

Successive halving tunes many candidates cheaply: every candidate trains a few epochs,
the best third goes on with three times as many, and so on. With scikit-learn's
:class:`~sklearn.model_selection.HalvingGridSearchCV` and ``resource="max_iter"``, each
rung fits its survivors again from scratch: a survivor of 3 -> 9 -> 27 epochs trains
3 + 9 + 27 = 39 epochs to reach 27. :class:`skmlp.model_selection.HalvingGridSearchCV`
trains each rung's candidate x fold fits as stacks (as the fused grid search does, see
:ref:`fused-search`), and a model that survives a rung continues from where it stopped
(see :ref:`halving-search`). Continuing from 9 to 27 epochs is the fit with
``max_iter=27``, so the results are scikit-learn's.

Here four searches do the same job -- tune the same pipeline over the same 12
candidates and 5 folds of the breast cancer data with a budget of 27 epochs -- and we
time them.
"""

# %%
# The pipeline, the grid and the rungs
# ------------------------------------
# 12 candidates, ``factor=3``, ``max_resources=27`` epochs: scikit-learn's
# ``min_resources="exhaust"`` makes the rungs 3, 9 and 27 epochs, for 12, 4 and 2
# candidates.
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_halving_search_cv  # noqa: F401 (scikit-learn's)
from sklearn.model_selection import GridSearchCV as SklearnGridSearchCV
from sklearn.model_selection import HalvingGridSearchCV as SklearnHalvingGridSearchCV
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier
from skmlp.model_selection import HalvingGridSearchCV

# short epoch budgets on purpose: no need to warn about them
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_breast_cancer(return_X_y=True)
cv = StratifiedKFold(5, shuffle=True, random_state=0)
param_grid = {"mlp__learning_rate_init": [1e-3, 3e-3, 1e-2, 3e-2],
              "mlp__alpha": [1e-4, 1e-2, 1.0]}
EPOCHS = 27


def pipeline(mlp_class, **params):
    return Pipeline([("scale", StandardScaler()),
                     ("mlp", mlp_class(hidden_layer_sizes=(32,), random_state=0, **params))])


def timed(search):
    """Fit the search on (X, y); return it and its wall-clock time in seconds."""
    started = time.perf_counter()
    search.fit(X, y)
    return search, time.perf_counter() - started


halving = dict(resource="mlp__max_iter", max_resources=EPOCHS, factor=3, cv=cv)

# %%
# skmlp's halving search
# ----------------------
ours, ours_time = timed(HalvingGridSearchCV(pipeline(MLPClassifier), param_grid, **halving))
print(f"skmlp HalvingGridSearchCV: {ours_time:.2f} s")
print("rungs (candidates, epochs):", list(zip(ours.n_candidates_, ours.n_resources_)))
print("best:", ours.best_params_, f"accuracy {ours.best_score_:.4f}")

# %%
# scikit-learn's halving search, with skmlp's MLP and with its own
# ----------------------------------------------------------------
theirs, theirs_time = timed(SklearnHalvingGridSearchCV(pipeline(MLPClassifier), param_grid,
                                                       **halving))
print(f"sklearn HalvingGridSearchCV, skmlp MLP:   {theirs_time:.2f} s")
sklearn_mlp, sklearn_mlp_time = timed(SklearnHalvingGridSearchCV(
    pipeline(SklearnMLPClassifier), param_grid, **halving))
print(f"sklearn HalvingGridSearchCV, sklearn MLP: {sklearn_mlp_time:.2f} s")

# %%
# The same search: every rung's candidates, scores and ranks, and the best candidate,
# are scikit-learn's -- with skmlp's MLP and with scikit-learn's, whose model skmlp's is
# (same initialization, minibatches and steps for the same ``random_state``).
for other in (theirs, sklearn_mlp):
    assert ours.cv_results_["params"] == other.cv_results_["params"]
    assert np.allclose(ours.cv_results_["mean_test_score"],
                       other.cv_results_["mean_test_score"])
    assert ours.best_params_ == other.best_params_
print("cv_results_ and best_params_ agree with both of scikit-learn's searches")

# %%
# What users run without halving: every candidate for the whole budget
# ---------------------------------------------------------------------
grid, grid_time = timed(SklearnGridSearchCV(
    pipeline(SklearnMLPClassifier, max_iter=EPOCHS), param_grid, cv=cv))
print(f"sklearn GridSearchCV, sklearn MLP, {EPOCHS} epochs: {grid_time:.2f} s")
print("best:", grid.best_params_, f"accuracy {grid.best_score_:.4f}")

# %%
# Epochs trained
# --------------
# scikit-learn's halving search fits every rung's candidates from scratch; skmlp's
# trains each survivor only the epochs it has not trained yet (its ``cv_results_``
# ``mean_fit_time`` of a later rung is that of the new epochs alone). The grid search
# trains all candidates for the whole budget. Each search then refits the best
# candidate on all the data, for the whole budget.
n_folds = cv.get_n_splits()
rungs = list(zip(ours.n_candidates_, ours.n_resources_))
refit_from_scratch = sum(n * n_folds * epochs for n, epochs in rungs)
continued = sum(n * n_folds * (epochs - before)
                for (n, epochs), before in zip(rungs, [0] + ours.n_resources_[:-1]))
everything = len(grid.cv_results_["params"]) * n_folds * EPOCHS
print(f"model-epochs trained by the searches, refit not counted: grid {everything}, "
      f"halving {refit_from_scratch} (refit each rung), {continued} (survivors continue)")

# %%
# Search times
# ------------
# Each search's wall-clock time at ``n_jobs=1``, the refit included.
labels = ["skmlp halving,\nskmlp MLP", "sklearn halving,\nskmlp MLP",
          "sklearn halving,\nsklearn MLP", "sklearn grid,\nsklearn MLP"]
times = [ours_time, theirs_time, sklearn_mlp_time, grid_time]
epochs = [continued, refit_from_scratch, refit_from_scratch, everything]
fig, ax = plt.subplots(figsize=(7, 3.4), layout="constrained")
bars = ax.barh(labels, times, color=["C2", "C0", "C1", "C7"])
ax.bar_label(bars, [f" {t:.1f} s, {e} model-epochs" for t, e in zip(times, epochs)])
ax.set_xlim(0, 1.6 * max(times))
ax.invert_yaxis()
ax.set_xlabel("search time (s), n_jobs=1")
ax.set_title(f"12 candidates x 5 folds, breast cancer data, {EPOCHS}-epoch budget")
plt.show()
