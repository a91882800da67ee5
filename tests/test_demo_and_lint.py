"""The README's demo command runs, and the code passes ruff."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_demo_runs_and_reports():
    result = subprocess.run([sys.executable, "-m", "skmlp"], capture_output=True, text=True,
                            timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "GridSearchCV: 16 candidates" in result.stdout
    accuracy = float(result.stdout.split("test accuracy: ")[1].split()[0])
    assert accuracy > 0.9


def test_ruff_clean():
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is part of the [test] extra: pip install -e '.[test]'")
    paths = ["skmlp", "tests", "benchmarks", "examples", "docs/conf.py", "conftest.py"]
    result = subprocess.run([ruff, "check", *paths], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
