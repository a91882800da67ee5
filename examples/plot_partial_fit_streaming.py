"""
=====================================
Training on a stream with partial_fit
=====================================

Each ``partial_fit`` call makes one pass over its chunk in minibatches and keeps the
optimizer's state (Adam's moments, the learning-rate schedule) for the next call.
Every class must be announced on the first call.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification

from skmlp import MLPClassifier

X, y = make_classification(n_samples=20_000, n_features=20, n_informative=10, n_classes=3,
                           random_state=0)
X_test, y_test = X[-2000:], y[-2000:]
classes = np.unique(y)

model = MLPClassifier(hidden_layer_sizes=(64,), batch_size=64, random_state=0)
seen, accuracy = [], []
for _ in range(3):
    for start in range(0, 18_000, 1_500):
        model.partial_fit(X[start:start + 1_500], y[start:start + 1_500], classes=classes)
        seen.append(model.t_)
        accuracy.append(model.score(X_test, y_test))
# ``n_iter_`` counts the epochs of the last call only (one, as in scikit-learn); the loss
# curve keeps one entry per call.
print(f"{len(model.loss_curve_)} chunks, {model.t_} samples seen, "
      f"test accuracy {accuracy[-1]:.3f}")

# %%
# Test accuracy after every chunk, and each chunk's training loss from ``history_``.
fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
ax.plot(seen, accuracy, marker=".", label="test accuracy")
ax.plot(seen, model.history_["loss"], marker=".", label="chunk training loss")
ax.set(xlabel="samples seen", ylabel="accuracy / loss", ylim=(0, 1.2),
       title="MLPClassifier.partial_fit, 12 chunks per pass, 3 passes")
ax.legend()
plt.show()
