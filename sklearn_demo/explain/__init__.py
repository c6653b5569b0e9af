"""Explainers: what a trained CNN, RNN or CNN-RNN learned."""
from .class_optimization import ClassOptimizer, optimize_jointly
from .order_effects import OrderEffect, order_effect
from .filters import filter_aurocs, first_layer_pwms
from .saliency import SaliencyExplainer
from .temporal import TemporalScorer

__all__ = ["ClassOptimizer", "OrderEffect", "SaliencyExplainer", "TemporalScorer",
           "filter_aurocs", "first_layer_pwms", "optimize_jointly", "order_effect"]
