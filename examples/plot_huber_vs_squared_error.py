"""
==========================
MSE vs Huber with outliers
==========================

Squared error lets a few huge residuals dominate the gradient; Huber is quadratic
within ``huber_delta`` of the target and linear beyond it, so outliers pull with a
bounded force. Absolute error is linear everywhere (it estimates the median).
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
fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
ax.scatter(X[:, 0], y, s=6, color="0.6", label="training targets")
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
ax.legend(loc="upper left", fontsize="small")
plt.show()
