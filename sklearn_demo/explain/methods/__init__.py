"""Attribution algorithms, one module per method, as plain functions of a
score function (a batch of one-hot inputs to one score per input).

:class:`~sklearn_demo.explain.SaliencyExplainer` is the scikit-learn face of
these; use them directly to explain any torch model:

* :func:`gradient` (:mod:`.gradient`): d score / dx, the basis of DeMo's
  saliency map and of gradient x input;
* :func:`saturation_mutagenesis` (:mod:`.ism`): every single-base
  substitution's change of the score; with a
  :class:`~.local_ism.LocalMutagenesis` (:mod:`.local_ism`) a CNN's mutants
  are scored from the reference's activations at the positions each
  substitution reaches (fastISM's idea);
* :func:`expected_gradients` (:mod:`.expected_gradients`): SHAP values by expected
  gradients against dinucleotide-shuffled references.

All three run through :func:`~.scoring.score_in_batches` so memory stays bounded
for any number of sequences.
"""
from .expected_gradients import expected_gradients
from .gradient import gradient
from .ism import saturation_mutagenesis

__all__ = ["expected_gradients", "gradient", "saturation_mutagenesis"]
