"""
======================
Comparing initializers
======================

How the starting weights shape training. Zeros and ones make every hidden unit of a
layer identical, and gradient descent keeps them identical (the *symmetry problem*);
random initializers break the symmetry, and the scaled ones (Glorot, He, LeCun) keep
the activations' variance steady through the layers so training starts fast.
"""

# %%
# Loss curves
# -----------
# The same network on the digits, changing only ``weight_init``. The biases start at
# zero for all of them. ``weight_init="auto"``, the default, is scikit-learn's rule:
# for a tanh network that is ``glorot_uniform``. Some curves lie on top of each other
# (``zeros`` and ``ones`` never learn; the three scaled initializers train alike), so
# each has its own line style and markers placed at different epochs.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier
from skmlp.initializers import Normal

# The epoch budgets here are deliberately short: no need to warn about them.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)

initializers = {
    "zeros": "zeros",
    "ones": "ones",
    "normal (std 1)": Normal(std=1.0),
    "uniform (+-0.05)": "uniform",
    "glorot_uniform": "glorot_uniform",
    "he_normal": "he_normal",
    "lecun_normal": "lecun_normal",
}
line_styles = ["-", "--", "-", "-.", "-", "--", ":"]
markers = ["o", "s", "^", "v", "D", "x", "+"]
models = {}
fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
for index, (name, init) in enumerate(initializers.items()):
    model = MLPClassifier(hidden_layer_sizes=(64, 64), activation="tanh", weight_init=init,
                          bias_init="zeros", solver="sgd", learning_rate_init=0.05,
                          max_iter=40, random_state=0).fit(X, y)
    models[name] = model
    ax.plot(np.arange(1, model.n_iter_ + 1), model.history_["loss"], label=name,
            linestyle=line_styles[index], marker=markers[index], fillstyle="none",
            markevery=(index, len(initializers)))  # a marker every 7 epochs, staggered
ax.set(xlabel="epoch", ylabel="training loss", yscale="log",
       title="tanh network (64, 64) on digits, SGD")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1))
plt.show()

# %%
# The symmetry problem
# --------------------
# Count how many different weight vectors the first hidden layer's 64 units hold
# after training: with a constant initializer every unit receives the same gradient,
# so the layer behaves like a single unit however wide it is.
for name, model in models.items():
    first_layer = model.coefs_[0]
    distinct = np.unique(first_layer.round(6), axis=1).shape[1]
    print(f"{name:>17}: {distinct:2d} distinct hidden units, "
          f"training accuracy {model.score(X, y):.3f}")

# %%
# The scale of the initial weights
# --------------------------------
# Standard deviation of each layer's weights (hidden, hidden, output) after a single
# step at a negligible learning rate, so practically as initialized: Glorot draws
# with variance ``2 / (fan_in + fan_out)``, He with ``2 / fan_in`` (made for ReLU),
# LeCun with ``1 / fan_in``. For the 64 -> 64 layer that is a standard deviation of
# 0.125, 0.177 and 0.125.
for name in ["glorot_uniform", "he_normal", "lecun_normal"]:
    untrained = MLPClassifier(hidden_layer_sizes=(64, 64), weight_init=initializers[name],
                              max_iter=1, solver="sgd", learning_rate_init=1e-9,
                              random_state=0)
    untrained.partial_fit(X, y, classes=np.unique(y))
    print(f"{name:>15}:", [round(float(W.std()), 3) for W in untrained.coefs_])
