"""scikit-learn-compatible multilayer perceptrons on numpy and scipy."""

from ._mlp import MLPClassifier, MLPRegressor
from ._show_versions import show_versions

__version__ = "0.1.0"

# A pickle or skops file names a class by its __module__: make it the public path, not
# the private module the class is defined in (skops asks users to trust those names).
MLPClassifier.__module__ = MLPRegressor.__module__ = __name__

__all__ = ["MLPClassifier", "MLPRegressor", "show_versions", "__version__"]
