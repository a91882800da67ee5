"""Test-session setup shared by tests/ and the doctests in skmlp/."""

import os

# scikit-learn's array-API estimator checks run only when scipy was imported
# with its array-API support on; without it they skip. Set it before anything
# imports scipy so those checks really run (skmlp itself is numpy-only, so this
# changes nothing else).
os.environ.setdefault("SCIPY_ARRAY_API", "1")
