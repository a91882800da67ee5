"""ONNX export through skl2onnx.

Importing this module registers converters for :class:`~skmlp.MLPClassifier` and
:class:`~skmlp.MLPRegressor` with skl2onnx, so that ``skl2onnx.to_onnx`` converts
them and any pipeline containing them::

    import skmlp.onnx  # noqa: F401  (registers the converters)
    from skl2onnx import to_onnx

    onx = to_onnx(pipeline, X[:1].astype(np.float32))

The graph reproduces ``predict``, ``predict_proba`` and the regressor's outputs:
every hidden activation (GELU as its exact erf form, which every opset since 9
has; in double-precision graphs the erf itself runs in float32, as onnxruntime has
no double kernel for it), the output activation of every loss, the binary, multiclass (softmax or
normalized one-vs-rest sigmoids) and multilabel probability layouts, and
``predict_proba``'s clipping to ``[eps, 1 - eps]``, also for models trained with a
loss of your own (the graph needs only its output activation); a custom activation
cannot be converted (the converter says so). Classifiers have skl2onnx's
usual outputs (label and probabilities, with its ``zipmap`` option); regressors
output ``(n_samples, n_outputs)``. Needs skl2onnx and onnxruntime
(``pip install ".[onnx]"`` in a checkout of skmlp).
"""

import numpy as np

try:
    from skl2onnx import update_registered_converter
    from skl2onnx.common.data_types import (
        DoubleTensorType,
        FloatTensorType,
        Int64TensorType,
        StringTensorType,
        guess_proto_type,
    )
    from skl2onnx.common.utils import check_input_and_output_numbers
    from skl2onnx.proto import onnx_proto
except ImportError as error:  # pragma: no cover - exercised without the extra
    raise ImportError(
        'skmlp.onnx needs skl2onnx and onnxruntime: pip install skl2onnx onnxruntime '
        '(or pip install ".[onnx]" in a checkout of skmlp).'
    ) from error

from ._mlp import MLPClassifier, MLPRegressor
from .activations import ELU_ALPHA, LEAKY_RELU_SLOPE, SELU_ALPHA, SELU_SCALE, Activation

__all__ = ["register_converters"]


# ---------------------------------------------------------------- shapes
def _float_type(operator):
    """The tensor type of the outputs: double for double input, float otherwise."""
    return DoubleTensorType if isinstance(operator.inputs[0].type, DoubleTensorType) \
        else FloatTensorType


def _refuse_custom_activations(model):
    """ONNX graphs are built from operators: a user's activation function has none.

    A user's loss is no obstacle: prediction needs only the output activation
    (``out_activation_``), which is always one of skmlp's own.
    """
    activation = model._fitted_activation()
    if isinstance(activation, Activation):
        raise NotImplementedError(
            f"Cannot convert {type(model).__name__}(activation={activation!r}) to ONNX: a "
            "custom activation is Python code, which ONNX has no operator for. Export a "
            "model trained with a built-in activation name, or keep this one in Python "
            "(pickle or skops)."
        )


def _classifier_shapes(operator):
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=2)
    model = operator.raw_operator
    _refuse_custom_activations(model)
    n = operator.inputs[0].get_first_dimension()
    if model._target_type == "multilabel-indicator":
        operator.outputs[0].type = Int64TensorType([n, len(model.classes_)])
    elif _class_labels(model, _nocl(operator))[1] == onnx_proto.TensorProto.STRING:
        operator.outputs[0].type = StringTensorType([n])
    else:
        operator.outputs[0].type = Int64TensorType([n])
    operator.outputs[1].type = _float_type(operator)([n, len(model.classes_)])


def _nocl(operator):
    """skl2onnx's option ``nocl``: labels are class indices instead of ``classes_``."""
    return operator.scope_inst.get_options(operator.raw_operator, {"nocl": False})["nocl"]


def _regressor_shapes(operator):
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=1)
    _refuse_custom_activations(operator.raw_operator)
    n = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = _float_type(operator)([n, operator.raw_operator.n_outputs_])


# ---------------------------------------------------------------- graph
class _Graph:
    """Small helper over skl2onnx's scope and container: unique names, typed constants."""

    def __init__(self, scope, container, dtype):
        self.scope, self.container = scope, container
        self.proto_dtype = dtype
        self.numpy_dtype = np.float64 if dtype == onnx_proto.TensorProto.DOUBLE else np.float32

    def constant(self, name, value, proto_dtype=None):
        value = np.asarray(value)
        if proto_dtype is None:
            proto_dtype, value = self.proto_dtype, value.astype(self.numpy_dtype)
        unique = self.scope.get_unique_variable_name(name)
        self.container.add_initializer(unique, proto_dtype, list(value.shape),
                                       value.ravel().tolist())
        return unique

    def node(self, op_type, inputs, output=None, op_domain="", **attributes):
        output = output or self.scope.get_unique_variable_name(op_type.lower())
        self.container.add_node(op_type, inputs, output, op_domain=op_domain,
                                name=self.scope.get_unique_operator_name(op_type),
                                **attributes)
        return output


def _activation(graph, name, Z):
    """ONNX nodes computing skmlp's activation ``name`` of Z."""
    if name == "identity":
        return Z
    if name in ("logistic", "tanh", "relu", "exp", "softmax"):
        op = {"logistic": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "exp": "Exp",
              "softmax": "Softmax"}[name]
        return graph.node(op, [Z], axis=1) if op == "Softmax" else graph.node(op, [Z])
    if name == "leaky_relu":
        return graph.node("LeakyRelu", [Z], alpha=LEAKY_RELU_SLOPE)
    if name == "elu":
        return graph.node("Elu", [Z], alpha=ELU_ALPHA)
    if name == "softplus":
        return graph.node("Softplus", [Z])
    if name == "selu":
        return graph.node("Selu", [Z], alpha=SELU_ALPHA, gamma=SELU_SCALE)
    if name in ("silu", "swish"):  # z * sigmoid(z)
        return graph.node("Mul", [Z, graph.node("Sigmoid", [Z])])
    if name == "mish":  # z * tanh(softplus(z))
        return graph.node("Mul", [Z, graph.node("Tanh", [graph.node("Softplus", [Z])])])
    if name == "gelu":  # exact GELU: 0.5 z (1 + erf(z / sqrt 2))
        scaled = graph.node("Mul", [Z, graph.constant("inv_sqrt2", 1 / np.sqrt(2))])
        if graph.proto_dtype == onnx_proto.TensorProto.DOUBLE:
            # onnxruntime has no double Erf kernel: erf in float32 (relative error ~1e-7)
            as_float = graph.node("Cast", [scaled], to=onnx_proto.TensorProto.FLOAT)
            erf = graph.node("Cast", [graph.node("Erf", [as_float])], to=graph.proto_dtype)
        else:
            erf = graph.node("Erf", [scaled])
        one_plus = graph.node("Add", [erf, graph.constant("one", 1.0)])
        half_z = graph.node("Mul", [Z, graph.constant("half", 0.5)])
        return graph.node("Mul", [half_z, one_plus])
    raise NotImplementedError(f"No ONNX conversion for activation {name!r}.")


def _network_output(graph, model, input_name):
    """The network's output after the output activation (skmlp's ``_output``)."""
    A = graph.node("Cast", [input_name], to=graph.proto_dtype)
    n_layers = len(model.coefs_)
    for i, (W, b) in enumerate(zip(model.coefs_, model.intercepts_)):
        Z = graph.node("Add", [graph.node("MatMul", [A, graph.constant(f"coef{i}", W)]),
                               graph.constant(f"intercept{i}", b)])
        A = _activation(graph, model._fitted_activation(), Z) if i < n_layers - 1 else Z
    return _activation(graph, model.out_activation_, A)


def _class_labels(model, nocl=False):
    """``classes_`` as an ONNX initializer's values and type (as skl2onnx does it).

    With skl2onnx's option ``nocl=True`` the labels are the class indices.
    """
    classes = np.arange(len(model.classes_)) if nocl else model.classes_
    # float labels of a classifier are integral (scikit-learn refuses continuous targets)
    if np.issubdtype(classes.dtype, np.number) or classes.dtype == np.bool_:
        return classes.astype(np.int64), onnx_proto.TensorProto.INT64
    return np.array([str(c).encode("utf-8") for c in classes]), onnx_proto.TensorProto.STRING


def _convert_classifier(scope, operator, container):
    model = operator.raw_operator
    graph = _Graph(scope, container, _proto_dtype(operator))
    P = _network_output(graph, model, operator.inputs[0].full_name)
    label_name, proba_name = operator.outputs[0].full_name, operator.outputs[1].full_name
    multilabel = model._target_type == "multilabel-indicator"

    # the probability layout of MLPClassifier._probabilities, before clipping
    if multilabel:
        proba = P
    elif model.n_outputs_ == 1:  # one sigmoid unit: [1 - p, p]
        proba = graph.node("Concat", [graph.node("Sub", [graph.constant("one", 1.0), P]), P],
                           axis=1)
    elif model.out_activation_ == "logistic":  # one-vs-rest sigmoids, normalized
        # the row sums as a product with a column of ones: no opset-dependent ReduceSum
        ones = graph.constant("ones", np.ones((model.n_outputs_, 1)))
        proba = graph.node("Div", [P, graph.node("MatMul", [P, ones])])
    else:
        proba = P
    eps = np.finfo(graph.numpy_dtype).eps
    clipped = graph.node("Max", [proba, graph.constant("eps", eps)])
    graph.node("Min", [clipped, graph.constant("one_minus_eps", 1 - eps)], output=proba_name)

    # the labels of MLPClassifier._labels
    if multilabel:
        above = graph.node("Greater", [P, graph.constant("threshold", 0.5)])
        graph.node("Cast", [above], output=label_name, to=onnx_proto.TensorProto.INT64)
        return
    classes, class_type = _class_labels(model, _nocl(operator))
    best = graph.node("ArgMax", [proba], axis=1)
    labels = graph.node("ArrayFeatureExtractor",
                        [graph.constant("classes", classes, proto_dtype=class_type), best],
                        op_domain="ai.onnx.ml")
    graph.node("Reshape", [labels, graph.constant("flat", [-1], onnx_proto.TensorProto.INT64)],
               output=label_name)


def _convert_regressor(scope, operator, container):
    model = operator.raw_operator
    graph = _Graph(scope, container, _proto_dtype(operator))
    P = _network_output(graph, model, operator.inputs[0].full_name)
    graph.node("Identity", [P], output=operator.outputs[0].full_name)


def _proto_dtype(operator):
    if guess_proto_type(operator.inputs[0].type) == onnx_proto.TensorProto.DOUBLE:
        return onnx_proto.TensorProto.DOUBLE
    return onnx_proto.TensorProto.FLOAT


def register_converters():
    """Register the skmlp converters with skl2onnx (done once, on import of this module)."""
    update_registered_converter(
        MLPClassifier, "SkmlpMLPClassifier", _classifier_shapes, _convert_classifier,
        options={"zipmap": [True, False, "columns"], "nocl": [False, True],
                 "output_class_labels": [False, True]},
        overwrite=True,
    )
    update_registered_converter(
        MLPRegressor, "SkmlpMLPRegressor", _regressor_shapes, _convert_regressor,
        overwrite=True,
    )


register_converters()
