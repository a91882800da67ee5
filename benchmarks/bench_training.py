"""Training speed of skmlp against scikit-learn's MLP (and PyTorch, when installed).

Same architecture, batch size, solver (Adam) and number of epochs (``tol=0``:
every epoch runs) for all, in one process, with interleaved repeats, at 1 and 2
BLAS threads, in float32 and float64. Per row: seconds per epoch (best of the
repeats), test score, GFLOP/s of the training matmuls, and that as a fraction of
the GFLOP/s measured for the same GEMM shapes alone (the roofline).

    python benchmarks/bench_training.py                  # everything (a few minutes)
    python benchmarks/bench_training.py --tasks classification --threads 1 --dtypes float32
    python benchmarks/bench_training.py --scaling         # epoch time at 10k, 40k, 160k rows
"""

import argparse
import platform
import time
import warnings

import numpy as np
import scipy
import sklearn
from sklearn.datasets import load_digits, make_classification, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkClassifier
from sklearn.neural_network import MLPRegressor as SkRegressor
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

import skmlp
from skmlp import MLPClassifier, MLPRegressor

try:
    import torch
except ImportError:  # the PyTorch column is optional
    torch = None

BATCH = 256
N_TEST = 5000


def _image_like(n_samples, rng):
    """28x28 images: sklearn's 8x8 digits upsampled, shifted and noised."""
    digits, labels = load_digits(return_X_y=True)
    picks = rng.integers(0, len(digits), n_samples)
    small = digits[picks].reshape(-1, 8, 8) / 16.0
    big = np.kron(small, np.ones((3, 3)))  # 24x24
    images = np.zeros((n_samples, 28, 28))
    shifts = rng.integers(0, 5, (n_samples, 2))
    for dy in range(5):
        for dx in range(5):
            rows = (shifts[:, 0] == dy) & (shifts[:, 1] == dx)
            images[rows, dy : dy + 24, dx : dx + 24] = big[rows]
    images += 0.1 * rng.normal(size=images.shape)
    return images.reshape(n_samples, 784), labels[picks]


def make_task(name, n_train):
    rng = np.random.default_rng(0)
    n = n_train + N_TEST
    if name == "classification":
        X, y = make_classification(n_samples=n, n_features=100, n_informative=50,
                                   n_classes=10, random_state=0)
        spec = ("classifier", (256, 128))
    elif name == "friedman1":
        X, y = make_friedman1(n_samples=n, n_features=20, noise=1.0, random_state=0)
        y = (y - y.mean()) / y.std()
        spec = ("regressor", (256, 256))
    elif name == "images":
        X, y = _image_like(n, rng)
        spec = ("classifier", (256, 128))
    else:
        raise ValueError(name)
    X = StandardScaler().fit_transform(X)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:], spec


def training_flops(n_samples, layer_sizes):
    """Multiply-adds x 2 of one epoch: forward, weight gradients, input gradients (not layer 0)."""
    pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    per_sample = sum(3 * a * b for a, b in pairs) - pairs[0][0] * pairs[0][1]
    return 2.0 * n_samples * per_sample


def gemm_epoch_seconds(n_samples, layer_sizes, dtype, repeats=3):
    """Seconds the GEMMs of one epoch take alone, at the benchmark's batch size."""
    rng = np.random.default_rng(0)
    pairs = list(zip(layer_sizes[:-1], layer_sizes[1:]))
    operands = []
    for i, (a, b) in enumerate(pairs):
        A = rng.random((BATCH, a), dtype=dtype)
        W = rng.random((a, b), dtype=dtype)
        D = rng.random((BATCH, b), dtype=dtype)
        operands.append((i, A, W, D, np.empty((BATCH, b), dtype), np.empty((a, b), dtype),
                         np.empty((BATCH, a), dtype)))
    n_batches = n_samples / BATCH
    loops = 20
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(loops):
            for i, A, W, D, out_f, out_g, out_d in operands:
                np.matmul(A, W, out=out_f)
                np.matmul(A.T, D, out=out_g)
                if i > 0:
                    np.matmul(D, W.T, out=out_d)
        best = min(best, (time.perf_counter() - start) / loops)
    return best * n_batches


def _kwargs(hidden, epochs):
    return dict(hidden_layer_sizes=hidden, solver="adam", batch_size=BATCH, max_iter=epochs,
                tol=0.0, n_iter_no_change=10 * epochs, random_state=0, shuffle=True)


def fit_skmlp(kind, hidden, epochs, X, y):
    cls = MLPClassifier if kind == "classifier" else MLPRegressor
    # scikit-learn draws weights and biases from U(+-sqrt(6 / (fan_in + fan_out))):
    # the same initialization, so the scores compare the training, not the start.
    return cls(**_kwargs(hidden, epochs), weight_init="glorot_uniform",
               bias_init="glorot_uniform").fit(X, y)


def fit_sklearn(kind, hidden, epochs, X, y):
    cls = SkClassifier if kind == "classifier" else SkRegressor
    return cls(**_kwargs(hidden, epochs)).fit(X, y)


class _TorchModel:
    """A plain PyTorch training loop with the same architecture, batch size and Adam."""

    def __init__(self, kind, hidden, epochs, X, y):
        torch.manual_seed(0)
        dtype = torch.float32 if X.dtype == np.float32 else torch.float64
        self.kind, self.dtype = kind, dtype
        Xt = torch.from_numpy(X)
        if kind == "classifier":
            self.classes = np.unique(y)
            yt = torch.from_numpy(np.searchsorted(self.classes, y))
            n_out, loss_fn = len(self.classes), torch.nn.functional.cross_entropy
        else:
            yt = torch.from_numpy(y.astype(X.dtype)).reshape(-1, 1)
            n_out, loss_fn = 1, torch.nn.functional.mse_loss
        layers, width = [], X.shape[1]
        for h in hidden:
            layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
            width = h
        layers.append(torch.nn.Linear(width, n_out))
        self.net = torch.nn.Sequential(*layers).to(dtype)
        # weight_decay = alpha / batch on the weights is the gradient of sklearn's
        # alpha / (2 n) * sum(W**2) (alpha = 1e-4), without a Python-side penalty.
        weights = [p for n, p in self.net.named_parameters() if n.endswith("weight")]
        biases = [p for n, p in self.net.named_parameters() if n.endswith("bias")]
        optimizer = torch.optim.Adam([{"params": weights, "weight_decay": 1e-4 / BATCH},
                                      {"params": biases, "weight_decay": 0.0}],
                                     lr=1e-3, eps=1e-8)
        generator = torch.Generator().manual_seed(0)
        for _ in range(epochs):
            order = torch.randperm(len(Xt), generator=generator)
            for start in range(0, len(Xt), BATCH):
                rows = order[start : start + BATCH]
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(self.net(Xt[rows]), yt[rows])
                loss.backward()
                optimizer.step()

    def score(self, X, y):
        with torch.no_grad():
            out = self.net(torch.from_numpy(X)).numpy()
        if self.kind == "classifier":
            return float(np.mean(self.classes[out.argmax(axis=1)] == y))
        return float(1 - ((y - out[:, 0]) ** 2).sum() / ((y - y.mean()) ** 2).sum())


def time_fit(fit, *args):
    start = time.perf_counter()
    model = fit(*args)
    return time.perf_counter() - start, model


def run_row(task, dtype, threads, epochs, repeats, data):
    X, y, X_test, y_test, (kind, hidden) = data
    X, X_test = X.astype(dtype), X_test.astype(dtype)
    layer_sizes = [X.shape[1], *hidden, len(np.unique(y)) if kind == "classifier" else 1]
    libraries = {"skmlp": fit_skmlp, "sklearn": fit_sklearn}
    if torch is not None:
        libraries["torch"] = _TorchModel
    best = {name: np.inf for name in libraries}
    scores = {}
    with threadpool_limits(limits=threads, user_api="blas"):
        if torch is not None:
            torch.set_num_threads(threads)
        gemm = gemm_epoch_seconds(len(X), layer_sizes, dtype)
        for _ in range(repeats):  # interleaved, so machine noise hits all alike
            for name, fit in libraries.items():
                seconds, model = time_fit(fit, kind, hidden, epochs, X, y)
                best[name] = min(best[name], seconds / epochs)
                scores[name] = model.score(X_test, y_test)
    flops = training_flops(len(X), layer_sizes)
    rows = []
    for name in libraries:
        rows.append({
            "task": task, "dtype": np.dtype(dtype).name, "threads": threads, "library": name,
            "s/epoch": best[name], "score": scores[name], "GFLOP/s": flops / best[name] / 1e9,
            "roofline": gemm / best[name],
        })
    return rows


def print_rows(rows):
    by_key = {(r["task"], r["dtype"], r["threads"], r["library"]): r for r in rows}
    print("| task | dtype | threads | library | s/epoch | vs sklearn | test score | GFLOP/s |"
          " roofline |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        sk = by_key[(r["task"], r["dtype"], r["threads"], "sklearn")]
        print(f"| {r['task']} | {r['dtype']} | {r['threads']} | {r['library']} | "
              f"{r['s/epoch']:.3f} | {r['s/epoch'] / sk['s/epoch']:.2f}x | {r['score']:.4f} | "
              f"{r['GFLOP/s']:.1f} | {r['roofline']:.2f} |")


def print_environment():
    blas = [f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}, "
            f"{i['num_threads']} threads)" for i in threadpool_info() if i["user_api"] == "blas"]
    print(f"machine: {platform.machine()} {platform.processor() or ''}, "
          f"python {platform.python_version()}, numpy {np.__version__}, scipy "
          f"{scipy.__version__}, scikit-learn {sklearn.__version__}, skmlp {skmlp.__version__}, "
          f"torch {torch.__version__ if torch else 'not installed'}")
    print(f"BLAS: {'; '.join(blas)}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", nargs="+", default=["classification", "friedman1", "images"])
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"])
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--n-train", type=int, default=40_000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--scaling", action="store_true",
                        help="skmlp epoch time at 10k, 40k and 160k rows instead")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    print_environment()
    if args.scaling:
        return run_scaling(args)
    rows = []
    for task in args.tasks:
        data = make_task(task, args.n_train)
        for dtype in args.dtypes:
            for threads in args.threads:
                rows += run_row(task, np.dtype(dtype).type, threads, args.epochs, args.repeats,
                                data)
    print_rows(rows)


def run_scaling(args):
    print("| task | dtype | threads | n_samples | s/epoch | s/epoch per 10k rows |")
    print("|---|---|---|---|---|---|")
    for task in args.tasks:
        for n in (10_000, 40_000, 160_000):
            X, y, _, _, (kind, hidden) = make_task(task, n)
            for dtype in args.dtypes:
                Xd = X.astype(dtype)
                for threads in args.threads:
                    with threadpool_limits(limits=threads, user_api="blas"):
                        best = min(time_fit(fit_skmlp, kind, hidden, args.epochs, Xd, y)[0]
                                   for _ in range(args.repeats)) / args.epochs
                    print(f"| {task} | {dtype} | {threads} | {n} | {best:.3f} | "
                          f"{best / n * 1e4:.4f} |")


if __name__ == "__main__":
    main()
