"""ChIP-seq peaks on a reference genome.

One module per step, in the order the data flows:

* :mod:`~sklearn_demo.genome.intervals`: BED / narrowPeak files
  (:func:`read_peaks`, :class:`Peaks`);
* :mod:`~sklearn_demo.genome.reference`: the indexed genome FASTA
  (:func:`open_genome`, :func:`fetch_bases`);
* :mod:`~sklearn_demo.genome.windows`: fixed-width windows around peaks
  (:func:`peak_windows`) and unbound backgrounds from the same genome
  (:func:`background_windows`), with what was skipped (:class:`WindowReport`);
* :mod:`~sklearn_demo.genome.datasets`: both as a labelled data set
  (:func:`load_peak_dataset`);
* :mod:`~sklearn_demo.genome.tasks`: many peak sets at once as windows with
  one label per set (:func:`task_windows`, DeepSEA's bin rule);
* :mod:`~sklearn_demo.genome.stream`: windows read from the genome while
  training (:class:`GenomeWindowDataset`);
* :mod:`~sklearn_demo.genome.split`: :class:`ChromosomeHoldout`, a
  scikit-learn splitter that holds out whole chromosomes;
* :mod:`~sklearn_demo.genome.synthetic`: :func:`write_pseudo_genome`, a
  genome laid out of known peak sequences for tests and benchmarks.

Scoring and explaining windows in genome coordinates (bedGraph, bigWig) is
the inference layer's: :func:`~sklearn_demo.inference.predict_peaks`,
:func:`~sklearn_demo.inference.explain_peaks`,
:func:`~sklearn_demo.inference.predict_tiles`.

Coordinates are BED's: 0-based, end excluded.
"""
from .datasets import PeakDataset, load_peak_dataset
from .intervals import Peaks, read_peaks
from .reference import fetch_bases, open_genome
from .split import ChromosomeHoldout
from .stream import GenomeWindowDataset
from .synthetic import write_pseudo_genome
from .tasks import TASK_BACKGROUNDS, TaskWindows, read_tracks, task_name, task_windows
from .windows import (
    BACKGROUNDS, CENTRES, OFF_END, WindowReport, Windows, background_windows, peak_windows,
)

__all__ = [
    "BACKGROUNDS", "CENTRES", "OFF_END", "TASK_BACKGROUNDS", "ChromosomeHoldout",
    "GenomeWindowDataset", "PeakDataset", "Peaks", "TaskWindows", "WindowReport", "Windows",
    "background_windows", "fetch_bases", "load_peak_dataset", "open_genome", "peak_windows",
    "read_peaks", "read_tracks", "task_name", "task_windows", "write_pseudo_genome",
]

#: Functions that lived here before the inference layer took them: the old
#: names still work, with a ``FutureWarning`` naming the new one, until 0.5.
MOVED = {"predict_peaks": "sklearn_demo.inference", "explain_peaks": "sklearn_demo.inference",
         "predict_tiles": "sklearn_demo.inference"}


def __getattr__(name: str):
    if name in MOVED:
        import importlib
        import warnings

        warnings.warn(f"sklearn_demo.genome.{name} is now {MOVED[name]}.{name}; the old name "
                      "stops working in 0.5.", FutureWarning, stacklevel=2)
        return getattr(importlib.import_module(MOVED[name]), name)
    raise AttributeError(f"module 'sklearn_demo.genome' has no attribute {name!r}")
