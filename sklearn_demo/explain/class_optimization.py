"""DeMo's class optimisation: the input that maximises a class score."""
from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from numbers import Integral, Real

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.utils.validation import check_is_fitted

from .._progress import progress
from .._validation import Interval, Options
from ..strands import strand_mean_logit
from ..encoding import one_hot_decode
from ..motifs import MotifMatch, match_motifs, top_windows
from ..precision import mixed_precision
from ._base import CLASS_SCORES, ModelExplainer, evaluation_mode
from .methods.scoring import score_in_batches

PARAMETERIZATIONS = ("simplex", "unconstrained")
#: Random sequences each motif window is planted into to rank the restarts.
N_BACKGROUNDS = 16
#: Windows per restart, by attribution, whose planted scores choose its motif.
N_CANDIDATE_WINDOWS = 5


class ClassOptimizer(ModelExplainer):
    """Find the input that maximises ``target_class`` and read it as a motif.

    Two recipes, chosen by ``parameterization``:

    * ``"simplex"`` (default): the input is ``softmax(beta * theta)`` over
      the four bases at every position, so every iterate is a valid
      probability matrix X, and Adam ascends ``score(X) - l2 * ||X||^2``.
      The matrix returned is exactly the one optimised: ``scores_`` is the
      model's p(target) for it, nothing is clamped or renormalised
      afterwards. On the simplex ``||X||^2`` is smallest at the uniform
      matrix, so the L2 term keeps the matrix soft where the model does not
      care. Two choices keep a CNN with global max-pooling from stalling
      where the positions it ignores are all alike and near uniform (ties of
      the max pass gradient to one position at a time): the logits start
      uniform in [-3, 3), a random matrix whose positions all differ, and
      the inverse temperature ``beta`` rises linearly from 1 to
      ``sharpening``. Read more in the
      :doc:`user guide </guide/explaining>`.
    * ``"unconstrained"``: DeMo's recipe (Simonyan et al. 2014), gradient
      ascent with RMSprop on ``score(X) - l2 * ||X||^2`` over a real-valued
      X from a uniform random start; afterwards X is clamped to [0, 1],
      each position normalised to sum to one (all-zero positions become
      uniform), ``pseudocount`` added and normalised again. The matrix the
      model is then shown is not the X that was optimised, and often scores
      far lower (``scores_`` reports what the matrix scores).

    The score is the target class's logit by default (the unnormalised
    class score of Simonyan et al.), or ``log p(target)`` with
    ``class_score="log_proba"``; the log-probability's gradient fades as p
    nears 1, so its optimum stops short of a confident input. Several
    restarts run as one batch.

    ``transform`` scans sequences with the ``motif_width`` window of each
    restart's matrix that the model itself finds most important (log-odds against a uniform background,
    both strands) and returns the best score per sequence and restart, so
    the optimiser can featurise sequences inside a pipeline.

    Parameters
    ----------
    estimator : CNNClassifier, RNNClassifier or CNNRNNClassifier
        Fitted on a clone by ``fit(X, y)``, or frozen (``FrozenEstimator``).
    target_class : label or None, default=None
        None takes ``classes_[1]``.
    target : str, int or None, default=None
        The task to explain when the classifier is multi-task (its name in
        ``tasks_`` or its index); required then, and the error lists the
        tasks. None for a single-task classifier.
    sequence_length : int or None, default=None
        Length of the optimised input; None takes the length of ``X`` in fit.
    parameterization : {"simplex", "unconstrained"}, default="simplex"
        See above; "unconstrained" with ``class_score="log_proba"``,
        ``l2=0.009`` and ``lr=0.05`` is DeMo's recipe.
    class_score : {"logit", "log_proba"}, default="logit"
    sharpening : float, default=10.0
        Final inverse temperature of the softmax ("simplex" only); 1 keeps
        it fixed.
    l2 : float, default=0.009
        Weight of the L2 penalty on the input X (DeMo's value).
    lr : float, default=0.05
        Step size of Adam ("simplex") or RMSprop ("unconstrained").
    n_iter : int, default=1000
    n_restarts : int, default=8
    pseudocount : float, default=0.01
        Added to the clamped matrix of "unconstrained" only.
    motif_width : int, default=15
        Width of the windows used by ``transform`` and for motif matching.
    random_state : int or None, default=0
    batch_size : int, default=256
        Sequences per pass in ``transform``.

    Attributes
    ----------
    pwms_ : ndarray of shape (n_restarts, 4, L)
        Position weight matrices of the restarts, best first: those the model
        scores p >= 0.99, ordered by ``window_scores_``, then the others.
    scores_ : ndarray of shape (n_restarts,)
        p(target_class) of each matrix, fed to the model as soft input.
    consensus_scores_ : ndarray of shape (n_restarts,)
        p(target_class) of each matrix's consensus, its most likely base at
        every position, as a one-hot sequence.
    best_pwm_ : ndarray of shape (4, L)
    best_sequence_ : str
        The consensus of ``best_pwm_``.
    motifs_ : ndarray of shape (n_restarts, 4, motif_width)
        Each matrix's motif window, used for scanning and matching: of its
        ``N_CANDIDATE_WINDOWS`` non-overlapping windows with the largest
        attribution (gradient x input of the class score at the matrix), the
        one with the largest ``window_scores_``.
    motif_starts_ : ndarray of shape (n_restarts,)
        Where each window starts.
    window_scores_ : ndarray of shape (n_restarts,)
        p(target_class) of each motif window alone, planted in the middle of
        ``N_BACKGROUNDS`` random sequences (bases uniform and independent,
        seeded by ``random_state``), averaged: the motif the model wants, in
        sequence context of the kind it was trained on, without the help of
        the rest of the matrix. Ranking by it puts the factor's own motif
        first where the full matrix's p saturates.
    loss_curve_ : ndarray of shape (n_iter,)
        Mean objective over restarts at every iteration.

    Examples
    --------
    >>> from sklearn.frozen import FrozenEstimator
    >>> from sklearn_demo import CNNClassifier, ClassOptimizer, make_motif_dataset
    >>> data = make_motif_dataset(100, random_state=0)
    >>> clf = CNNClassifier(n_filters=8, max_epochs=1, verbose=0).fit(data.X, data.y)
    >>> opt = ClassOptimizer(FrozenEstimator(clf), n_iter=20, n_restarts=2).fit(data.X)
    >>> opt.pwms_.shape, opt.transform(data.X[:3]).shape
    ((2, 4, 101), (3, 2))
    """

    _parameter_constraints = {
        "parameterization": [Options(PARAMETERIZATIONS)],
        "class_score": [Options(CLASS_SCORES)],
        "n_iter": [Interval(Integral, 1, None)],
        "n_restarts": [Interval(Integral, 1, None)],
        "motif_width": [Interval(Integral, 1, None)],
        "l2": [Interval(Real, 0, None)],
        "pseudocount": [Interval(Real, 0, None)],
        "lr": [Interval(Real, 0, None, closed="right")],
        "sharpening": [Interval(Real, 1, None)],
        "sequence_length": [Interval(Integral, 1, None), None],
    }

    def __init__(
        self,
        estimator: object = None,
        *,
        target_class: object = None,
        target: object = None,
        sequence_length: int | None = None,
        parameterization: str = "simplex",
        class_score: str = "logit",
        sharpening: float = 10.0,
        l2: float = 0.009,
        lr: float = 0.05,
        n_iter: int = 1000,
        n_restarts: int = 8,
        pseudocount: float = 0.01,
        motif_width: int = 15,
        random_state: int | None = 0,
        batch_size: int = 256,
    ):
        self.estimator = estimator
        self.target_class = target_class
        self.target = target
        self.sequence_length = sequence_length
        self.parameterization = parameterization
        self.class_score = class_score
        self.sharpening = sharpening
        self.l2 = l2
        self.lr = lr
        self.n_iter = n_iter
        self.n_restarts = n_restarts
        self.pseudocount = pseudocount
        self.motif_width = motif_width
        self.random_state = random_state
        self.batch_size = batch_size

    def _start(self, length: int) -> torch.Tensor:
        """The restarts' starting variable, (n_restarts, 4, L), on the model's device."""
        generator = torch.Generator().manual_seed(
            0 if self.random_state is None else int(self.random_state))
        start = torch.rand(self.n_restarts, 4, length, generator=generator)
        # Simplex: logits uniform in [-3, 3), a random matrix whose positions
        # all differ (see the class docstring); DeMo's uniform [0, 1) start for X.
        variable = 6 * (start - 0.5) if self.parameterization == "simplex" else start
        return variable.to(self.classifier_.device)

    def _ascend(self, variable: torch.Tensor,
                score: Callable[[torch.Tensor], torch.Tensor]) -> tuple[torch.Tensor, np.ndarray]:
        """Run the ascent from ``variable`` (any number of inputs, (n, 4, L));
        ``score`` maps the inputs to one class score each. Returns the
        matrices and every input's objective at every step, (n_iter, n)."""
        simplex = self.parameterization == "simplex"
        variable = variable.clone().requires_grad_(True)
        optimizer = (torch.optim.Adam if simplex else torch.optim.RMSprop)([variable], lr=self.lr)
        losses = np.empty((self.n_iter, len(variable)))
        for step in progress(range(self.n_iter), desc="class optimisation", unit="step"):
            # The inverse temperature rises from 1 to ``sharpening``.
            beta = 1 + (self.sharpening - 1) * step / max(1, self.n_iter - 1)
            x = (beta * variable).softmax(dim=1) if simplex else variable
            loss = -score(x) + self.l2 * (x ** 2).sum(dim=(1, 2))
            # The gradient of the input alone: backward() would also compute
            # (and leave on the model) every weight's, a third of the
            # backward's time on DeMo's CNN.
            variable.grad, = torch.autograd.grad(loss.sum(), variable)
            optimizer.step()
            losses[step] = loss.detach().cpu().numpy()
        if simplex:
            return (self.sharpening * variable.detach()).softmax(dim=1), losses
        clamped = variable.detach().clamp(0, 1)
        totals = clamped.sum(dim=1, keepdim=True)
        # A position clamped to all zeros carries no preference: uniform.
        pwms = torch.where(totals > 1e-6, clamped / totals.clamp_min(1e-6), 0.25)
        return (pwms + self.pseudocount) / (1 + 4 * self.pseudocount), losses

    def fit(self, X: object, y: object = None) -> "ClassOptimizer":
        """Fit (or take) the classifier and optimise its input; returns ``self``."""
        self._fit_estimator(X, y)
        length = self.sequence_length or self._encode(X).shape[2]
        with evaluation_mode(self.classifier_.module_):
            pwms, losses = self._ascend(self._start(length), self._class_score)
            self._summarise(pwms, losses.mean(axis=1))
        return self

    def _summarise(self, pwms: torch.Tensor, losses: np.ndarray) -> None:
        """Score, rank and store the optimised matrices (the fitted attributes)
        from the ascent's result; ``losses`` is the mean objective per step."""
        length = pwms.shape[2]
        pwms = pwms.detach().clone().requires_grad_(True)
        logit = self._logit(pwms)
        gradient, = torch.autograd.grad(logit.sum(), pwms)
        consensus = F.one_hot(pwms.detach().argmax(dim=1), 4).transpose(1, 2).float()
        with torch.no_grad():
            consensus_logit = self._logit(consensus)
        # The model's own attribution (gradient x input) at the matrix picks
        # the window that carries the class: information content alone
        # favours long low-complexity runs.
        importance = (gradient * pwms).sum(dim=1).detach().cpu().numpy()
        scores = torch.sigmoid(logit).detach().cpu().numpy()
        matrices = pwms.detach().cpu().numpy()
        width = min(self.motif_width, length)
        # Attribution proposes windows, planting them into random sequence
        # decides: a restart's best window is the one of its top
        # N_CANDIDATE_WINDOWS (by attribution) that alone carries the class most.
        candidates = [top_windows(row, width, N_CANDIDATE_WINDOWS) for row in importance]
        owner = np.repeat(np.arange(len(candidates)), [len(c) for c in candidates])
        proposed_starts = np.concatenate(candidates)
        proposed = np.stack([matrices[r][:, a:a + width]
                             for r, a in zip(owner, proposed_starts)])
        proposed_p = self._window_alone_scores(proposed, length)
        picks = []
        for restart in range(len(candidates)):
            mine = np.flatnonzero(owner == restart)
            picks.append(int(mine[np.argmax(proposed_p[mine])]))
        starts, windows, window_p = proposed_starts[picks], proposed[picks], proposed_p[picks]
        # Best first: restarts whose matrix the model is sure of (p >= 0.99),
        # then by how strongly their motif window alone, in random
        # sequences, carries the class. The full matrix's p saturates at 1
        # for most restarts, and a restart can win it with several partial
        # motifs; the window alone says which one motif the model wants.
        order = np.lexsort((-window_p, (scores < 0.99).astype(int)))
        self.pwms_ = matrices[order]
        self.scores_ = scores[order]
        self.consensus_scores_ = torch.sigmoid(consensus_logit).cpu().numpy()[order]
        self.window_scores_ = window_p[order]
        self.best_pwm_ = self.pwms_[0]
        self.best_sequence_ = one_hot_decode(consensus[order[:1]].cpu().numpy())[0]
        self.motif_starts_ = starts[order]
        self.motifs_ = windows[order]
        self.loss_curve_ = losses

    def _window_alone_scores(self, windows: np.ndarray, length: int) -> np.ndarray:
        """p(target_class) of each motif window planted in the middle of
        ``N_BACKGROUNDS`` seeded random sequences of the optimised length,
        averaged over them; shape (n_windows,)."""
        rng = np.random.RandomState(0 if self.random_state is None else int(self.random_state))
        backgrounds = np.eye(4, dtype=np.float32)[rng.randint(4, size=(N_BACKGROUNDS, length))]
        inputs = np.repeat(backgrounds.transpose(0, 2, 1)[None], len(windows), axis=0)
        start = (length - windows.shape[2]) // 2
        inputs[..., start:start + windows.shape[2]] = windows[:, None]
        with evaluation_mode(self.classifier_.module_):
            p = score_in_batches(lambda x: torch.sigmoid(self._logit(x)), inputs.reshape(-1, 4, length),
                        batch_size=self.batch_size, device=self.classifier_.device)
        return p.astype(np.float64).reshape(len(windows), N_BACKGROUNDS).mean(axis=1)

    def transform(self, X: object) -> np.ndarray:
        """Best log-odds scan score of each motif, shape (n, n_restarts)."""
        X_enc = self._encode(X)
        if X_enc.shape[2] < self.motifs_.shape[2]:
            raise ValueError(
                f"ClassOptimizer: sequences of length {X_enc.shape[2]} are shorter than "
                f"the motif width {self.motifs_.shape[2]}."
            )
        log_odds = torch.as_tensor(np.log(self.motifs_ / 0.25), dtype=torch.float32)
        kernels = torch.cat([log_odds, log_odds.flip(1, 2)])  # both strands
        out = np.empty((len(X_enc), len(self.motifs_)), dtype=np.float32)
        for start in range(0, len(X_enc), self.batch_size):
            x = torch.as_tensor(X_enc[start:start + self.batch_size])
            scan = torch.nn.functional.conv1d(x, kernels)  # (b, 2 * restarts, positions)
            best = scan.amax(dim=2).reshape(len(x), 2, -1).amax(dim=1)
            out[start:start + len(x)] = best.numpy()
        return out

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """Names of ``transform``'s columns: ``motif0_scan`` ... one per
        restart, best restart first."""
        check_is_fitted(self, "motifs_")
        return np.array([f"motif{i}_scan" for i in range(len(self.motifs_))], dtype=object)

    def match(self, n_matches: int = 5, **kwargs: object) -> list[list[MotifMatch]]:
        """JASPAR matches of each restart's motif window (see
        :func:`match_motifs`); a failed restart (the model does not call its
        input the target class: ``scores_ < 0.5``) gets none, whatever its
        window resembles."""
        matches = match_motifs(list(self.motifs_), n_matches=n_matches, **kwargs)
        return [[] if score < 0.5 else found for score, found in zip(self.scores_, matches)]


#: The parameters that define the ascent itself, shared by optimisers run jointly.
_ASCENT_PARAMS = ("parameterization", "sharpening", "l2", "lr", "n_iter", "pseudocount")


def optimize_jointly(
    optimizers: Sequence[ClassOptimizer], X: object, y: object = None
) -> list[ClassOptimizer]:
    """Fit several class optimisers, each on its own model, in one ascent.

    Each optimiser first fits (or takes) its model as
    :meth:`ClassOptimizer.fit` does; then the restarts of all of them are
    one variable, with one optimiser step per iteration. Models of one
    architecture without recurrent layers (CNNs of the same sizes, on one
    device, in one precision) are evaluated in a single batched call over
    their stacked weights (:func:`torch.func.vmap`); others are evaluated
    one after another inside each step, since torch has no batching rule for
    its fused LSTM. Adam's and RMSprop's updates act element by element, so
    each optimiser ends with the attributes its own ``fit`` would give it, up
    to float rounding.

    Parameters
    ----------
    optimizers : sequence of ClassOptimizer
        They must agree on the ascent's parameters (``parameterization``,
        ``sharpening``, ``l2``, ``lr``, ``n_iter``, ``pseudocount``) and on
        the optimised length; models, target classes, class scores, restarts
        and seeds may differ.
    X : DNA strings or one-hot array (n, 4, L)
        As in :meth:`ClassOptimizer.fit`.
    y : array-like or None, default=None
        Labels, for optimisers whose model is not frozen.

    Returns
    -------
    optimizers : list of ClassOptimizer
        The same objects, fitted.

    Examples
    --------
    >>> from sklearn.frozen import FrozenEstimator
    >>> from sklearn_demo import CNNClassifier, make_motif_dataset
    >>> data = make_motif_dataset(100, random_state=0)
    >>> models = [CNNClassifier(n_filters=8, max_epochs=1, verbose=0, random_state=seed)
    ...           .fit(data.X, data.y) for seed in (0, 1)]
    >>> fitted = optimize_jointly([ClassOptimizer(FrozenEstimator(m), n_iter=20, n_restarts=2)
    ...                            for m in models], data.X)
    >>> [opt.pwms_.shape for opt in fitted]
    [(2, 4, 101), (2, 4, 101)]
    """
    optimizers = list(optimizers)
    if not optimizers or not all(isinstance(o, ClassOptimizer) for o in optimizers):
        raise TypeError("optimize_jointly takes a non-empty sequence of ClassOptimizer; got "
                        f"{[type(o).__name__ for o in optimizers]}.")
    for name in _ASCENT_PARAMS:
        values = [getattr(o, name) for o in optimizers]
        if any(value != values[0] for value in values):
            raise ValueError(f"optimize_jointly: the optimisers must share {name}; got {values}.")
    for optimizer in optimizers:
        optimizer._fit_estimator(X, y)
    lengths = [o.sequence_length or o._encode(X).shape[2] for o in optimizers]
    devices = [str(o.classifier_.device) for o in optimizers]
    for name, values in (("sequence_length", lengths), ("device", devices)):
        if any(value != values[0] for value in values):
            raise ValueError(f"optimize_jointly: the optimisers must share one {name}; got "
                             f"{values}.")
    starts = [o._start(lengths[0]) for o in optimizers]
    bounds = np.cumsum([0] + [len(s) for s in starts])
    with ExitStack() as stack:
        for optimizer in optimizers:
            stack.enter_context(evaluation_mode(optimizer.classifier_.module_))
        pwms, losses = optimizers[0]._ascend(torch.cat(starts),
                                             _joint_score(optimizers, bounds))
        for optimizer, a, b in zip(optimizers, bounds[:-1], bounds[1:]):
            optimizer._summarise(pwms[a:b], losses[:, a:b].mean(axis=1))
    return optimizers


def _joint_score(optimizers: list[ClassOptimizer],
                 bounds: np.ndarray) -> Callable[[torch.Tensor], torch.Tensor]:
    """The class score of the joint variable: rows ``bounds[m]:bounds[m + 1]``
    are scored by optimiser ``m``'s model."""
    def one_by_one(x: torch.Tensor) -> torch.Tensor:
        return torch.cat([o._class_score(x[a:b])
                          for o, a, b in zip(optimizers, bounds[:-1], bounds[1:])])

    classifiers = [o.classifier_ for o in optimizers]
    modules = [c.module_ for c in classifiers]
    shapes = [{k: v.shape for k, v in m.state_dict().items()} for m in modules]
    if (len(modules) == 1 or len(set(np.diff(bounds))) > 1
            or len({type(m) for m in modules}) > 1 or any(s != shapes[0] for s in shapes)
            or len({c.precision for c in classifiers}) > 1
            or len({c.reads_both_strands(c.n_features_in_) for c in classifiers}) > 1
            or any(isinstance(sub, torch.nn.RNNBase) for m in modules for sub in m.modules())):
        return one_by_one
    from torch.func import functional_call, stack_module_state, vmap

    params, buffers = stack_module_state(modules)
    params = {k: v.detach() for k, v in params.items()}
    skeleton = copy.deepcopy(modules[0]).to("meta")
    signs = torch.tensor([o._target_sign() for o in optimizers],
                         device=classifiers[0].device)[:, None]
    per_model = int(bounds[1])
    both_strands = classifiers[0].reads_both_strands(classifiers[0].n_features_in_)

    def logit(p: dict, b: dict, x: torch.Tensor) -> torch.Tensor:
        """One model's logit, as ``ModelExplainer._logit`` takes it."""
        forward = functional_call(skeleton, (p, b), (x,)).float()
        if not both_strands:
            return forward
        return strand_mean_logit(forward, functional_call(skeleton, (p, b), (x.flip((1, 2)),)).float())

    def stacked(x: torch.Tensor) -> torch.Tensor:
        inputs = x.reshape(len(modules), per_model, *x.shape[1:])
        with mixed_precision(classifiers[0].device, classifiers[0].precision):
            logits = signs * vmap(logit)(params, buffers, inputs)
        return torch.cat([o._score_of_logit(z) for o, z in zip(optimizers, logits)])

    return stacked
