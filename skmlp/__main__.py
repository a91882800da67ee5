"""Demo: ``python -m skmlp``.

Tunes an MLPClassifier on scikit-learn's handwritten digits inside a Pipeline
with GridSearchCV, then reports what it found on held-out data.
"""

import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, ParameterGrid, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier, __version__


def main():
    start = time.perf_counter()
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    print(f"skmlp {__version__} demo: scikit-learn's digits, {X.shape[0]} images of "
          f"{X.shape[1]} pixels, 10 classes; {len(X_train)} to train, {len(X_test)} to test.\n")

    pipeline = Pipeline([
        ("scale", StandardScaler()),
        ("mlp", MLPClassifier(hidden_layer_sizes=(64,), max_iter=60, random_state=0)),
    ])
    grid = {
        "mlp__activation": ["relu", "gelu"],
        "mlp__weight_init": ["he_uniform", "glorot_normal"],
        "mlp__dropout": [0.0, 0.2],
        "mlp__solver": ["adam", "rmsprop"],
    }
    search = GridSearchCV(pipeline, grid, cv=3, n_jobs=2)
    print(f"GridSearchCV: {len(ParameterGrid(grid))} candidates x 3 folds over activation, "
          "weight_init, dropout and solver ...")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X_train, y_train)

    ranked = sorted(zip(search.cv_results_["rank_test_score"], search.cv_results_["params"],
                        search.cv_results_["mean_test_score"]), key=lambda row: row[0])
    print("\nbest candidates (mean CV accuracy):")
    for rank, params, score in ranked[:3]:
        short = ", ".join(f"{k.removeprefix('mlp__')}={v}" for k, v in params.items())
        print(f"  {rank}. {score:.4f}  {short}")

    model = search.best_estimator_.named_steps["mlp"]
    print(f"\nrefit on all training data: {model.n_iter_} epochs, final training loss "
          f"{model.loss_:.4f} (first epoch {model.loss_curve_[0]:.4f})")
    shapes = " -> ".join(str(c.shape) for c in model.coefs_)
    print(f"weights per layer (fan_in, fan_out): {shapes}")
    print(f"test accuracy: {search.score(X_test, y_test):.4f}")
    print(f"\ndone in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
