"""Datasets: DeepBind's ENCODE ChIP-seq sets and synthetic planted-motif sets."""
from __future__ import annotations

import hashlib
import os
import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ._atomic import atomic_path
from .encoding import reverse_complement
from .io import load_training_data
from .motifs import fetch_jaspar_motifs

DEEPBIND_URL = (
    "https://raw.githubusercontent.com/jisraeli/DeepBind/"
    "a9bbf5ffcdf62f2832b0bbdede43a36f4dc19426/data/encode/"
)

#: name -> (SHA-256 of ``_AC.seq.gz``, SHA-256 of ``_B.seq.gz``,
#: DeepBind test AUC, DeepBind* test AUC) from Alipanahi et al. 2015,
#: Supplementary Tables 4/5.
DEEPBIND_ENCODE: dict[str, tuple[str, str, float, float]] = {
    "ARID3A_K562_ARID3A_(sc-8821)_Stanford": (
        "928d75f354dbadbb4f083cb298e85df6fa11f001afacd9d577c0d9c9ce831712",
        "aad6ee8ac42ea66791897a447ad01252f26955d2dd8b5a7865f2c233db807c09", 0.810, 0.888),
    "CTCFL_K562_CTCFL_(SC-98982)_HudsonAlpha": (
        "823589ed0c049dea20ed2a20b196d72ac63d76a04693bb2f43313e4a0c55c3da",
        "707696ec7ca64695e6435859c558940bd86ba8dea836a31cf807386eba383b97", 0.973, 0.987),
    "ELK1_GM12878_ELK1_(1277-1)_Stanford": (
        "3e44bb851d81e1ea9a9f0c3a600574e4151bff8d510c8fc5d21e87b18715075f",
        "5eec8cc3d433dfcadb5cf1d23919e5ee6896e6479af52f756adcbd461fe6b805", 0.948, 0.953),
    "FOXA1_HepG2_FOXA1_(SC-101058)_HudsonAlpha": (
        "d7444da917c588312ef6231785b8ef508cdbeb6f2550798fb0f101876b47b5bd",
        "4634d4a688627cb2009e8598e7ad67687d37d14205daaedb8e96f6705d9e530c", 0.977, 0.982),
    "GABPA_GM12878_GABP_HudsonAlpha": (
        "627505bae74920366a5b9b5125e7972b073f611f0bdb258c9d32b9c33bb7529b",
        "b3f4da33cd690a3d72bb0033e3d4b5e9eec25405669fd521938b3c7e50ffbe15", 0.970, 0.980),
    "MYC_H1-hESC_c-Myc_Stanford": (
        "a12d118206d0f4f0d41712313ebc95606fffaee5249709c5f48c39dfdd980cde",
        "5d5d44a679c2ca2b8efa2e6d183172c1d1d4519b0325c4f56c9ede0ab2bc453d", 0.855, 0.930),
    "REST_GM12878_NRSF_HudsonAlpha": (
        "b5063130dc151f7529f3f02fe1d89ff7d9175a559f6151a72a7927ee217e1ca9",
        "63aba192660e35154421b66f8129aeb449027bb1af25ff7903069fee861d679d", 0.999, 0.999),
    "SP1_GM12878_SP1_HudsonAlpha": (
        "131c5c30e277ea7e283b374fd78c362ab6fd7f9b1222322df33cf8f048254cbe",
        "8ef012ed4a8818ebcb0c46f126b0523825170e6d6f2af9f876b6beb4a7f36594", 0.898, 0.900),
    "USF1_HepG2_USF-1_HudsonAlpha": (
        "eb8fb406abe10b62075670c6a04b68757e46985fdb8efb386586e6974ef020a0",
        "999b5f5d920c73f1e6229f2a6704d8fbf7e8c73e2359686402cbecfe93d39696", 0.995, 0.993),
    "ZBTB7A_HepG2_ZBTB7A_(SC-34508)_HudsonAlpha": (
        "b60c7d2de6a45864c11c17bbe2d1820fb8a004f973f9fd6a4d5287d012500d43",
        "998ab846950b28f61a20b28dc6fe86c9d143c847965f4edced9a953b7e7fe9a8", 0.801, 0.874),
}


def get_data_home(data_home: str | os.PathLike | None = None) -> Path:
    """Folder where fetched datasets are cached.

    Defaults to ``$SKLEARN_DEMO_DATA`` or ``~/sklearn_demo_data``; created if
    missing.

    Examples
    --------
    >>> import tempfile
    >>> get_data_home(tempfile.mkdtemp()).is_dir()
    True
    """
    if data_home is None:
        data_home = os.environ.get("SKLEARN_DEMO_DATA", Path.home() / "sklearn_demo_data")
    path = Path(data_home).expanduser()
    if path.exists() and not path.is_dir():
        raise ValueError(f"The data home {path} is a file, not a folder; pass data_home= "
                         "(or set SKLEARN_DEMO_DATA) to a folder.")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fetch_file(
    filename: str, sha256: str, cache: Path, mirror: Path | None, download: bool
) -> Path:
    """Return a verified copy of ``filename`` in ``cache``.

    Looks in the cache, then the mirror folder, then downloads. A new copy is
    written to a temporary file, verified, and only then renamed into place,
    so a failed or corrupt transfer never leaves a file behind.
    """
    target = cache / filename
    cached = _sha256(target) if target.is_file() else None
    if cached == sha256:
        return target
    if mirror is not None:
        source = mirror / filename
        if not source.is_file():
            raise FileNotFoundError(
                f"{filename} is not in the mirror folder {mirror}."
            )
    elif not download:
        if cached is not None:
            raise OSError(f"The cached {target} is corrupt (SHA-256 {cached}, expected "
                          f"{sha256}); delete it, or fetch a fresh copy with mirror= or "
                          "download_if_missing=True.")
        raise FileNotFoundError(
            f"{filename} is not in {cache} and download_if_missing=False."
        )
    with atomic_path(target, suffix=".part") as partial:
        if mirror is not None:
            shutil.copyfile(mirror / filename, partial)
        else:
            url = DEEPBIND_URL + urllib.parse.quote(filename)
            try:
                with urllib.request.urlopen(url, timeout=60) as response, \
                        open(partial, "wb") as out:
                    shutil.copyfileobj(response, out)
            except urllib.error.URLError as exc:
                raise OSError(f"Cannot download {url} ({exc.reason}); offline, pass "
                              "mirror= (--mirror on the command line) a folder holding "
                              f"{filename}.") from None
        found = _sha256(partial)
        if found != sha256:
            raise OSError(
                f"Checksum mismatch for {filename} from "
                f"{mirror if mirror is not None else DEEPBIND_URL}: "
                f"expected SHA-256 {sha256}, got {found}. The file was not kept."
            )
    return target


def fetch_deepbind_encode(
    name: str,
    *,
    data_home: str | os.PathLike | None = None,
    mirror: str | os.PathLike | None = None,
    download_if_missing: bool = True,
    shuffled_negatives: bool = True,
    random_state: int | np.random.RandomState | None = 0,
) -> Bunch:
    """Load one of DeepBind's ENCODE ChIP-seq datasets (train ``_AC``, test ``_B``).

    Files are looked up in ``data_home/deepbind_encode``; if missing, copied
    from ``mirror`` (a local folder holding the original ``.seq.gz`` files,
    for offline machines) or else downloaded from DeepBind's code release.
    Every file is checked against its SHA-256 before use.

    Parameters
    ----------
    name : str
        Dataset name, e.g. ``"REST_GM12878_NRSF_HudsonAlpha"``, or a unique
        prefix of one such as ``"REST"``. See ``DEEPBIND_ENCODE``.
    data_home : str or path-like, default=None
        Cache folder; see :func:`get_data_home`.
    mirror : str or path-like, default=None
        Offline mirror folder. Defaults to ``$SKLEARN_DEMO_MIRROR`` if set.
    download_if_missing : bool, default=True
        Download from the public location when neither cache nor mirror has it.
    shuffled_negatives : bool, default=True
        Add one dinucleotide shuffle of each training peak as a negative
        (label 0), as DeepBind and DeMo did. The test set already has them.
    random_state : int, RandomState instance or None, default=0
        Seed of the shuffles.

    Returns
    -------
    data : Bunch
        ``X_train``, ``y_train``, ``X_test``, ``y_test`` (ndarrays of str and
        int), ``name``, ``deepbind_auc`` and ``deepbind_star_auc`` (the
        published test AUCs) and ``DESCR``.

    Examples
    --------
    >>> data = fetch_deepbind_encode("REST", mirror="../shared/data/deepbind_encode")  # doctest: +SKIP
    >>> data.X_test.shape  # doctest: +SKIP
    (1000,)
    """
    matches = [full for full in DEEPBIND_ENCODE if full == name] or [
        full for full in DEEPBIND_ENCODE if full.startswith(name)
    ]
    if len(matches) != 1:
        raise ValueError(
            f"Unknown or ambiguous DeepBind ENCODE dataset {name!r}; choose one of: "
            + ", ".join(DEEPBIND_ENCODE)
        )
    full_name = matches[0]
    train_sha, test_sha, auc, star_auc = DEEPBIND_ENCODE[full_name]
    if mirror is None and os.environ.get("SKLEARN_DEMO_MIRROR"):
        mirror = os.environ["SKLEARN_DEMO_MIRROR"]
    if mirror is not None:
        mirror = Path(mirror).expanduser()
        if not mirror.is_dir():
            raise FileNotFoundError(f"The mirror folder {mirror} does not exist.")
    cache = get_data_home(data_home) / "deepbind_encode"
    cache.mkdir(exist_ok=True)
    train_path = _fetch_file(f"{full_name}_AC.seq.gz", train_sha, cache, mirror,
                             download_if_missing)
    test_path = _fetch_file(f"{full_name}_B.seq.gz", test_sha, cache, mirror, download_if_missing)
    data = load_training_data([train_path, test_path], shuffled_negatives=shuffled_negatives,
                              random_state=random_state)
    n_peaks = int((data.y_train == 1).sum())
    return Bunch(
        X_train=data.X_train,
        y_train=data.y_train,
        X_test=data.X_test,
        y_test=data.y_test,
        name=full_name,
        deepbind_auc=auc,
        deepbind_star_auc=star_auc,
        DESCR=(
            f"DeepBind ENCODE ChIP-seq dataset {full_name}: {n_peaks} "
            f"training peaks{' plus as many dinucleotide shuffles' if shuffled_negatives else ''}"
            f", {len(data.X_test)} test sequences (held-out peaks and their "
            f"shuffles). Published DeepBind test AUC {auc}, DeepBind* {star_auc}."
        ),
    )


def _sample_from_pwm(pwm: np.ndarray, n: int, rng: np.random.RandomState) -> np.ndarray:
    """Draw ``n`` sites from a (4, w) probability matrix as (n, w) base indices."""
    cumulative = np.cumsum(pwm, axis=0)  # (4, w)
    draws = rng.random_sample((n, pwm.shape[1]))
    return (draws[:, None, :] > cumulative[None, :-1, :]).sum(axis=1)


GRAMMARS = ("pure", "mixed")


def _place_sites(
    order: list[int], widths: list[int], gap: int, length: int, margin: int,
    rng: np.random.RandomState,
) -> list[int]:
    """Start of each site of ``order`` (consecutive sites ``gap`` apart), the
    whole arrangement placed uniformly at least ``margin`` from both ends."""
    total = sum(widths[k] for k in order) + gap * (len(order) - 1)
    first = margin + int(rng.randint(0, length - 2 * margin - total + 1))
    starts = [first]
    for k in order[:-1]:
        starts.append(starts[-1] + widths[k] + gap)
    return starts


def _free_layout(widths: Sequence[int], length: int,
                 rng: np.random.RandomState) -> tuple[list[int], list[int]]:
    """A random order of the motifs and their starts, the free space split
    into random gaps so that the order is random too."""
    order = list(range(len(widths)))
    rng.shuffle(order)
    slack = length - sum(widths)
    cuts = np.sort(rng.randint(0, slack + 1, size=len(widths)))
    return order, list(cuts + np.concatenate([[0], np.cumsum([widths[k] for k in order])[:-1]]))


def _plant(bases: np.ndarray, mask: np.ndarray, motif_id: str, pwm: np.ndarray, start: int,
           rng: np.random.RandomState) -> tuple[str, int, int, str]:
    """Draw one site from ``pwm`` on a random strand, write it into one
    sequence's ``bases`` and ``mask`` at ``start``; returns its site tuple."""
    width = pwm.shape[1]
    site = _sample_from_pwm(pwm, 1, rng)[0]
    strand = "+" if rng.rand() < 0.5 else "-"
    if strand == "-":
        site = reverse_complement(site)
    bases[start:start + width] = site
    mask[start:start + width] = True
    return motif_id, start, start + width, strand


def make_motif_dataset(
    n_samples: int = 2000,
    *,
    sequence_length: int = 101,
    motifs: Sequence[str] = ("MA0139", "MA0062"),
    grammar: str | None = None,
    spacing: tuple[int, int] = (30, 50),
    single_site_fraction: float = 0.5,
    end_margin: int = 10,
    positive_fraction: float = 0.5,
    gc_content: float = 0.5,
    release: str = "JASPAR2024",
    tasks: Sequence[str] | None = None,
    random_state: int | np.random.RandomState | None = None,
) -> Bunch:
    """Synthetic sequences with real JASPAR motifs planted at known positions.

    Background bases are drawn independently with the given GC content.
    Sites are drawn base by base from the motif's position frequency matrix
    (JASPAR counts plus a pseudocount of 0.5 per base), on a random strand.

    * ``grammar=None``: each positive carries one site of every motif, at
      random non-overlapping positions; negatives are background only.
    * ``grammar="pure"`` (exactly two motifs A and B): every sequence
      carries both. Positives read A then B, negatives B then A, the gap
      between the two sites drawn from ``spacing``; only the order tells
      the classes apart. With the default gap of 30-50 bp the two sites lie
      further apart than the receptive field of DeMo's CNN (25 bp), which
      therefore cannot tell the classes apart; a recurrent layer can.
    * ``grammar="mixed"``: as "pure", but a share ``single_site_fraction``
      of the negatives carries only one of the two sites (A or B, at
      random). Motif presence then separates part of the classes, order
      the rest.

    With a grammar, both sites stay at least ``end_margin`` bases away
    from the sequence ends.

    * ``tasks`` (multi-task): one label per task, each task a JASPAR id
      (bound when its motif is planted) or ids joined by "+" (bound only
      when all of them are: a task that needs two motifs together). Every
      motif the tasks name is planted in each sequence with probability
      ``positive_fraction``, independently, at random non-overlapping
      positions; ``motifs`` and ``grammar`` are not used.

    Parameters
    ----------
    n_samples : int, default=2000
    sequence_length : int, default=101
    motifs : sequence of str, default=("MA0139", "MA0062")
        JASPAR matrix ids (with or without version), default CTCF and GABPA.
    grammar : {None, "pure", "mixed"}, default=None
    spacing : (int, int), default=(30, 50)
        Smallest and largest gap between the two sites with a grammar.
    single_site_fraction : float, default=0.5
        Share of the negatives with a single site, for ``grammar="mixed"``.
    end_margin : int, default=10
        Bases kept free of sites at both ends, with a grammar.
    positive_fraction : float, default=0.5
    gc_content : float, default=0.5
    release : str, default="JASPAR2024"
        JASPAR release, read offline from the ``pyjaspar`` package.
    tasks : sequence of str or None, default=None
        The multi-task form, e.g. ``("MA0139", "MA0062", "MA0139+MA0062")``.
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    data : Bunch
        ``X`` (ndarray of str), ``y`` (0/1), ``sites`` (a list per sequence
        of ``(motif_id, start, end, strand)`` tuples, in reading order),
        ``mask`` (bool array (n, L), True inside a planted site), ``motifs``
        (dict id -> (4, w) probability matrix), ``motif_names`` (dict id ->
        TF name) and ``grammar``. With ``tasks``: ``y`` of shape
        (n, n_tasks), ``tasks`` (names: TF names joined by "+"),
        ``task_motifs`` (the ids of each task) and ``task_mask`` (bool
        (n, n_tasks, L), True inside a site of a motif of that task).

    Examples
    --------
    >>> data = make_motif_dataset(10, random_state=0)
    >>> data.X.shape, int(data.y.sum())
    ((10,), 5)
    >>> data = make_motif_dataset(10, grammar="pure", random_state=0)
    >>> [len(sites) for sites in data.sites] == [2] * 10
    True
    >>> data = make_motif_dataset(8, tasks=("MA0139", "MA0062", "MA0139+MA0062"), random_state=0)
    >>> data.y.shape, data.tasks
    ((8, 3), ['CTCF', 'GABPA', 'CTCF+GABPA'])
    >>> bool((data.y[:, 2] == data.y[:, 0] * data.y[:, 1]).all())
    True
    """
    if not isinstance(n_samples, (int, np.integer)) or n_samples < 2:
        raise ValueError(f"n_samples must be an integer >= 2, got {n_samples!r}.")
    if not 0 < positive_fraction < 1:
        raise ValueError(f"positive_fraction must be in (0, 1), got {positive_fraction!r}.")
    if not 0 <= gc_content <= 1:
        raise ValueError(f"gc_content must be in [0, 1], got {gc_content!r}.")
    if grammar is not None and grammar not in GRAMMARS:
        raise ValueError(f"grammar must be None or one of {GRAMMARS}, got {grammar!r}.")
    if grammar is not None and len(motifs) != 2:
        raise ValueError(f"grammar={grammar!r} needs exactly two motifs, got {len(motifs)}.")
    if not 0 <= single_site_fraction <= 1:
        raise ValueError(
            f"single_site_fraction must be in [0, 1], got {single_site_fraction!r}.")
    if not isinstance(end_margin, (int, np.integer)) or end_margin < 0:
        raise ValueError(f"end_margin must be an integer >= 0, got {end_margin!r}.")
    lo, hi = spacing
    if not 0 <= lo <= hi:
        raise ValueError(f"spacing must be (min_gap, max_gap) with 0 <= min <= max, got {spacing!r}.")
    rng = check_random_state(random_state)
    if tasks is not None:
        return _make_task_dataset(n_samples, tasks, sequence_length=sequence_length,
                                  presence=positive_fraction, gc_content=gc_content,
                                  release=release, rng=rng)
    jaspar = fetch_jaspar_motifs(motifs, release=release)
    pwms = {mid: m.pwm for mid, m in jaspar.items()}
    ids = list(pwms)
    widths = [pwms[m].shape[1] for m in ids]
    needed = sum(widths) + (hi + 2 * end_margin if grammar else 0)
    if needed > sequence_length:
        raise ValueError(
            f"sequence_length {sequence_length} is too short for motifs of widths "
            f"{widths}" + (f" with a gap of up to {hi} and {end_margin} free bases at each "
                           "end" if grammar else "") + "."
        )
    bases = _background(n_samples, sequence_length, gc_content, rng)
    y = np.zeros(n_samples, dtype=np.int64)
    y[: int(round(positive_fraction * n_samples))] = 1
    y = y[rng.permutation(n_samples)]
    mask = np.zeros((n_samples, sequence_length), dtype=bool)
    sites: list[list[tuple[str, int, int, str]]] = [[] for _ in range(n_samples)]
    for i in range(n_samples):
        if grammar is None:
            if not y[i]:
                continue
            order, starts = _free_layout(widths, sequence_length, rng)
        else:
            order = [0, 1] if y[i] else [1, 0]
            if grammar == "mixed" and not y[i] and rng.rand() < single_site_fraction:
                order = [int(rng.randint(2))]
            starts = _place_sites(order, widths, int(rng.randint(lo, hi + 1)),
                                  sequence_length, end_margin, rng)
        for k, start in zip(order, starts):
            sites[i].append(_plant(bases[i], mask[i], ids[k], pwms[ids[k]], int(start), rng))
    return Bunch(
        X=_letters(bases),
        y=y,
        sites=sites,
        mask=mask,
        motifs=pwms,
        motif_names={mid: m.name for mid, m in jaspar.items()},
        grammar=grammar,
    )


def _background(n: int, length: int, gc_content: float,
                rng: np.random.RandomState) -> np.ndarray:
    """(n, length) base indices drawn independently with ``gc_content``."""
    at = (1 - gc_content) / 2
    return rng.choice(4, size=(n, length), p=[at, gc_content / 2, gc_content / 2, at])


def _letters(bases: np.ndarray) -> np.ndarray:
    """(n, length) base indices as an ndarray of str."""
    letters = np.frombuffer(b"ACGT", dtype=np.uint8)[bases]
    return letters.view(f"S{bases.shape[1]}").ravel().astype(str)


def _make_task_dataset(n_samples: int, tasks: Sequence[str], *, sequence_length: int,
                       presence: float, gc_content: float, release: str,
                       rng: np.random.RandomState) -> Bunch:
    """The multi-task form of :func:`make_motif_dataset`."""
    if isinstance(tasks, str) or not len(tasks):
        raise ValueError(f"tasks must be a non-empty sequence of JASPAR ids (or ids joined by "
                         f"'+'), got {tasks!r}.")
    task_ids = [task.split("+") for task in tasks]
    jaspar = fetch_jaspar_motifs(list(dict.fromkeys(m for ids in task_ids for m in ids)),
                                 release=release)
    by_base = {full.split(".")[0]: full for full in jaspar}  # "MA0139" -> "MA0139.2"
    resolved = [[by_base.get(m.split(".")[0], m) for m in ids] for ids in task_ids]
    pwms = {mid: m.pwm for mid, m in jaspar.items()}
    ids = list(pwms)
    widths = [pwms[m].shape[1] for m in ids]
    if sum(widths) > sequence_length:
        raise ValueError(f"sequence_length {sequence_length} is too short for motifs of widths "
                         f"{widths}.")
    bases = _background(n_samples, sequence_length, gc_content, rng)
    present = rng.rand(n_samples, len(ids)) < presence
    site_masks = np.zeros((n_samples, len(ids), sequence_length), dtype=bool)
    sites: list[list[tuple[str, int, int, str]]] = [[] for _ in range(n_samples)]
    for i in range(n_samples):
        chosen = np.flatnonzero(present[i])
        if not len(chosen):
            continue
        order, starts = _free_layout([widths[k] for k in chosen], sequence_length, rng)
        for k, start in zip(order, starts):
            motif = chosen[k]
            sites[i].append(_plant(bases[i], site_masks[i, motif], ids[motif], pwms[ids[motif]],
                                   int(start), rng))
    columns = [[ids.index(m) for m in task] for task in resolved]
    y = np.column_stack([present[:, c].all(axis=1) for c in columns]).astype(np.int64)
    task_mask = np.stack([site_masks[:, c].any(axis=1) for c in columns], axis=1)
    names = {mid: m.name for mid, m in jaspar.items()}
    return Bunch(
        X=_letters(bases), y=y, sites=sites, mask=site_masks.any(axis=1), motifs=pwms,
        motif_names=names, grammar=None,
        tasks=["+".join(names[m] for m in task) for task in resolved],
        task_motifs=resolved, task_mask=task_mask,
    )
