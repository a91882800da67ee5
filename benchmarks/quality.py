"""5-fold CV accuracy of skmlp's and scikit-learn's MLPClassifier, default parameters.

Both run after StandardScaler in a Pipeline, with the same folds and
random_state. Prints a Markdown table (the one in the README).

    python benchmarks/quality.py [--seeds 0 1 2]
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier as SklearnMLP
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier

DATASETS = {"digits": load_digits, "breast_cancer": load_breast_cancer, "wine": load_wine}


def cv_accuracy(estimator_class, X, y, seed):
    model = make_pipeline(StandardScaler(), estimator_class(random_state=seed))
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(model, X, y, cv=folds)
    return scores.mean(), time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    seeds = parser.parse_args().seeds
    print(f"5-fold CV accuracy, mean over random_state in {seeds}\n")
    print("| dataset | skmlp | scikit-learn | difference | skmlp time (s) | sklearn time (s) |")
    print("|---|---|---|---|---|---|")
    for name, load in DATASETS.items():
        X, y = load(return_X_y=True)
        ours = [cv_accuracy(MLPClassifier, X, y, seed) for seed in seeds]
        theirs = [cv_accuracy(SklearnMLP, X, y, seed) for seed in seeds]
        a, b = np.mean([s for s, _ in ours]), np.mean([s for s, _ in theirs])
        ta, tb = np.sum([t for _, t in ours]), np.sum([t for _, t in theirs])
        print(f"| {name} | {a:.4f} | {b:.4f} | {a - b:+.4f} | {ta:.1f} | {tb:.1f} |")


if __name__ == "__main__":
    main()
