"""
==========
Quickstart
==========

Fit an :class:`~skmlp.MLPClassifier` in a scikit-learn pipeline, predict, and look
at what training did: the loss per epoch, the validation score early stopping
watched, and the per-layer statistics recorded in ``history_``.
"""

# %%
# Fit and score
# -------------
# A pipeline standardizes the features and trains a two-hidden-layer network with a
# little dropout; early stopping holds out 10% of the training data and keeps the
# parameters of the best validation epoch.
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier
from skmlp.plot import LossCurveDisplay, ParameterTrajectoryDisplay

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

model = make_pipeline(
    StandardScaler(),
    MLPClassifier(hidden_layer_sizes=(32, 16), dropout=0.1, batch_size=32,
                  early_stopping=True, n_iter_no_change=20, random_state=0),
)
model.fit(X_train, y_train)
mlp = model[-1]
print(f"test accuracy: {model.score(X_test, y_test):.3f}")
print(f"stopped after {mlp.n_iter_} epochs; best validation accuracy "
      f"{mlp.best_validation_score_:.3f}")
print("P(benign) of the first 3 test samples:", model.predict_proba(X_test[:3])[:, 1].round(3))

# %%
# What training did
# -----------------
# ``history_`` holds one entry per epoch; the scalar ones make a DataFrame.
history = pd.DataFrame({key: mlp.history_[key] for key in
                        ["loss", "validation_loss", "validation_score", "learning_rate", "time"]})
print(history.head())

# %%
# The loss curves and the validation score (right axis), and how the spread of each
# layer's weights changed.
fig, (ax_loss, ax_weights) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
LossCurveDisplay.from_estimator(model, ax=ax_loss)
ParameterTrajectoryDisplay.from_estimator(model, kind="weights", statistic="std", ax=ax_weights)
plt.show()
