"""Losses and activations written the way the user guide says users write them.

Plain functions of arrays, nothing in place: the tests train with them and compare
against the built-in losses and activations they re-implement.
"""

import numpy as np
from scipy.special import expit, logsumexp, softmax

from skmlp.activations import Activation
from skmlp.losses import Loss


class Pinball(Loss):
    """The quantile (pinball) loss, averaged over the outputs."""

    nonnegative = True

    def __init__(self, quantile=0.5):
        self.quantile = quantile

    def value(self, y, z):
        r = y - z
        return np.mean(np.maximum(self.quantile * r, (self.quantile - 1) * r), axis=1)

    def gradient(self, y, z):
        return np.where(y > z, -self.quantile, 1 - self.quantile) / y.shape[1]


class HalfSquaredError(Loss):
    """scikit-learn's squared_error, written by hand."""

    def value(self, y, z):
        return 0.5 * np.mean((y - z) ** 2, axis=1)

    def gradient(self, y, z):
        return (z - y) / y.shape[1]


class SoftmaxCrossEntropy(Loss):
    """categorical_crossentropy, written by hand."""

    output_activation = "softmax"

    def value(self, y, z):
        return logsumexp(z, axis=1) - np.sum(y * z, axis=1)

    def gradient(self, y, z):
        return softmax(z, axis=1) - y


class SigmoidCrossEntropy(Loss):
    """binary_crossentropy (mean over the outputs), written by hand."""

    output_activation = "logistic"

    def value(self, y, z):
        return np.mean(np.logaddexp(0, z) - y * z, axis=1)

    def gradient(self, y, z):
        return (expit(z) - y) / y.shape[1]


class Swish(Activation):
    """z * sigmoid(beta z); beta=1 is silu."""

    def __init__(self, beta=1.0):
        self.beta = beta

    def value(self, z):
        return z * expit(self.beta * z)

    def gradient(self, z):
        s = expit(self.beta * z)
        return s + self.beta * z * s * (1 - s)


class Tanh(Activation):
    """tanh, written by hand."""

    def value(self, z):
        return np.tanh(z)

    def gradient(self, z):
        return 1 - np.tanh(z) ** 2
