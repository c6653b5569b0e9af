"""The dashboard's flow in one call: data -> train -> score -> explain -> page."""
from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral
from pathlib import Path

import numpy as np

from .._validation import N_JOBS, Interval, check_parameter, parameter_constraints
from ..estimators import RNNClassifier
from ..motifs import write_meme
from ..persistence import save_model
from .data import DashboardData
from .explanations import (
    MAX_SEQUENCES_CONSTRAINTS, SITE_AUROC_SEQUENCES, ModelExplanation, explain_model,
)
from .page import write_dashboard
from .score import TestScores, score_models
from .train import NETWORKS, RECURRENT, Log, in_parallel, train_models


@dataclass
class DashboardRun:
    """What :func:`build_dashboard` made, by name."""

    data: DashboardData
    models: dict[str, object]
    """Class name -> fitted network or baseline."""
    training: dict[str, dict[str, float]] | None
    """Class name -> training seconds and sequences; None for models given fitted."""
    scores: TestScores
    explanations: list[ModelExplanation]
    """One per network (baselines are scored, not explained)."""
    page: Path
    """The written ``index.html``."""
    model_files: dict[str, Path]
    """Class name -> saved network (``out/models/<name>.pt``), for ``explain``."""


def build_dashboard(
    data: DashboardData,
    models: Sequence[str] | Mapping[str, object] = ("cnn", "rnn", "cnnrnn"),
    *,
    out: str | Path = "results",
    epochs: int = 20,
    device: str = "cpu",
    seed: int = 0,
    class_iterations: int = 1000,
    site_auroc_sequences: int | None = SITE_AUROC_SEQUENCES,
    max_train_gkm: int | None = 4000,
    lstm_timescale: float | None = None,
    pos_label: object = None,
    save_models: bool = True,
    discover_motifs: bool = False,
    n_jobs: int | None = None,
    command: str = "build_dashboard(...)",
    provenance: Mapping[str, object] | None = None,
    verbose: int = 1,
    log: Log = print,
) -> DashboardRun:
    """Train (or take), score and explain models on ``data`` and write the report.

    Read more in the :doc:`User Guide </guide/dashboard>`.

    Parameters
    ----------
    data : DashboardData
        From :func:`~sklearn_demo.dashboard.load_dashboard_data`.
    models : sequence of str or mapping of name -> fitted model
        Short names to train (``"cnn"``, ``"rnn"``, ``"cnnrnn"``, ``"kmer"``,
        ``"gkm"``), or models already fitted (nothing is trained or saved).
    out : path, default="results"
        Report folder: ``index.html``, ``data/`` and, with ``save_models``,
        ``models/``.
    epochs, device, seed :
        Training settings of the networks; ``seed`` also seeds class
        optimisation and the order-effect erasures.
    class_iterations : int, default=1000
        Gradient steps of class optimisation; checked before any training.
    site_auroc_sequences : int or None, default=SITE_AUROC_SEQUENCES (100)
        On planted data, the test positives (a random sample of at most this
        many; None: all) on which every attribution method's AUROC for the
        planted sites is scored (:func:`attribution_site_aurocs`); checked
        before any training.
    max_train_gkm : int or None, default=4000
        See :func:`~sklearn_demo.dashboard.train_models`.
    lstm_timescale : float or None, default=None
        Chrono initialisation of the recurrent networks' LSTM gates (see
        :class:`~sklearn_demo.RNNClassifier`): for data whose label depends
        on motifs tens of bases apart, such as an order grammar. Checked
        before any training; an error when no recurrent network is trained.
    pos_label : label or None, default=None
        The positive (bound) class of the models it trains; see
        :func:`~sklearn_demo.dashboard.train_models`.
    save_models : bool, default=True
        Save the trained networks in ``out/models``.
    discover_motifs : bool, default=False
        Also run TF-MoDISco on each network's attributions (a panel "motifs
        discovered from attributions"; a minute or more per network).
    n_jobs : int or None, default=None
        Models trained, and networks explained, at once, each in a process
        of its own (see :func:`~sklearn_demo.dashboard.train_models`; -1:
        one per core, which `make demo` uses). None: one after the other,
        with skorch's table of each epoch. Each model is seeded as it is one
        after the other (a process on fewer threads may round differently).
    command, provenance :
        Printed in the page's footer and written to ``data/provenance.json``.
    verbose : int, default=1
        skorch's per-epoch table while training (0: none).
    log : callable, default=print
        Receives one line per step.

    Returns
    -------
    DashboardRun

    Examples
    --------
    >>> import tempfile
    >>> from sklearn_demo.dashboard import build_dashboard, load_dashboard_data
    >>> data = load_dashboard_data(n_samples=60)
    >>> run = build_dashboard(data, ["cnn"], out=tempfile.mkdtemp(), epochs=1,
    ...                       class_iterations=5, verbose=0, log=lambda _: None)
    >>> list(run.models), run.page.name, len(run.explanations)
    (['CNNClassifier'], 'index.html', 1)
    """
    for name, value in (("class_iterations", class_iterations), ("epochs", epochs)):
        check_parameter("build_dashboard", name, value, [Interval(Integral, 1, None)])
    check_parameter("build_dashboard", "n_jobs", n_jobs, N_JOBS)
    check_parameter("build_dashboard", "site_auroc_sequences", site_auroc_sequences,
                    MAX_SEQUENCES_CONSTRAINTS)
    check_parameter("build_dashboard", "lstm_timescale", lstm_timescale,
                    parameter_constraints(RNNClassifier)["lstm_timescale"])
    if lstm_timescale is not None and (isinstance(models, Mapping)
                                       or not set(models) & set(RECURRENT)):
        raise ValueError(f"build_dashboard: lstm_timescale={lstm_timescale!r} applies to the "
                         f"recurrent networks it trains ({', '.join(RECURRENT)}), and none is "
                         f"among models={list(models)!r}.")
    if isinstance(models, Mapping):
        fitted, training = dict(models), None
    else:
        fitted, training = train_models(list(models), data, epochs=epochs, device=device,
                                        seed=seed, verbose=verbose,
                                        max_train_gkm=max_train_gkm,
                                        lstm_timescale=lstm_timescale, pos_label=pos_label,
                                        n_jobs=n_jobs, log=log)
    networks = {name: model for name, model in fitted.items()
                if isinstance(model, tuple(NETWORKS.values()))}
    model_files = {}
    if save_models and training is not None:
        (Path(out) / "models").mkdir(parents=True, exist_ok=True)
        for name, model in networks.items():
            model_files[name] = Path(out) / "models" / f"{name}.pt"
            save_model(model, model_files[name])
    scores = score_models(fitted, data.X_test, data.y_test, training)
    for row in scores.rows:
        log(f"  {row['model']}: test AUC {row['test_auc']:.3f}, AUPRC {row['test_auprc']:.3f}")
    if networks:
        log(f"explaining {', '.join(networks)}: saliency, temporal scores, class "
            f"optimisation, filters")
    options = dict(n_iter=class_iterations, seed=seed, discover=discover_motifs,
                   site_auroc_sequences=site_auroc_sequences)
    explanations = []
    for name, (explanation, seconds) in zip(networks, in_parallel(
            timed_explanation,
            [(model, data, scores.curves[name].score, options) for name, model in networks.items()],
            n_jobs=n_jobs)):
        explanations.append(explanation)
        log(f"  {name} explained in {seconds:.0f} s")
    meme = Path(out) / "motifs.meme"
    meme.parent.mkdir(parents=True, exist_ok=True)
    write_meme(found_motifs(explanations), meme)
    log(f"wrote every motif the models gave (class-optimised windows, first-layer filters) "
        f"to {meme}")
    page = write_dashboard(out, data, scores, explanations, command=command,
                           provenance=provenance or {})
    log(f"wrote {page}")
    return DashboardRun(data, fitted, training, scores, explanations, page, model_files)


def timed_explanation(model: object, data: DashboardData, test_scores: np.ndarray,
                      options: Mapping[str, object]) -> tuple[ModelExplanation, float]:
    """:func:`explain_model` of ``model`` with ``options``, and the seconds it took."""
    start = time.perf_counter()
    explanation = explain_model(model, data, test_scores=test_scores, **options)
    return explanation, time.perf_counter() - start


def found_motifs(explanations: Sequence[ModelExplanation]) -> dict[str, np.ndarray]:
    """Every motif the explanations hold, named for a MEME file: each
    network's discovered patterns (TF-MoDISco), class-optimised windows
    (best restart first) and its
    first-layer filters that separate the classes (AUROC >= 0.6), with their
    best JASPAR match as the alternate name.

    Examples
    --------
    >>> found_motifs([])
    {}
    """
    motifs = {}
    for explanation in explanations:
        for motif in explanation.discovered or ():
            best = f" {motif.matches[0].name}" if motif.matches else ""
            motifs[f"{explanation.name}.discovered.{motif.name}{best}"] = motif.pwm
        for i, (pwm, matches) in enumerate(zip(explanation.class_motifs,
                                               explanation.class_matches), start=1):
            best = f" {matches[0].name}" if matches else ""
            motifs[f"{explanation.name}.class_optimised.{i}{best}"] = pwm
        if explanation.filter_pwms is None:
            continue
        for i, (pwm, auroc) in enumerate(zip(explanation.filter_pwms, explanation.filter_aurocs)):
            if auroc >= 0.6 and np.isfinite(pwm).all() and pwm.sum() > 0:
                matches = explanation.filter_matches[i] if explanation.filter_matches else []
                best = f" {matches[0].name}" if matches else ""
                motifs[f"{explanation.name}.filter.{i}{best}"] = pwm
    return motifs
