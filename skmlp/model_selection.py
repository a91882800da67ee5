"""Hyperparameter search that trains the candidates of a grid together.

:class:`GridSearchCV` and :class:`RandomizedSearchCV` are scikit-learn's, with one
change: the candidate x fold fits of an skmlp estimator -- alone, last in a
``Pipeline``, or inside a ``TransformedTargetRegressor`` -- are trained as stacks of
models (:mod:`skmlp._training`), one batched matrix product per layer per minibatch
for all the models of a stack, instead of one fit after another.

How a fused fit works: each candidate's estimator is cloned, given its parameters
and fitted on its fold exactly as scikit-learn does it -- the pipeline fits its
preprocessing, ``TransformedTargetRegressor`` scales the targets -- except that the
skmlp estimator at the end only *prepares* its model (checks, target encoding,
initialization, validation split) and hands it over (:func:`~skmlp._training.deferred_fits`).
The prepared models that can share a stack (same network shape, solver and
minibatch count) are then trained together, each with its own hyperparameters,
rows and random streams; each is then scored by the search's scorers like any
fitted estimator. A model's training equals its plain ``fit`` (see
:mod:`skmlp._training`), so ``cv_results_`` and ``best_params_`` equal
scikit-learn's search on the same estimator.

What does not fuse -- another estimator, the ``lbfgs`` solver, callbacks, a
scikit-learn older than 1.9 -- runs through scikit-learn's own ``_fit_and_score``.

:class:`HalvingGridSearchCV` and :class:`HalvingRandomSearchCV` are scikit-learn's
successive halving over such fused rungs. When their resource is the MLP's
``max_iter``, each fused model keeps its training state
(:class:`~skmlp._training.TrainingState`), and a candidate that survives a rung
trains on from there in the next one -- its Pipeline steps stay fitted -- rather
than being fitted again from scratch: continuing from ``r`` to ``r'`` epochs is the
fit with ``max_iter=r'``, so the results are those of scikit-learn's search.
"""

import hashlib
import numbers
import re
import time
import traceback
from collections import defaultdict
from inspect import signature
from itertools import product
from traceback import format_exc

import numpy as np
import sklearn
from joblib import effective_n_jobs
from joblib import hash as joblib_hash
from sklearn.base import _fit_context, clone, is_classifier
from sklearn.compose import TransformedTargetRegressor
from sklearn.metrics._scorer import _MultimetricScorer
from sklearn.model_selection import GridSearchCV as _SklearnGridSearchCV
from sklearn.model_selection import RandomizedSearchCV as _SklearnRandomizedSearchCV
from sklearn.model_selection._search_successive_halving import (
    HalvingGridSearchCV as _SklearnHalvingGridSearchCV,
)
from sklearn.model_selection._search_successive_halving import (
    HalvingRandomSearchCV as _SklearnHalvingRandomSearchCV,
)
from sklearn.model_selection._split import check_cv
from sklearn.model_selection._validation import (
    _fit_and_score,
    _insert_error_scores,
    _score,
    _warn_or_raise_about_fit_failures,
)
from sklearn.pipeline import Pipeline
from sklearn.utils.metaestimators import _safe_split
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import _check_method_params, _num_samples, indexable

from ._extensions import option_key
from ._mlp import BaseMLP
from ._training import deferred_fits, stack_groups, stacking_pays, train
from .optimizers import OPTIMIZERS

#: scikit-learn versions whose ``BaseSearchCV.fit`` the fused fit follows.
_FUSION_SUPPORTED = tuple(int(p) for p in sklearn.__version__.split(".")[:2]) >= (1, 9)

__all__ = ["GridSearchCV", "HalvingGridSearchCV", "HalvingRandomSearchCV",
           "RandomizedSearchCV", "fused_estimator"]


def fused_estimator(estimator):
    """The skmlp estimator whose fits a search can fuse, or None.

    That is a stochastic-solver skmlp estimator, possibly last in a ``Pipeline`` or the
    regressor of a ``TransformedTargetRegressor`` (nested in any order), with no
    callbacks anywhere.

    Parameters
    ----------
    estimator : estimator instance

    Returns
    -------
    BaseMLP or None
    """
    if getattr(estimator, "_skl_callbacks", None):
        return None
    if isinstance(estimator, BaseMLP):
        return estimator if estimator.solver in OPTIMIZERS else None
    if isinstance(estimator, Pipeline):
        steps = [step for _, step in estimator.steps if step not in (None, "passthrough")]
        if any(getattr(step, "_skl_callbacks", None) for step in steps):
            return None
        return fused_estimator(estimator.steps[-1][1])
    if isinstance(estimator, TransformedTargetRegressor) and estimator.regressor is not None:
        if getattr(estimator.transformer, "_skl_callbacks", None):
            return None
        return fused_estimator(estimator.regressor)
    return None


def _contains_mlp(estimator):
    """Whether an skmlp estimator sits where a search could fuse it (whatever its solver)."""
    return _final_mlp(estimator) is not None


def _final_mlp(estimator):
    """The skmlp estimator where a search could fuse it (whatever its solver), or None."""
    while True:
        if isinstance(estimator, BaseMLP):
            return estimator
        if isinstance(estimator, Pipeline):
            estimator = estimator.steps[-1][1]
        elif isinstance(estimator, TransformedTargetRegressor) and \
                estimator.regressor is not None:
            estimator = estimator.regressor
        else:
            return None


def _stack_hint(estimator):
    """Parameters that must agree for fits to share a stack (the rest is checked later)."""
    mlp = fused_estimator(estimator)
    if mlp is None:
        return None
    hidden = mlp.hidden_layer_sizes
    hidden = (hidden,) if isinstance(hidden, numbers.Integral) else tuple(hidden)
    # (the minibatch size may differ: stack_key asks for the same number of minibatches)
    return (type(mlp), hidden, option_key(mlp.activation), mlp.solver, option_key(mlp.loss),
            mlp.shuffle, bool(mlp.verbose), mlp.nesterovs_momentum)


class _FusedSearchMixin:
    """``fit`` of scikit-learn's ``BaseSearchCV`` (1.9), evaluating fusable fits as stacks."""

    def fit(self, X, y=None, **params):
        """Run fit with all sets of parameters.

        The candidate x fold fits that can be trained together are trained as stacks
        of models; every other fit runs as in scikit-learn. The results are the same.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training vectors.
        y : array-like of shape (n_samples, n_output) or (n_samples,), default=None
            Target relative to X for classification or regression.
        **params : dict of str -> object
            Parameters passed to the ``fit`` method of the estimator, the scorer,
            and the CV splitter, as in scikit-learn.

        Returns
        -------
        self : object
            Instance of fitted estimator.
        """
        # (a candidate's parameters may make it fusable, e.g. solver="adam" in the grid)
        if not _FUSION_SUPPORTED or getattr(self, "_skl_callbacks", None) or \
                not _contains_mlp(self.estimator):
            return super().fit(X, y, **params)
        return self._fused_fit(X, y, **params)

    @_fit_context(prefer_skip_nested_validation=False)  # as BaseSearchCV.fit: validation
    def _fused_fit(self, X, y=None, **params):
        # Follows scikit-learn 1.9's BaseSearchCV.fit line by line; only the
        # evaluation of the candidates (self._evaluate) differs.
        scorers, refit_metric = self._get_scorers()
        X, y = indexable(X, y)
        params = _check_method_params(X, params=params)
        routed_params = self._get_routed_params_for_fit(params)
        if (sample_weight := params.get("sample_weight")) is not None:
            metadata_callbacks = {"sample_weight": sample_weight}
        else:
            metadata_callbacks = None
        root_callback_ctx = self._init_callback_context(
            max_subtasks=1 + (self.refit is not False)
        ).call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata_callbacks)
        self._checked_cv_orig = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        self._check_input_parameters(X=X, y=y, split_params=routed_params.splitter.split)
        self.n_splits_ = self._checked_cv_orig.get_n_splits(X, y, **routed_params.splitter.split)
        base_estimator = clone(self.estimator)
        parallel = Parallel(n_jobs=self.n_jobs, pre_dispatch=self.pre_dispatch)
        fit_and_score_kwargs = dict(
            scorer=scorers,
            fit_params=routed_params.estimator.fit,
            score_params=routed_params.scorer.score,
            return_train_score=self.return_train_score,
            return_n_test_samples=True,
            return_times=True,
            return_parameters=False,
            error_score=self.error_score,
            verbose=self.verbose,
        )
        results = {}
        with parallel:
            all_candidate_params = []
            all_out = []
            all_more_results = defaultdict(list)

            def evaluate_candidates(candidate_params, cv=None, more_results=None,
                                    callback_ctx=None):
                cv = cv or self._checked_cv_orig
                candidate_params = list(candidate_params)
                n_candidates = len(candidate_params)
                n_splits = self.n_splits_
                cv_splits = list(cv.split(X, y, **routed_params.splitter.split))
                if len(cv_splits) != n_splits:
                    raise ValueError(
                        f"cv.split and cv.get_n_splits return inconsistent results. "
                        f"Expected {n_splits} splits, got {len(cv_splits)}"
                    )
                if self.verbose > 0:
                    print(f"Fitting {n_splits} folds for each of {n_candidates} candidates,"
                          f" totalling {n_candidates * n_splits} fits")
                out = self._evaluate(parallel, base_estimator, X, y, candidate_params,
                                     cv_splits, fit_and_score_kwargs, callback_ctx)
                if len(out) < 1:
                    raise ValueError("No fits were performed. Was the CV iterator empty? "
                                     "Were there no candidates?")
                _warn_or_raise_about_fit_failures(out, self.error_score)
                if callable(self.scoring):
                    _insert_error_scores(out, self.error_score)
                all_candidate_params.extend(candidate_params)
                all_out.extend(out)
                if more_results is not None:
                    for key, value in more_results.items():
                        all_more_results[key].extend(value)
                nonlocal results
                results = self._format_results(all_candidate_params, n_splits, all_out,
                                               all_more_results)
                return results

            if "callback_ctx" in signature(self._run_search).parameters:
                self._run_search(evaluate_candidates, callback_ctx=root_callback_ctx)
            else:
                self._run_search(evaluate_candidates)
            first_test_score = all_out[0]["test_scores"]
            self.multimetric_ = isinstance(first_test_score, dict)
            if callable(self.scoring) and self.multimetric_:
                self._check_refit_for_multimetric(first_test_score)
                refit_metric = self.refit

        if self.refit or not self.multimetric_:
            self.best_index_ = self._select_best_index(self.refit, refit_metric, results)
            if not callable(self.refit):
                self.best_score_ = results[f"mean_test_{refit_metric}"][self.best_index_]
            self.best_params_ = results["params"][self.best_index_]

        if self.refit:
            self.best_estimator_ = clone(base_estimator).set_params(
                **clone(self.best_params_, safe=False)
            )
            refit_subctx = root_callback_ctx.subcontext(task_name="refit-with-best-params")
            with refit_subctx.propagate_callback_context(self.best_estimator_):
                refit_subctx.call_on_fit_task_begin(estimator=self, X=X, y=y,
                                                    metadata=metadata_callbacks)
                refit_start_time = time.time()
                if y is not None:
                    self.best_estimator_.fit(X, y, **routed_params.estimator.fit)
                else:
                    self.best_estimator_.fit(X, **routed_params.estimator.fit)
                refit_end_time = time.time()
            self.refit_time_ = refit_end_time - refit_start_time
            if hasattr(self.best_estimator_, "feature_names_in_"):
                self.feature_names_in_ = self.best_estimator_.feature_names_in_
            refit_subctx.call_on_fit_task_end(estimator=self, X=X, y=y,
                                              metadata=metadata_callbacks)

        self.scorer_ = scorers._scorers if isinstance(scorers, _MultimetricScorer) else scorers
        self.cv_results_ = results
        root_callback_ctx.call_on_fit_task_end(estimator=self, X=X, y=y,
                                               metadata=metadata_callbacks)
        return self

    def _evaluate(self, parallel, base_estimator, X, y, candidate_params, cv_splits,
                  fit_and_score_kwargs, callback_ctx, continued=None, resource=None):
        """Every candidate x split's ``_fit_and_score`` result, in scikit-learn's order.

        A halving search whose survivors continue passes ``resource``, the parameter
        that is the MLP's ``max_iter``, and ``continued``: for each candidate x split
        pair, its fit of the previous rung to train on (a :class:`_Continued`) or None.
        Its fused fits then keep their training states, and their results hold the
        fit to continue under ``"continued"``.
        """
        n_candidates, n_splits = len(candidate_params), len(cv_splits)
        pairs = list(product(enumerate(candidate_params), enumerate(cv_splits)))
        groups = defaultdict(list)  # stack hint -> indices of pairs
        alone = []
        candidates = [clone(base_estimator).set_params(**clone(p, safe=False))
                      for p in candidate_params]
        hints = [_stack_hint(candidate) for candidate in candidates]
        batch_sizes = {}  # each hint's minibatch size (its first candidate's)
        for hint, candidate in zip(hints, candidates):
            if hint is not None:
                batch_sizes.setdefault(hint, fused_estimator(candidate).batch_size)
        for index, ((cand_idx, _), _) in enumerate(pairs):
            if hints[cand_idx] is None:
                alone.append(index)
            else:
                groups[hints[cand_idx]].append(index)
        jobs, owners = [], []
        for index in alone:
            (cand_idx, parameters), (split_idx, (train_rows, test_rows)) = pairs[index]
            context = None if callback_ctx is None else callback_ctx.subcontext(
                task_name="candidate-split-evaluation", task_id=index)
            jobs.append(delayed(_fit_and_score_alone)(
                clone(base_estimator), X, y, train=train_rows, test=test_rows,
                parameters=parameters, split_progress=(split_idx, n_splits),
                candidate_progress=(cand_idx, n_candidates), **fit_and_score_kwargs,
                caller=self, callback_ctx=context,
            ))
            owners.append([index])
        # a group's fits are split over the workers, so that every worker trains a stack;
        # fits too large to gain from a stack go one per job, as scikit-learn sends them
        n_workers = effective_n_jobs(self.n_jobs)
        n_train = _num_samples(X) - _num_samples(X) // max(n_splits, 2)
        for hint, indices in groups.items():
            n_chunks = min(n_workers, len(indices))
            if not _may_stack(hint, batch_sizes[hint], _num_features(X), n_train):
                n_chunks = len(indices)
            for chunk in np.array_split(np.array(indices), n_chunks):
                fits = [(pairs[i][0][1], *pairs[i][1][1],
                         None if continued is None else continued[i]) for i in chunk]
                jobs.append(delayed(_fused_fit_and_score)(
                    base_estimator, X, y, fits, resource=resource, **fit_and_score_kwargs))
                owners.append(chunk.tolist())
        out = [None] * len(pairs)
        for indices, results in zip(owners, parallel(jobs)):
            for index, result in zip(indices, results):
                out[index] = result
        return out


class _FusedHalvingMixin(_FusedSearchMixin):
    """scikit-learn's successive halving over fused rungs, whose survivors continue.

    Each rung is a fused evaluation (``_FusedSearchMixin._evaluate``). When the
    resource is the MLP's ``max_iter``, every fused fit keeps its training state
    (:class:`~skmlp._training.TrainingState`), and in the next rung a surviving
    candidate's fit on each split trains on from where it stopped -- its Pipeline
    steps stay fitted -- instead of starting again: the fit with the larger
    ``max_iter``, so the results are scikit-learn's. A fit that cannot continue (its
    schedule spans ``max_iter``, it failed, it did not fuse) is fitted anew.
    """

    def _fused_fit(self, X, y=None, **params):
        # scikit-learn's BaseSuccessiveHalving.fit, around the fused BaseSearchCV.fit
        self._n_samples_orig = _num_samples(X)
        self._rung_fits = _RungFits(self.resource) if \
            _resource_is_max_iter(self.estimator, self.resource) else None
        try:
            super()._fused_fit(X, y, **params)
        finally:  # the kept fits go with the search: none is pickled or cloned with it
            if self._rung_fits is not None:
                self._rung_fits.clear()
            del self._rung_fits
        self.best_score_ = self.cv_results_["mean_test_score"][self.best_index_]
        return self

    def _evaluate(self, parallel, base_estimator, X, y, candidate_params, cv_splits,
                  fit_and_score_kwargs, callback_ctx):
        """One rung's results; the survivors of the previous rung continue their fits."""
        rung_fits = self._rung_fits
        if rung_fits is None:
            return super()._evaluate(parallel, base_estimator, X, y, candidate_params,
                                     cv_splits, fit_and_score_kwargs, callback_ctx)
        candidate_params = list(candidate_params)
        continued = rung_fits.take(candidate_params, len(cv_splits))
        out = super()._evaluate(parallel, base_estimator, X, y, candidate_params, cv_splits,
                                fit_and_score_kwargs, callback_ctx, continued=continued,
                                resource=self.resource)
        rung_fits.keep(candidate_params, len(cv_splits), out)
        return out


def _resource_is_max_iter(estimator, resource):
    """Whether a halving search's ``resource`` is the ``max_iter`` of the skmlp estimator
    it fuses (``"max_iter"``, ``"<step>__max_iter"``, ...): its survivors can continue."""
    if resource == "n_samples":
        return False
    probe = object()
    try:
        mlp = _final_mlp(clone(estimator).set_params(**{resource: probe}))
    except ValueError:  # not a parameter (scikit-learn's fit says so)
        return False
    return mlp is not None and mlp.max_iter is probe


def _may_stack(hint, batch_size, n_features, n_train):
    """Whether fits of this stack hint are likely small enough to gain from a stack
    (estimated before preprocessing, from the raw features and one output)."""
    hidden = hint[1]
    rows = min(200, n_train) if batch_size == "auto" else min(batch_size, n_train)
    return stacking_pays([n_features, *hidden, 1], rows)


def _num_features(X):
    shape = getattr(X, "shape", None)
    return shape[1] if shape is not None and len(shape) == 2 else 1


def _fit_and_score_alone(*args, **kwargs):
    """scikit-learn's ``_fit_and_score``, its result in a list like a fused job's."""
    return [_fit_and_score(*args, **kwargs)]


class _FittedSteps:
    """A ``Pipeline`` ``memory`` that shares fitted preprocessing steps within a job.

    A fused job fits many candidates on the same folds; those whose preprocessing
    steps have the same parameters get the same fitted steps and transformed data
    from here -- one fit per fold and distinct preprocessing setting -- and so share
    one copy of the data in the stack. The key is what the fit depends on: the
    unfitted step (hashed, as ``joblib.Memory`` does) and its other arguments, the
    input by identity -- the job hands every candidate of a fold the same arrays, and
    each step's output is the next one's input -- which the stored entry keeps
    alive, and the targets by content (``TransformedTargetRegressor`` transforms them
    anew for each candidate).

    The candidates share the fitted step itself, and while the job scores them its
    ``transform`` remembers its outputs (by input identity again): the test rows of a
    fold are transformed once, not once per candidate -- also for the steps of a
    halving search's survivors, fitted in an earlier rung (:meth:`remember`).
    :meth:`release` forgets it all.
    """

    def __init__(self):
        self._results = {}
        self._fingerprints = {}
        self._remembering = []  # fitted steps of earlier jobs that remember their outputs

    def _fingerprint(self, y):
        """A key for targets by content: cheap for numeric arrays; other targets
        (strings, frames) take joblib's slow hash, once per object (kept alive here)."""
        if y is None:
            return None
        if isinstance(y, np.ndarray) and y.dtype != object:
            return (y.shape, y.dtype.str, hashlib.blake2b(np.ascontiguousarray(y)).digest())
        if id(y) not in self._fingerprints:
            self._fingerprints[id(y)] = (joblib_hash(y), y)
        return self._fingerprints[id(y)][0]

    def cache(self, func, ignore=()):
        def cached(transformer, X, y=None, *args, **kwargs):
            hashed = {k: v for k, v in kwargs.items() if k not in ignore}
            key = (func.__name__, id(X), self._fingerprint(y),
                   joblib_hash((transformer, args, hashed)))
            if key not in self._results:
                Xt, fitted = func(transformer, X, y, *args, **kwargs)
                if hasattr(fitted, "transform"):
                    fitted.transform = _remembering(fitted.transform)
                self._results[key] = (Xt, fitted, X, y)
            Xt, fitted, _, _ = self._results[key]
            return Xt, fitted

        return cached

    def remember(self, estimator):
        """Make the fitted steps of ``estimator``'s pipelines (a survivor fitted in an
        earlier rung) remember their outputs until :meth:`release`, as the steps fitted
        here do: a fold's survivors share them, and so their transformed rows."""
        for pipeline in _fitted_pipelines(estimator):
            for _, step in pipeline.steps[:-1]:
                if hasattr(step, "transform") and "transform" not in vars(step):
                    step.transform = _remembering(step.transform)
                    self._remembering.append(step)

    def release(self):
        """Give the fitted steps their own ``transform`` back and drop every result."""
        for _, fitted, _, _ in self._results.values():
            vars(fitted).pop("transform", None)
        for step in self._remembering:
            vars(step).pop("transform", None)
        self._results.clear()
        self._fingerprints.clear()
        self._remembering.clear()

    def __deepcopy__(self, memo):  # clone() deep-copies parameters: keep sharing the store
        return self


def _remembering(transform):
    """``transform`` that returns its earlier output for an input it has seen (the same
    object, kept alive by the entry)."""
    outputs = {}

    def remembered(X, *args, **kwargs):
        if args or kwargs:
            return transform(X, *args, **kwargs)
        if id(X) not in outputs:
            outputs[id(X)] = (transform(X), X)
        return outputs[id(X)][0]

    return remembered


def _share_preprocessing(estimator, memory):
    """Give every Pipeline in ``estimator`` without a memory of its own ``memory``;
    return the pipelines changed (their ``memory`` is restored after the fit)."""
    changed = []
    while estimator is not None:
        if isinstance(estimator, Pipeline):
            if estimator.memory is None:
                estimator.memory = memory
                changed.append(estimator)
            estimator = estimator.steps[-1][1]
        elif isinstance(estimator, TransformedTargetRegressor):
            estimator = estimator.regressor
        else:
            estimator = None
    return changed


def _fitted_pipelines(estimator):
    """The fitted pipelines inside ``estimator`` (TransformedTargetRegressor fits a clone)."""
    while estimator is not None:
        if isinstance(estimator, Pipeline):
            yield estimator
            estimator = estimator.steps[-1][1]
        elif isinstance(estimator, TransformedTargetRegressor):
            estimator = getattr(estimator, "regressor_", None)
        else:
            estimator = None


def _fused_fit_and_score(base_estimator, X, y, fits, *, scorer, fit_params, score_params,
                         return_train_score, return_n_test_samples, return_times,
                         return_parameters, error_score, verbose, resource=None):
    """``_fit_and_score`` for several candidate x split fits, trained as stacks.

    ``fits`` lists ``(parameters, train, test)``, or ``(parameters, train, test,
    continued)`` where ``continued`` is None or a :class:`_Continued` fit of a halving
    search's previous rung, trained on to ``parameters[resource]`` epochs instead of
    fitted anew. With ``resource`` (the parameter that is the MLP's ``max_iter``), the
    models keep their training states, and the result of each fit that can continue
    holds it under ``"continued"``. Returns one ``_fit_and_score`` result dict per fit,
    in order.
    """
    if not isinstance(error_score, numbers.Number) and error_score != "raise":
        raise ValueError(
            "error_score must be the string 'raise' or a numeric value. "
            "(Hint: if using 'raise', please make sure that it has been "
            "spelled correctly.)"
        )
    fit_params = fit_params if fit_params is not None else {}
    score_params = score_params if score_params is not None else {}
    prepared = []
    fitted_steps = _FittedSteps()
    splits = {}  # the candidates of one fold share its rows (estimators do not write them)
    with deferred_fits() as deferred:
        for parameters, train_rows, test_rows, *continued in fits:
            continued = continued[0] if continued else None
            if continued is None:
                estimator = clone(base_estimator).set_params(**clone(parameters, safe=False))
            else:  # fitted (Pipeline steps too) in the previous rung: trained on below
                estimator = continued.estimator
            split = id(train_rows), id(test_rows)
            if split not in splits:
                splits[split] = (*_safe_split(estimator, X, y, train_rows),
                                 *_safe_split(estimator, X, y, test_rows, train_rows))
            X_train, y_train, X_test, y_test = splits[split]
            fit = {"estimator": estimator, "parameters": parameters, "X_train": X_train,
                   "y_train": y_train, "X_test": X_test, "y_test": y_test,
                   "train": train_rows, "test": test_rows, "member": None, "error": None}
            prepared.append(fit)
            if continued is not None:
                fit["member"] = continued.resume(parameters)
                fit["fit_time"] = 0.0
                fitted_steps.remember(estimator)
                continue
            started = time.time()
            shared = _share_preprocessing(estimator, fitted_steps)
            try:
                estimator.fit(X_train, y_train,
                              **_check_method_params(X, params=fit_params, indices=train_rows))
                fit["member"] = deferred.pop() if deferred else None
                if resource is not None and fit["member"] is not None:
                    fit["member"].keep_state = True
                for pipeline in _fitted_pipelines(estimator):
                    if pipeline.memory is fitted_steps:
                        pipeline.memory = None
            except Exception:
                if error_score == "raise":
                    raise
                fit["error"] = format_exc()
            finally:
                for pipeline in shared:
                    pipeline.memory = None
            fit["fit_time"] = time.time() - started
    members = [fit["member"] for fit in prepared if fit["member"] is not None]
    for member in members:
        member.training_time = 0.0
    # (a continued model that has stopped, or is at max_iter already, trains nothing)
    for stack in stack_groups([member for member in members if not member.finished]):
        started = time.time()
        try:
            train(stack)
        except Exception as error:
            # what the models share failed (a user's loss or activation raised): each
            # of their fits fails with it, as each would have alone in scikit-learn
            if error_score == "raise":
                raise
            for member in stack:
                member.error = member.error or error
        share = (time.time() - started) / len(stack)
        for member in stack:
            member.training_time = share
            if member.error is not None:
                # all or nothing: a model that failed in training (it diverged) is not
                # left half-trained, it is unfitted again, as before its deferred fit
                member.estimator._unfit()
                member.state = None
    try:
        results = [_score_fit(fit, scorer, score_params, return_train_score,
                              return_n_test_samples, return_times, return_parameters,
                              error_score, X) for fit in prepared]
    finally:
        fitted_steps.release()
    if resource is not None:
        for fit, result in zip(prepared, results):
            member = fit["member"]
            if member is not None and member.state is not None:
                result["continued"] = _Continued(fit["estimator"], member, resource)
    return results


class _Continued:
    """A candidate x split fit of a halving rung, to continue in the next rung.

    ``estimator`` is the fitted candidate (its Pipeline steps fitted: they are not
    refit) and ``member`` its model in the engine, holding the data it trains on and
    its :class:`~skmlp._training.TrainingState`.
    """

    def __init__(self, estimator, member, resource):
        self.estimator, self.member, self.resource = estimator, member, resource

    def resume(self, parameters):
        """The member, its estimator set to train on to ``parameters[resource]`` epochs."""
        max_iter = parameters[self.resource]
        self.estimator.set_params(**{self.resource: max_iter})
        # (a TransformedTargetRegressor trains a clone of its regressor: set it there too)
        self.member.estimator.set_params(max_iter=max_iter)
        return self.member


class _RungFits:
    """A halving search's fits of the last rung that can continue, for the survivors.

    Kept by candidate -- its parameters but the resource (joblib's hash, as the
    candidates of the next rung are new dicts) -- and split. Each rung takes the fits
    of its candidates and drops the others, so at most one rung's fits are kept.
    """

    def __init__(self, resource):
        self.resource = resource
        self._fits = defaultdict(list)

    def _key(self, parameters):
        return joblib_hash({k: v for k, v in parameters.items() if k != self.resource})

    def take(self, candidate_params, n_splits):
        """Each candidate x split pair's fit to continue, or None, in scikit-learn's order
        of the pairs; the fits of the candidates that did not survive are dropped."""
        taken = []
        for parameters in candidate_params:
            key = self._key(parameters)
            for split in range(n_splits):
                fits = self._fits.get((key, split))
                taken.append(fits.pop() if fits else None)
        self._fits.clear()
        return taken

    def keep(self, candidate_params, n_splits, out):
        """Keep the fits the results ``out`` hold (removing them from the results)."""
        for index, result in enumerate(out):
            fit = result.pop("continued", None)
            if fit is not None:
                key = self._key(candidate_params[index // n_splits])
                self._fits[(key, index % n_splits)].append(fit)

    def clear(self):
        self._fits.clear()


def _score_fit(fit, scorer, score_params, return_train_score, return_n_test_samples,
               return_times, return_parameters, error_score, X):
    """One fit's ``_fit_and_score`` result: its scores, or ``error_score`` if it failed."""
    member = fit["member"]
    if member is not None and member.error is not None:
        if error_score == "raise":
            raise member.error
        fit["error"] = "".join(_format_exception(member.error))
    result = {"fit_error": fit["error"]}
    fit_time = fit["fit_time"] + (0.0 if member is None else member.training_time)
    score_time = 0.0
    if fit["error"] is not None:
        if isinstance(scorer, _MultimetricScorer):
            test_scores = {name: error_score for name in scorer._scorers}
        else:
            test_scores = error_score
        train_scores = test_scores.copy() if isinstance(test_scores, dict) else test_scores
    else:
        started = time.time()
        test_scores = _score(fit["estimator"], fit["X_test"], fit["y_test"], scorer,
                             _check_method_params(X, params=score_params, indices=fit["test"]),
                             error_score)
        score_time = time.time() - started
        if return_train_score:
            train_scores = _score(
                fit["estimator"], fit["X_train"], fit["y_train"], scorer,
                _check_method_params(X, params=score_params, indices=fit["train"]),
                error_score)
    result["test_scores"] = test_scores
    if return_train_score:
        result["train_scores"] = train_scores
    if return_n_test_samples:
        result["n_test_samples"] = len(fit["test"])
    if return_times:
        result["fit_time"] = fit_time
        result["score_time"] = score_time
    if return_parameters:
        result["parameters"] = fit["parameters"]
    return result


def _format_exception(error):
    return traceback.format_exception(type(error), error, error.__traceback__)


def _docstring(summary, sklearn_class, examples):
    """scikit-learn's docstring of ``sklearn_class`` under skmlp's summary and examples."""
    doc = sklearn_class.__doc__
    body = doc.split("\n\n", 1)[1]  # after scikit-learn's one-line summary
    body = body[: body.index("    Examples\n    --------")]
    # skmlp's halving searches need no enable_halving_search_cv import
    body = re.sub(r"    \.\. note::\n\n      This estimator is still \*\*experimental\*\*.*?"
                  r"(?=\n    Parameters\n)", "", body, flags=re.DOTALL)
    return f"{summary}\n\n{body}    Examples\n    --------\n{examples}"


_EXAMPLE = """\
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skmlp import MLPClassifier
    >>> from skmlp.model_selection import {name}
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> pipe = make_pipeline(StandardScaler(), MLPClassifier(
    ...     hidden_layer_sizes=(16,), max_iter=20, random_state=0))
    >>> search = {name}(pipe, {{
    ...     "mlpclassifier__alpha": [1e-4, 1e-2],
    ...     "mlpclassifier__learning_rate_init": [1e-3, 1e-2]}}, cv=3{extra})
    >>> sorted(search.fit(X, y).best_params_)  # 4 candidates x 3 folds: one stack
    ['mlpclassifier__alpha', 'mlpclassifier__learning_rate_init']
"""


class GridSearchCV(_FusedSearchMixin, _SklearnGridSearchCV):
    __doc__ = _docstring(
        """Exhaustive search over specified parameter values for an estimator, with the
    fits of skmlp estimators trained together as stacks of models.

    A drop-in replacement for :class:`sklearn.model_selection.GridSearchCV`: the same
    parameters, attributes and results (see :ref:`fused-search` for what is fused).
    What follows is scikit-learn's documentation of the class.""",
        _SklearnGridSearchCV, _EXAMPLE.format(name="GridSearchCV", extra=""))


class RandomizedSearchCV(_FusedSearchMixin, _SklearnRandomizedSearchCV):
    __doc__ = _docstring(
        """Randomized search on hyper parameters, with the fits of skmlp estimators
    trained together as stacks of models.

    A drop-in replacement for :class:`sklearn.model_selection.RandomizedSearchCV`: the
    same parameters, attributes and results (see :ref:`fused-search` for what is
    fused). What follows is scikit-learn's documentation of the class.""",
        _SklearnRandomizedSearchCV,
        _EXAMPLE.format(name="RandomizedSearchCV", extra=", n_iter=4, random_state=0"))


_HALVING_EXAMPLE = """\
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skmlp import MLPClassifier
    >>> from skmlp.model_selection import {name}
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> pipe = make_pipeline(StandardScaler(), MLPClassifier(
    ...     hidden_layer_sizes=(16,), random_state=0))
    >>> search = {name}(pipe, {{
    ...     "mlpclassifier__alpha": [1e-4, 1e-2, 1.0],
    ...     "mlpclassifier__learning_rate_init": [1e-3, 1e-2, 1e-1]}},
    ...     resource="mlpclassifier__max_iter", max_resources=18, cv=3{extra})
    >>> search.fit(X, y).n_resources_  # epochs; the survivors continue their training
    [2, 6, 18]
    >>> search.n_candidates_
    [9, 3, 1]
"""


class HalvingGridSearchCV(_FusedHalvingMixin, _SklearnHalvingGridSearchCV):
    __doc__ = _docstring(
        """Search over specified parameter values with successive halving, with the fits
    of skmlp estimators trained together as stacks of models and, when the resource is
    their ``max_iter``, surviving models continuing their training.

    A drop-in replacement for :class:`sklearn.model_selection.HalvingGridSearchCV`
    (no ``enable_halving_search_cv`` import needed): the same parameters, attributes
    and results (see :ref:`halving-search` for what is fused and what continues).
    What follows is scikit-learn's documentation of the class.""",
        _SklearnHalvingGridSearchCV, _HALVING_EXAMPLE.format(name="HalvingGridSearchCV",
                                                             extra=""))


class HalvingRandomSearchCV(_FusedHalvingMixin, _SklearnHalvingRandomSearchCV):
    __doc__ = _docstring(
        """Randomized search on hyper parameters with successive halving, with the fits of
    skmlp estimators trained together as stacks of models and, when the resource is
    their ``max_iter``, surviving models continuing their training.

    A drop-in replacement for :class:`sklearn.model_selection.HalvingRandomSearchCV`
    (no ``enable_halving_search_cv`` import needed): the same parameters, attributes
    and results (see :ref:`halving-search` for what is fused and what continues).
    What follows is scikit-learn's documentation of the class.""",
        _SklearnHalvingRandomSearchCV,
        _HALVING_EXAMPLE.format(name="HalvingRandomSearchCV",
                                extra=", n_candidates=9, min_resources=2, random_state=0"))
