"""The report's dependency views of one network: the spacing/order scan of
the two strongest motifs it learned, and the site interactions of the test
positives it is most sure of."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..explain import SiteInteractions, motif_spacing, site_interactions
from ..explain.grammar import motif_instances
from ..motifs import best_window_correlation, informative_span

#: Backgrounds of the report's scans: dinucleotide shuffles of test negatives.
#: 20 pin a mean log-odds to about a tenth of its spread over backgrounds.
SCAN_BACKGROUNDS = 20

#: Gaps the report's scans step by, in bases.
SCAN_STEP = 2

#: Shuffles that remove a site in the report's site interactions.
SITE_SHUFFLES = 10

#: Two class-optimised windows whose correlation (either strand, best offset)
#: is above this are one motif, not two.
SAME_MOTIF_CORRELATION = 0.6


@dataclass
class Dependencies:
    """A network's dependency views."""

    motif_names: tuple[str, str]
    """The two motifs scanned, as the report names them."""
    motifs: tuple[str, str]
    """Their consensus sequences, as written into the backgrounds."""
    scan: object
    """:func:`~sklearn_demo.motif_spacing`'s DataFrame."""
    interactions: list[SiteInteractions]
    """Site interactions of the explained test positives, in their order."""


def strongest_motifs(class_motifs: np.ndarray, class_scores: np.ndarray,
                     class_matches: list) -> list[tuple[str, np.ndarray]]:
    """The two strongest distinct motifs of a class optimisation, as (name,
    trimmed matrix): the best restart's window, then the next restart whose
    window is another motif (another JASPAR name, or, unnamed, correlated
    under :data:`SAME_MOTIF_CORRELATION`). Restarts that failed (p under 0.5)
    or carry too little information are skipped; one motif found is scanned
    against itself (homotypic spacing); none gives [].

    Examples
    --------
    >>> eye = np.eye(4)[:, [0, 1, 2, 3, 0, 1]] * 0.97 + 0.0075
    >>> [name for name, _ in strongest_motifs(np.stack([eye]), np.array([0.9]), [[]])]
    ['class-optimised motif 1', 'class-optimised motif 1']
    """
    found: list[tuple[str, np.ndarray, str | None]] = []
    for i, (pwm, score, matches) in enumerate(zip(class_motifs, class_scores, class_matches)):
        span = informative_span(pwm)
        if score < 0.5 or span is None:
            continue
        name = matches[0].name if matches else None
        pwm = pwm[:, span]
        if found and (name is not None and name == found[0][2]
                      or name is None and best_window_correlation(pwm, found[0][1]) > SAME_MOTIF_CORRELATION):
            continue
        found.append((name or f"class-optimised motif {i + 1}", pwm, name))
        if len(found) == 2:
            break
    if len(found) == 1:
        found.append(found[0])
    return [(label, pwm) for label, pwm, _ in found]


def explain_dependencies(model: object, examples: np.ndarray, negatives: np.ndarray,
                         motifs: list[tuple[str, np.ndarray]], *, seed: int = 0
                         ) -> Dependencies | None:
    """Scan ``motifs`` (two, from :func:`strongest_motifs`) in dinucleotide
    shuffles of ``negatives`` at every gap that fits, and the site
    interactions of ``examples`` at the sites the model reads. None without
    two motifs or negatives."""
    if len(motifs) != 2 or not len(negatives):
        return None
    consensus = tuple(motif_instances(pwm, 1)[0] for _, pwm in motifs)
    length = len(examples[0])
    widest = length - len(consensus[0]) - len(consensus[1])
    if widest < 0:
        return None
    scan = motif_spacing(model, *consensus, spacings=range(0, widest + 1, SCAN_STEP),
                         backgrounds=SCAN_BACKGROUNDS, sequences=list(negatives[:50]),
                         random_state=seed)
    interactions = site_interactions(model, list(examples), n_shuffles=SITE_SHUFFLES,
                                     random_state=seed)
    return Dependencies((motifs[0][0], motifs[1][0]), consensus, scan, interactions)
