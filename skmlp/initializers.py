"""Weight and bias initializers.

Each initializer is a small scikit-learn-style object (``get_params`` /
``set_params`` / ``clone``), so it can be passed as ``weight_init`` or
``bias_init`` and tuned by grid search (``weight_init__std``). Strings name
default-constructed instances through :data:`INITIALIZERS`.

Variance-scaling initializers draw with standard deviation
``sqrt(scale / fan)``: Glorot ``scale=2, fan=(fan_in + fan_out)``, He
``scale=2, fan=fan_in``, LeCun ``scale=1, fan=fan_in``. Their uniform variants
draw from ``[-limit, limit]`` with ``limit = sqrt(3) * std``, which has that
standard deviation.

Parameters are checked the scikit-learn way, by ``_parameter_constraints`` on
each class; ``check_initializer`` runs those checks, so that an estimator's
``fit`` can reject an impossible initializer before it changes anything.
"""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import Interval, InvalidParameterError

__all__ = [
    "Initializer",
    "Zeros",
    "Ones",
    "Constant",
    "Normal",
    "Uniform",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "LecunNormal",
    "LecunUniform",
    "ScikitLearnUniform",
    "INITIALIZERS",
    "resolve_initializer",
]

# NaN and infinities lie outside every Interval, so these reject them.
_FINITE = Interval(Real, None, None, closed="neither")
_NON_NEGATIVE_FINITE = Interval(Real, 0, None, closed="left")


class Initializer(BaseEstimator):
    """Base class of initializers.

    Subclasses implement :meth:`sample` and declare their parameters' valid
    values in ``_parameter_constraints``; calling the object checks them, then
    returns an array of the requested shape and dtype.
    """

    _parameter_constraints: dict = {}

    def __call__(self, shape, *, fan_in, fan_out, rng, dtype=np.float64):
        """Draw initial values.

        Parameters
        ----------
        shape : tuple of int
            ``(fan_in, fan_out)`` for weights, ``(fan_out,)`` for biases.
        fan_in, fan_out : int
            Number of inputs and outputs of the layer.
        rng : numpy.random.RandomState
            Source of randomness: the estimator's ``RandomState`` (scikit-learn's
            ``check_random_state(random_state)``), which also draws the minibatch order
            after the initialization; ``normal`` and ``uniform`` are what it offers
            alike with numpy's ``Generator``.
        dtype : dtype, default=np.float64
            Output dtype.

        Returns
        -------
        values : ndarray of shape ``shape``
        """
        self._validate_params()
        return np.asarray(self.sample(shape, fan_in, fan_out, rng), dtype=dtype)

    def sample(self, shape, fan_in, fan_out, rng):
        raise NotImplementedError


class Constant(Initializer):
    """Every value equal to ``value``.

    Parameters
    ----------
    value : float, default=0.0
        The constant.
    """

    _parameter_constraints = {"value": [_FINITE]}

    def __init__(self, value=0.0):
        self.value = value

    def sample(self, shape, fan_in, fan_out, rng):
        return np.full(shape, self.value)


class Zeros(Initializer):
    """All zeros.

    As a weight initializer every hidden unit of a layer computes the same
    function and receives the same gradient, so they never differ (the
    symmetry problem); it is meant for biases.
    """

    def sample(self, shape, fan_in, fan_out, rng):
        return np.zeros(shape)


class Ones(Initializer):
    """All ones (same symmetry problem as :class:`Zeros` for weights)."""

    def sample(self, shape, fan_in, fan_out, rng):
        return np.ones(shape)


class Normal(Initializer):
    """Normal distribution ``N(mean, std**2)``.

    Parameters
    ----------
    mean : float, default=0.0
        Finite.
    std : float, default=0.05
        Finite and >= 0 (0 makes every value ``mean``).
    """

    _parameter_constraints = {"mean": [_FINITE], "std": [_NON_NEGATIVE_FINITE]}

    def __init__(self, mean=0.0, std=0.05):
        self.mean = mean
        self.std = std

    def sample(self, shape, fan_in, fan_out, rng):
        return rng.normal(self.mean, self.std, size=shape)


class Uniform(Initializer):
    """Uniform distribution on ``[low, high)``.

    Parameters
    ----------
    low : float, default=-0.05
        Finite.
    high : float, default=0.05
        Finite and >= ``low``.
    """

    _parameter_constraints = {"low": [_FINITE], "high": [_FINITE]}

    def __init__(self, low=-0.05, high=0.05):
        self.low = low
        self.high = high

    def _validate_params(self):
        super()._validate_params()
        # numpy draws from [high, low) without complaint when they are swapped
        if self.low > self.high:
            raise InvalidParameterError(
                f"The 'low' parameter of {type(self).__name__} must be <= its 'high' "
                f"parameter. Got low={self.low!r} > high={self.high!r} instead."
            )

    def sample(self, shape, fan_in, fan_out, rng):
        return rng.uniform(self.low, self.high, size=shape)


class _VarianceScaling(Initializer):
    """Zero-mean draws with standard deviation ``sqrt(scale / fan)``."""

    scale = 1.0
    distribution = "normal"

    def fan(self, fan_in, fan_out):
        return fan_in

    def std(self, fan_in, fan_out):
        """Standard deviation of the draws for a layer of these fans."""
        return np.sqrt(self.scale / self.fan(fan_in, fan_out))

    def sample(self, shape, fan_in, fan_out, rng):
        std = self.std(fan_in, fan_out)
        if self.distribution == "normal":
            return rng.normal(0.0, std, size=shape)
        limit = np.sqrt(3.0) * std
        return rng.uniform(-limit, limit, size=shape)


class _Glorot(_VarianceScaling):
    scale = 2.0

    def fan(self, fan_in, fan_out):
        return fan_in + fan_out


class GlorotNormal(_Glorot):
    """Glorot/Xavier normal: ``std = sqrt(2 / (fan_in + fan_out))``."""


class GlorotUniform(_Glorot):
    """Glorot/Xavier uniform: ``limit = sqrt(6 / (fan_in + fan_out))``."""

    distribution = "uniform"


class HeNormal(_VarianceScaling):
    """He/Kaiming normal: ``std = sqrt(2 / fan_in)``."""

    scale = 2.0


class HeUniform(_VarianceScaling):
    """He/Kaiming uniform: ``limit = sqrt(6 / fan_in)``."""

    scale = 2.0
    distribution = "uniform"


class LecunNormal(_VarianceScaling):
    """LeCun normal: ``std = sqrt(1 / fan_in)``."""


class LecunUniform(_VarianceScaling):
    """LeCun uniform: ``limit = sqrt(3 / fan_in)``."""

    distribution = "uniform"


class ScikitLearnUniform(Initializer):
    """scikit-learn's MLP initialization: uniform on ``±sqrt(factor / (fan_in + fan_out))``.

    ``factor`` is 6 (Glorot uniform), or 2 when the hidden activation is logistic.
    The bound is computed as scikit-learn computes it, and drawn with the same call
    (``rng.uniform(-bound, bound, shape)``), so from the same ``RandomState`` the values
    are scikit-learn's to the last bit.

    Parameters
    ----------
    factor : float, default=6.0
        Positive.
    """

    _parameter_constraints = {"factor": [Interval(Real, 0, None, closed="neither")]}

    def __init__(self, factor=6.0):
        self.factor = factor

    def sample(self, shape, fan_in, fan_out, rng):
        bound = np.sqrt(self.factor / (fan_in + fan_out))
        return rng.uniform(-bound, bound, shape)


def auto_initializer(activation):
    """scikit-learn's own initialization, what ``weight_init="auto"`` means.

    scikit-learn draws every layer's weights, then its biases, uniformly on
    ``±sqrt(6 / (fan_in + fan_out))`` (Glorot uniform), or on
    ``±sqrt(2 / (fan_in + fan_out))`` when the hidden activation is logistic, so a
    default skmlp model starts where scikit-learn's does.
    """
    return ScikitLearnUniform(2.0 if activation == "logistic" else 6.0)


INITIALIZERS = {
    "zeros": Zeros,
    "ones": Ones,
    "normal": Normal,
    "uniform": Uniform,
    "glorot_normal": GlorotNormal,
    "glorot_uniform": GlorotUniform,
    "he_normal": HeNormal,
    "he_uniform": HeUniform,
    "lecun_normal": LecunNormal,
    "lecun_uniform": LecunUniform,
}


def resolve_initializer(init):
    """Return an initializer object for a registry name or an initializer."""
    if isinstance(init, str):
        return INITIALIZERS[init]()
    return init


def check_initializer(init, name, *, activation=None, weight_init=None):
    """Resolve and check an estimator's ``weight_init`` or ``bias_init``, changing nothing.

    Parameters
    ----------
    init : str or Initializer
        A name in :data:`INITIALIZERS`, ``"auto"`` or an initializer object.
    name : str
        The estimator parameter holding ``init`` (``"weight_init"``), for the message.
    activation : str, default=None
        The hidden activation: ``weight_init="auto"`` resolves by it
        (:func:`auto_initializer`).
    weight_init : Initializer, default=None
        The resolved weight initializer: ``bias_init="auto"`` is it (each layer's
        biases drawn like its weights, scikit-learn's rule).

    ``"auto"`` is invalid without ``activation`` or ``weight_init``.

    Returns
    -------
    initializer : Initializer
        ``init`` itself when it is an object (``weight_init`` for ``"auto"`` biases); a
        new instance for a name.

    Raises
    ------
    sklearn.utils._param_validation.InvalidParameterError
        A ValueError (and TypeError) naming ``name``, the initializer and the
        offending parameter, e.g. ``weight_init=Normal(std=-1): The 'std'
        parameter of Normal must be a float in the range [0.0, inf). Got -1
        instead.``
    """
    if isinstance(init, str):
        if init == "auto" and weight_init is not None:
            return weight_init
        if init == "auto" and activation is not None:
            return auto_initializer(activation)
        if init not in INITIALIZERS:
            auto = activation is not None or weight_init is not None
            raise InvalidParameterError(
                f"{name}={init!r} is not an initializer: use one of {sorted(INITIALIZERS)}"
                f"{' or auto' if auto else ''}, or an Initializer object."
            )
        return resolve_initializer(init)
    if not isinstance(init, Initializer):
        raise InvalidParameterError(
            f"{name} must be an initializer name or an Initializer object, got {init!r}."
        )
    try:
        init._validate_params()
    except InvalidParameterError as error:
        raise InvalidParameterError(f"{name}={init!r}: {error}") from error
    return init
