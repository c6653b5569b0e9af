"""The dashboard: train, score and explain DeMo's models, and write one report.

A run goes through five modules, in the order the data flows:

1. :mod:`~sklearn_demo.dashboard.data`: :func:`load_dashboard_data` reads the
   data (the embedded planted-motif set by default) into a
   :class:`DashboardData`, with the planted sites when there are some;
2. :mod:`~sklearn_demo.dashboard.train`: :func:`train_models` fits the
   requested networks and baselines (``NETWORKS``, ``BASELINES``);
3. :mod:`~sklearn_demo.dashboard.score`: :func:`score_models` gives every
   model's test metrics and curves (:class:`TestScores`);
4. :mod:`~sklearn_demo.dashboard.explanations`: :func:`explain_model` runs DeMo's
   three views and the filter motifs on one network
   (:class:`ModelExplanation`);
5. :mod:`~sklearn_demo.dashboard.page`: :func:`write_dashboard` turns it all
   into ``index.html``, with the numbers behind every figure in ``data/`` and
   each panel's "how to read" from :mod:`~sklearn_demo.dashboard.how_to_read`.

:func:`build_dashboard` runs the five in order and returns what each made
(:class:`DashboardRun`); the ``sklearn-demo dashboard`` and ``explain``
commands only parse their arguments and call it.

The interactive app (``sklearn-demo serve``, :func:`explore` in Jupyter)
reads any sequence live: :mod:`~sklearn_demo.dashboard.explorer` computes
(:class:`SequenceExplorer`), :mod:`~sklearn_demo.dashboard.app` draws it with
Panel, imported only when the app is used.
"""
from .build import DashboardRun, build_dashboard
from .data import DashboardData, load_dashboard_data
from .explanations import (
    ATTRIBUTION, ATTRIBUTION_METHODS, ModelExplanation, attribution_site_aurocs, explain_model,
    recovered_motif,
)
from .explorer import SequenceExplorer, open_report
from .page import match_label, write_dashboard
from .score import Curve, TestScores, score_models
from .train import BASELINES, NETWORKS, RECURRENT, make_estimator, train_models

__all__ = [
    "ATTRIBUTION", "ATTRIBUTION_METHODS", "BASELINES", "NETWORKS", "RECURRENT", "Curve",
    "DashboardData",
    "DashboardRun", "ModelExplanation", "SequenceExplorer", "TestScores",
    "attribution_site_aurocs", "build_dashboard", "explain_model", "explore", "Explorer",
    "open_report", "load_dashboard_data", "make_estimator", "match_label",
    "recovered_motif", "score_models", "train_models", "write_dashboard",
]


def __getattr__(name: str):
    # The app's names import Panel (a second or two) only when first used.
    if name in ("explore", "Explorer"):
        from . import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
