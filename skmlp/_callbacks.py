"""scikit-learn's callback API (``sklearn.callback``, scikit-learn >= 1.9), when present.

A fit is one root task with one subtask per epoch (per iteration for
L-BFGS), so that ``ProgressBar`` shows epochs and ``ScoringMonitor`` scores the
model after each of them. With an older scikit-learn the mixin is empty, the
decorator does nothing and :class:`FitTasks` calls no hooks.
"""

try:
    from sklearn.callback import CallbackSupportMixin, with_callbacks

    CALLBACKS_AVAILABLE = True
except ImportError:  # scikit-learn < 1.9
    CALLBACKS_AVAILABLE = False

    class CallbackSupportMixin:
        """Stand-in: this scikit-learn has no callback API."""

    def with_callbacks(method):
        return method


class FitTasks:
    """The callback tasks of one ``fit`` or ``partial_fit`` call.

    Parameters
    ----------
    estimator : BaseMLP
        The estimator whose method was called: it holds the callback context and is
        what the hooks receive. (It trains a trial copy and commits it on success.)
    snapshot : callable
        Returns the fitted state of the model being trained, copied: the attributes of
        the ``fitted_estimator`` handed to callbacks that ask for one.
    X, y : array-like
        The training data, passed to the hooks (``ScoringMonitor`` scores on them).
    sample_weight : ndarray or None
        Passed to the hooks as metadata.
    task_name : str
        ``"fit"`` or ``"partial_fit"``.
    max_subtasks : int
        The most epochs (iterations) this call can run.
    subtask_name : str
        Name of one epoch's task.
    """

    def __init__(self, estimator, snapshot, X, y, sample_weight, *, task_name, max_subtasks,
                 subtask_name):
        self._estimator = estimator
        self._snapshot = snapshot
        self._hook_data = dict(
            X=X, y=y, metadata=None if sample_weight is None else {"sample_weight": sample_weight}
        )
        self._subtask_name = subtask_name
        self._subtask = None
        self._root = None
        if CALLBACKS_AVAILABLE:
            self._root = estimator._init_callback_context(
                task_name=task_name, max_subtasks=max_subtasks
            )
            self._root.call_on_fit_task_begin(estimator=estimator, **self._hook_data)

    def begin_epoch(self):
        if self._root is None:
            return
        self._subtask = self._root.subcontext(task_name=self._subtask_name)
        self._subtask.call_on_fit_task_begin(
            estimator=self._estimator, reconstruction_attributes=self._snapshot,
            **self._hook_data
        )

    def end_epoch(self):
        """End the current epoch's task; True when a callback asks to stop training."""
        if self._root is None:
            return False
        subtask, self._subtask = self._subtask, None
        return subtask.call_on_fit_task_end(
            estimator=self._estimator, reconstruction_attributes=self._snapshot,
            **self._hook_data
        )

    def end(self):
        """End the root task (and an epoch task left open by an interrupted loop)."""
        if self._root is None:
            return
        if self._subtask is not None:
            # begun but never run (L-BFGS stopped): an empty task, as scikit-learn does
            self._subtask.call_on_fit_task_end(estimator=self._estimator)
            self._subtask = None
        self._root.call_on_fit_task_end(
            estimator=self._estimator, reconstruction_attributes=self._snapshot,
            **self._hook_data
        )
