"""Variant scoring at genome scale: alleles per second and peak memory for a
synthetic VCF of ``--n-variants`` records, and tangermeme's
``substitution_effect`` on the same model and SNVs.

The benchmark writes a random two-chromosome genome (``--chromosome-length``
bases each) and a sorted, bgzipped, tabix-indexed VCF of ``--n-variants``
records (85% SNVs, 5% MNVs, 5% insertions, 5% deletions, REF from the
genome), trains the default CNN briefly on planted motifs (101-base windows),
and runs ``score_vcf`` into an annotated ``.vcf.gz`` in a fresh process for
each size of ``--sizes`` (a tenth, then all of ``--n-variants``), recording
wall time and the process's peak resident memory: flat in the number of
variants if the stream is bounded.

Peer: on ``--peer-snvs`` SNVs, ours (``variant_effects``: windows cut from the
genome, two forward passes) against tangermeme's ``substitution_effect``
given the reference windows already one-hot encoded (its input), with the
same model as a torch module and 10,000 windows per batch; both differences
of log-odds must agree.

Usage::

    pip install -e .[bench]   # tangermeme
    python benchmarks/variant_throughput.py [--n-variants 1000000]

Writes ``benchmarks/results/variant_throughput.json`` and a section of
``benchmarks/RESULTS.md``.
"""
from __future__ import annotations

import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (  # noqa: E402
    benchmark_parser, command_line, markdown_table, peer_model, save_results, section_head,
)

BATCH = 10_000


def write_inputs(folder: Path, n_variants: int, length: int, seed: int = 0) -> Path:
    """The genome ``g.fa`` and the indexed VCF ``v.vcf.gz`` of ``n_variants``
    records spread evenly over two chromosomes."""
    import pysam

    rng = np.random.default_rng(seed)
    names = ("chr1", "chr2")
    genome = {name: rng.choice(np.frombuffer(b"ACGT", dtype="S1"), length).tobytes().decode()
              for name in names}
    with open(folder / "g.fa", "w") as handle:
        for name, sequence in genome.items():
            handle.write(f">{name}\n")
            handle.writelines(sequence[i:i + 80] + "\n" for i in range(0, length, 80))
    other = {b: "ACGT"[("ACGT".index(b) + 1) % 4] for b in "ACGT"}
    plain = folder / "v.vcf"
    with open(plain, "w") as handle:
        handle.write("##fileformat=VCFv4.2\n" + "".join(
            f"##contig=<ID={name},length={length}>\n" for name in names)
            + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        per = n_variants // 2
        for name in names:
            sequence = genome[name]
            positions = np.sort(rng.choice(np.arange(200, length - 200), per, replace=False))
            kinds = rng.random(per)
            for k, (pos, kind) in enumerate(zip(positions.tolist(), kinds.tolist())):
                ref = sequence[pos - 1]
                if kind < 0.85:
                    alt = other[ref]
                elif kind < 0.90:
                    ref = sequence[pos - 1:pos + 1]
                    alt = other[ref[0]] + other[ref[1]]
                elif kind < 0.95:
                    alt = ref + "".join(rng.choice(list("ACGT"), 1 + k % 5))
                else:
                    ref, alt = sequence[pos - 1:pos + 1 + k % 5], ref
                handle.write(f"{name}\t{pos}\tv{k}\t{ref}\t{alt}\t.\tPASS\t.\n")
    return Path(pysam.tabix_index(str(plain), preset="vcf", force=True))


def train(seed: int = 0):
    from sklearn_demo import CNNClassifier, make_motif_dataset

    data = make_motif_dataset(2000, random_state=seed)
    return CNNClassifier(max_epochs=2, random_state=seed, verbose=0).fit(data.X, data.y)


def _score(args: tuple) -> dict:
    """One run of score_vcf in this (fresh) process: seconds and peak RSS."""
    model_path, vcf, genome, out = args
    import torch

    from sklearn_demo import load_model
    from sklearn_demo.variants import score_vcf

    torch.set_num_threads(torch.get_num_threads())
    model = load_model(model_path)
    start = time.perf_counter()
    result = score_vcf(model, vcf, genome, out, batch_size=BATCH)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "alleles": sum(result.status_counts.values()),
            "status_counts": result.status_counts,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def peer(model, vcf: Path, genome: Path, n_snvs: int) -> dict:
    """Ours and tangermeme's substitution_effect on the first ``n_snvs`` SNVs."""
    import torch
    from tangermeme.variant_effect import substitution_effect

    from sklearn_demo.encoding import one_hot_encode
    from sklearn_demo.genome import open_genome
    from sklearn_demo.variants import read_vcf, variant_effects

    variants, _ = read_vcf(vcf)
    snvs = [v for v in variants if v.kind == "snv"][:n_snvs]
    width, half = model.input_width_, model.input_width_ // 2
    fasta = open_genome(genome)
    windows = [str(fasta[v.chrom][v.pos - 1 - half:v.pos - 1 - half + width]) for v in snvs]
    X = torch.as_tensor(one_hot_encode(windows))
    substitutions = torch.tensor([[i, half, "ACGT".index(v.alt)] for i, v in enumerate(snvs)])
    module = peer_model(model)
    times = {"ours": [], "tangermeme": []}
    for _ in range(2):  # in turn; the best of two
        start = time.perf_counter()
        ours = variant_effects(model, snvs, fasta, batch_size=BATCH)
        times["ours"].append(time.perf_counter() - start)
        start = time.perf_counter()
        theirs = substitution_effect(module, X, substitutions, batch_size=BATCH, device="cpu")
        times["tangermeme"].append(time.perf_counter() - start)
    delta = (theirs.y_after - theirs.y_before)[:, 0].numpy()
    return {"snvs": len(snvs), "ours_s": min(times["ours"]),
            "tangermeme_s": min(times["tangermeme"]),
            "max_abs_diff": float(np.abs(ours.delta_logit - delta).max())}


def run(n_variants: int, length: int, n_snvs: int, seed: int = 0) -> dict:
    from sklearn_demo import save_model

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        vcf = write_inputs(folder, n_variants, length, seed)
        written = time.perf_counter() - start
        print(f"wrote {n_variants} records in {written:.0f} s", flush=True)
        model = train(seed)
        save_model(model, folder / "m.pt")
        sizes = {}
        context = multiprocessing.get_context("spawn")
        for n in (n_variants // 10, n_variants):
            sub = vcf if n == n_variants else _head(vcf, n, folder)
            with context.Pool(1) as pool:
                sizes[n] = pool.map(_score, [(folder / "m.pt", sub, folder / "g.fa",
                                              folder / f"e{n}.vcf.gz")])[0]
            print(n, sizes[n], flush=True)
        out = {"n_variants": n_variants, "chromosome_length": length, "vcf_write_s": written,
               "width": model.input_width_, "sizes": sizes}
        out["peer"] = peer(model, vcf, folder / "g.fa", n_snvs)
        print(out["peer"], flush=True)
    return out


def _head(vcf: Path, n: int, folder: Path) -> Path:
    """The first ``n`` records of ``vcf``, bgzipped and indexed."""
    import gzip

    import pysam

    target = folder / f"head{n}.vcf"
    with gzip.open(vcf, "rt") as source, open(target, "w") as out:
        kept = 0
        for line in source:
            if not line.startswith("#"):
                kept += 1
                if kept > n:
                    break
            out.write(line)
    return Path(pysam.tabix_index(str(target), preset="vcf", force=True))


def markdown(result: dict, command: str) -> str:
    import torch

    rows = [(f"{n:,}", f"{row['alleles']:,}", f"{row['seconds']:.0f}",
             f"**{row['alleles'] / row['seconds']:,.0f}**", f"{row['peak_rss_mb']:,.0f}")
            for n, row in result["sizes"].items()]
    peer_row = result["peer"]
    lines = section_head(
        "Variants at genome scale: alleles per second and peak memory", command,
        f"Synthetic genome: 2 chromosomes of {result['chromosome_length']:,} random bases; VCF "
        f"sorted, bgzipped, tabix-indexed (85% SNVs, 5% MNVs, 5% insertions, 5% deletions). "
        f"The default CNN (2 epochs on planted motifs), {result['width']}-base windows, both "
        f"strands; `score_vcf` into an annotated, indexed .vcf.gz, {BATCH:,} records per batch, "
        f"CPU ({torch.get_num_threads()} threads), each size in a fresh process.")
    lines += markdown_table(["records", "alleles written", "seconds", "alleles per second",
                             "peak memory (MB)"], rows)
    lines += ["", f"Beside tangermeme's `substitution_effect` on {peer_row['snvs']:,} SNVs, same "
              f"model: ours {peer_row['ours_s']:.1f} s (windows cut from the genome), "
              f"tangermeme {peer_row['tangermeme_s']:.1f} s (windows given one-hot): "
              f"**{peer_row['tangermeme_s'] / peer_row['ours_s']:.2f}x**; largest difference of "
              f"the log-odds changes {peer_row['max_abs_diff']:.1e}.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = benchmark_parser(__doc__)
    parser.add_argument("--n-variants", type=int, default=1_000_000,
                        help="records of the synthetic VCF (default 1,000,000)")
    parser.add_argument("--chromosome-length", type=int, default=5_000_000,
                        help="bases of each of the two chromosomes (default 5,000,000)")
    parser.add_argument("--peer-snvs", type=int, default=20_000,
                        help="SNVs of the comparison with tangermeme (default 20,000)")
    args = parser.parse_args(argv)
    result = run(args.n_variants, args.chromosome_length, args.peer_snvs)
    save_results(args, "variant_throughput", result, "variant-throughput",
                 lambda: markdown(result, command_line("variant_throughput.py", argv)))
    return result


if __name__ == "__main__":
    main()
