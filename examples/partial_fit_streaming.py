"""Training on data that arrives in chunks, with ``partial_fit``.

Each call makes one pass over its chunk in minibatches and keeps the
optimizer's state (Adam's moments, the schedule) for the next call. Run with
``python examples/partial_fit_streaming.py``.
"""

import numpy as np
from sklearn.datasets import make_classification

from skmlp import MLPClassifier

X, y = make_classification(n_samples=20_000, n_features=20, n_informative=10, n_classes=3,
                           random_state=0)
X_test, y_test = X[-2000:], y[-2000:]
classes = np.unique(y)  # every class must be announced on the first call

model = MLPClassifier(hidden_layer_sizes=(64,), batch_size=64, random_state=0)
for epoch in range(3):
    for start in range(0, 18_000, 3_000):
        chunk = slice(start, start + 3_000)
        model.partial_fit(X[chunk], y[chunk], classes=classes)
    print(f"pass {epoch + 1}: {model.n_iter_} chunks seen, {model.t_} samples, "
          f"test accuracy {model.score(X_test, y_test):.3f}")
