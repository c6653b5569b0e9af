"""Explainers: what a trained CNN, RNN or CNN-RNN learned."""
from .class_optimization import ClassOptimizer, optimize_jointly
from .order_effects import OrderEffect, order_effect
from .filters import filter_aurocs, first_layer_pwms
from .grammar import motif_spacing
from .pairwise import InteractionExplainer
from .site_interactions import SiteInteractions, attribution_sites, site_interactions
from .saliency import SaliencyExplainer
from .temporal import TemporalScorer

__all__ = ["ClassOptimizer", "InteractionExplainer", "OrderEffect", "SaliencyExplainer",
           "SiteInteractions", "TemporalScorer", "attribution_sites", "filter_aurocs",
           "first_layer_pwms", "motif_spacing", "optimize_jointly", "order_effect",
           "site_interactions"]
