"""The estimators' docstrings.

The two estimators share most of their parameters, attributes and notes: those
sections are written once here and filled into each estimator's own template
(:class:`string.Template` placeholders ``$leading``, ``$training``, ``$attributes``
and ``$notes``; within them ``$score`` is the estimator's default validation score).
"""

from string import Template

_LEADING_PARAMETERS = """\
    hidden_layer_sizes : tuple of int, default=(100,)
        Number of units of each hidden layer; ``()`` for no hidden layer.
    activation : str or Activation, default="relu"
        Hidden-layer activation: ``"identity"``, ``"logistic"``, ``"tanh"``,
        ``"relu"``, ``"leaky_relu"``, ``"elu"``, ``"gelu"``, ``"silu"`` (also
        ``"swish"``), ``"mish"``, ``"softplus"`` or ``"selu"``, or an
        :class:`~skmlp.activations.Activation` object of yours (tunable as
        ``activation__<param>``). ``leaky_relu`` has slope 0.01, ``elu`` alpha 1,
        ``gelu`` is the exact (erf) form; the last four names are PyTorch's
        (``selu`` with its constants).
    weight_init : str or Initializer, default="auto"
        Weight initializer: a name from ``skmlp.initializers.INITIALIZERS`` or an
        initializer object (tunable as ``weight_init__<param>``). ``"auto"`` is
        scikit-learn's own rule, so a default model starts where scikit-learn's
        does: uniform on ``±sqrt(6 / (fan_in + fan_out))`` (``"glorot_uniform"``),
        ``±sqrt(2 / (fan_in + fan_out))`` for the logistic activation.
    bias_init : str or Initializer, default="auto"
        Bias initializer, with the same choices as ``weight_init``. ``"auto"`` is
        scikit-learn's rule: each layer's biases are drawn like its weights (by
        ``weight_init``'s initializer, after the layer's weights).
"""

_TRAINING_PARAMETERS = """\
    solver : {"sgd", "adam", "adamw", "rmsprop", "adagrad", "lbfgs"}, default="adam"
        Optimizer. ``adamw`` is Adam with decoupled weight decay (PyTorch's
        ``AdamW``). ``lbfgs`` minimizes the full-batch loss with scipy's L-BFGS-B.
    alpha : float, default=1e-4
        L2 penalty strength.
    alpha_l1 : float, default=0.0
        L1 penalty strength.
    penalize_intercepts : bool, default=False
        Whether the L1 and L2 penalties also apply to the intercepts.
    dropout : float or array-like of float, default=0.0
        Inverted-dropout rate of the hidden-layer outputs during training, one
        for all hidden layers or one per hidden layer, in [0, 1). Needs a
        stochastic solver and, when positive, a hidden layer.
    batch_size : int or "auto", default="auto"
        Minibatch size of the stochastic solvers; ``"auto"`` is
        ``min(200, n_samples)``.
    learning_rate : str, default="constant"
        Learning-rate schedule of the stochastic solvers: ``"constant"``,
        ``"invscaling"``, ``"adaptive"``, ``"cosine"`` or ``"one_cycle"``, PyTorch's
        ``OneCycleLR`` with ``max_lr=learning_rate_init``, stepped every minibatch
        over ``max_iter`` epochs of ``fit`` (``partial_fit`` refuses it: a stream has no
        known end to plan the cycle over). ``solver="lbfgs"`` ignores ``"invscaling"`` and
        ``"adaptive"``, as scikit-learn's does, and refuses skmlp's ``"cosine"`` and
        ``"one_cycle"`` (and ``warmup_epochs > 0``).
    warmup_epochs : int, default=0
        Epochs of linear warmup before the schedule, fewer than ``max_iter`` (in
        ``fit``): during epoch ``e = 1 .. warmup_epochs`` the rate is
        ``learning_rate_init * e / (warmup_epochs + 1)``; the schedule then starts,
        spanning the remaining ``max_iter - warmup_epochs`` epochs (``cosine``).
        Not with ``one_cycle``, which warms up itself.
    learning_rate_init : float, default=1e-3
        Initial learning rate.
    power_t : float, default=0.5
        Exponent of the ``invscaling`` schedule, scikit-learn's: after each epoch the
        rate is ``learning_rate_init / (t_ + 1) ** power_t``, ``t_`` the samples seen.
    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or iterations (lbfgs) of
        one call to ``fit``; a warm-started fit runs up to ``max_iter`` more.
    tol : float, default=1e-4
        Improvement below which an epoch counts as no improvement.
    n_iter_no_change : int or np.inf, default=10
        Patience, as in scikit-learn: training stops once the count of consecutive
        epochs that do not improve the monitored quantity (the training loss, or the
        validation score with early stopping) by ``tol`` exceeds
        ``n_iter_no_change``, that is after ``n_iter_no_change + 1`` such epochs.
        With the ``adaptive`` schedule the learning rate is divided by 5 instead,
        and the count starts over; training stops at such a stall once the rate is
        at most 1e-6. ``np.inf`` never stops early.
    shuffle : bool, default=True
        Whether to shuffle the samples every epoch.
    random_state : int, RandomState instance or None, default=None
        scikit-learn's ``check_random_state(random_state)`` at every call draws, in
        scikit-learn's order, the initial weights and biases, the validation split
        and each epoch's shuffle, then the dropout masks; an int gives
        reproducible fits, and with the defaults scikit-learn's own model.
    verbose : bool, default=False
        Print one line per epoch: the training loss, the validation loss and score
        (when there is a validation set), the learning rate and the epoch's seconds.
    warm_start : bool, default=False
        Start ``fit`` from the fitted parameters (with a fresh optimizer state).
        The network (layer sizes, activation, loss) and, for a classifier, the
        classes must be those fitted; otherwise ``fit`` raises ``ValueError``.
    momentum : float, default=0.9
        SGD momentum.
    nesterovs_momentum : bool, default=True
        Whether SGD uses Nesterov's momentum.
    beta_1, beta_2 : float, default=0.9, 0.999
        Adam's moment decay rates.
    epsilon : float, default=1e-8
        Numerical stability term of Adam, RMSprop and Adagrad.
    rho : float, default=0.9
        RMSprop decay rate.
    weight_decay : float, default=0.01
        AdamW's decoupled weight decay: each step first shrinks the weights (and the
        intercepts with ``penalize_intercepts=True``) by ``learning_rate *
        weight_decay`` of themselves. Used by ``solver="adamw"`` only: with another
        solver, a value other than the default is ignored with a ``UserWarning`` (use
        ``alpha`` for an L2 penalty).
    clip_norm : float or None, default=None
        Before each step of a stochastic solver, the gradient (penalties included)
        is scaled so that its L2 norm over all parameters is at most ``clip_norm``
        (PyTorch's ``clip_grad_norm_``). ``history_`` records the norms before
        clipping.
    early_stopping : bool, default=False
        Stop when the validation score stops improving and restore the best
        parameters. Holds out a stratified ``validation_fraction`` of the
        training data unless ``X_val``/``y_val`` are passed to ``fit``.
        Stochastic solvers only.
    scoring : str, callable or None, default=None
        The validation score: what early stopping monitors and
        ``validation_scores_`` records. None is :meth:`score` ($score); a
        scikit-learn scorer name (``"neg_log_loss"``, ``"f1_macro"``) or a callable
        ``scorer(estimator, X, y)``, greater is better (see
        :func:`sklearn.metrics.get_scorer`); one of the other task's metrics
        (``"accuracy"`` for a regressor, ``"r2"`` for a classifier) is refused.
        ``history_["scoring"]`` names it.
    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.
    max_fun : int, default=15000
        Maximum number of loss evaluations of lbfgs.
"""

_ATTRIBUTES = """\
    loss_ : float
        Training loss of the last epoch (or final lbfgs loss), penalty included.
    best_loss_ : float or None
        Lowest training loss; None with early stopping.
    loss_curve_ : list of float
        Training loss per epoch (lbfgs: per iteration).
    history_ : dict of lists
        One entry per epoch (lbfgs: per iteration): ``"loss"``, ``"validation_loss"``
        and ``"validation_score"`` (NaN without a validation set), ``"scoring"``
        (the name of the validation score's metric, None without a validation
        set), ``"learning_rate"`` (NaN for lbfgs), ``"time"`` (seconds), and per layer (a list of
        ``n_layers_ - 1`` floats) ``"weight_mean"``, ``"weight_std"``,
        ``"weight_norm"``, ``"bias_mean"``, ``"bias_std"``, ``"bias_norm"`` at the end
        of the epoch and ``"weight_grad_norm"``, ``"bias_grad_norm"``, the mean over
        the epoch's minibatches of the gradient's L2 norm. ``warm_start`` and
        ``partial_fit`` append to it. :mod:`skmlp.plot` draws it.
    validation_scores_ : list of float or None
        Validation score per epoch (``scoring``; by default $score), when there
        is a validation set.
    validation_loss_curve_ : list of float or None
        Validation loss (without penalty) per epoch, when there is a validation set.
    best_validation_score_ : float or None
        Best validation score: of ``scoring`` when given, else $score. None
        without a validation set.
    t_ : int
        Number of training samples seen by the stochastic solvers (over every
        epoch, also of earlier ``partial_fit`` calls and warm starts); ``lbfgs``
        leaves it as it was (0 after a first fit), as scikit-learn does.
    coefs_ : list of ndarray
        ``coefs_[i]`` has shape ``(fan_in, fan_out)``: the weights of layer i.
    intercepts_ : list of ndarray
        ``intercepts_[i]`` has shape ``(fan_out,)``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names, when X has string column names.
    n_iter_ : int
        Number of epochs (lbfgs: iterations) run by the last call, as in
        scikit-learn; ``loss_curve_`` and ``t_`` keep growing over warm-started
        fits and ``partial_fit`` calls.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of output units.
"""

_NOTES = """\
    Every call is all-or-nothing: ``fit``, ``partial_fit`` and ``set_params``
    either succeed or leave the estimator exactly as it was, whatever fails
    (bad input, a diverging step, a callback, ``KeyboardInterrupt``,
    ``MemoryError``). A fit diverges when its loss or parameters become
    non-finite or its loss grows past 1e4 times the loss at initialization; it
    raises ``ValueError``.

    The training loss is the weighted mean of per-sample losses plus
    ``alpha / (2 n) * sum(W**2) + alpha_l1 / n * sum(|W|)`` with ``n`` the
    batch's sample count (or weight sum).

    With scikit-learn >= 1.9 the estimator supports ``set_callbacks`` (see
    ``sklearn.callback``): a fit is one task with one subtask per epoch (per lbfgs
    iteration), so ``ProgressBar`` and ``ScoringMonitor`` report every epoch, also
    inside ``Pipeline`` and ``GridSearchCV``; a callback returning True at the end
    of an epoch stops training there.
"""

_CLASSIFIER = """Multilayer perceptron classifier.

    Trains a fully connected network by backpropagation with a choice of
    activations, initializers, losses, optimizers, learning-rate schedules,
    L1/L2 penalties, dropout, early stopping, and sample and class weights.

    Parameters
    ----------
$leading
    loss : str or Loss, default="log_loss"
        ``"log_loss"``, ``"binary_crossentropy"`` or ``"categorical_crossentropy"``,
        or a :class:`~skmlp.losses.Loss` object of yours (with a ``"logistic"`` or
        ``"softmax"`` output activation).
        ``log_loss`` is scikit-learn's objective: categorical cross-entropy for
        multiclass targets, the binary cross-entropy *summed* over the outputs for
        binary and multilabel ones. The Keras/PyTorch names compute theirs:
        ``binary_crossentropy`` (mean over the outputs) trains one sigmoid unit
        per class (one-vs-rest on multiclass targets, with ``predict_proba`` rows
        normalized);
        ``categorical_crossentropy`` a softmax (two units for binary targets,
        an error for multilabel targets).
$training
    class_weight : dict, list of dict, "balanced" or None, default=None
        Weights of the classes, multiplied into the sample weights
        (``sklearn.utils.class_weight.compute_sample_weight``); a list holds one
        dict per label of a multilabel ``y`` (other targets refuse it). ``"balanced"``
        weighs classes inversely to their (sample-weighted) frequency; in
        ``partial_fit`` the frequencies are counted over every call so far. The
        loss is ``sum(w * cw * loss) / sum(w)`` (``w`` the sample weights, ``cw``
        the class weights): with a dict the scale of the weights counts, as in
        ``SGDClassifier`` (``{0: 10, 1: 1}`` weighs class 0's loss 10 times a
        sample's), so it sets the size of the steps and what ``tol`` means;
        ``"balanced"`` keeps the loss's scale.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
$attributes
    out_activation_ : str
        Output activation: ``"logistic"`` or ``"softmax"``.

    See Also
    --------
    MLPRegressor : Multilayer perceptron regressor.
    sklearn.neural_network.MLPClassifier : scikit-learn's reference implementation.

    Notes
    -----
$notes

    Probabilities are clipped to ``[eps, 1 - eps]`` so that ``predict_log_proba``
    is finite.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skmlp import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(),
    ...                       MLPClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01,
    ...                                     max_iter=500, random_state=0))
    >>> model.fit(X, y).score(X, y) > 0.95
    True
    >>> print(model.predict_proba(X[:1]).sum().round(6))
    1.0
    """

_REGRESSOR = """Multilayer perceptron regressor.

    Parameters
    ----------
$leading
    loss : str or Loss, default="squared_error"
        ``"squared_error"``, ``"mse"``, ``"absolute_error"``, ``"huber"`` or
        ``"poisson"``, or a :class:`~skmlp.losses.Loss` object of yours.
        ``squared_error`` is scikit-learn's objective, half the
        mean of squared errors over samples and outputs; ``mse`` is PyTorch's and
        Keras' mean of squared errors (twice ``squared_error``); ``absolute_error``
        the mean absolute error; ``huber`` PyTorch's Huber loss, quadratic within
        ``huber_delta`` and linear beyond; ``poisson`` the Poisson negative
        log-likelihood with an exp output (targets must be >= 0).
$training
    huber_delta : float, default=1.0
        Residual size where the Huber loss turns from quadratic to linear.

    Attributes
    ----------
$attributes
    out_activation_ : str
        Output activation: ``"identity"``, or ``"exp"`` for the Poisson loss.

    See Also
    --------
    MLPClassifier : Multilayer perceptron classifier.
    sklearn.neural_network.MLPRegressor : scikit-learn's reference implementation.

    Notes
    -----
$notes

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skmlp import MLPRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, noise=1.0, random_state=0)
    >>> y = y / y.std()
    >>> model = MLPRegressor(hidden_layer_sizes=(32,), loss="huber", learning_rate_init=0.01,
    ...                      max_iter=500, random_state=0)
    >>> model.fit(X, y).score(X, y) > 0.95
    True
    >>> model.n_iter_ < 500  # converged: 11 epochs in a row without improving the loss by tol
    True
    """


def _filled(template, score):
    """``template`` with the shared sections, in which ``$score`` is ``score``."""
    shared = {name: Template(text).substitute(score=score).rstrip("\n") for name, text in (
        ("leading", _LEADING_PARAMETERS), ("training", _TRAINING_PARAMETERS),
        ("attributes", _ATTRIBUTES), ("notes", _NOTES))}
    return Template(template).substitute(shared)


CLASSIFIER = _filled(_CLASSIFIER, "accuracy")
REGRESSOR = _filled(_REGRESSOR, "R^2")
