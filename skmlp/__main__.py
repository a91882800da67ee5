"""Demo: ``python -m skmlp``.

Tunes an MLPClassifier on scikit-learn's handwritten digits inside a Pipeline
with GridSearchCV, then reports what it found on held-out data.
"""

import argparse
import time
import warnings

import numpy as np
from scipy.stats import rankdata
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import ParameterGrid, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier, __version__, show_versions
from skmlp.model_selection import GridSearchCV

# Mean CV scores are averages of a few accuracies: candidates that classify the same
# samples correctly can still differ in the last bits (1e-16) depending on the order
# of the additions. Ranked at this many decimals, such candidates share a rank.
DECIMALS = 4


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m skmlp",
        description=(
            "skmlp demo: tune an MLPClassifier on scikit-learn's handwritten digits with "
            "GridSearchCV in a Pipeline (16 candidates x 3 folds, 2 processes), print the "
            "best candidates and the test accuracy. Takes well under a minute."
        ),
    )
    parser.add_argument("--version", action="version", version=f"skmlp {__version__}")
    parser.add_argument("--show-versions", action="store_true",
                        help="print the versions of skmlp, its dependencies and the BLAS "
                             "library (skmlp.show_versions()) instead of running the demo")
    return parser.parse_args(argv)


def ranking(params, mean_scores, std_scores, exact_ranks, top=3):
    """Lines for the candidates ranked ``top`` or better by their rounded mean score.

    Parameters
    ----------
    params : list of dict
        Each candidate's parameters (``cv_results_["params"]``).
    mean_scores, std_scores : array-like of shape (n_candidates,)
        Mean and standard deviation of each candidate's CV scores.
    exact_ranks : array-like of shape (n_candidates,)
        GridSearchCV's ranks of the unrounded means (``rank_test_score``): they order
        the candidates within a tie, so the one ``best_params_`` picked comes first.
    top : int, default=3
        The worst rank printed. Candidates tied at a rank are all printed, so there
        can be more than ``top`` lines.

    Returns
    -------
    lines : list of str
        ``"rank mean ± std  parameters"``, best first. Equal rounded means share
        the smallest rank of the tie (1=, 1=, 3), marked with ``=``.
    """
    rounded = np.round(np.asarray(mean_scores, dtype=float), DECIMALS)
    ranks = rankdata(-rounded, method="min").astype(int)
    counts = np.bincount(ranks)
    lines = []
    for index in np.lexsort((np.asarray(exact_ranks), ranks)):
        if ranks[index] > top:
            break
        tie = "=" if counts[ranks[index]] > 1 else " "
        short = ", ".join(f"{k.removeprefix('mlp__')}={v}" for k, v in params[index].items())
        lines.append(f"{ranks[index]:>3}{tie} {rounded[index]:.{DECIMALS}f} "
                     f"± {std_scores[index]:.{DECIMALS}f}  {short}")
    return lines


def main(argv=None):
    args = parse_args(argv)
    if args.show_versions:
        show_versions()
        return

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
        # "auto", the default, is scikit-learn's Glorot uniform; He's is scaled for ReLU
        "mlp__weight_init": ["auto", "he_uniform"],
        "mlp__dropout": [0.0, 0.2],
        "mlp__solver": ["adam", "rmsprop"],
    }
    search = GridSearchCV(pipeline, grid, cv=3, n_jobs=2)
    print(f"GridSearchCV: {len(ParameterGrid(grid))} candidates x 3 folds over activation, "
          "weight_init (auto: scikit-learn's Glorot uniform; he_uniform), dropout and "
          "solver, the fits of one activation and solver trained together as one "
          "stacked network (skmlp.model_selection) ...")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X_train, y_train)

    results = search.cv_results_
    print(f"\nbest candidates (mean CV accuracy ± std over the folds; equal at "
          f"{DECIMALS} decimals = same rank):")
    for line in ranking(results["params"], results["mean_test_score"],
                        results["std_test_score"], results["rank_test_score"]):
        print(line)

    model = search.best_estimator_.named_steps["mlp"]
    best = ", ".join(f"{k.removeprefix('mlp__')}={v}" for k, v in search.best_params_.items())
    print(f"\nrefit on all training data (GridSearchCV's best_params_, the first line):\n"
          f"  {best}\n{model.n_iter_} epochs, final training loss {model.loss_:.4f} "
          f"(first epoch {model.loss_curve_[0]:.4f})")
    shapes = " -> ".join(str(c.shape) for c in model.coefs_)
    print(f"weights per layer (fan_in, fan_out): {shapes}")
    print(f"test accuracy: {search.score(X_test, y_test):.4f}")
    print(f"\ndone in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
