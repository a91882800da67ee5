"""Users' loss and activation objects, where the estimators accept them.

``loss=`` and ``activation=`` take a name or an object (a :class:`skmlp.losses.Loss`
or :class:`skmlp.activations.Activation`). An object is checked before a fit changes
anything, the fit keeps a copy of it (so that changing the parameter's object after
``fit`` does not change the fitted model), and two objects are the same option when
they are of one class with equal parameters: that is what a warm start compares and
what lets a search's candidates share a stack.
"""

import copy

import joblib

from .activations import Activation
from .losses import Loss

#: The output activations a classifier's and a regressor's loss objects may name.
OUTPUT_ACTIVATIONS_BY_TASK = {
    "classification": ("logistic", "softmax"),
    "regression": ("identity", "exp"),
}


def option_key(option):
    """A hashable identity of a name or object option: equal for equal options.

    A name is its own key; an object's key is its class and a hash of its
    parameters, so clones of one object (a search's candidates) have one key.
    """
    if not isinstance(option, (Loss, Activation)):
        return option
    params = option.get_params(deep=True)
    try:
        return type(option), joblib.hash(params)
    except Exception:  # a parameter pickle cannot serialize (a lambda): its repr, then
        return type(option), repr(sorted(params.items()))


def fitted_copy(option):
    """What a fit keeps of an option: a copy of an object, the name itself."""
    return copy.deepcopy(option) if isinstance(option, (Loss, Activation)) else option


def check_loss_object(loss, task):
    """Reject a loss object that the estimator of ``task`` cannot train, before a fit."""
    if not isinstance(loss, Loss):
        return
    allowed = OUTPUT_ACTIVATIONS_BY_TASK[task]
    if loss.output_activation not in allowed:
        estimator = "classifier" if task == "classification" else "regressor"
        raise ValueError(
            f"loss={loss!r} has output_activation={loss.output_activation!r}, which a "
            f"{estimator} cannot use: set its output_activation to one of {list(allowed)}."
        )
    loss._validate_params()


def check_activation_object(activation):
    """Check an activation object's own parameters, before a fit."""
    if isinstance(activation, Activation):
        activation._validate_params()
