"""
==============================================
Grid search over hyperparameters in a Pipeline
==============================================

skmlp's estimators are ordinary scikit-learn estimators: they go into a
:class:`~sklearn.pipeline.Pipeline`, and :class:`~sklearn.model_selection.GridSearchCV`
tunes any of their parameters, including the parameters of an initializer object
(``weight_init__std``).
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skmlp import MLPClassifier
from skmlp.initializers import Normal

# The epoch budgets here are deliberately short: no need to warn about them.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_wine(return_X_y=True)
pipe = Pipeline([
    ("scale", StandardScaler()),
    ("mlp", MLPClassifier(hidden_layer_sizes=(32,), max_iter=150, random_state=0)),
])
param_grid = [
    {"mlp__weight_init": ["glorot_uniform", "he_normal"],
     "mlp__alpha": [1e-4, 1e-2, 1.0],
     "mlp__dropout": [0.0, 0.3]},
    {"mlp__weight_init": [Normal()], "mlp__weight_init__std": [0.01, 1.0, 3.0],
     "mlp__alpha": [1e-4, 1e-2, 1.0], "mlp__dropout": [0.0, 0.3]},
]
search = GridSearchCV(pipe, param_grid, cv=StratifiedKFold(4, shuffle=True, random_state=0),
                      n_jobs=2).fit(X, y)
print("best:", search.best_params_, f"accuracy {search.best_score_:.3f}")

# %%
# Mean cross-validated accuracy of every candidate.
results = pd.DataFrame(search.cv_results_)
results["init"] = [
    f"normal(std={p['mlp__weight_init__std']})" if "mlp__weight_init__std" in p
    else p["mlp__weight_init"] for p in results["params"]
]
table = results.pivot_table(index="init", columns=["param_mlp__dropout", "param_mlp__alpha"],
                            values="mean_test_score")
fig, ax = plt.subplots(figsize=(9, 3.8), layout="constrained")
image = ax.imshow(table.to_numpy(), cmap="viridis", vmin=0.8, vmax=1.0)
ax.set_xticks(np.arange(table.shape[1]),
              [f"dropout {d}\nalpha {a:g}" for d, a in table.columns], fontsize="small")
ax.set_yticks(np.arange(table.shape[0]), table.index)
for (i, j), value in np.ndenumerate(table.to_numpy()):
    ax.text(j, i, f"{value:.3f}", ha="center", va="center", color="w", fontsize="small")
fig.colorbar(image, label="mean CV accuracy")
plt.show()
