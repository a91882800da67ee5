"""ONNX export: skl2onnx converts pipelines with skmlp estimators; onnxruntime agrees with skmlp."""


import numpy as np
import pytest
from sklearn.datasets import make_classification, make_multilabel_classification, make_regression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier, MLPRegressor

pytest.importorskip("skl2onnx", reason='needs the "onnx" extra (skl2onnx, onnxruntime)')
ort = pytest.importorskip("onnxruntime", reason='needs the "onnx" extra (onnxruntime)')
from skl2onnx import to_onnx  # noqa: E402

import skmlp.onnx  # noqa: E402, F401  (registers the converters)

ACTIVATIONS = ["identity", "logistic", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu",
               "swish", "mish", "softplus", "selu"]
TOLERANCE = dict(rtol=1e-5, atol=1e-5)


# short fits on purpose
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _run(onx, X):
    session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: X})


def _as_array(proba, classes):
    """skl2onnx's default ZipMap output (a list of dicts) as an array."""
    if isinstance(proba, list):
        return np.array([[row[c] for c in classes] for row in proba])
    return proba


@pytest.fixture(scope="module")
def multiclass():
    X, y = make_classification(n_samples=300, n_features=8, n_informative=5, n_classes=3,
                               random_state=0)
    return X.astype(np.float32) * 3 + 1, y  # unscaled: the pipeline's scaler matters


def _mlp_kwargs(**kwargs):
    return dict(hidden_layer_sizes=(16, 8), max_iter=40, random_state=0, **kwargs)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", ["categorical_crossentropy", "binary_crossentropy"])
def test_classifier_pipeline_default_conversion(multiclass, activation, loss):
    X, y = multiclass
    pipe = make_pipeline(StandardScaler(),
                         MLPClassifier(**_mlp_kwargs(activation=activation, loss=loss)))
    pipe.fit(X, y)
    labels, proba = _run(to_onnx(pipe, X[:1]), X)  # default options: ZipMap probabilities
    np.testing.assert_array_equal(labels, pipe.predict(X))
    np.testing.assert_allclose(_as_array(proba, pipe.classes_), pipe.predict_proba(X),
                               **TOLERANCE)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_regressor_pipeline_conversion(activation):
    X, y = make_regression(n_samples=200, n_features=6, noise=1.0, random_state=0)
    X = X.astype(np.float32)
    pipe = make_pipeline(StandardScaler(),
                         MLPRegressor(**_mlp_kwargs(activation=activation)))
    pipe.fit(X, (y / y.std()).astype(np.float32))
    (output,) = _run(to_onnx(pipe, X[:1]), X)
    assert output.shape == (len(X), 1)
    np.testing.assert_allclose(output[:, 0], pipe.predict(X), **TOLERANCE)


@pytest.mark.parametrize("loss", ["squared_error", "mse", "absolute_error", "huber", "poisson"])
def test_regressor_losses_and_multioutput(loss):
    X, Y = make_regression(n_samples=200, n_features=6, n_targets=3, random_state=1)
    X, Y = X.astype(np.float32), (Y / Y.std()).astype(np.float32)
    if loss == "poisson":
        Y = np.abs(Y)  # exp output
    model = MLPRegressor(**_mlp_kwargs(loss=loss)).fit(X, Y)
    (output,) = _run(to_onnx(model, X[:1]), X)
    np.testing.assert_allclose(output, model.predict(X), **TOLERANCE)


@pytest.mark.parametrize("loss, resolved", [("log_loss", "binary_log_loss"),
                                            ("binary_crossentropy", "binary_crossentropy"),
                                            ("categorical_crossentropy",
                                             "categorical_crossentropy")])
def test_binary_string_labels(multiclass, loss, resolved):
    # log_loss and binary_crossentropy: one sigmoid unit; categorical_crossentropy: two softmax
    X, y = multiclass
    y = np.where(y == 0, "no", "yes")
    model = MLPClassifier(**_mlp_kwargs(loss=loss)).fit(X, y)
    assert model._loss_name == resolved  # the converter sees the resolved loss
    labels, proba = _run(to_onnx(model, X[:1], options={"zipmap": False}), X)
    np.testing.assert_array_equal(labels, model.predict(X))
    np.testing.assert_allclose(proba, model.predict_proba(X), **TOLERANCE)
    assert proba.shape == (len(X), 2)


@pytest.mark.parametrize("loss, resolved", [("log_loss", "binary_log_loss"),
                                            ("binary_crossentropy", "binary_crossentropy")])
def test_multilabel_indicator_outputs(loss, resolved):
    # log_loss sums the binary cross-entropy over the labels, binary_crossentropy averages:
    # different training, the same sigmoid outputs to export
    X, Y = make_multilabel_classification(n_samples=200, n_features=8, n_classes=4,
                                          random_state=0)
    X = X.astype(np.float32)
    model = MLPClassifier(**_mlp_kwargs(loss=loss)).fit(X, Y)
    assert model._loss_name == resolved
    labels, proba = _run(to_onnx(model, X[:1], options={"zipmap": False}), X)
    np.testing.assert_array_equal(labels, model.predict(X))
    np.testing.assert_allclose(proba, model.predict_proba(X), **TOLERANCE)


@pytest.mark.parametrize("activation", ["tanh", "gelu"])
def test_float64_input_gives_a_double_graph(multiclass, activation):
    X, y = multiclass
    X = X.astype(np.float64)
    model = MLPClassifier(**_mlp_kwargs(activation=activation)).fit(X, y)
    labels, proba = _run(to_onnx(model, X[:1], options={"zipmap": False}), X)
    assert proba.dtype == np.float64
    np.testing.assert_array_equal(labels, model.predict(X))
    # gelu's erf runs in float32 (onnxruntime has no double Erf): 1e-5 still holds
    tolerance = 1e-12 if activation == "tanh" else 1e-5
    np.testing.assert_allclose(proba, model.predict_proba(X), rtol=tolerance, atol=tolerance)


def test_nocl_outputs_class_indices(multiclass):
    X, y = multiclass
    model = MLPClassifier(**_mlp_kwargs()).fit(X, np.array(["a", "b", "c"])[y])
    labels, _ = _run(to_onnx(model, X[:1], options={"zipmap": False, "nocl": True}), X)
    np.testing.assert_array_equal(labels, np.searchsorted(model.classes_, model.predict(X)))


@pytest.mark.parametrize("Estimator", [MLPRegressor, MLPClassifier])
def test_a_custom_activation_is_refused_clearly(Estimator):
    from user_objects import Tanh

    X, y = make_regression(n_samples=40, n_features=3, random_state=0)
    if Estimator is MLPClassifier:
        y = (y > 0).astype(int)
    model = Estimator(hidden_layer_sizes=(4,), max_iter=3, activation=Tanh()).fit(X, y)
    with pytest.raises(NotImplementedError, match="custom activation is Python code"):
        to_onnx(model, X[:1].astype(np.float32))


@pytest.mark.parametrize("n_classes, loss", [(3, "softmax"), (2, "softmax"), (3, "sigmoid"),
                                             (2, "sigmoid"), (0, "pinball")])
def test_a_model_trained_with_a_custom_loss_converts(multiclass, n_classes, loss):
    """The graph needs the output activation only: users' losses convert like names."""
    from user_objects import Pinball, SigmoidCrossEntropy, SoftmaxCrossEntropy

    X, y = multiclass
    user_loss = {"softmax": SoftmaxCrossEntropy(), "sigmoid": SigmoidCrossEntropy(),
                 "pinball": Pinball(0.7)}[loss]
    if n_classes == 0:
        model = MLPRegressor(**_mlp_kwargs(loss=user_loss)).fit(X, y.astype(float))
        (outputs,) = _run(to_onnx(model, X[:1]), X)
        np.testing.assert_allclose(outputs.ravel(), model.predict(X), **TOLERANCE)
        return
    y = y % n_classes
    model = MLPClassifier(**_mlp_kwargs(loss=user_loss)).fit(X, y)
    labels, proba = _run(to_onnx(model, X[:1], options={"zipmap": False}), X)
    np.testing.assert_array_equal(labels, model.predict(X))
    np.testing.assert_allclose(proba, model.predict_proba(X), **TOLERANCE)
