"""scikit-learn-compatible multilayer perceptrons on numpy and scipy."""

from ._mlp import MLPClassifier, MLPRegressor

__version__ = "0.1.0"

__all__ = ["MLPClassifier", "MLPRegressor", "__version__"]
