"""
==================================
Dropout and L2 against overfitting
==================================

A wide network trained long on few, noisy samples memorizes them: the training loss
keeps falling while the validation loss turns up. An L2 penalty (``alpha``) keeps the
weights small; dropout trains a different thinned network on every minibatch. Both
narrow the gap.
"""

# %%
# Few samples, many features, label noise.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier
from skmlp.plot import ParameterDistributionDisplay

# The epoch budgets here are deliberately short: no need to warn about them.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = make_classification(n_samples=600, n_features=40, n_informative=8, flip_y=0.15,
                           random_state=0)
X = StandardScaler().fit_transform(X)
X_train, X_val, y_train, y_val = train_test_split(X, y, train_size=200, random_state=0)

# %%
# ``X_val``/``y_val`` are scored after every epoch (no early stopping here), so
# ``history_`` has the validation loss next to the training loss. Without
# regularization the training loss goes to zero while the validation loss climbs
# after its minimum. The L2 penalty holds the validation loss not far above its
# minimum. Dropout alone moves the minimum later but, 80 epochs in, the validation
# loss has climbed about as far as without it; with L2 as well it ends in between.
# The panels share the loss axis.
settings = {
    "no regularization": dict(),
    "L2 (alpha=1)": dict(alpha=1.0),
    "dropout 0.5": dict(dropout=0.5),
    "dropout 0.5 + L2": dict(dropout=0.5, alpha=1.0),
}

def train(**params):
    """A wide network, 80 epochs at a brisk rate, no stopping: long enough to overfit."""
    return MLPClassifier(hidden_layer_sizes=(256, 256), learning_rate_init=0.003, max_iter=80,
                         tol=0, n_iter_no_change=1000, random_state=0, **params)


models = {}
fig, axes = plt.subplots(1, len(settings), figsize=(14, 4), sharey=True, layout="constrained")
for ax, (name, params) in zip(axes, settings.items()):
    model = models[name] = train(**params).fit(X_train, y_train, X_val=X_val, y_val=y_val)
    epochs = np.arange(1, model.n_iter_ + 1)
    validation_loss = np.asarray(model.history_["validation_loss"])
    ax.plot(epochs, model.history_["loss"], label="training")
    ax.plot(epochs, validation_loss, label="validation")
    weight_norm = sum(model.history_["weight_norm"][-1])
    print(f"{name:>17}: validation loss lowest {validation_loss.min():.3f} (epoch "
          f"{validation_loss.argmin() + 1}), last {validation_loss[-1]:.3f}; validation "
          f"accuracy {model.score(X_val, y_val):.3f}")
    ax.set_title(f"{name}\nval. accuracy {model.score(X_val, y_val):.3f}, "
                 f"weight norm {weight_norm:.0f}", fontsize="medium")
    ax.set(xlabel="epoch", yscale="log")
axes[0].set(ylabel="loss (training: penalty included)")
axes[0].legend()
plt.show()

# %%
# L1 against L2: what each does to the weights
# --------------------------------------------
# L2 shrinks every weight in proportion to its size; L1 (``alpha_l1``) pulls every
# weight towards zero by the same amount, so the many weights on the 32 uninformative
# features end up near zero. The histograms show the first layer's weights. (A
# validation set changes nothing in training: the first two are the models above.)
penalized = {"no penalty": models["no regularization"], "L2 (alpha=1)": models["L2 (alpha=1)"],
             "L1 (alpha_l1=0.5)": train(alpha_l1=0.5).fit(X_train, y_train)}
fig, axes = plt.subplots(1, 3, figsize=(14, 3.5), sharex=True, layout="constrained")
for ax, (name, model) in zip(axes, penalized.items()):
    first_layer = model.coefs_[0]
    ParameterDistributionDisplay([first_layer], kind="weights").plot(ax=ax, bins=60)
    small = np.mean(np.abs(first_layer) < 1e-3)
    ax.set_title(f"{name}\n{small:.0%} of |w| < 0.001, val. accuracy "
                 f"{model.score(X_val, y_val):.3f}", fontsize="medium")
    ax.set_yscale("log")
    ax.get_legend().remove()
plt.show()
