"""The example gallery: every script runs headless cell by cell as sphinx-gallery runs it,
its figures are drawn in full and legibly, and the required topics exist."""

import ast
import json
import os
import re
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib", reason='the examples draw: needs the "plot" extra')

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = sorted(EXAMPLES.glob("plot_*.py"))

# Run the script as sphinx-gallery does: cell by cell (cells start at "# %%" lines) in
# one namespace. After each cell the figures still open are what the page shows for
# that cell; they are then closed, so a figure drawn on in a later cell shows up empty
# (sphinx-gallery's matplotlib scraper does the same). A cell's last expression, when
# not None, is printed on the page (capture_repr): recorded as a stray repr. Each
# figure is summarized as JSON on the last line of stdout.
RUNNER = r"""
import ast, json, re, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

path = sys.argv[1]
source = open(path).read()
lines = source.splitlines(keepends=True)
starts = [0] + [i for i, line in enumerate(lines) if re.match(r"# %%", line)] + [len(lines)]
namespace = {"__name__": "__main__", "__file__": path}
plt.show = lambda *args, **kwargs: None  # the figures are collected after each cell
summary = {"figures": [], "reprs": []}


def tick_overlap(ax, axis):
    # Visible major tick labels of one axis whose boxes overlap a neighbour's.
    renderer = ax.figure.canvas.get_renderer()
    low, high = sorted(axis.get_view_interval())
    boxes = [label.get_window_extent(renderer)
             for location, label in zip(axis.get_majorticklocs(), axis.get_ticklabels())
             if low <= location <= high and label.get_visible() and label.get_text()]
    vertical = axis is ax.yaxis
    boxes.sort(key=lambda box: box.y0 if vertical else box.x0)
    for first, second in zip(boxes, boxes[1:]):
        if (first.y1 > second.y0 + 0.5) if vertical else (first.x1 > second.x0 + 0.5):
            return True
    return False


def describe(fig, cell):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    tight = fig.get_tightbbox(renderer)  # inches, of everything drawn
    width, height = fig.get_size_inches()
    axes = []
    for ax in fig.axes:
        axes.append({
            "title": ax.get_title(),
            "has_data": ax.has_data(),
            "legend": [text.get_text() for text in ax.get_legend().get_texts()]
                      if ax.get_legend() else [],
            "xtick_overlap": ax.xaxis.get_visible() and tick_overlap(ax, ax.xaxis),
            "ytick_overlap": ax.yaxis.get_visible() and tick_overlap(ax, ax.yaxis),
            "lines": [{"label": line.get_label(), "linestyle": line.get_linestyle(),
                       "marker": str(line.get_marker()), "color": str(line.get_color()),
                       "y": np.asarray(line.get_ydata(), dtype=float).tolist()}
                      for line in ax.get_lines()],
        })
    return {"cell": cell, "size": [width, height],
            "drawn": [tight.x0, tight.y0, tight.x1, tight.y1], "axes": axes}


for cell, (start, stop) in enumerate(zip(starts, starts[1:])):
    # pad with newlines so that tracebacks give the script's line numbers
    code = ast.parse("\n" * start + "".join(lines[start:stop]), path)
    last = code.body.pop() if code.body and isinstance(code.body[-1], ast.Expr) else None
    if last is not None and isinstance(last.value, ast.Constant):
        last = None  # the module docstring: sphinx-gallery's text, not output
    exec(compile(code, path, "exec"), namespace)
    if last is not None:
        value = eval(compile(ast.Expression(last.value), path, "eval"), namespace)
        if value is not None:
            summary["reprs"].append(f"cell {cell}, line {last.lineno}: {value!r}")
    summary["figures"].extend(describe(plt.figure(n), cell) for n in plt.get_fignums())
    plt.close("all")
print("SUMMARY", json.dumps(summary))
"""

# One BLAS/OpenMP thread per example: on a machine shared with other test processes,
# threads beyond the cores slow numpy down many times over (measured: 6x on 2 cores).
SINGLE_THREADED = {name: "1" for name in
                   ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"]}

_RUNS = {}


def run_example(script):
    """Run once per script; the JSON summary and the stdout before it."""
    if script not in _RUNS:
        result = subprocess.run([sys.executable, "-c", RUNNER, str(script)],
                                capture_output=True, text=True, timeout=300,
                                cwd=EXAMPLES.parent,
                                env={**os.environ, "MPLBACKEND": "Agg", **SINGLE_THREADED})
        assert result.returncode == 0, result.stderr
        printed, _, summary = result.stdout.rpartition("SUMMARY ")
        _RUNS[script] = json.loads(summary), printed
    return _RUNS[script]


def hidden_pairs(axes):
    """Pairs of labelled lines drawn over each other with nothing to tell them apart.

    Two lines hide each other where their y values agree within 2 % over all the
    points both have, unless a line style or marker distinguishes them.
    """
    lines = [line for line in axes["lines"] if not line["label"].startswith("_")
             and len(line["y"]) > 1]
    pairs = []
    for first, second in combinations(lines, 2):
        n = min(len(first["y"]), len(second["y"]))
        y1, y2 = np.asarray(first["y"][:n]), np.asarray(second["y"][:n])
        if np.allclose(y1, y2, rtol=0.02, atol=0, equal_nan=True) and (
                (first["linestyle"], first["marker"])
                == (second["linestyle"], second["marker"])):
            pairs.append((first["label"], second["label"]))
    return pairs


def test_the_gallery_covers_the_topics():
    names = {script.stem for script in SCRIPTS}
    assert {
        "plot_quickstart", "plot_initializers", "plot_huber_vs_squared_error",
        "plot_bce_vs_cce", "plot_dropout_and_l2", "plot_early_stopping",
        "plot_grid_search_pipeline", "plot_biases_during_training",
        "plot_optimizers_and_schedules", "plot_dask_larger_than_memory",
        "plot_fused_search", "plot_custom_loss", "plot_ensemble", "plot_halving_search",
    } <= names
    assert (EXAMPLES / "README.rst").exists()  # sphinx-gallery's index header


def test_the_gallery_starts_with_the_quickstart_and_orders_every_example():
    # docs/conf.py's GALLERY_ORDER (sphinx-gallery's within_subsection_order), read
    # without importing the Sphinx configuration
    tree = ast.parse((EXAMPLES.parent / "docs" / "conf.py").read_text())
    (order,) = [ast.literal_eval(node.value) for node in tree.body
                if isinstance(node, ast.Assign) and any(
                    getattr(target, "id", None) == "GALLERY_ORDER" for target in node.targets)]
    assert order[0] == "plot_quickstart.py"
    assert sorted(order) == [script.name for script in SCRIPTS]


def test_the_gallery_installs_from_a_checkout():
    # skmlp is not on a package index: "pip install skmlp[...]" would fetch another
    # project's package or nothing.
    for path in [EXAMPLES / "README.rst", *SCRIPTS]:
        text = path.read_text()
        assert not re.search(r"pip install\s+[\"']?skmlp", text), path.name
    assert 'pip install ".[plot]' in (EXAMPLES / "README.rst").read_text()


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_example_runs_headless_and_draws_legibly(script):
    summary, printed = run_example(script)
    assert summary["figures"], "no figure"
    assert summary["reprs"] == [], "a cell ends in an expression sphinx-gallery would print"
    if "print(" in script.read_text():  # what the script reports reached stdout
        assert printed.strip()
    for figure in summary["figures"]:
        where = f"figure of cell {figure['cell']}"
        for axes in figure["axes"]:
            assert axes["has_data"], f"{where}: an empty panel {axes['title']!r}"
            assert not axes["xtick_overlap"], f"{where}: x tick labels overlap"
            assert not axes["ytick_overlap"], f"{where}: y tick labels overlap"
            assert hidden_pairs(axes) == [], f"{where}: curves hide each other"
        # nothing drawn outside the canvas (a clipped title, legend or label)
        x0, y0, x1, y1 = figure["drawn"]
        width, height = figure["size"]
        assert x0 >= -0.02 and y0 >= -0.02 and x1 <= width + 0.02 and y1 <= height + 0.02, (
            f"{where}: drawn on {figure['drawn']}, the canvas is {width} x {height} in")


def test_optimizers_figures_are_drawn_in_the_cell_that_makes_them():
    summary, _ = run_example(EXAMPLES / "plot_optimizers_and_schedules.py")
    solvers, schedules = summary["figures"]
    assert solvers["cell"] < schedules["cell"]
    assert len(solvers["axes"]) == 1
    assert len(solvers["axes"][0]["lines"]) == 7  # every solver
    assert [len(axes["lines"]) for axes in schedules["axes"]] == [6, 6]  # every schedule


def test_every_initializer_curve_is_visible():
    summary, _ = run_example(EXAMPLES / "plot_initializers.py")
    (figure,) = summary["figures"]
    (axes,) = figure["axes"]
    names = ["zeros", "ones", "normal (std 1)", "uniform (+-0.05)", "glorot_uniform",
             "he_normal", "lecun_normal"]
    assert [line["label"] for line in axes["lines"]] == names
    # the constant initializers never learn: their curves coincide, so do the scaled ones
    ys = {line["label"]: np.asarray(line["y"]) for line in axes["lines"]}
    n = min(len(ys["zeros"]), len(ys["ones"]))
    assert np.allclose(ys["zeros"][:n], ys["ones"][:n], rtol=0.02)
    styles = [(line["linestyle"], line["marker"]) for line in axes["lines"]]
    assert len(set(styles)) == len(names)
    assert len({line["marker"] for line in axes["lines"]}) == len(names)


def test_early_stopping_reports_what_skmlp_did():
    _, printed = run_example(EXAMPLES / "plot_early_stopping.py")
    stopped, improved, gap = map(int, re.search(
        r"stopped after epoch (\d+): the last improvement was epoch (\d+), (\d+) epochs",
        printed).groups())
    assert stopped - improved == gap == 10 + 1  # n_iter_no_change=10, then one more
    best, epochs, restored = re.search(
        r"best validation accuracy ([\d.]+) at epochs \[([\d, ]+)\]: the parameters of "
        r"epoch (\d+) were restored", printed).groups()
    epochs = [int(e) for e in epochs.split(",")]
    # the first of the epochs tied at the best score, as scikit-learn restores it
    assert int(restored) == min(epochs) == improved
    returned, last = re.search(r"the returned model scores ([\d.]+) on the validation set; "
                               r"the last epoch scored ([\d.]+)", printed).groups()
    assert returned == best  # the restored parameters score what the best epoch did
    assert float(last) <= float(best)  # no later epoch beat the restored one


def test_hidden_bias_histograms_are_labelled_as_hidden_layers():
    summary, _ = run_example(EXAMPLES / "plot_biases_during_training.py")
    histograms = summary["figures"][-1]["axes"]
    assert len(histograms) == 3  # after 1, 10 and 40 epochs
    for axes in histograms:
        assert axes["legend"] == ["hidden layer 1", "hidden layer 2"]
