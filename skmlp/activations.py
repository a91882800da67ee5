"""Hidden-layer and output activations.

Each activation works in place on preallocated buffers. Its derivative is
applied to a backpropagated ``delta`` from the layer's *output* ``A`` where the
function is invertible there (so pre-activations need not be kept); GELU is not
invertible from its output, so it asks the network to keep ``Z`` as well
(``needs_preactivation``).

Users write their own as subclasses of :class:`Activation`, with two plain
elementwise functions of arrays.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import erf, expit
from sklearn.base import BaseEstimator

LEAKY_RELU_SLOPE = 0.01
ELU_ALPHA = 1.0
#: SELU's constants (Klambauer et al., 2017), as PyTorch's ``torch.nn.SELU``.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_HALF = np.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


class Activation(BaseEstimator):
    """Base class of hidden-layer activations: subclass it to write your own.

    Write an activation as two plain elementwise functions of an array,
    :meth:`value` (``f(z)``) and :meth:`gradient` (``f'(z)``); skmlp calls them on
    each layer's pre-activations (kept for the backward pass) and copies their
    results into its own buffers. The arrays they get are read-only.
    Constructor parameters follow scikit-learn's rules, so an activation object
    clones, pickles and is tuned by grid search (``activation__beta``)::

        class Swish(Activation):
            def __init__(self, beta=1.0):
                self.beta = beta

            def value(self, z):
                return z * expit(self.beta * z)

            def gradient(self, z):
                s = expit(self.beta * z)
                return s + self.beta * z * s * (1 - s)

    :func:`skmlp.utils.check_gradients` compares :meth:`gradient` with finite
    differences of :meth:`value`.
    """

    _parameter_constraints: dict = {}
    #: the backward pass needs the pre-activations ``Z`` (always, for users' functions)
    needs_preactivation = True
    #: registry name of the built-in activations (None for users' own)
    name = None

    def value(self, z):
        """``f(z)``, elementwise: an array of the shape of ``z``."""
        raise NotImplementedError(f"{type(self).__name__} must define value(z).")

    def gradient(self, z):
        """``f'(z)``, elementwise: an array of the shape of ``z``."""
        raise NotImplementedError(f"{type(self).__name__} must define gradient(z).")

    # What the network calls, on its buffers.
    def forward(self, Z, out):
        """Write ``f(Z)`` to ``out`` and return it."""
        out[...] = self._checked("value", call_users_function(self, "value", z=Z), Z)
        return out

    def backward(self, A, delta, Z):
        """Multiply ``delta`` in place by ``f'(Z)`` and return it."""
        delta *= self._checked("gradient", call_users_function(self, "gradient", z=Z), Z)
        return delta

    def _checked(self, method, result, Z):
        result = np.asarray(result)
        if result.shape != Z.shape:
            raise ValueError(
                f"{self!r}.{method}(z) returned an array of shape {result.shape} for z of "
                f"shape {Z.shape}: an activation works elementwise, its result has the "
                "shape of z."
            )
        return result


def _read_only(Z):
    view = Z.view()  # a new array object: its flag leaves Z writable
    view.flags.writeable = False
    return view


def call_users_function(obj, method, **inputs):
    """``obj.<method>(*inputs)`` of a user's loss or activation, on read-only views.

    The inputs are skmlp's training buffers, which a function writing into them would
    corrupt: they are passed read-only, and numpy's bare "output array is read-only"
    (or "assignment destination is read-only") becomes an error that names the
    object, its method and the input it wrote into.

    Parameters
    ----------
    obj : Loss or Activation
    method : str
        ``"value"`` or ``"gradient"``.
    **inputs : ndarray
        The arguments by the names the method's docstring gives them (``y``, ``z``).
    """
    try:
        return getattr(obj, method)(*(_read_only(array) for array in inputs.values()))
    except ValueError as error:
        written = _written_inputs(obj, method, inputs) if "read-only" in str(error) else None
        if written is None:
            raise
        names = " and ".join(written) if written else " or ".join(inputs)
        good, bad = (("z = z - y", "z -= y") if "y" in inputs
                     else ("np.maximum(z, 0)", "np.maximum(z, 0, out=z)"))
        raise ValueError(
            f"{type(obj).__name__}.{method} wrote into its input{'s' * (len(written) > 1)} "
            f"{names} ({obj!r}): the arrays skmlp passes are its own training buffers, "
            f"read-only. Return a new array instead (e.g. `{good}`, not `{bad}`), or work "
            "on a copy (`z = z.copy()`)."
        ) from error


def _written_inputs(obj, method, inputs):
    """The names of the inputs ``obj.<method>`` writes into, or None if it fails anyway.

    Only to word an error: the method runs once more, on writable copies, which are
    compared with the originals (an empty list when the write changed no value).
    """
    copies = {name: np.array(array) for name, array in inputs.items()}
    try:
        getattr(obj, method)(*copies.values())
    except Exception:  # another failure than the write: the original error stands
        return None
    return [name for name in inputs
            if not np.array_equal(copies[name], inputs[name], equal_nan=True)]


@dataclass(frozen=True)
class _InPlaceActivation:
    """A built-in activation: in-place functions on the network's buffers.

    Attributes
    ----------
    name : str
        Registry name.
    forward : callable
        ``forward(Z)`` overwrites ``Z`` with ``f(Z)``. For GELU, whose
        derivative needs ``Z``, ``forward(Z, out=A)`` writes ``f(Z)`` to ``A``.
    backward : callable
        ``backward(A, delta, Z=None)`` multiplies ``delta`` in place by
        ``f'(Z)``, computed from the output ``A`` (and ``Z`` when
        ``needs_preactivation``).
    needs_preactivation : bool
        Whether ``backward`` needs ``Z`` besides ``A``.
    formula : str
        The math, for documentation.
    """

    name: str
    forward: Callable
    backward: Callable
    needs_preactivation: bool = False
    formula: str = ""

    def value(self, z):
        """``f(z)`` as a new array (what :class:`Activation` objects define)."""
        z = np.array(z, dtype=float)  # a copy: in-place forwards overwrite it
        return self.forward(z, out=np.empty_like(z))

    def gradient(self, z):
        """``f'(z)`` as a new array."""
        z = np.array(z, dtype=float)
        return self.backward(self.value(z), np.ones_like(z), z)


def _identity_forward(Z, out=None):
    return Z


def _identity_backward(A, delta, Z=None):
    return delta


def _logistic_forward(Z, out=None):
    return expit(Z, out=Z)


def _logistic_backward(A, delta, Z=None):
    # f' = f (1 - f)
    delta *= A
    delta *= 1 - A
    return delta


def _tanh_forward(Z, out=None):
    return np.tanh(Z, out=Z)


def _tanh_backward(A, delta, Z=None):
    # f' = 1 - f^2
    delta *= 1 - A**2
    return delta


#: Read-only zeros by ``(row_shape, dtype)``, for relu. Bounded: at most
#: ``_ZEROS_MAX_ENTRIES`` arrays (cleared when full, an atomic step when threads share it)
#: of at most ``_ZEROS_MAX_BYTES`` each.
_ZEROS = {}
_ZEROS_MAX_ENTRIES = 8
_ZEROS_MAX_BYTES = 2**20


def _zeros_like(Z):
    """A read-only zero array shaped like ``Z``, sliced from a small cache, or None.

    ``np.maximum(Z, zeros)`` takes numpy's vectorized array-array loop, several
    times faster than ``np.maximum(Z, 0)``, which broadcasts a scalar. Arrays
    larger than ``_ZEROS_MAX_BYTES`` get None: their layer's matrix product
    costs far more than the slower loop, and caching their zeros would hold
    megabytes for good.
    """
    # keyed by the row width: a stack's (K, m, width) batch is K * m rows of it
    row_shape = Z.shape[-1:]
    n_rows = Z.size // max(Z.shape[-1], 1)
    key = (row_shape, Z.dtype)
    zeros = _ZEROS.get(key)
    if zeros is None or zeros.shape[0] < n_rows:
        if Z.nbytes > _ZEROS_MAX_BYTES:
            return None
        if len(_ZEROS) >= _ZEROS_MAX_ENTRIES:
            _ZEROS.clear()
        zeros = np.zeros((n_rows, *row_shape), dtype=Z.dtype)
        zeros.flags.writeable = False
        _ZEROS[key] = zeros
    return zeros[:n_rows].reshape(Z.shape)


def _relu_forward(Z, out=None):
    zeros = _zeros_like(Z)
    return np.maximum(Z, 0 if zeros is None else zeros, out=Z)


def _relu_backward(A, delta, Z=None):
    delta *= A > 0
    return delta


def _leaky_relu_forward(Z, out=None):
    return np.maximum(Z, LEAKY_RELU_SLOPE * Z, out=Z)


def _leaky_relu_backward(A, delta, Z=None):
    # f(z) < 0 exactly where z < 0, so the output tells the branch.
    delta[A < 0] *= LEAKY_RELU_SLOPE
    return delta


def _elu_forward(Z, out=None):
    negative = Z < 0
    Z[negative] = ELU_ALPHA * np.expm1(Z[negative])
    return Z


def _elu_backward(A, delta, Z=None):
    # For z < 0, f(z) = a (e^z - 1), so f'(z) = a e^z = f(z) + a.
    negative = A < 0
    delta[negative] *= A[negative] + ELU_ALPHA
    return delta


def _gelu_forward(Z, out):
    # Exact GELU: z * Phi(z), with Phi the standard normal CDF.
    np.multiply(Z, _SQRT_HALF, out=out)
    erf(out, out=out)
    out += 1
    out *= 0.5
    out *= Z
    return out


def _gelu_backward(A, delta, Z):
    # f'(z) = Phi(z) + z phi(z); Phi(z) = f(z) / z is unstable near 0, so use Z.
    phi = np.exp(-0.5 * Z**2)
    phi *= _INV_SQRT_2PI
    phi *= Z
    cdf = erf(Z * _SQRT_HALF)
    cdf += 1
    cdf *= 0.5
    phi += cdf
    delta *= phi
    return delta


def _softplus_forward(Z, out=None):
    # log(1 + e^z) without overflow
    return np.logaddexp(0.0, Z, out=Z)


def _softplus_backward(A, delta, Z=None):
    # f' = sigmoid(z) = 1 - e^-f(z): from the output, accurate where f(z) is tiny
    delta *= -np.expm1(-A)
    return delta


def _selu_forward(Z, out=None):
    negative = Z < 0
    Z[negative] = SELU_ALPHA * np.expm1(Z[negative])
    Z *= SELU_SCALE
    return Z


def _selu_backward(A, delta, Z=None):
    # for z <= 0, f(z) = s a (e^z - 1), so f'(z) = s a e^z = f(z) + s a; else f' = s
    # (at z = 0 PyTorch takes the left derivative, s a)
    negative = A <= 0
    delta[negative] *= A[negative] + SELU_SCALE * SELU_ALPHA
    delta[~negative] *= SELU_SCALE
    return delta


def _silu_forward(Z, out):
    # z * sigmoid(z); not invertible from its output: backward gets Z too
    expit(Z, out=out)
    out *= Z
    return out


def _silu_backward(A, delta, Z):
    # f' = s (1 + z (1 - s)) = s + f (1 - s), with s = sigmoid(z) and f = z s
    s = expit(Z)
    d = 1.0 - s
    d *= A
    d += s
    delta *= d
    return delta


def _mish_forward(Z, out):
    # z * tanh(softplus(z))
    np.logaddexp(0.0, Z, out=out)
    np.tanh(out, out=out)
    out *= Z
    return out


def _mish_backward(A, delta, Z):
    # f' = tanh(sp) + z sigmoid(z) (1 - tanh(sp)^2), sp = softplus(z)
    t = np.tanh(np.logaddexp(0.0, Z))
    d = 1.0 - t * t
    d *= Z
    d *= expit(Z)
    d += t
    delta *= d
    return delta


ACTIVATIONS = {
    activation.name: activation
    for activation in (
        _InPlaceActivation("identity", _identity_forward, _identity_backward, formula="f(z) = z"),
        _InPlaceActivation(
            "logistic",
            _logistic_forward,
            _logistic_backward,
            formula="f(z) = 1 / (1 + exp(-z))",
        ),
        _InPlaceActivation("tanh", _tanh_forward, _tanh_backward, formula="f(z) = tanh(z)"),
        _InPlaceActivation("relu", _relu_forward, _relu_backward, formula="f(z) = max(z, 0)"),
        _InPlaceActivation(
            "leaky_relu",
            _leaky_relu_forward,
            _leaky_relu_backward,
            formula="f(z) = max(z, 0.01 z)",
        ),
        _InPlaceActivation(
            "elu",
            _elu_forward,
            _elu_backward,
            formula="f(z) = z if z > 0 else exp(z) - 1",
        ),
        _InPlaceActivation(
            "gelu",
            _gelu_forward,
            _gelu_backward,
            needs_preactivation=True,
            formula="f(z) = z * Phi(z), Phi the standard normal CDF",
        ),
        _InPlaceActivation(
            "silu",
            _silu_forward,
            _silu_backward,
            needs_preactivation=True,
            formula="f(z) = z / (1 + exp(-z)) (also called swish)",
        ),
        _InPlaceActivation(
            "mish",
            _mish_forward,
            _mish_backward,
            needs_preactivation=True,
            formula="f(z) = z * tanh(log(1 + exp(z)))",
        ),
        _InPlaceActivation(
            "softplus",
            _softplus_forward,
            _softplus_backward,
            formula="f(z) = log(1 + exp(z))",
        ),
        _InPlaceActivation(
            "selu",
            _selu_forward,
            _selu_backward,
            formula="f(z) = s z if z > 0 else s a (exp(z) - 1), a = 1.6733, s = 1.0507",
        ),
    )
}


#: Other names of activations: ``activation="swish"`` is ``"silu"``.
ACTIVATION_ALIASES = {"swish": "silu"}
ACTIVATIONS.update({alias: ACTIVATIONS[name] for alias, name in ACTIVATION_ALIASES.items()})


def resolve_activation(activation):
    """The activation object the network computes with, from a name or an object."""
    return activation if isinstance(activation, Activation) else ACTIVATIONS[activation]


def _softmax_inplace(Z):
    Z -= Z.max(axis=-1, keepdims=True)  # exp cannot overflow; the result is unchanged
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=-1, keepdims=True)
    return Z


def _exp_inplace(Z):
    return np.exp(Z, out=Z)


#: Output activations map raw network outputs ``z`` to predictions ``p``.
OUTPUT_ACTIVATIONS = {
    "identity": _identity_forward,
    "logistic": _logistic_forward,
    "softmax": _softmax_inplace,
    "exp": _exp_inplace,
}
