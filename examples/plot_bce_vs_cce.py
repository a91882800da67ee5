"""
===================================
Binary vs categorical cross-entropy
===================================

``categorical_crossentropy`` trains a softmax over the classes: the probabilities
compete and sum to one, for targets with exactly one class per sample.
``binary_crossentropy`` trains an independent sigmoid per class (one-vs-rest): it is
what multilabel targets need, where a sample can have several labels or none.
"""

# %%
# Multiclass: both work
# ---------------------
# Three overlapping blobs. With BCE, ``predict_proba`` normalizes the per-class
# sigmoids so rows sum to one; the raw sigmoids need not.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_blobs, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import f1_score

from skmlp import MLPClassifier

# The epoch budgets here are deliberately short: no need to warn about them.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = make_blobs(n_samples=600, centers=3, cluster_std=2.0, random_state=0)
xx, yy = np.meshgrid(np.linspace(X[:, 0].min() - 1, X[:, 0].max() + 1, 200),
                     np.linspace(X[:, 1].min() - 1, X[:, 1].max() + 1, 200))
grid = np.c_[xx.ravel(), yy.ravel()]

fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
for ax, loss in zip(axes, ["categorical_crossentropy", "binary_crossentropy"]):
    model = MLPClassifier(hidden_layer_sizes=(32,), loss=loss, max_iter=300,
                          random_state=0).fit(X, y)
    confidence = model.predict_proba(grid).max(axis=1).reshape(xx.shape)
    contour = ax.contourf(xx, yy, confidence, levels=np.linspace(0.3, 1, 15), cmap="viridis")
    ax.scatter(X[:, 0], X[:, 1], c=y, s=8, cmap="Set1", edgecolor="k", linewidth=0.2)
    ax.set_title(f"{loss}\naccuracy {model.score(X, y):.3f}, "
                 f"{model.n_iter_} epochs, final loss {model.loss_:.3f}")
fig.colorbar(contour, ax=axes, label="probability of the predicted class")
plt.show()

# %%
# Multilabel: only BCE
# --------------------
# With an indicator matrix of labels the default loss, ``log_loss``, is the binary
# cross-entropy summed over the labels (scikit-learn's; ``binary_crossentropy`` is its
# mean over the labels, Keras'), with a sigmoid per label. Asking for CCE is an error,
# because a softmax cannot say "both" or "none".
X, Y = make_multilabel_classification(n_samples=600, n_features=10, n_classes=4,
                                      random_state=0)
model = MLPClassifier(hidden_layer_sizes=(32,), max_iter=300, random_state=0)
model.fit(X[:450], Y[:450])
print("loss:", model.loss, "-> sigmoid outputs:", model.out_activation_)
micro_f1 = f1_score(Y[450:], model.predict(X[450:]), average="micro")
print(f"micro F1 on held-out samples: {micro_f1:.3f}")
print("label sets predicted for 3 samples:\n", model.predict(X[450:453]))
try:
    MLPClassifier(loss="categorical_crossentropy", max_iter=5).fit(X, Y)
except ValueError as error:
    print("CCE on multilabel targets:", error)
