"""Class weights turned into per-sample weights.

Unlike ``sklearn.utils.class_weight.compute_sample_weight``, "balanced" counts
classes by their *sample weight*, so a sample of weight 2 counts as two
samples, as it does in the loss. In ``partial_fit`` the counts accumulate over
calls, so "balanced" estimates the class frequencies of the whole stream.
"""

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import InvalidParameterError


def _check_weight(weight, cls, where):
    """``weight`` as a float, or InvalidParameterError naming the class it is for."""
    prefix = f"class_weight{where} has weight {weight!r} for class {cls!r}"
    if isinstance(weight, (complex, np.complexfloating)):
        raise InvalidParameterError(f"{prefix}: class weights must be real numbers.")
    # bool is a Real, but True as a weight is more likely a mistake than a 1
    if not isinstance(weight, Real) or isinstance(weight, (bool, np.bool_)):
        raise InvalidParameterError(f"{prefix}: class weights must be numbers.")
    weight = float(weight)
    if not np.isfinite(weight):
        raise InvalidParameterError(f"{prefix}: class weights must be finite.")
    if weight < 0:
        raise InvalidParameterError(f"{prefix}: class weights must be >= 0.")
    return weight


def _check_column(column_weight, where, classes):
    if isinstance(column_weight, str) and column_weight == "balanced":
        return column_weight
    if not isinstance(column_weight, dict):
        raise InvalidParameterError(
            f"class_weight{where} must be a dict mapping classes to weights or 'balanced', "
            f"got {column_weight!r}."
        )
    if classes is not None:
        unknown = set(column_weight) - set(classes.tolist())
        if unknown:
            raise InvalidParameterError(
                f"class_weight{where} has keys {sorted(unknown, key=str)} that are not "
                f"classes; the classes are {classes.tolist()}."
            )
    return {cls: _check_weight(weight, cls, where) for cls, weight in column_weight.items()}


def check_class_weight(class_weight, classes=None, n_columns=None):
    """Check ``class_weight`` before anything is fitted; a pure function.

    Parameters
    ----------
    class_weight : dict, list of dict, "balanced" or None
        The estimator's ``class_weight``. A list holds one dict (or
        ``"balanced"``) per label of a multilabel target.
    classes : array-like, default=None
        The class labels (``[0, 1]`` for a multilabel target). When given,
        keys that are not classes are an error.
    n_columns : int, default=None
        1 for binary and multiclass targets, ``n_labels`` for multilabel ones.
        When given, a list must hold that many entries.

    Returns
    -------
    class_weight : None, "balanced" or list of (dict or "balanced")
        One entry per column when ``n_columns`` is given (else one per list
        entry, or a single one), each dict a new one with float weights.

    Raises
    ------
    sklearn.utils._param_validation.InvalidParameterError
        A ValueError (and TypeError): a weight that is not a real number
        (strings, complex), NaN, infinite or negative, naming its class; a key
        that is not a class; a list of the wrong length.
    """
    if class_weight is None:
        return None
    if isinstance(class_weight, str) and class_weight == "balanced":
        return class_weight
    if classes is not None:
        classes = np.asarray(classes)
    if isinstance(class_weight, dict):
        return [_check_column(class_weight, "", classes)] * (n_columns or 1)
    if not isinstance(class_weight, (list, tuple)):
        raise InvalidParameterError(
            "class_weight must be a dict, a list of dicts (one per label), 'balanced' or None, "
            f"got {class_weight!r}."
        )
    if n_columns is not None and len(class_weight) != n_columns:
        raise InvalidParameterError(
            f"class_weight has {len(class_weight)} dicts but y has {n_columns} labels: pass "
            "one dict per label, or 'balanced'."
        )
    return [_check_column(column, f"[{k}]", classes) for k, column in enumerate(class_weight)]


def check_class_weight_form(class_weight, target_type):
    """Refuse a list of class weights (one per label) for targets that are not multilabel.

    Parameters
    ----------
    class_weight : dict, list of dict, "balanced" or None
    target_type : str
        ``sklearn.utils.multiclass.type_of_target`` of the fitted targets.

    Raises
    ------
    sklearn.utils._param_validation.InvalidParameterError
        A ValueError, for a list or tuple and a binary or multiclass target.
    """
    if not isinstance(class_weight, (list, tuple)) or target_type == "multilabel-indicator":
        return
    n = len(class_weight)
    if n == 1 and isinstance(class_weight[0], dict):
        advice = f"pass the dict itself, class_weight={class_weight[0]!r}"
    else:
        advice = "pass one dict {class: weight}, or 'balanced'"
    raise InvalidParameterError(
        f"class_weight is a list of {n} {'dict' if n == 1 else 'dicts'}, the form for "
        f"multilabel y (one per label), but y is {target_type}: {advice}."
    )


def _weights_for_column(class_weight, classes, counts):
    """Weight of each class of one output from a checked ``class_weight`` and class counts."""
    if class_weight == "balanced":
        present = counts > 0
        weights = np.ones(len(classes))
        weights[present] = counts[present].sum() / (present.sum() * counts[present])
        return weights
    return np.array([class_weight.get(c, 1.0) for c in classes.tolist()])


class ClassWeighting:
    """Per-sample weights from ``class_weight``, with the weighted class counts seen so far.

    ``fit`` uses a fresh instance; ``partial_fit`` keeps one across calls, so
    its counts cover every sample seen.

    Parameters
    ----------
    n_columns : int
        1 for binary and multiclass targets, ``n_labels`` for multilabel ones.
    n_classes : int
        Classes per column (2 for multilabel columns).
    """

    def __init__(self, n_columns, n_classes):
        self.counts = np.zeros((n_columns, n_classes))

    @classmethod
    def of_counts(cls, counts):
        """An instance continuing from these weighted class counts (a copy)."""
        weighting = cls(*counts.shape)
        weighting.counts[...] = counts
        return weighting

    def sample_weight(self, class_weight, codes, classes, sample_weight):
        """Count these samples, then return ``sample_weight * class weights`` (a new array).

        Parameters
        ----------
        class_weight : dict, list of dict or "balanced"
            As the estimators' ``class_weight``; a list gives one dict per label
            of a multilabel target.
        codes : ndarray of int of shape (n_samples, n_columns)
            Index of each sample's class in ``classes`` per column.
        classes : ndarray
            Class labels (as the user names them in ``class_weight``).
        sample_weight : ndarray of shape (n_samples,) or None

        Raises
        ------
        ValueError
            From :func:`check_class_weight`, before the counts change.
        """
        n_samples, n_columns = codes.shape
        per_column = check_class_weight(class_weight, classes, n_columns)
        if per_column == "balanced":
            per_column = [per_column] * n_columns
        base = np.ones(n_samples) if sample_weight is None else sample_weight
        for k in range(n_columns):
            self.counts[k] += np.bincount(codes[:, k], weights=base, minlength=self.counts.shape[1])
        weights = np.asarray(base, dtype=np.float64).copy()
        for k, column_weight in enumerate(per_column):
            weights *= _weights_for_column(column_weight, classes, self.counts[k])[codes[:, k]]
        return weights


def loss_scale(class_weight, weights, sample_weight):
    """What the class-weighted loss is multiplied by: ``sum(w * cw) / sum(w)`` of the rows.

    The weighted mean of the loss is invariant to the scale of the weights, so on its
    own ``class_weight={0: 1000, 1: 1e-4}`` would act as ``{0: 1, 1: 1e-7}``. Multiplied
    by this factor the loss is ``sum(w * cw * loss) / sum(w)``: with ``sample_weight``
    None, ``mean(cw * loss)`` -- the units of scikit-learn's SGDClassifier, where a class
    weight scales that class's loss, so its steps and the ``tol`` of the stopping rule.
    The minimum is the same. ``"balanced"`` weights keep ``sum(w * cw) == sum(w)``: 1.

    Parameters
    ----------
    class_weight : dict, list or "balanced"
    weights : ndarray of shape (n_samples,)
        ``sample_weight * class weights`` (:meth:`ClassWeighting.sample_weight`).
    sample_weight : ndarray of shape (n_samples,) or None

    Returns
    -------
    scale : float
    """
    if isinstance(class_weight, str) or (isinstance(class_weight, (list, tuple)) and all(
            isinstance(column, str) for column in class_weight)):
        return 1.0  # "balanced", exactly: no rounding of a factor near 1
    base = len(weights) if sample_weight is None else float(np.sum(sample_weight))
    return float(np.sum(weights)) / base
