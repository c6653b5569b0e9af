"""matplotlib figures of the explanations. Every function returns its
Figure and never calls ``plt.show()``.

* :mod:`~sklearn_demo.plotting.sequences`: along one sequence (saliency logo
  and heat map, mutation map, temporal scores) and motif logos;
* :mod:`~sklearn_demo.plotting.curves`: several models at once (ROC and
  precision-recall curves, motif order effects);
* :mod:`~sklearn_demo.plotting.dependencies`: spacing/order scans and
  site-interaction matrices;
* :mod:`~sklearn_demo.plotting.alleles`: a variant's two alleles, base by base.
"""
from .alleles import plot_allele_attributions
from .curves import plot_order_effect, plot_roc_pr
from .dependencies import plot_motif_spacing, plot_site_interactions
from .sequences import (
    LETTER_COLORS, letter_outline, plot_logo_grid, plot_motif, plot_mutation_map, plot_saliency,
    plot_temporal_scores,
)

__all__ = [
    "LETTER_COLORS", "letter_outline", "plot_allele_attributions", "plot_logo_grid",
    "plot_motif", "plot_motif_spacing", "plot_mutation_map", "plot_order_effect", "plot_roc_pr",
    "plot_saliency", "plot_site_interactions", "plot_temporal_scores",
]
