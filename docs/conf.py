"""Sphinx configuration of skmlp's documentation.

Build it (warnings are errors) with::

    pip install -e ".[docs]"
    sphinx-build -W --keep-going -b html docs docs/_build/html
"""

import importlib
import inspect
import os
import pkgutil
import re
import sys
import zlib
from pathlib import Path

from sphinx_gallery.sorting import ExplicitOrder
from threadpoolctl import threadpool_limits

import skmlp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "Agg")  # the gallery draws without a display
# The gallery's networks are small, and small matrix products run fastest on one BLAS
# thread: with more, OpenBLAS's threads wait on each other at every product, and on a
# machine whose cores were busy the examples took several times longer (the tests of
# the examples run them on one thread too).
threadpool_limits(limits=1)

project = "skmlp"
author = "skmlp developers"
copyright = "2026, skmlp developers"
release = skmlp.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    # MathJax 3 shipped in a wheel: it sets mathjax_path to a copy in _static, so the
    # formulas render without network (sphinx.ext.mathjax alone loads it from a CDN)
    "sphinx-mathjax-offline",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip", "**/*.codeobj.json"]
templates_path = ["_templates"]

autosummary_generate = True
# Inherited members are off by default and turned on for the estimators by their template
# (_templates/estimator.rst). A non-string default here would override that option.
autodoc_default_options = {"members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Parameter types link to numpy's, scipy's and scikit-learn's pages; words without an
# alias stay plain text, so "of shape" or "default" never become broken references.
numpydoc_xref_param_type = True
numpydoc_xref_ignore = "all"
numpydoc_xref_aliases = {
    "ndarray": "numpy.ndarray",
    "dtype": "numpy.dtype",
    "array-like": ":term:`array-like`",
    "sparse matrix": ":term:`sparse matrix`",
    "RandomState": "numpy.random.RandomState",
    "numpy.random.Generator": "numpy.random.Generator",
    "Initializer": "skmlp.initializers.Initializer",
    "Pipeline": "sklearn.pipeline.Pipeline",
}
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3

html_theme = "pydata_sphinx_theme"
html_title = f"skmlp {release}"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}
# Pages without subpages have no section navigation: no empty sidebar beside them
html_sidebars = {"index": [], "reference": [], "performance": []}

#: The gallery's order: the quickstart, then the user guide's order. An example missing
#: here comes last (tests/test_examples.py checks that none is missing).
GALLERY_ORDER = [
    "plot_quickstart.py",
    "plot_initializers.py",
    "plot_huber_vs_squared_error.py",
    "plot_bce_vs_cce.py",
    "plot_optimizers_and_schedules.py",
    "plot_dropout_and_l2.py",
    "plot_early_stopping.py",
    "plot_partial_fit_streaming.py",
    "plot_biases_during_training.py",
    "plot_grid_search_pipeline.py",
    "plot_fused_search.py",
    "plot_halving_search.py",
    "plot_ensemble.py",
    "plot_custom_loss.py",
    "plot_dask_larger_than_memory.py",
]

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "abort_on_example_error": True,
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": ExplicitOrder([*GALLERY_ORDER, "*"]),
    # its page of execution times loads jQuery and DataTables from CDNs; the site is
    # read offline too
    "write_computation_times": False,
}


# ---------------------------------------------------------------- intersphinx, offline
# The build runs without network (CI too), so intersphinx cannot download objects.inv.
# Instead the inventories are written at build time from the public names of the
# installed packages, with the URL layout of each project's site; a name the installed
# version lacks gets no link rather than a wrong one.

SKLEARN_URL = "https://scikit-learn.org/stable/"
NUMPY_URL = "https://numpy.org/doc/stable/"
SCIPY_URL = "https://docs.scipy.org/doc/scipy/"
PYTHON_URL = "https://docs.python.org/3/"

#: Pages of scikit-learn's site that its own docstrings (inherited by the estimators) and
#: the parameter types refer to, as (name, domain:role, uri, title).
SKLEARN_PAGES = [
    ("metadata_routing", "std:label", "metadata_routing.html", "Metadata Routing"),
    ("accuracy_score", "std:label", "modules/model_evaluation.html#accuracy-score",
     "Accuracy score"),
    ("r2_score", "std:label", "modules/model_evaluation.html#r2-score",
     "R² score, the coefficient of determination"),
    ("array-like", "std:term", "glossary.html#term-array-like", "array-like"),
    ("sparse matrix", "std:term", "glossary.html#term-sparse-matrix", "sparse matrix"),
    ("random_state", "std:term", "glossary.html#term-random_state", "random_state"),
    # scikit-learn's GridSearchCV / RandomizedSearchCV docstrings (skmlp.model_selection)
    ("grid_search", "std:label", "modules/grid_search.html#grid-search",
     "Tuning the hyper-parameters of an estimator"),
    ("randomized_parameter_search", "std:label",
     "modules/grid_search.html#randomized-parameter-search", "Randomized Parameter Optimization"),
    ("multimetric_grid_search", "std:label",
     "modules/grid_search.html#multimetric-grid-search",
     "Specifying multiple metrics for evaluation"),
    # and its HalvingGridSearchCV / HalvingRandomSearchCV docstrings
    ("successive_halving_user_guide", "std:label",
     "modules/grid_search.html#successive-halving-user-guide",
     "Searching for optimal parameters with successive halving"),
    ("aggressive_elimination", "std:label", "modules/grid_search.html#aggressive-elimination",
     "Aggressive elimination of candidates"),
    ("successive_halving_cv_results", "std:label",
     "modules/grid_search.html#successive-halving-cv-results",
     "Analyzing results with the cv_results_ attribute"),
    ("cross_validation", "std:label", "modules/cross_validation.html#cross-validation",
     "Cross-validation: evaluating estimator performance"),
    ("scoring_api_overview", "std:label", "modules/model_evaluation.html#scoring-api-overview",
     "Scoring API overview"),
    ("scoring_string_names", "std:label", "modules/model_evaluation.html#scoring-string-names",
     "String name scorers"),
    ("scoring_callable", "std:label", "modules/model_evaluation.html#scoring-callable",
     "Callable scorers"),
    *[(f"sphx_glr_auto_examples_model_selection_{name}.py", "std:label",
       f"auto_examples/model_selection/{name}.html", title) for name, title in [
        ("plot_grid_search_digits", "Custom refit strategy of a grid search with "
         "cross-validation"),
        ("plot_grid_search_refit_callable", "Balance model complexity and cross-validated "
         "score"),
        ("plot_grid_search_stats", "Statistical comparison of models using grid search"),
    ]],
    # scikit-learn's BaggingClassifier / BaggingRegressor docstrings (skmlp.ensemble)
    ("bagging", "std:label", "modules/ensemble.html#bagging", "Bagging meta-estimator"),
    ("warm_start", "std:term", "glossary.html#term-warm_start", "warm_start"),
    ("n_jobs", "std:term", "glossary.html#term-n_jobs", "n_jobs"),
    ("CV splitter", "std:term", "glossary.html#term-CV-splitter", "CV splitter"),
    ("fit", "std:term", "glossary.html#term-fit", "fit"),
    ("classes_", "std:term", "glossary.html#term-classes_", "classes_"),
]


def _public_modules(package, skip=(), depth=2):
    """The package and its public submodules down to ``depth`` levels (no ``_private``
    modules, no tests; modules whose optional dependencies are missing are left out)."""
    modules = [package]
    if depth == 0 or not hasattr(package, "__path__"):
        return modules
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        leaf = info.name.rsplit(".", 1)[1]
        if leaf.startswith("_") or leaf in ("tests", "conftest", *skip):
            continue
        try:
            module = importlib.import_module(info.name)
        except Exception:
            continue
        modules.extend(_public_modules(module, skip, depth - 1))
    return modules


def _exported(module):
    """(name, object) for every name in ``module.__all__``; without ``__all__`` (as
    ``sklearn.base``), the public classes and functions the module defines or re-exports
    from a private module (``sklearn.utils.metadata_routing.MetadataRequest``)."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = []
        for name, obj in vars(module).items():
            home = getattr(obj, "__module__", None) or ""
            private_home = home.startswith(module.__name__.split(".")[0] + ".") and any(
                part.startswith("_") for part in home.split("."))
            if not name.startswith("_") and (home == module.__name__ or private_home):
                names.append(name)
    for name in names:
        obj = getattr(module, name, None)
        if obj is not None and not inspect.ismodule(obj):
            yield name, obj


def _sklearn_entries():
    import sklearn

    entries = [(name, role, uri, title) for name, role, uri, title in SKLEARN_PAGES]
    for module in _public_modules(sklearn, skip=("externals", "experimental")):
        entries.append((module.__name__, "py:module", f"api/{module.__name__}.html", "-"))
        for name, obj in _exported(module):
            full = f"{module.__name__}.{name}"
            page = f"modules/generated/{full}.html"
            if inspect.isclass(obj):
                entries.append((full, "py:class", f"{page}#{full}", "-"))
                for member in dir(obj):
                    if not member.startswith("_") and callable(getattr(obj, member, None)):
                        entries.append((f"{full}.{member}", "py:method",
                                        f"{page}#{full}.{member}", "-"))
            elif callable(obj):
                entries.append((full, "py:function", f"{page}#{full}", "-"))
    return entries


def _numpy_entries():
    import numpy

    entries = [
        ("numpy.random.Generator", "py:class",
         "reference/random/generator.html#numpy.random.Generator", "-"),
        ("numpy.random.RandomState", "py:class",
         "reference/random/legacy.html#numpy.random.RandomState", "-"),
        ("numpy.inf", "py:data", "reference/constants.html#numpy.inf", "-"),
        ("numpy.nan", "py:data", "reference/constants.html#numpy.nan", "-"),
        ("array_like", "std:term", "glossary.html#term-array_like", "array_like"),
        ("arrays.scalars", "std:label", "reference/arrays.scalars.html", "Scalars"),
    ]
    for name in numpy.__all__:
        obj = getattr(numpy, name, None)
        full = f"numpy.{name}"
        if inspect.isclass(obj) and issubclass(obj, numpy.generic):  # scalar types
            entries.append((full, "py:class", f"reference/arrays.scalars.html#{full}", "-"))
        elif inspect.isclass(obj):
            entries.append((full, "py:class", f"reference/generated/{full}.html#{full}", "-"))
        elif callable(obj):
            entries.append((full, "py:function",
                            f"reference/generated/{full}.html#{full}", "-"))
    return entries


def _scipy_entries():
    import scipy

    entries = []
    for sub in scipy.__all__:
        try:
            module = importlib.import_module(f"scipy.{sub}")
        except ImportError:
            continue  # not a subpackage
        entries.append((module.__name__, "py:module", f"reference/{sub}.html", "-"))
        for name, obj in _exported(module):
            full = f"{module.__name__}.{name}"
            role = "py:class" if inspect.isclass(obj) else "py:function"
            if callable(obj):
                entries.append((full, role, f"reference/generated/{full}.html#{full}", "-"))
    return entries


#: Built-in classes documented in Python's "Built-in Functions" page; the other built-in
#: types are in "Built-in Types".
PYTHON_FUNCTION_PAGE_CLASSES = {"bool", "complex", "float", "int", "object", "type", "slice",
                                "property", "staticmethod", "classmethod", "super"}


def _python_entries():
    import builtins

    # numpydoc links the parameter types bool, None, iterable, ... into Python's docs
    entries = [
        ("bltin-boolean-values", "std:label", "library/stdtypes.html#bltin-boolean-values",
         "Boolean Values"),
        *[(term, "std:term", f"glossary.html#term-{term}", term)
          for term in ("iterable", "sequence", "generator")],
        *[(name, "py:data", f"library/constants.html#{name}", "-")
          for name in ("None", "True", "False", "NotImplemented", "Ellipsis")],
    ]
    for name in dir(builtins):
        obj = getattr(builtins, name)
        if name.startswith("_"):
            continue
        if inspect.isclass(obj) and issubclass(obj, BaseException):
            entries.append((name, "py:exception", f"library/exceptions.html#{name}", "-"))
        elif inspect.isclass(obj):
            page = "functions" if name in PYTHON_FUNCTION_PAGE_CLASSES else "stdtypes"
            entries.append((name, "py:class", f"library/{page}.html#{name}", "-"))
        elif inspect.isbuiltin(obj):
            entries.append((name, "py:function", f"library/functions.html#{name}", "-"))
    return entries


def _write_inventory(path, project_name, project_version, entries):
    """Write a Sphinx v2 inventory: a plain header, then zlib-compressed
    ``name domain:role priority uri dispname`` lines."""
    header = (f"# Sphinx inventory version 2\n# Project: {project_name}\n"
              f"# Version: {project_version}\n"
              "# The remainder of this file is compressed using zlib.\n")
    lines = "".join(f"{name} {role} 1 {uri} {title}\n"
                    for name, role, uri, title in sorted(set(entries)))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(header.encode() + zlib.compress(lines.encode()))
    tmp.replace(path)  # atomic: a concurrent build never reads half a file


def _offline_intersphinx(app, config):
    """Generate the inventories into the doctree directory and point intersphinx at them.

    Runs at ``config-inited`` before intersphinx validates its mapping (priority 800).
    """
    import numpy
    import scipy
    import sklearn

    projects = {
        "python": (PYTHON_URL, "Python", sys.version.split()[0], _python_entries),
        "sklearn": (SKLEARN_URL, "scikit-learn", sklearn.__version__, _sklearn_entries),
        "numpy": (NUMPY_URL, "NumPy", numpy.__version__, _numpy_entries),
        "scipy": (SCIPY_URL, "SciPy", scipy.__version__, _scipy_entries),
    }
    mapping = {}
    for key, (url, name, project_version, entries) in projects.items():
        path = Path(app.doctreedir) / "inventories" / f"{key}.inv"
        _write_inventory(path, name, project_version, entries())
        mapping[key] = (url, str(path))
    config.intersphinx_mapping = mapping


intersphinx_mapping = {}  # filled by _offline_intersphinx
intersphinx_disabled_reftypes = ["std:doc"]


# ------------------------------------------------------------------ autodoc
def _public_base(cls):
    """Whether ``cls`` is reachable under a public name; return that dotted name or None."""
    if cls.__name__.startswith("_"):
        return None
    parts = cls.__module__.split(".")
    for depth in range(len(parts), 0, -1):
        if any(part.startswith("_") for part in parts[:depth]):
            continue
        try:
            module = importlib.import_module(".".join(parts[:depth]))
        except ImportError:
            continue
        if getattr(module, cls.__name__, None) is cls:
            return f"{module.__name__}.{cls.__name__}"
    return None


def _hide_private_bases(app, name, obj, options, bases):
    """Show a class's bases by their public names, with private ones (``BaseMLP``, the
    initializers' ``_VarianceScaling``) replaced by their own bases: users see what the
    class is (``ClassifierMixin``, ``BaseEstimator``) and no link leads to a private page."""
    public = []

    def visit(base):
        if base is object:
            return
        name = _public_base(base)
        if name is None:
            for grandparent in base.__bases__:
                visit(grandparent)
        elif name not in public:
            public.append(name)

    for base in bases:
        visit(base)
    bases[:] = [f":py:class:`{name}`" for name in public] or [":py:class:`object`"]


def _skip_metadata_request_methods(app, what, name, obj, skip, options):
    """scikit-learn generates ``set_{method}_request`` on every estimator for metadata
    routing; their docstrings point into scikit-learn's glossary, which this site lacks.
    The API pages link to scikit-learn's metadata routing guide instead."""
    if re.fullmatch(r"set_\w+_request", name):
        return True
    return None


def setup(app):
    app.connect("config-inited", _offline_intersphinx)
    app.connect("autodoc-skip-member", _skip_metadata_request_methods)
    app.connect("autodoc-process-bases", _hide_private_bases)
