"""Explainers: what a trained CNN, RNN or CNN-RNN learned."""
from .class_optimization import ClassOptimizer
from .filters import first_layer_pwms
from .saliency import SaliencyExplainer
from .temporal import TemporalScorer

__all__ = ["ClassOptimizer", "SaliencyExplainer", "TemporalScorer", "first_layer_pwms"]
