"""What recording ``history_`` costs, on the training benchmark's tasks.

Same fits as ``bench_training.py`` (Adam, batch 256, ``tol=0``), in one process, one
BLAS thread. Two measurements:

- "timed share": the time spent inside the recording code (the per-batch
  gradient norms and the per-epoch record), timed around those calls during normal
  fits, as a share of the fit time. Precise, and immune to the machine's noise.
- "with" / "without": whole fits, interleaved, best of the repeats, with the
  recording replaced by no-ops in "without". The honest end-to-end check, but on a
  shared machine the difference is often within the noise (several percent).

    python benchmarks/bench_history_overhead.py
    python benchmarks/bench_history_overhead.py --tasks classification --repeats 5
"""

import argparse
import contextlib
import time
import warnings

import numpy as np
from bench_training import fit_skmlp, make_task
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

import skmlp._training
from skmlp._history import GradientNorms


@contextlib.contextmanager
def _recording_replaced(wrap):
    """Replace the three recording calls by ``wrap(original)`` for the duration."""
    originals = (GradientNorms.add_batch, skmlp._training.layer_statistics,
                 skmlp._training.record_epoch)
    GradientNorms.add_batch = wrap(originals[0])
    skmlp._training.layer_statistics = wrap(originals[1])
    skmlp._training.record_epoch = wrap(originals[2])
    try:
        yield
    finally:
        (GradientNorms.add_batch, skmlp._training.layer_statistics,
         skmlp._training.record_epoch) = originals


def history_disabled():
    """The recording calls do nothing."""
    return _recording_replaced(lambda function: lambda *args, **kwargs: None)


def history_timed(totals):
    """Accumulate the seconds spent in the recording calls into ``totals["history"]``."""

    def timed(function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                totals["history"] += time.perf_counter() - start
        return wrapper

    return _recording_replaced(timed)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", nargs="+", default=["classification", "friedman1", "images"])
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--n-train", type=int, default=40_000)
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    print("| task | dtype | timed share | s/epoch with history | without | end-to-end |")
    print("|---|---|---|---|---|---|")
    for task in args.tasks:
        X, y, _, _, (kind, hidden) = make_task(task, args.n_train)
        X = X.astype(args.dtype)
        if kind == "regressor":
            y = y.astype(args.dtype)
        best = {"with": np.inf, "without": np.inf}
        totals = {"history": 0.0, "fit": 0.0}
        with threadpool_limits(limits=1):
            for _ in range(args.repeats):  # interleaved: both see the same machine state
                for mode in ("with", "without", "timed"):
                    context = {"with": contextlib.nullcontext(), "without": history_disabled(),
                               "timed": history_timed(totals)}[mode]
                    with context:
                        start = time.perf_counter()
                        fit_skmlp(kind, hidden, args.epochs, X, y)
                        seconds = time.perf_counter() - start
                    if mode == "timed":
                        totals["fit"] += seconds
                    else:
                        best[mode] = min(best[mode], seconds / args.epochs)
        share = totals["history"] / totals["fit"]
        end_to_end = best["with"] / best["without"] - 1
        print(f"| {task} | {args.dtype} | {share:.2%} | {best['with']:.3f} | "
              f"{best['without']:.3f} | {end_to_end:+.1%} |")


if __name__ == "__main__":
    main()
