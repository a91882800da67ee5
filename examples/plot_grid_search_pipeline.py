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
scores = table.to_numpy()
fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
image = ax.imshow(scores, cmap="viridis", vmin=scores.min(), vmax=1.0)
# Two levels of column labels: alpha under each column, dropout once per group above.
ax.set_xticks(np.arange(table.shape[1]), [f"{a:g}" for _, a in table.columns])
ax.set_xlabel("alpha (L2 penalty)")
dropouts = table.columns.get_level_values(0)
group = ax.secondary_xaxis("top")
group.set_xticks([np.flatnonzero(dropouts == d).mean() for d in dropouts.unique()],
                 [f"dropout {d}" for d in dropouts.unique()])
group.tick_params(length=0)
for boundary in np.flatnonzero(np.diff(dropouts.to_numpy().astype(float))) + 0.5:
    ax.axvline(boundary, color="w", linewidth=3)
ax.set_yticks(np.arange(table.shape[0]), table.index)
for (i, j), value in np.ndenumerate(scores):
    # dark text on the light end of the colormap, white on the dark end
    light = image.norm(value) > 0.6
    ax.text(j, i, f"{value:.3f}", ha="center", va="center", fontsize="small",
            color="k" if light else "w")
fig.colorbar(image, label="mean CV accuracy")
plt.show()
