"""
====================================
Squared error vs Huber with outliers
====================================

Squared error lets a few huge residuals dominate the gradient; Huber is quadratic
within ``huber_delta`` of the target and linear beyond it, so outliers pull with a
bounded force. ``squared_error`` is scikit-learn's ``(y - p)**2 / 2`` (half the MSE;
``loss="mse"`` is the full one), the same curve Huber follows within ``huber_delta``.
Absolute error is linear everywhere (it estimates the median).
"""

# %%
# Data: a smooth curve, 10% of the training targets pushed far away.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import mean_absolute_error

from skmlp import MLPRegressor

rng = np.random.default_rng(0)
X = np.sort(rng.uniform(-3, 3, size=(400, 1)), axis=0)
y_clean = np.sin(X[:, 0]) + 0.3 * X[:, 0]
y = y_clean + 0.1 * rng.normal(size=400)
outliers = rng.choice(400, 40, replace=False)
y[outliers] += 8 + 4 * rng.random(40)  # all pushed upwards: a biased contamination

# %%
# Fit the same network with each loss and compare on the clean curve.
losses = {
    "squared_error": {},
    "absolute_error": {},
    "huber, delta=1": {"huber_delta": 1.0},
    "huber, delta=0.1": {"huber_delta": 0.1},
}
fig, ax = plt.subplots(figsize=(10, 4.5), layout="constrained")
inliers = np.setdiff1d(np.arange(400), outliers)
ax.scatter(X[inliers, 0], y[inliers], s=6, color="0.6", label="training targets")
# The outliers lie far above the curves; drawn at the top edge so the axes stay readable.
ax.scatter(X[outliers, 0], np.full(40, 4.8), s=12, marker="^", color="0.3",
           label="outliers (y from 8 to 12, drawn at the top)")
grid = np.linspace(-3, 3, 300)[:, None]
for name, extra in losses.items():
    loss = name.split(",")[0]
    model = MLPRegressor(hidden_layer_sizes=(32, 32), loss=loss, learning_rate_init=0.01,
                         max_iter=300, random_state=0, **extra).fit(X, y)
    error = mean_absolute_error(y_clean, model.predict(X))
    print(f"{name:>17}: mean absolute error to the clean curve {error:.3f}")
    ax.plot(grid[:, 0], model.predict(grid), linewidth=2, label=f"{name} ({error:.2f})")
ax.plot(grid[:, 0], np.sin(grid[:, 0]) + 0.3 * grid[:, 0], "k--", label="clean curve")
ax.set(ylim=(-3, 5), xlabel="x", ylabel="y", title="Fits with 10% outliers")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small",
          title="loss (mean absolute error\nto the clean curve)", title_fontsize="small")
plt.show()
