"""
===============================
Watching biases during training
===============================

Biases start where ``bias_init`` puts them (zeros by default) and move with the
data. ``history_`` records each layer's mean, standard deviation and norm of its
weights and biases after every epoch, and the gradient norm; the displays in
:mod:`skmlp.plot` draw them.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_regression
from sklearn.preprocessing import StandardScaler

from skmlp import MLPRegressor
from skmlp.plot import ParameterDistributionDisplay, ParameterTrajectoryDisplay

X, y = make_regression(n_samples=1000, n_features=10, n_informative=6, noise=5, random_state=0)
X = StandardScaler().fit_transform(X)
y = 3.0 + y / y.std()  # a target mean of 3 the network must learn to add

model = MLPRegressor(hidden_layer_sizes=(32, 16), bias_init="zeros", batch_size=50,
                     learning_rate_init=0.005, random_state=0)

# %%
# Train one epoch at a time with ``partial_fit`` to take snapshots of the biases.
snapshots = {}
for epoch in range(1, 41):
    model.partial_fit(X, y)
    if epoch in (1, 10, 40):
        snapshots[epoch] = [b.copy() for b in model.intercepts_]
print("output bias after 1, 10, 40 epochs:",
      [round(float(s[-1][0]), 3) for s in snapshots.values()])

# %%
# The output bias alone does not carry the offset of 3: gradient descent spreads it
# over every parameter that can shift the output, so the hidden ReLU layers' biases
# move too, and their spread grows as units specialize.

# %%
# Mean and spread (shaded: plus or minus one standard deviation) of each layer's
# biases, and the size of their gradients.
fig, (ax_mean, ax_grad) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
ParameterTrajectoryDisplay.from_estimator(model, kind="biases", statistic="mean", ax=ax_mean)
ParameterTrajectoryDisplay.from_estimator(model, kind="biases", statistic="grad_norm",
                                          ax=ax_grad)
ax_grad.set_yscale("log")
plt.show()

# %%
# Distribution of the hidden layers' biases at three moments of training.
fig, axes = plt.subplots(1, 3, figsize=(13, 3.5), sharex=True, layout="constrained")
for ax, (epoch, biases) in zip(axes, snapshots.items()):
    display = ParameterDistributionDisplay(biases[:-1], kind="biases").plot(ax=ax, bins=20)
    # the display names the last array it is given "output layer": here it is not
    ax.legend([patches[0] for patches in display.patches_],
              [f"hidden layer {layer}" for layer in range(1, len(biases))])
    ax.set_title(f"after {epoch} epoch{'s' if epoch > 1 else ''}")
print("hidden bias std per layer now:", np.round(model.history_["bias_std"][-1][:-1], 3))
plt.show()
