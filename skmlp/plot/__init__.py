"""Plots of what happened during training, in scikit-learn's Display style.

Each display is built with ``XxxDisplay.from_estimator(estimator, ax=None)`` from a
fitted :class:`~skmlp.MLPClassifier` or :class:`~skmlp.MLPRegressor` (or a
:class:`~sklearn.pipeline.Pipeline` ending in one) and keeps the matplotlib
objects it drew in ``ax_``, ``figure_`` and ``lines_``. They need matplotlib:
``pip install matplotlib`` (or ``pip install ".[plot]"`` in a checkout of skmlp).
"""

from ._curves import LossCurveDisplay, ParameterTrajectoryDisplay
from ._distribution import ParameterDistributionDisplay

__all__ = ["LossCurveDisplay", "ParameterDistributionDisplay", "ParameterTrajectoryDisplay"]
