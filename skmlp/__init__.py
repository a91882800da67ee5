"""scikit-learn-compatible multilayer perceptrons on numpy and scipy."""

from ._mlp import MLPClassifier, MLPRegressor
from ._show_versions import show_versions

__version__ = "0.1.0"

__all__ = ["MLPClassifier", "MLPRegressor", "show_versions", "__version__"]
