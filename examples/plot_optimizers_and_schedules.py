"""
======================================
Optimizers and learning-rate schedules
======================================

The same network on the digits with each solver, and SGD with each learning-rate
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
# RMSprop and Adagrad scale each parameter's step by its gradient history; AdamW is
# Adam that also shrinks the weights a little every step (decoupled weight decay): on the
# training loss the two barely differ, so Adam is drawn with circles and AdamW dashed
# with squares on top of it. L-BFGS works on the full batch: one point per iteration,
# each costing a full pass.
solvers = {
    "sgd, no momentum": dict(solver="sgd", momentum=0.0, learning_rate_init=0.01),
    "sgd, Nesterov momentum 0.9": dict(solver="sgd", learning_rate_init=0.01),
    "adam": dict(solver="adam"),
    "adamw, weight_decay 0.05": dict(solver="adamw", weight_decay=0.05),
    "rmsprop": dict(solver="rmsprop"),
    "adagrad": dict(solver="adagrad", learning_rate_init=0.01),
    "lbfgs (per iteration)": dict(solver="lbfgs"),
}
# markers every 6 epochs, those of adamw between adam's
solver_styles = {"adam": dict(marker="o", markevery=(0, 6), markersize=5),
                 "adamw, weight_decay 0.05": dict(linestyle="--", marker="s", markevery=(3, 6),
                                                  markersize=4)}
fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
for name, params in solvers.items():
    model = MLPClassifier(**common, **params).fit(X, y)
    ax.plot(np.arange(1, model.n_iter_ + 1), model.history_["loss"], label=name,
            **solver_styles.get(name, {}))
ax.set(xlabel="epoch (L-BFGS: iteration)", ylabel="training loss", yscale="log",
       title="each solver, same network and data")
# outside the axes: inside, it would cover the curves
ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
plt.show()

# %%
# Schedules
# ---------
# ``invscaling`` divides the rate by ``epoch ** power_t``, ``cosine`` anneals it to 0 at
# ``max_iter``, ``adaptive`` divides it by 5 whenever the loss stalls, that is fails
# to improve by ``tol`` for more than ``n_iter_no_change`` epochs in a row (here 6
# epochs: ``n_iter_no_change=5``, ``tol=1e-3``). ``constant`` and
# ``adaptive`` take the same steps until the first stall, so their curves coincide up
# to there; ``adaptive`` is dashed to keep the line underneath it visible.
# ``one_cycle`` (PyTorch's OneCycleLR) rises to ``learning_rate_init`` over the first
# 30% of the minibatches and then anneals far below it, moving every minibatch (the
# plot shows each epoch's first); ``warmup_epochs=10`` ramps the rate up linearly
# before a schedule starts, here the cosine.
schedules = {
    "constant": dict(),
    "invscaling": dict(learning_rate="invscaling", power_t=0.5),
    "cosine": dict(learning_rate="cosine"),
    "adaptive": dict(learning_rate="adaptive", tol=1e-3, n_iter_no_change=5),
    "one_cycle": dict(learning_rate="one_cycle"),
    "cosine, 10 warmup epochs": dict(learning_rate="cosine", warmup_epochs=10),
}
styles = {"adaptive": "--"}
fig, (ax_loss, ax_rate) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
for name, params in schedules.items():
    model = MLPClassifier(**{**common, **params}, solver="sgd", learning_rate_init=0.05).fit(X, y)
    epochs = np.arange(1, model.n_iter_ + 1)
    ax_loss.plot(epochs, model.history_["loss"], styles.get(name, "-"), label=name)
    ax_rate.plot(epochs, model.history_["learning_rate"], styles.get(name, "-"), label=name)
ax_loss.set(xlabel="epoch", ylabel="training loss", yscale="log",
            title="SGD with each schedule")
ax_rate.set(xlabel="epoch", ylabel="learning rate", title="the rate each epoch used")
# one legend for both panels, below them: inside either, it would cover curves
fig.legend(handles=ax_rate.get_lines(), loc="outside lower center", ncols=len(schedules))
plt.show()
