"""Explainers: what a trained CNN, RNN or CNN-RNN learned."""
from .saliency import SaliencyExplainer
from .temporal import TemporalScorer

__all__ = ["SaliencyExplainer", "TemporalScorer"]
