"""Class weights turned into per-sample weights.

Unlike ``sklearn.utils.class_weight.compute_sample_weight``, "balanced" counts
classes by their *sample weight*, so a sample of weight 2 counts as two
samples, as it does in the loss. In ``partial_fit`` the counts accumulate over
calls, so "balanced" estimates the class frequencies of the whole stream.
"""

import numpy as np


def _weights_for_column(class_weight, classes, counts, column_name):
    """Weight of each class of one output from ``class_weight`` and weighted class counts."""
    if class_weight == "balanced":
        present = counts > 0
        weights = np.ones(len(classes))
        weights[present] = counts[present].sum() / (present.sum() * counts[present])
        return weights
    unknown = set(class_weight) - set(classes.tolist())
    if unknown:
        raise ValueError(
            f"class_weight{column_name} has keys {sorted(unknown, key=str)} that are not "
            f"classes; the classes are {classes.tolist()}."
        )
    return np.array([float(class_weight.get(c, 1.0)) for c in classes.tolist()])


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
        """
        n_samples, n_columns = codes.shape
        base = np.ones(n_samples) if sample_weight is None else sample_weight
        for k in range(n_columns):
            self.counts[k] += np.bincount(codes[:, k], weights=base, minlength=self.counts.shape[1])
        per_column = class_weight
        if isinstance(per_column, dict) or per_column == "balanced":
            per_column = [per_column] * n_columns
        if len(per_column) != n_columns:
            raise ValueError(
                f"class_weight has {len(per_column)} dicts but y has {n_columns} labels: pass "
                "one dict per label, or 'balanced'."
            )
        weights = np.asarray(base, dtype=np.float64).copy()
        for k, column_weight in enumerate(per_column):
            name = f"[{k}]" if n_columns > 1 else ""
            table = _weights_for_column(column_weight, classes, self.counts[k], name)
            weights *= table[codes[:, k]]
        return weights
