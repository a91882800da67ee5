"""
======================================
Optimizers and learning-rate schedules
======================================

The same network on the digits with each solver, and Adam with each learning-rate
schedule. ``history_`` records the loss and the learning rate every epoch used.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier

# The epoch budgets here are deliberately short: no need to warn about them.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)
common = dict(hidden_layer_sizes=(64,), max_iter=60, tol=0, n_iter_no_change=1000,
              random_state=0)

# %%
# Solvers
# -------
# Plain SGD moves slowly at this rate; momentum (Nesterov's) accelerates it; Adam,
# RMSprop and Adagrad scale each parameter's step by its gradient history. L-BFGS
# works on the full batch: one point per iteration, each costing a full pass.
solvers = {
    "sgd, no momentum": dict(solver="sgd", momentum=0.0, learning_rate_init=0.01),
    "sgd, Nesterov momentum 0.9": dict(solver="sgd", learning_rate_init=0.01),
    "adam": dict(solver="adam"),
    "rmsprop": dict(solver="rmsprop"),
    "adagrad": dict(solver="adagrad", learning_rate_init=0.01),
    "lbfgs (per iteration)": dict(solver="lbfgs"),
}
fig, (ax_solvers, ax_schedules, ax_rates) = plt.subplots(1, 3, figsize=(15, 4),
                                                         layout="constrained")
for name, params in solvers.items():
    model = MLPClassifier(**common, **params).fit(X, y)
    ax_solvers.plot(np.arange(1, model.n_iter_ + 1), model.history_["loss"], label=name)
ax_solvers.set(xlabel="epoch", ylabel="training loss", yscale="log", title="solvers")
ax_solvers.legend(fontsize="small")

# %%
# Schedules
# ---------
# ``invscaling`` divides the rate by ``epoch ** power_t``, ``cosine`` anneals it to 0 at
# ``max_iter``, ``adaptive`` divides it by 5 whenever the loss stalls for
# ``n_iter_no_change`` epochs (here 5, with ``tol=1e-3``).
schedules = {
    "constant": dict(),
    "invscaling": dict(learning_rate="invscaling", power_t=0.5),
    "cosine": dict(learning_rate="cosine"),
    "adaptive": dict(learning_rate="adaptive", tol=1e-3, n_iter_no_change=5),
}
for name, params in schedules.items():
    model = MLPClassifier(**{**common, **params}, solver="sgd", learning_rate_init=0.05).fit(X, y)
    epochs = np.arange(1, model.n_iter_ + 1)
    ax_schedules.plot(epochs, model.history_["loss"], label=name)
    ax_rates.plot(epochs, model.history_["learning_rate"], label=name)
ax_schedules.set(xlabel="epoch", ylabel="training loss", yscale="log",
                 title="SGD with each schedule")
ax_rates.set(xlabel="epoch", ylabel="learning rate", title="the rate each epoch used")
ax_rates.legend()
plt.show()
