"""Default-parameter accuracy against scikit-learn's MLPClassifier (issue: within 0.01).

benchmarks/quality.py prints the full table (mean over three seeds) for the README;
this test checks the same comparison on two seeds so the suite stays fast.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier


def _cv_accuracy(estimator_class, X, y, seed):
    model = make_pipeline(StandardScaler(), estimator_class(random_state=seed))
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return cross_val_score(model, X, y, cv=folds, n_jobs=2).mean()


@pytest.mark.parametrize("load", [load_digits, load_breast_cancer, load_wine],
                         ids=["digits", "breast_cancer", "wine"])
def test_default_accuracy_matches_sklearn(load):
    X, y = load(return_X_y=True)
    seeds = [0, 1]
    ours = np.mean([_cv_accuracy(MLPClassifier, X, y, seed) for seed in seeds])
    theirs = np.mean([_cv_accuracy(SklearnMLPClassifier, X, y, seed) for seed in seeds])
    assert ours >= theirs - 0.01, f"skmlp {ours:.4f} vs scikit-learn {theirs:.4f}"
