"""
==============
Early stopping
==============

With ``early_stopping=True`` the estimator holds out ``validation_fraction`` of the
training data (stratified for classifiers), scores it after every epoch, stops once
the score has not improved by ``tol`` for ``n_iter_no_change`` epochs, and restores
the parameters of the best epoch.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier
from skmlp.plot import LossCurveDisplay

# The epoch budgets here are deliberately short: no need to warn about them.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)

stopped = MLPClassifier(hidden_layer_sizes=(128,), early_stopping=True, validation_fraction=0.2,
                        n_iter_no_change=10, max_iter=500, random_state=0).fit(X_train, y_train)
full = MLPClassifier(hidden_layer_sizes=(128,), max_iter=stopped.n_iter_ * 3, tol=0,
                     n_iter_no_change=1000, random_state=0).fit(X_train, y_train)

scores = np.asarray(stopped.history_["validation_score"])
best_epoch = int(np.flatnonzero(scores == scores.max())[-1]) + 1  # the latest of tied bests
print(f"early stopping: {stopped.n_iter_} epochs run, parameters of epoch {best_epoch} kept, "
      f"test accuracy {stopped.score(X_test, y_test):.3f}")
print(f"without:        {full.n_iter_} epochs, test accuracy {full.score(X_test, y_test):.3f}")

# %%
# The validation score (right axis) levels off; the run stops ``n_iter_no_change``
# epochs after the best one, marked by the dotted line.
display = LossCurveDisplay.from_estimator(stopped, log_scale=True)
display.ax_.axvline(best_epoch, color="k", linestyle=":", label="restored epoch")
display.ax_.legend(loc="center right")
plt.show()
