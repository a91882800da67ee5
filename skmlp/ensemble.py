"""Bagging that trains the members of an skmlp ensemble together.

:class:`BaggingClassifier` and :class:`BaggingRegressor` are scikit-learn's, with one
change: when the base estimator is an skmlp estimator -- alone, last in a ``Pipeline``,
or inside a ``TransformedTargetRegressor`` -- the members are trained as stacks of
models (:mod:`skmlp._training`), one batched matrix product per layer per minibatch for
all of them, instead of one fit after another.

How a fused fit works: scikit-learn's own ``_parallel_build_estimators`` builds the
members -- it draws each member's seed, its rows and its features, and calls the
member's ``fit`` with its bootstrap counts as ``sample_weight`` (or its rows, for an
estimator without ``sample_weight``) and its columns -- inside
:func:`~skmlp._training.deferred_fits`, where the skmlp estimator at the end of each
member only *prepares* its model and hands it over. The prepared models are then
trained together, each with its own seed, weights, rows and features. A model's
training equals its plain ``fit``, so every member equals the member of scikit-learn's
bagging on the same estimator and ``random_state``, and so do the predictions and
``oob_score_``.

A ``deep ensemble`` -- differently seeded networks on all the data -- is
``bootstrap=False, max_samples=1.0``.

What does not fuse -- another estimator, the ``lbfgs`` solver, callbacks, a
scikit-learn older than 1.9 -- runs through scikit-learn's own ``_fit``.
"""

import numbers
from warnings import warn

import sklearn
from sklearn.ensemble import BaggingClassifier as _SklearnBaggingClassifier
from sklearn.ensemble import BaggingRegressor as _SklearnBaggingRegressor
from sklearn.ensemble._base import _partition_estimators
from sklearn.utils import check_random_state
from sklearn.utils.metadata_routing import _manual_routing, _routing_enabled, process_routing
from sklearn.utils.parallel import Parallel, delayed

from ._training import deferred_fits, stack_groups, train
from .model_selection import _docstring, fused_estimator

try:  # the private helpers of scikit-learn 1.9's bagging, which the fused fit calls
    from sklearn.ensemble._bagging import (
        MAX_INT,
        _consumes_sample_weight,
        _get_n_samples_bootstrap,
        _parallel_build_estimators,
    )
except ImportError:  # an older scikit-learn: its own _fit runs, unfused
    _parallel_build_estimators = None

__all__ = ["BaggingClassifier", "BaggingRegressor"]

#: scikit-learn versions whose ``BaseBagging._fit`` and ``_parallel_build_estimators``
#: the fused fit follows (pyproject.toml pins scikit-learn below 1.10).
_FUSION_SUPPORTED = (tuple(int(p) for p in sklearn.__version__.split(".")[:2]) >= (1, 9)
                     and _parallel_build_estimators is not None)

#: Bytes the per-row data of the members prepared at once may take: each member's
#: sample weights and the stack's bookkeeping of its rows, and its own copy of the data
#: where it has one (a feature subset, or the rows of an estimator without
#: ``sample_weight``, e.g. a Pipeline). More members are prepared and trained in turns.
MEMBER_DATA_BYTES = 256 * 2**20


class _FusedBaggingMixin:
    """``_fit`` of scikit-learn's ``BaseBagging`` (1.9), training skmlp members as stacks."""

    def fit(self, X, y, sample_weight=None, **fit_params):
        # all or nothing: a failed fit (a diverging member) leaves the ensemble as it was
        before = {name: list(value) if isinstance(value, list) else value
                  for name, value in vars(self).items()}
        try:
            return super().fit(X, y, sample_weight=sample_weight, **fit_params)
        except BaseException:
            vars(self).clear()
            vars(self).update(before)
            raise

    fit.__doc__ = _SklearnBaggingClassifier.fit.__doc__

    def _fit(self, X, y, max_samples=None, max_depth=None, check_input=True,
             sample_weight=None, **fit_params):
        if not _FUSION_SUPPORTED or getattr(self, "_skl_callbacks", None) or \
                fused_estimator(self._get_estimator()) is None:
            return super()._fit(X, y, max_samples=max_samples, max_depth=max_depth,
                                check_input=check_input, sample_weight=sample_weight,
                                **fit_params)
        return self._fused_fit(X, y, max_samples=max_samples, max_depth=max_depth,
                               check_input=check_input, sample_weight=sample_weight,
                               **fit_params)

    def _fused_fit(self, X, y, max_samples=None, max_depth=None, check_input=True,
                   sample_weight=None, **fit_params):
        # Follows scikit-learn 1.9's BaseBagging._fit line by line; only the function
        # each job runs differs (_fused_build_estimators).
        random_state = check_random_state(self.random_state)
        n_samples = X.shape[0]
        self._n_samples = n_samples
        y = self._validate_y(y)
        self._validate_estimator(self._get_estimator())
        if _routing_enabled():
            routed_params = process_routing(self, "fit", **fit_params)
        else:
            routed_params = _manual_routing({"estimator": {"fit": fit_params}})
        if max_depth is not None:
            self.estimator_.max_depth = max_depth
        if max_samples is None:
            max_samples = self.max_samples
        max_samples = _get_n_samples_bootstrap(X.shape[0], max_samples, sample_weight)
        if not self.bootstrap and max_samples > X.shape[0]:
            raise ValueError(
                f"Effective max_samples={max_samples} must be <= n_samples="
                f"{X.shape[0]} to be able to sample without replacement."
            )
        self._max_samples = max_samples
        if isinstance(self.max_features, numbers.Integral):
            max_features = self.max_features
        elif isinstance(self.max_features, float):
            max_features = int(self.max_features * self.n_features_in_)
        if max_features > self.n_features_in_:
            raise ValueError("max_features must be <= n_features")
        max_features = max(1, int(max_features))
        self._max_features = max_features
        self._sample_weight = sample_weight
        if not self.bootstrap and self.oob_score:
            raise ValueError("Out of bag estimation only available if bootstrap=True")
        if self.warm_start and self.oob_score:
            raise ValueError("Out of bag estimate only available if warm_start=False")
        if hasattr(self, "oob_score_") and self.warm_start:
            del self.oob_score_
        if not self.warm_start or not hasattr(self, "estimators_"):
            self.estimators_ = []
            self.estimators_features_ = []
        n_more_estimators = self.n_estimators - len(self.estimators_)
        if n_more_estimators < 0:
            raise ValueError(
                f"n_estimators={self.n_estimators} must be larger or equal to "
                f"len(estimators_)={len(self.estimators_)} when warm_start==True"
            )
        elif n_more_estimators == 0:
            warn("Warm-start fitting without increasing n_estimators does not fit new trees.")
            return self
        # each job trains its share of the members as stacks (scikit-learn's partition)
        n_jobs, n_estimators, starts = _partition_estimators(n_more_estimators, self.n_jobs)
        total_n_estimators = sum(n_estimators)
        if self.warm_start and len(self.estimators_) > 0:
            random_state.randint(MAX_INT, size=len(self.estimators_))
        seeds = random_state.randint(MAX_INT, size=n_more_estimators)
        self._seeds = seeds
        all_results = Parallel(
            n_jobs=n_jobs, verbose=self.verbose, **self._parallel_args()
        )(
            delayed(_fused_build_estimators)(
                n_estimators[i],
                self,
                X,
                y,
                sample_weight,
                seeds[starts[i]: starts[i + 1]],
                total_n_estimators,
                verbose=self.verbose,
                check_input=check_input,
                fit_params=routed_params.estimator.fit,
            )
            for i in range(n_jobs)
        )
        for estimators, features in all_results:
            self.estimators_ += estimators
            self.estimators_features_ += features
        if self.oob_score:
            self._set_oob_score(X, y)
        return self


def _fused_build_estimators(n_estimators, ensemble, X, y, sample_weight, seeds,
                            total_n_estimators, verbose, check_input, fit_params):
    """scikit-learn's ``_parallel_build_estimators``, the skmlp members trained as stacks.

    scikit-learn's function draws and fits every member; inside
    :func:`~skmlp._training.deferred_fits` each member's skmlp estimator only prepares
    its model, and the prepared models are trained here, together. Returns the
    members and their feature indices, as scikit-learn's function does.

    Raises the first member's (in the ensemble's order) training error, as the
    member's own ``fit`` would have raised it in scikit-learn's loop.
    """
    estimators, features = [], []
    per_turn = _members_per_turn(ensemble, X)
    for start in range(0, n_estimators, per_turn):
        turn = seeds[start: start + per_turn]
        with deferred_fits() as members:
            built, drawn = _parallel_build_estimators(
                len(turn), ensemble, X, y, sample_weight, turn, total_n_estimators,
                verbose, check_input, fit_params)
        for stack in stack_groups(members):
            train(stack)
        for member in members:
            if member.error is not None:
                raise member.error
        estimators += built
        features += drawn
    return estimators, features


def _members_per_turn(ensemble, X):
    """How many members to prepare and train at once: ``MEMBER_DATA_BYTES`` over
    :func:`_member_bytes`."""
    return max(1, int(MEMBER_DATA_BYTES // _member_bytes(ensemble, X)))


def _member_bytes(ensemble, X):
    """The per-row memory a prepared member holds until it is trained (float64).

    Its sample weights (the bootstrap counts), the stack's row slots and weights of it,
    and -- for a feature subset, or the drawn rows of an estimator that takes no
    ``sample_weight`` -- its own copy of the data, estimated before any preprocessing
    of a Pipeline. Members that see all rows and columns share the caller's ``X``.
    """
    n_samples, n_features = X.shape
    by_weight = _consumes_sample_weight(ensemble.estimator_)
    n_rows = n_samples if by_weight else ensemble._max_samples
    own_copy = not by_weight or ensemble.bootstrap_features or \
        ensemble._max_features != n_features
    return 8 * n_rows * (3 + (ensemble._max_features if own_copy else 0))


class BaggingClassifier(_FusedBaggingMixin, _SklearnBaggingClassifier):
    __doc__ = _docstring(
        """A bagging classifier whose skmlp members are trained together as one stack.

    A drop-in replacement for :class:`sklearn.ensemble.BaggingClassifier`: the same
    parameters, attributes and results (see :ref:`ensembles`). With an skmlp estimator
    (or a Pipeline ending in one) as ``estimator``, the ``n_estimators`` members --
    each with scikit-learn's seed, bootstrap weights, rows and features -- train as
    stacks of models; ``bootstrap=False, max_samples=1.0`` makes a deep ensemble of
    differently seeded networks. What follows is scikit-learn's documentation.""",
        _SklearnBaggingClassifier, """\
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skmlp import MLPClassifier
    >>> from skmlp.ensemble import BaggingClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> ensemble = make_pipeline(StandardScaler(), BaggingClassifier(
    ...     MLPClassifier(hidden_layer_sizes=(16,), max_iter=20), n_estimators=8,
    ...     bootstrap=False, max_samples=1.0, random_state=0))
    >>> ensemble.fit(X, y).score(X, y) > 0.95  # 8 networks, trained as one stack
    True
""")


class BaggingRegressor(_FusedBaggingMixin, _SklearnBaggingRegressor):
    __doc__ = _docstring(
        """A bagging regressor whose skmlp members are trained together as one stack.

    A drop-in replacement for :class:`sklearn.ensemble.BaggingRegressor`: the same
    parameters, attributes and results (see :ref:`ensembles`). With an skmlp estimator
    (or a Pipeline ending in one) as ``estimator``, the ``n_estimators`` members --
    each with scikit-learn's seed, bootstrap weights, rows and features -- train as
    stacks of models; ``bootstrap=False, max_samples=1.0`` makes a deep ensemble of
    differently seeded networks. What follows is scikit-learn's documentation.""",
        _SklearnBaggingRegressor, """\
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skmlp import MLPRegressor
    >>> from skmlp.ensemble import BaggingRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> ensemble = make_pipeline(StandardScaler(), BaggingRegressor(
    ...     MLPRegressor(hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=50),
    ...     n_estimators=16, oob_score=True, random_state=0))
    >>> ensemble.fit(X, y / 100)[-1].oob_score_ > 0.4  # out-of-bag R2 of 16 bootstraps
    True
""")
