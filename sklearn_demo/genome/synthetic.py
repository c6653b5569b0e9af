"""A pseudo-genome from known peak sequences, for tests and benchmarks
where no genome can be downloaded."""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.utils import check_random_state


def write_pseudo_genome(
    peaks: Mapping[str, Sequence[str]],
    fasta: str | os.PathLike,
    bed: str | os.PathLike,
    *,
    flank: int = 150,
    random_state: int | np.random.RandomState | None = 0,
) -> None:
    """Lay known peak sequences into chromosomes and write their coordinates,
    for tests and benchmarks where no genome can be downloaded.

    Chromosome ``name`` is every sequence of ``peaks[name]``, each between
    ``flank``-long dinucleotide shuffles of itself (same composition, no
    motif); ``bed`` gets one narrowPeak line per peak, its summit at the
    peak's centre. Windows of the peaks' width centred on the summits are
    the peaks again.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_pseudo_genome({"chr1": ["ACGTACGTAC", "GGGCCCAAAT"]}, folder / "g.fa",
    ...                     folder / "p.narrowPeak", flank=5)
    >>> from sklearn_demo.genome import peak_windows, read_peaks
    >>> peak_windows(read_peaks(folder / "p.narrowPeak"), folder / "g.fa", width=10).sequences.tolist()
    ['ACGTACGTAC', 'GGGCCCAAAT']
    """
    from .._atomic import atomic_path
    from ..shuffle import dinucleotide_shuffle

    rng = check_random_state(random_state)
    lines, chromosomes = [], {}
    for chrom, sequences in peaks.items():
        parts, offset = [], 0
        for sequence in sequences:
            repeats = -(-2 * flank // len(sequence)) + 1
            around = dinucleotide_shuffle([sequence * repeats], random_state=rng)[0]
            left, right = around[:flank], around[flank:2 * flank]
            start = offset + flank
            parts.append(left + sequence + right)
            lines.append(f"{chrom}\t{start}\t{start + len(sequence)}\t{chrom}_{len(lines)}\t0\t.\t"
                         f"0\t-1\t-1\t{len(sequence) // 2}\n")
            offset += 2 * flank + len(sequence)
        chromosomes[chrom] = "".join(parts)
    with atomic_path(fasta) as tmp, open(tmp, "w") as handle:
        for chrom, sequence in chromosomes.items():
            handle.write(f">{chrom}\n")
            handle.writelines(sequence[i:i + 60] + "\n" for i in range(0, len(sequence), 60))
    with atomic_path(bed) as tmp:
        tmp.write_text("".join(lines))
