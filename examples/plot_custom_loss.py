"""
==========================================
A custom loss: quantile (pinball) networks
==========================================

A loss you write is a subclass of :class:`skmlp.losses.Loss` with two plain numpy
functions: the value per sample and its gradient with respect to the network's raw
outputs. Here the pinball loss, whose minimizer is a quantile of ``y`` given ``X``:
three networks trained on its 5%, 50% and 95% quantiles give a median curve and a 90%
prediction interval whose width follows the noise. Each network's ``alpha`` and learning
rate are tuned by a fused grid search, scored by scikit-learn's ``mean_pinball_loss`` at
that quantile.
"""

# %%
# The loss, and a check of its gradient against finite differences.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import make_scorer, mean_pinball_loss
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPRegressor
from skmlp.losses import Loss
from skmlp.model_selection import GridSearchCV
from skmlp.utils import check_gradients

# 150 epochs are enough for this comparison; the searches' fits stop there on purpose
warnings.filterwarnings("ignore", category=ConvergenceWarning)


class Pinball(Loss):
    """Mean over the outputs of ``max(q r, (q - 1) r)``, ``r = y - z``."""

    nonnegative = True

    def __init__(self, quantile=0.5):
        self.quantile = quantile

    def value(self, y, z):
        r = y - z
        return np.mean(np.maximum(self.quantile * r, (self.quantile - 1) * r), axis=1)

    def gradient(self, y, z):
        return np.where(y > z, -self.quantile, 1 - self.quantile) / y.shape[1]


print("worst gradient error:", f"{check_gradients(Pinball(0.95)).error:.1e}")

# %%
# Data whose noise grows with ``x``; targets scaled inside the model
# (:class:`~sklearn.compose.TransformedTargetRegressor`), which keeps quantiles.
rng = np.random.default_rng(0)
x = rng.uniform(0, 10, 1200)
y = x * np.sin(x) + rng.normal(scale=0.3 + 0.4 * x)
X_train, X_test, y_train, y_test = train_test_split(x[:, None], y, random_state=0)

# %%
# One fused search per quantile over ``alpha`` and ``learning_rate_init``: its 4
# candidates x 3 folds train as one stack of 12 networks.
models = {}
for quantile in (0.05, 0.5, 0.95):
    network = MLPRegressor(hidden_layer_sizes=(32, 32), loss=Pinball(quantile),
                           max_iter=150, random_state=0)
    model = TransformedTargetRegressor(make_pipeline(StandardScaler(), network),
                                       transformer=StandardScaler())
    grid = {"regressor__mlpregressor__alpha": [1e-4, 1e-2],
            "regressor__mlpregressor__learning_rate_init": [3e-3, 1e-2]}
    scorer = make_scorer(mean_pinball_loss, alpha=quantile, greater_is_better=False)
    search = GridSearchCV(model, grid, scoring=scorer, cv=3).fit(X_train, y_train)
    models[quantile] = search.best_estimator_
    best = {k.split("__")[-1]: v for k, v in search.best_params_.items()}
    below = np.mean(y_test <= search.predict(X_test))
    print(f"q={quantile:.2f}: best {best}, test pinball loss "
          f"{mean_pinball_loss(y_test, search.predict(X_test), alpha=quantile):.3f}, "
          f"{below:.1%} of test targets below")

# %%
# The median and the 90% interval on the test set.
grid_x = np.linspace(0, 10, 400)[:, None]
low, median, high = (models[q].predict(grid_x) for q in (0.05, 0.5, 0.95))
inside = np.mean((models[0.05].predict(X_test) <= y_test)
                 & (y_test <= models[0.95].predict(X_test)))
fig, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
ax.scatter(X_test[:, 0], y_test, s=6, color="0.6", label="test targets")
ax.fill_between(grid_x[:, 0], low, high, alpha=0.3, color="tab:blue",
                label=f"5%-95% quantiles ({inside:.0%} of test targets inside)")
ax.plot(grid_x[:, 0], median, color="tab:blue", linewidth=2, label="median (q = 0.5)")
ax.plot(grid_x[:, 0], grid_x[:, 0] * np.sin(grid_x[:, 0]), "k--", label="x sin x")
ax.set(xlabel="x", ylabel="y", title="Quantile networks trained with a custom pinball loss")
ax.legend(loc="upper left", fontsize="small")
plt.show()
