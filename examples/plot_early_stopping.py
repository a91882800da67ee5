"""
==============
Early stopping
==============

With ``early_stopping=True`` the estimator scores a validation set after every epoch:
``validation_fraction`` of the training data held out (scikit-learn's split), or
``X_val``/``y_val`` when ``fit`` is given them, as here. An epoch *improves* when its
score beats the best score so far by at least ``tol``; after ``n_iter_no_change + 1``
epochs in a row without an improvement the run stops and the estimator restores the
parameters of the best-scoring epoch (of epochs tied at the best score, the first, as
scikit-learn does).
"""

# %%
# Noisy labels
# ------------
# A fifth of the training labels are replaced by random digits. A network trained long
# enough memorizes them and gets worse on clean data; early stopping ends training
# near the epoch the validation accuracy peaked.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier
from skmlp.plot import LossCurveDisplay

# The run without early stopping has a deliberately fixed budget: no need to warn.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
rng = np.random.default_rng(0)
noisy = rng.random(len(y_train)) < 0.2
y_train = np.where(noisy, rng.integers(0, 10, len(y_train)), y_train)
X_fit, X_val, y_fit, y_val = train_test_split(X_train, y_train, test_size=0.2,
                                              stratify=y_train, random_state=0)

stopped = MLPClassifier(hidden_layer_sizes=(256,), early_stopping=True, n_iter_no_change=10,
                        max_iter=500, random_state=0)
stopped.fit(X_fit, y_fit, X_val=X_val, y_val=y_val)
full = MLPClassifier(hidden_layer_sizes=(256,), max_iter=150, tol=0,
                     n_iter_no_change=1000, random_state=0).fit(X_fit, y_fit)

# %%
# What early stopping did
# -----------------------
# ``history_["validation_score"]`` has the score of every epoch. Recompute from it
# when the best score last improved by ``tol``, and which epochs reached the best.
scores = np.asarray(stopped.history_["validation_score"])
best_before = np.maximum.accumulate(np.r_[-np.inf, scores[:-1]])  # best of earlier epochs
last_improvement = int(np.flatnonzero(scores >= best_before + stopped.tol)[-1]) + 1
best_epochs = np.flatnonzero(scores == stopped.best_validation_score_) + 1
restored_epoch = int(best_epochs[0])  # the first at the best score: scikit-learn's rule
print(f"stopped after epoch {stopped.n_iter_}: the last improvement was epoch "
      f"{last_improvement}, {stopped.n_iter_ - last_improvement} epochs before "
      f"(n_iter_no_change={stopped.n_iter_no_change}, plus one)")
print(f"best validation accuracy {stopped.best_validation_score_:.4f} at epochs "
      f"{best_epochs.tolist()}: the parameters of epoch {restored_epoch} were restored")
print(f"the returned model scores {stopped.score(X_val, y_val):.4f} on the validation set; "
      f"the last epoch scored {scores[-1]:.4f}")
print(f"test accuracy (clean labels): {stopped.score(X_test, y_test):.4f} with early "
      f"stopping, {full.score(X_test, y_test):.4f} after {full.n_iter_} epochs without")

# %%
# The validation accuracy (dashed, right axis) levels off and the validation loss
# starts to rise: the network has begun to fit the wrong labels. The shaded band covers
# the ``n_iter_no_change + 1`` epochs after the last improvement, none of which beat the
# best score by ``tol``; the run stopped at the last of them. The dotted line marks the
# restored epoch: the best-scoring one, or of several tied at the best score the first,
# as scikit-learn restores it (a new best by less than ``tol`` can lie inside the band).
fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
display = LossCurveDisplay.from_estimator(stopped, ax=ax, log_scale=True)
# each epoch's point sits at its number: the band spans the epochs after the last
# improvement, from half an epoch after it to half an epoch after the stop
ax.axvspan(last_improvement + 0.5, stopped.n_iter_ + 0.5, color="0.9",
           label=f"epochs {last_improvement + 1}-{stopped.n_iter_}: "
                 f"{stopped.n_iter_ - last_improvement} without improvement")
tied = ", ".join(map(str, best_epochs[:3])) + (", ..." if len(best_epochs) > 3 else "")
restored = ax.axvline(restored_epoch, color="k", linestyle=":",
                      label=f"restored epoch {restored_epoch}" + (
                          f": the first at the best score ({tied})" if len(best_epochs) > 1
                          else ": the best score"))
ax.set_title("MLPClassifier on digits, a fifth of the training labels random")
handles = [*display.lines_.values(), *ax.patches, restored]
# one legend for all, below the axes instead of the display's (on its score axes)
display.score_ax_.get_legend().remove()
ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2,
          fontsize="small")
plt.show()
