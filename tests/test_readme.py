"""Every ```python block of the README runs as pasted and prints what it says it prints.

Each block runs in a fresh interpreter (as a user pasting it would), headless. A comment
``# prints: TEXT`` in a block promises a line of its output containing TEXT, in the order
of the comments: ``...`` in TEXT stands for anything (timings), and each number in TEXT
must match the printed one to within 1% (or 0.005), so that the last digits of a float
may differ between BLAS builds while the output still has to be the one shown.

A block that needs an optional extra is skipped only when that extra is not installed
(the ``test`` extra installs all of them, so in CI every block runs). The extra is the
one the README's prose right before the block names (``pip install ".[plot]"``).
"""

import importlib.metadata
import importlib.util
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
TEXT = README.read_text(encoding="utf-8")

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
PRINTS = re.compile(r"#\s*prints:\s*(.+?)\s*$", re.MULTILINE)
EXTRA = re.compile(r"""pip install ["']?\.\[([\w,-]+)\]""")
NUMBER = r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"


def _python_blocks():
    """(line number, code, extras named in the prose since the previous fence)."""
    blocks, previous_end = [], 0
    for match in FENCE.finditer(TEXT):
        if match.group(1) == "python":
            prose = TEXT[previous_end:match.start()]
            extras = {extra for names in EXTRA.findall(prose) for extra in names.split(",")}
            line = TEXT.count("\n", 0, match.start()) + 1
            blocks.append((line, match.group(2), sorted(extras)))
        previous_end = match.end()
    return blocks


BLOCKS = _python_blocks()


def _extra_requirements():
    """Extra name -> distribution names, from skmlp's installed metadata (pyproject.toml)."""
    requirements = {}
    for requirement in importlib.metadata.requires("skmlp") or []:
        marker = re.search(r"""extra\s*==\s*["']([\w-]+)["']""", requirement)
        if marker:
            name = re.match(r"[A-Za-z0-9._-]+", requirement).group()
            requirements.setdefault(marker.group(1), []).append(name)
    return requirements


def _skip_reason(code, extras):
    """Why the block cannot run here, or None; an extra skmlp does not define fails."""
    requirements = _extra_requirements()
    for extra in extras:
        assert extra in requirements, f"the README names an extra skmlp lacks: [{extra}]"
        for distribution in requirements[extra]:
            try:
                importlib.metadata.version(distribution)
            except importlib.metadata.PackageNotFoundError:
                return (f"needs the [{extra}] extra ({distribution} is not installed): "
                        f'pip install ".[{extra}]"')
    if "sklearn.callback" in code and importlib.util.find_spec("sklearn.callback") is None:
        return "needs scikit-learn >= 1.9 (sklearn.callback)"
    return None


def _expected_pattern(expected):
    """A regex for one ``# prints:`` text, with a group per number, and those numbers."""
    parts, numbers = [], []
    for i, piece in enumerate(expected.split("...")):
        if i:
            parts.append(".*?")
        position = 0
        for match in re.finditer(NUMBER, piece):
            parts += [re.escape(piece[position:match.start()]), f"({NUMBER})"]
            numbers.append(float(match.group()))
            position = match.end()
        parts.append(re.escape(piece[position:]))
    return re.compile("".join(parts)), numbers


def _find_in_order(expected_texts, output):
    """The expected texts that the output lines do not show, in order."""
    lines, start, missing = output.splitlines(), 0, []
    for expected in expected_texts:
        pattern, numbers = _expected_pattern(expected)
        for index in range(start, len(lines)):
            match = pattern.search(lines[index])
            if match and all(math.isclose(float(got), want, rel_tol=0.01, abs_tol=0.005)
                             for got, want in zip(match.groups(), numbers)):
                start = index + 1
                break
        else:
            missing.append(expected)
    return missing


def test_the_readme_has_its_python_blocks():
    # the quick start, training insight (history, plots, callbacks), ONNX, dask
    assert len(BLOCKS) >= 6, [line for line, _, _ in BLOCKS]
    assert sum(len(PRINTS.findall(code)) for _, code, _ in BLOCKS) >= 4


@pytest.mark.parametrize("line, code, extras", BLOCKS, ids=[f"line{b[0]}" for b in BLOCKS])
def test_readme_block_runs_and_prints_what_it_shows(line, code, extras, tmp_path):
    reason = _skip_reason(code, extras)
    if reason:
        pytest.skip(reason)
    script = tmp_path / f"readme_line{line}.py"
    script.write_text(code, encoding="utf-8")
    # One BLAS thread: the blocks are small, and on a shared 2-core machine threads only
    # contend; the results do not depend on it beyond the last bits.
    env = {**os.environ, "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=180)
    assert result.returncode == 0, f"README block at line {line} failed:\n{result.stderr}"
    # the blocks are written to converge: a user pasting one sees no warning about it
    assert "ConvergenceWarning" not in result.stderr, result.stderr
    missing = _find_in_order(PRINTS.findall(code), result.stdout)
    assert not missing, (f"README block at line {line} does not print {missing}; "
                         f"it printed:\n{result.stdout}")


def test_output_matching_is_strict_enough():
    # the matcher must reject a wrong number, a wrong word and a wrong order
    output = "Iteration 1, loss = 1.7863, lr = 0.01, 0.05 s\nTrue True\n"
    assert _find_in_order(["Iteration 1, loss = 1.7863, lr = 0.01, ... s", "True True"],
                          output) == []
    assert _find_in_order(["Iteration 1, loss = 1.70"], output) != []
    assert _find_in_order(["Iteration 2, loss = 1.7863"], output) != []
    assert _find_in_order(["True False"], output) != []
    assert _find_in_order(["True True", "Iteration 1"], output) != []


def test_install_commands_never_name_an_unpublished_package():
    # skmlp is not on a package index: "pip install skmlp[...]" would fetch another
    # project's package, or nothing.
    pages = [README, *sorted((ROOT / "docs").glob("*.rst")), *sorted((ROOT / "docs").glob("*.md")),
             *sorted((ROOT / "docs" / "user_guide").glob("*.md"))]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""pip install\s+["']?skmlp""", text), page.name
    assert 'pip install ".[plot]"' in TEXT


def test_readme_links_to_existing_files():
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", TEXT)
    local = [link for link in links if "://" not in link]
    assert "docs/reference.md" in local
    for link in local:
        assert (ROOT / link).exists(), link
