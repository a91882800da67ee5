"""Quickstart: fit, predict, and look at what training did.

Run with ``python examples/quickstart.py``.
"""

from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

model = make_pipeline(
    StandardScaler(),
    MLPClassifier(hidden_layer_sizes=(32, 16), dropout=0.1, batch_size=32,
                  early_stopping=True, random_state=0),
)
model.fit(X_train, y_train)
mlp = model[-1]

print(f"test accuracy: {model.score(X_test, y_test):.3f}")
print(f"stopped after {mlp.n_iter_} epochs; best validation accuracy "
      f"{mlp.best_validation_score_:.3f}")
print("training loss every 10 epochs:", [round(v, 4) for v in mlp.loss_curve_[::10]])
for i, (W, b) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
    print(f"layer {i}: weights {W.shape} mean {W.mean():+.3f} std {W.std():.3f}; "
          f"biases mean {b.mean():+.3f}")
print("P(benign) of the first 3 test samples:", model.predict_proba(X_test[:3])[:, 1].round(3))
