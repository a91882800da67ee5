"""Huber loss against squared error on targets with outliers.

Squared error lets a few huge residuals dominate the gradient; Huber is
quadratic within ``huber_delta`` and linear beyond it, so outliers pull with a
bounded force. Run with ``python examples/huber_vs_squared_error.py``.
"""

import numpy as np
from sklearn.metrics import mean_absolute_error

from skmlp import MLPRegressor

rng = np.random.default_rng(0)
X = rng.normal(size=(800, 3))
y_clean = np.sin(X[:, 0]) + X[:, 1] - 0.5 * X[:, 2]
y = y_clean + 0.1 * rng.normal(size=800)
outliers = rng.choice(600, 60, replace=False)
y[outliers] += rng.choice([-1, 1], 60) * 25  # 10% of the training targets corrupted

for loss in ["squared_error", "absolute_error", "huber"]:
    model = MLPRegressor(hidden_layer_sizes=(32,), loss=loss, learning_rate_init=0.01,
                         max_iter=300, random_state=0).fit(X[:600], y[:600])
    error = mean_absolute_error(y_clean[600:], model.predict(X[600:]))
    print(f"{loss:>15}: mean absolute error on clean test targets {error:.3f}")
