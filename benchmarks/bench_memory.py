"""Memory of fit and predict: extra allocations beyond the input, and peak RSS.

Each scenario runs in a fresh subprocess so its peak RSS is its own. "extra"
is the peak of numpy allocations traced by tracemalloc *during* the call,
beyond what existed before it (the input is allocated before), as a multiple of
the input's size.

    python benchmarks/bench_memory.py
"""

import json
import resource
import subprocess
import sys
import time
import tracemalloc
import warnings

import numpy as np

SCENARIOS = {
    "fit 200k x 100 float32, early stopping": ("fit", 200_000, np.float32, True),
    "fit 200k x 100 float64": ("fit", 200_000, np.float64, False),
    "fit 200k x 100 int64 (converted to float64)": ("fit", 200_000, np.int64, False),
    "predict 1M x 100 float32": ("predict", 1_000_000, np.float32, False),
    "predict 1M x 100 float64 on a float32 model": ("predict", 1_000_000, np.float64, False),
}


def run(name):
    from sklearn.exceptions import ConvergenceWarning

    from skmlp import MLPClassifier

    warnings.simplefilter("ignore", ConvergenceWarning)
    kind, n, dtype, early_stopping = SCENARIOS[name]
    rng = np.random.default_rng(0)
    model = MLPClassifier(hidden_layer_sizes=(256, 128), max_iter=1, batch_size=256,
                          early_stopping=early_stopping, random_state=0)
    if kind == "predict":
        model.fit(rng.standard_normal((2000, 100), dtype=np.float32), rng.integers(0, 10, 2000))
    X = rng.standard_normal((n, 100)) * 3
    X = X.astype(dtype)
    y = rng.integers(0, 10, n)
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    start = time.perf_counter()
    if kind == "fit":
        model.fit(X, y)
    else:
        model.predict_proba(X)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"input MiB": X.nbytes / 2**20, "extra MiB": (peak - before) / 2**20,
            "extra / input": (peak - before) / X.nbytes, "peak RSS MiB": rss_mib,
            "seconds": seconds}


def main():
    if len(sys.argv) > 1:
        print(json.dumps(run(sys.argv[1])))
        return
    print("| scenario | input (MiB) | extra during the call (MiB) | extra / input |"
          " peak RSS (MiB) | seconds |")
    print("|---|---|---|---|---|---|")
    for name in SCENARIOS:
        out = subprocess.run([sys.executable, __file__, name], capture_output=True, text=True,
                             check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(f"| {name} | {r['input MiB']:.0f} | {r['extra MiB']:.1f} | "
              f"{r['extra / input']:.2f} | {r['peak RSS MiB']:.0f} | {r['seconds']:.1f} |")


if __name__ == "__main__":
    main()
