"""The README's demo command runs, its command line and skmlp.show_versions work, and the
code passes ruff."""

import contextlib
import io
import platform
import shutil
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pytest
import scipy
import sklearn
from threadpoolctl import threadpool_info

import skmlp
from skmlp.__main__ import ranking

ROOT = Path(__file__).resolve().parents[1]


def test_demo_runs_and_reports():
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "skmlp"], capture_output=True, text=True,
                            timeout=300, cwd=ROOT)
    seconds = time.perf_counter() - start
    assert result.returncode == 0, result.stderr
    assert "GridSearchCV: 16 candidates" in result.stdout
    accuracy = float(result.stdout.split("test accuracy: ")[1].split()[0])
    assert accuracy > 0.9
    # the README promises under a minute; the margin is for a loaded machine
    assert seconds < 120, f"the demo took {seconds:.0f} s"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_demo_help_prints_usage_and_does_not_train(flag):
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "skmlp", flag], capture_output=True,
                            text=True, timeout=60, cwd=ROOT)
    seconds = time.perf_counter() - start
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m skmlp")
    assert "--version" in result.stdout
    assert "GridSearchCV:" not in result.stdout  # the demo's first line of training
    assert "test accuracy: " not in result.stdout  # the demo's last result line
    assert seconds < 30, f"--help took {seconds:.0f} s: did it train?"


def test_demo_version_and_unknown_option():
    result = subprocess.run([sys.executable, "-m", "skmlp", "--version"], capture_output=True,
                            text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"skmlp {skmlp.__version__}"
    result = subprocess.run([sys.executable, "-m", "skmlp", "--no-such-option"],
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2  # argparse's usage error, not a demo run
    assert "unrecognized arguments: --no-such-option" in result.stderr
    assert "GridSearchCV:" not in result.stdout


def test_demo_ranking_ties_share_a_rank():
    # Two candidates 1e-16 apart (what summing fold scores in another order gives),
    # one clearly worse, one equal to the worse up to rounding, one worst.
    params = [{"mlp__solver": name} for name in ["a", "b", "c", "d", "e"]]
    third = 0.9503
    means = np.array([0.97, 0.97 + 1e-16, third, third - 1e-9, 0.90])
    stds = np.full(5, 0.01)
    # GridSearchCV's own ranks of the exact means: b (the larger by 1e-16) is its best
    exact = np.array([2, 1, 3, 4, 5])
    lines = ranking(params, means, stds, exact, top=3)
    assert [line.split()[0] for line in lines] == ["1=", "1=", "3=", "3="]
    assert lines[0].endswith("solver=b")  # best_params_'s candidate first in its tie
    assert lines[1].endswith("solver=a")
    assert all("0.9700 ± 0.0100" in line for line in lines[:2])
    assert not any("solver=e" in line for line in lines)  # rank 5 > top
    # a candidate alone at its rank is not marked as tied
    lines = ranking(params[:3], means[:3], stds[:3], [2, 1, 3], top=3)
    assert [line.split()[0] for line in lines] == ["1=", "1=", "3"]


def test_show_versions_prints_system_dependencies_and_blas():
    assert "show_versions" in skmlp.__all__
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        skmlp.show_versions()
    text = output.getvalue()
    lines = {line.split(":", 1)[0].strip(): line.split(":", 1)[1].strip()
             for line in text.splitlines() if ":" in line}
    for section in ["System:", "Python dependencies:", "threadpoolctl info:"]:
        assert section in text
    assert lines["python"] == sys.version.replace("\n", " ")
    assert lines["executable"] == sys.executable
    assert lines["machine"] == platform.platform()
    assert lines["skmlp"] == skmlp.__version__
    assert lines["numpy"] == np.__version__
    assert lines["scipy"] == scipy.__version__
    assert lines["scikit-learn"] == sklearn.__version__
    for optional in ["matplotlib", "rich", "dask", "distributed", "dask-ml", "skl2onnx",
                     "onnxruntime", "pandas"]:
        assert lines[optional] == version(optional)  # the test extra installs them all
    # every thread pool threadpoolctl sees is printed, BLAS among them
    pools = threadpool_info()
    assert any(pool["user_api"] == "blas" for pool in pools)
    assert text.count("internal_api:") == len(pools)
    for pool in pools:
        assert f"filepath: {pool['filepath']}" in text


def test_show_versions_reports_a_missing_package_as_none(monkeypatch):
    from skmlp import _show_versions

    monkeypatch.setattr(_show_versions, "_DEPENDENCIES",
                        [*_show_versions._DEPENDENCIES, "skmlp-no-such-distribution"])
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        skmlp.show_versions()
    assert "skmlp-no-such-distribution: None" in output.getvalue()


def test_ruff_clean():
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is part of the [test] extra: pip install -e '.[test]'")
    paths = ["skmlp", "tests", "benchmarks", "examples", "docs/conf.py", "conftest.py"]
    result = subprocess.run([ruff, "check", *paths], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
