"""``skmlp.show_versions()``: what to paste into a bug report (after ``sklearn.show_versions``)."""

import platform
import sys
from importlib.metadata import PackageNotFoundError, version

from threadpoolctl import threadpool_info

# Distribution names, as pip knows them. The required dependencies first, then the
# optional extras (plot, progress, distributed, onnx) and pandas, which the tests use.
_DEPENDENCIES = [
    "numpy",
    "scipy",
    "scikit-learn",
    "joblib",
    "threadpoolctl",
    "matplotlib",
    "rich",
    "dask",
    "distributed",
    "dask-ml",
    "skl2onnx",
    "onnxruntime",
    "pandas",
]


def _get_sys_info():
    """The Python version, its executable and the platform.

    Returns
    -------
    sys_info : dict of str to str
    """
    return {
        "python": sys.version.replace("\n", " "),
        "executable": sys.executable,
        "machine": platform.platform(),
    }


def _get_deps_info():
    """The installed version of skmlp and each dependency, None when not installed.

    Read from the packages' metadata, without importing them: importing dask or
    onnxruntime only to print a version would be slow and could fail.

    Returns
    -------
    deps_info : dict of str to str or None
    """
    from . import __version__  # the running package, also in an uninstalled checkout

    deps_info = {"skmlp": __version__}
    for name in _DEPENDENCIES:
        try:
            deps_info[name] = version(name)
        except PackageNotFoundError:
            deps_info[name] = None
    return deps_info


def show_versions():
    """Print the versions of skmlp, its dependencies and the BLAS it runs on.

    Paste the output into a bug report. Like :func:`sklearn.show_versions`, it prints
    three sections: the system (Python version, executable, platform), the Python
    dependencies (``None`` for an optional one that is not installed) and the
    native thread pools that :mod:`threadpoolctl` finds loaded (the BLAS library numpy
    and scipy use, its version, threading layer and number of threads; OpenMP).

    Examples
    --------
    >>> import contextlib
    >>> import io
    >>> import numpy
    >>> from skmlp import show_versions
    >>> output = io.StringIO()
    >>> with contextlib.redirect_stdout(output):
    ...     show_versions()
    >>> f"numpy: {numpy.__version__}" in output.getvalue()
    True
    >>> "Python dependencies:" in output.getvalue()
    True
    """
    print("\nSystem:")
    for key, value in _get_sys_info().items():
        print(f"{key:>10}: {value}")

    print("\nPython dependencies:")
    for key, value in _get_deps_info().items():
        print(f"{key:>13}: {value}")

    pools = threadpool_info()
    if pools:
        print("\nthreadpoolctl info:")
        for index, pool in enumerate(pools):
            if index:
                print()
            for key, value in pool.items():
                print(f"{key:>15}: {value}")
