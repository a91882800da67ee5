"""The example gallery: every script runs headless and draws, and the required topics exist."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("matplotlib", reason='the examples draw: needs the "plot" extra')

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = sorted(EXAMPLES.glob("plot_*.py"))

# Run the script as __main__ with a non-interactive backend; report how many figures it made.
RUNNER = """
import runpy, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
figures = set()
plt.show = lambda *args, **kwargs: figures.update(plt.get_fignums())
runpy.run_path(sys.argv[1], run_name="__main__")
figures.update(plt.get_fignums())
print("FIGURES", len(figures))
"""


def test_the_gallery_covers_the_topics():
    names = {script.stem for script in SCRIPTS}
    assert {
        "plot_quickstart", "plot_initializers", "plot_huber_vs_squared_error",
        "plot_bce_vs_cce", "plot_dropout_and_l2", "plot_early_stopping",
        "plot_grid_search_pipeline", "plot_biases_during_training",
        "plot_optimizers_and_schedules", "plot_dask_larger_than_memory",
    } <= names
    assert (EXAMPLES / "README.rst").exists()  # sphinx-gallery's index header


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_example_runs_headless_and_draws(script):
    result = subprocess.run([sys.executable, "-c", RUNNER, str(script)], capture_output=True,
                            text=True, timeout=300, cwd=EXAMPLES.parent,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    assert result.returncode == 0, result.stderr
    n_figures = int(result.stdout.rsplit("FIGURES", 1)[1])
    assert n_figures >= 1
    if "print(" in script.read_text():  # what the script reports reached stdout
        assert result.stdout.strip() != f"FIGURES {n_figures}"
