"""Full-batch training with scipy's L-BFGS-B, for one model."""

import time
import warnings

import numpy as np
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning

from ._history import GradientNorms, layer_statistics, new_history, record_epoch
from ._network import Penalty
from ._validation import raise_if_diverged
from .losses import make_loss


def fit_lbfgs(member, tasks):
    """Minimize the member's full-batch loss with L-BFGS-B; write the fit to its estimator.

    Parameters
    ----------
    member : skmlp._training.Member
        One model (a stack of one) and its data; L-BFGS has no minibatches to fuse.
    tasks : FitTasks
        Callback hooks: one task per iteration.
    """
    e, network = member.estimator, member.network
    X, Y = member.X, member.Y[np.newaxis]
    weights = None if member.weights is None else member.weights[np.newaxis]
    loss = make_loss(e._loss_name, e)
    penalty = Penalty.of([e])
    no_dropout = np.zeros((1, network.n_layers - 1))

    evaluated = []  # the losses scipy asked for, the first at the starting point

    def loss_and_gradient(flat_params):
        network.params[0] = flat_params
        values, _ = network.loss_and_gradient(X, Y, weights, loss, penalty=penalty,
                                              dropout=no_dropout, rngs=None,
                                              weight_scale=member.weight_scale,
                                              loss_scale=member.loss_scale)
        evaluated.append(float(values[0]))
        return evaluated[-1], network.grad[0].astype(np.float64)

    grad_norms = GradientNorms(network)
    history = e.history_ = new_history()  # like loss_curve_, per call: n_iter_ restarts
    e.n_iter_ = 0
    last_time = time.perf_counter()
    stopped_by_callback = False

    def record(intermediate_result):
        nonlocal last_time, stopped_by_callback
        # The iterate is normally the point evaluated last; evaluate it if not, so
        # that the recorded parameters and gradient belong to it.
        if not np.array_equal(network.params[0], intermediate_result.x.astype(network.dtype)):
            loss_and_gradient(intermediate_result.x)
        grad_norms.add_batch()
        now = time.perf_counter()
        record_epoch(history, layer_statistics(network, grad_norms.epoch_means()), 0,
                     loss=intermediate_result.fun, learning_rate=np.nan,
                     seconds=now - last_time)
        last_time = now
        e.n_iter_ = len(history["loss"])
        if e.verbose:
            e._print_epoch()
        if tasks.end_epoch():  # a callback asked to stop
            stopped_by_callback = True
            raise StopIteration
        tasks.begin_epoch()

    tasks.begin_epoch()
    # Overflow shows up as a non-finite loss, reported by raise_if_diverged with
    # advice, rather than as a stream of numpy warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        result = scipy.optimize.minimize(
            loss_and_gradient,
            network.params[0].astype(np.float64),
            method="L-BFGS-B",
            jac=True,
            callback=record,
            options={"maxfun": e.max_fun, "maxiter": e.max_iter, "gtol": e.tol},
        )
    network.params[0] = result.x
    raise_if_diverged(result.fun, network.params, "L-BFGS")
    if result.status != 0 and not stopped_by_callback:
        warnings.warn(
            f"lbfgs failed to converge after {result.nit} iterations "
            f"({result.message}). Increase max_iter or max_fun, or scale the data.",
            ConvergenceWarning,
        )
    elif member.fresh and _barely_moved(evaluated[0], float(result.fun)):
        # scipy's stop on a small *relative* reduction of the loss: with a loss of 1e22
        # (targets of 1e11) a step that moves the parameters by 1 changes it by 1e-11
        # of itself, and scipy calls that convergence after one iteration
        warnings.warn(
            f"lbfgs stopped after {result.nit} iteration(s) having reduced the loss by "
            f"only {(evaluated[0] - result.fun) / abs(evaluated[0]):.1e} of its initial "
            f"value {evaluated[0]:.3g}: its steps are too small for the scale of the "
            "problem, and the model is not fitted. Scale the inputs and the targets (e.g. "
            "StandardScaler, TransformedTargetRegressor).",
            ConvergenceWarning,
        )
    e.n_iter_ = int(result.nit)  # (t_ stays: scikit-learn counts samples in minibatches)
    e.loss_ = float(result.fun)
    e.loss_curve_ = list(history["loss"]) or [e.loss_]
    e.best_loss_ = min(e.loss_curve_)


#: A fresh L-BFGS fit whose loss fell by less than this fraction has not left its start.
BARELY_MOVED = 1e-6


def _barely_moved(initial_loss, final_loss):
    """Whether a fit ended (scipy: "converged") with the loss where it started."""
    return initial_loss > 0 and initial_loss - final_loss < BARELY_MOVED * initial_loss
