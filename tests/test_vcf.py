"""Real VCF files in and out (issue 43): every kind of record through pysam,
region queries through the index, FILTER, "1" against "chr1", and an
annotated, bgzipped, indexed VCF that pysam queries back."""
import gzip
import shutil

import numpy as np
import pandas as pd
import pytest
from variant_helpers import vcf_text, windows_by_hand

from sklearn_demo.cli import main
from sklearn_demo.variant_windows import KINDS, STATUSES
from sklearn_demo.vcf import VcfReader, matching_chromosome
from sklearn_demo.variants import score_vcf

pysam = pytest.importorskip("pysam")


@pytest.fixture(scope="module")
def genome_and_vcf(tmp_path_factory):
    """A two-chromosome pseudo-genome named chr1, chr2, and a VCF naming them
    1 and 2 with every kind of record, sorted, as plain text, gzip, and
    bgzip with its tabix index."""
    folder = tmp_path_factory.mktemp("vcf")
    rng = np.random.RandomState(7)
    chromosomes = {name: "".join(rng.choice(list("ACGT"), 3000)) for name in ("chr1", "chr2")}
    (folder / "g.fa").write_text("".join(f">{name}\n{seq}\n" for name, seq in chromosomes.items()))
    one, two = chromosomes["chr1"], chromosomes["chr2"]

    def bases(seq, pos, n):
        return seq[pos - 1:pos - 1 + n]

    other = {b: "ACGT"[("ACGT".index(b) + 2) % 4] for b in "ACGT"}
    records = [
        f"1\t400\tsnv\t{bases(one, 400, 1)}\t{other[bases(one, 400, 1)]}",
        f"1\t500\tmnv\t{bases(one, 500, 3)}\t{''.join(other[b] for b in bases(one, 500, 3))}",
        f"1\t600\tins\t{bases(one, 600, 1)}\t{bases(one, 600, 1)}GATTACA",
        f"1\t700\tdel\t{bases(one, 700, 6)}\t{bases(one, 700, 1)}",
        f"1\t800\tmulti\t{bases(one, 800, 2)}\t{other[bases(one, 800, 1)]}{bases(one, 801, 1)},"
        f"{bases(one, 800, 1)},<DEL>",
        f"1\t900\tlowq\t{bases(one, 900, 1)}\t{other[bases(one, 900, 1)]}\t.\tq10",
        f"1\t1000\tsym\t{bases(one, 1000, 1)}\t<INS>",
        f"1\t1100\tnoalt\t{bases(one, 1100, 1)}\t.",
        f"1\t1200\twrong\t{other[bases(one, 1200, 1)]}\tA",
        f"2\t1500\tsnv2\t{bases(two, 1500, 1)}\t{other[bases(two, 1500, 1)]}\t.\tPASS",
        f"2\t2990\tedge\t{bases(two, 2990, 1)}\t{other[bases(two, 2990, 1)]}",
    ]
    text = vcf_text(*records, meta='##FILTER=<ID=q10,Description="Quality below 10">\n'
                                   "##contig=<ID=1>\n##contig=<ID=2>\n")
    (folder / "v.vcf").write_text(text)
    with gzip.open(folder / "v.gzip.vcf.gz", "wt") as handle:
        handle.write(text)
    shutil.copy(folder / "v.vcf", folder / "v.bgzip.vcf")
    pysam.tabix_index(str(folder / "v.bgzip.vcf"), preset="vcf", force=True)
    return folder, chromosomes, records


def _rows(folder, name):
    return pd.read_csv(folder / name, sep="\t", keep_default_na=False, na_values=[""],
                       dtype={"chrom": str, "pos": int})


def test_every_record_in_every_flavour_is_written_with_a_status(genome_and_vcf, fitted_models,
                                                                tmp_path):
    folder, chromosomes, records = genome_and_vcf
    model = fitted_models("tiny_cnn")
    width = model.input_width_
    outputs = [tmp_path / "e.vcf.gz", tmp_path / "e.tsv", tmp_path / "e.parquet"]
    result = score_vcf(model, folder / "v.bgzip.vcf.gz", folder / "g.fa", outputs,
                       pass_only=True)
    assert result.input.renamed == {"1": "chr1", "2": "chr2"}
    assert result.report.n_lines == len(records) and result.input.filtered == 1
    assert result.report.kinds == {"snv": 5, "mnv": 2, "insertion": 1, "deletion": 2,
                                   "symbolic": 2, "missing": 1}
    table = _rows(tmp_path, "e.tsv")
    assert set(table.status) <= set(STATUSES) and set(table.kind) <= set(KINDS)
    statuses = dict(zip(table.id + ":" + table.alt, table.status))
    assert table.status.tolist().count("ok") == 7
    assert [statuses[k] for k in ("lowq:" + table.alt[table.id == "lowq"].iloc[0],
                                  "sym:<INS>", "noalt:.", "edge:" + table.alt[
                                      table.id == "edge"].iloc[0])] == [
        "filtered", "symbolic", "missing", "off_end"]
    assert table.status[table.id == "wrong"].tolist() == ["ref_mismatch"]
    # each scored allele: decision_function of its two windows built by hand
    scored = table[table.status == "ok"]
    by_hand = [windows_by_hand(chromosomes["chr" + str(row.chrom)], row.pos, row.ref, row.alt,
                               width) for row in scored.itertuples()]
    np.testing.assert_allclose(scored.logit_ref, model.decision_function(
        [r for r, _ in by_hand]), atol=2e-5)
    np.testing.assert_allclose(scored.logit_alt, model.decision_function(
        [a for _, a in by_hand]), atol=2e-5)
    # Parquet: the same rows; NaN where not scored
    parquet = pd.read_parquet(tmp_path / "e.parquet")
    assert parquet.id.tolist() == table.id.tolist()
    np.testing.assert_allclose(parquet.delta_logit, table.delta_logit, atol=1e-5)  # NaN too
    # the annotated VCF: every input record, in order, its INFO per ALT, indexed
    with pysam.VariantFile(str(tmp_path / "e.vcf.gz")) as vcf:
        written = list(vcf)
        assert [r.id for r in written] == [line.split("\t")[2] for line in records]
        multi = next(r for r in written if r.id == "multi")
        assert multi.info["STATUS"] == ("ok", "ok", "symbolic")
        assert multi.info["KIND"] == ("mnv", "deletion", "symbolic")
        assert multi.info["DELTA_LOGIT"][2] is None
        assert [r.id for r in vcf.fetch("1", 550, 750)] == ["ins", "del"]  # the .tbi
        assert [r.id for r in vcf.fetch(region="2:1400-1600")] == ["snv2"]
    assert (tmp_path / "e.vcf.gz.tbi").is_file()
    # plain text and gzip give the same table as bgzip
    for name in ("v.vcf", "v.gzip.vcf.gz"):
        score_vcf(model, folder / name, folder / "g.fa", tmp_path / f"{name}.tsv",
                  pass_only=True)
        assert (tmp_path / f"{name}.tsv").read_text() == (tmp_path / "e.tsv").read_text()


def test_regions_come_from_the_index_once_each(genome_and_vcf, fitted_models, tmp_path):
    folder, _, _ = genome_and_vcf
    model = fitted_models("tiny_cnn")
    vcf = folder / "v.bgzip.vcf.gz"
    result = score_vcf(model, vcf, folder / "g.fa", tmp_path / "r.tsv", region="chr1:550-800")
    assert any("read as the VCF's 1" in note for note in result.input.notes)
    assert _rows(tmp_path, "r.tsv").id.unique().tolist() == ["ins", "del", "multi"]
    bed = tmp_path / "r.bed"
    bed.write_text("chr2\t1000\t2000\nchr1\t390\t520\nchr1\t450\t710\n")  # overlapping
    score_vcf(model, vcf, folder / "g.fa", tmp_path / "b.tsv", regions=bed)
    ids = _rows(tmp_path, "b.tsv").id.tolist()
    assert ids == ["snv2", "snv", "mnv", "ins", "del"]
    with pytest.raises(ValueError, match="region queries need an index.*tabix -p vcf"):
        score_vcf(model, folder / "v.vcf", folder / "g.fa", tmp_path / "x.tsv", region="1")
    with pytest.raises(ValueError, match="gzip.*bgzip"):
        score_vcf(model, folder / "v.gzip.vcf.gz", folder / "g.fa", tmp_path / "x.tsv",
                  region="1")
    with pytest.raises(ValueError, match="region 'chr1:9-2'"):
        score_vcf(model, vcf, folder / "g.fa", tmp_path / "x.tsv", region="chr1:9-2")
    assert not (tmp_path / "x.tsv").exists()


def test_cli_writes_an_indexed_vcf_a_table_and_says_the_renaming_once(
        genome_and_vcf, fitted_models, tmp_path, capsys):
    from sklearn_demo import save_model

    folder, _, records = genome_and_vcf
    save_model(fitted_models("tiny_cnn"), tmp_path / "m.pt")
    assert main(["variants", "--model", str(tmp_path / "m.pt"), "--vcf",
                 str(folder / "v.bgzip.vcf.gz"), "--genome", str(folder / "g.fa"),
                 "--pass-only", "--region", "1", "-o", str(tmp_path / "e.vcf.gz"),
                 "-o", str(tmp_path / "e.tsv"), "--report", str(tmp_path / "report")]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("matched to the genome's by a 'chr' prefix: 1 -> chr1") == 1
    assert "1 records set aside by FILTER" in captured.out
    with pysam.VariantFile(str(tmp_path / "e.vcf.gz")) as vcf:
        assert len(list(vcf.fetch("1"))) == sum(line.startswith("1\t") for line in records)
    assert (tmp_path / "e.tsv.provenance.json").is_file()
    assert "alleles that change the log-odds most" in (
        tmp_path / "report" / "index.html").read_text()


def test_matching_chromosome_needs_the_prefix_and_nothing_else():
    assert matching_chromosome("chrM", ["M"]) == "M"
    assert matching_chromosome("MT", ["chrM"]) is None  # another name, not a prefix
    assert matching_chromosome("chr1", ["chr1", "1"]) == "chr1"  # exact first


def test_a_file_that_is_not_a_vcf_is_named(tmp_path):
    path = tmp_path / "calls.vcf"
    path.write_text("chr1\t5\t.\tA\tG\n")  # no header
    with pytest.raises(ValueError, match="calls.vcf is not a VCF that htslib can read"):
        with VcfReader(path):
            pass


def test_gained_and_lost_motifs_are_fimo_on_the_two_windows(fitted_models, tmp_path):
    """A CTCF site broken by an MNV and by a deletion, and one created by an
    insertion: the names equal FIMO run by hand on the windows built by hand,
    keeping the hits that touch the changed bases and are not in the other
    window at the same place."""
    from sklearn_demo import fetch_jaspar_motifs
    from sklearn_demo.motifs import scan_motifs
    from sklearn_demo.variants import Variant, variant_effects

    ctcf = fetch_jaspar_motifs(["MA0139"])["MA0139"].pwm
    site = "".join("ACGT"[i] for i in ctcf.argmax(axis=0))
    rng = np.random.RandomState(3)
    sequence = list("".join(rng.choice(list("ACGT"), 2000)))
    sequence[500:500 + len(site)] = site
    sequence = "".join(sequence)
    (tmp_path / "g.fa").write_text(f">chr1\n{sequence}\n")
    core = 500 + 7  # 0-based: five high-information columns of the site from here
    broken = "".join({"A": "C", "C": "A", "G": "T", "T": "G"}[b] for b in sequence[core:core + 5])
    variants = [Variant("chr1", 505, "del", sequence[504:512], sequence[504]),
                Variant("chr1", core + 1, "mnv", sequence[core:core + 5], broken),
                Variant("chr1", 1200, "none", sequence[1199], "ACGT"[
                    ("ACGT".index(sequence[1199]) + 1) % 4]),
                Variant("chr1", 1500, "ins", sequence[1499], sequence[1499] + site)]
    model = fitted_models("tiny_cnn")
    effects = variant_effects(model, variants, tmp_path / "g.fa", motifs={"CTCF": ctcf})
    width, half = model.input_width_, model.input_width_ // 2
    for i, v in enumerate(variants):
        ref, alt = windows_by_hand(sequence, v.pos, v.ref, v.alt, width)
        hits = scan_motifs({"CTCF": ctcf}, [ref, alt])
        ref_hits = {(h.strand, h.start) for h in hits.itertuples() if h.sequence == "0"
                    and h.start < half + len(v.ref) and h.end > half}
        shift = len(v.alt) - len(v.ref)
        alt_hits = {(h.strand, h.start - (shift if h.start >= half + len(v.alt) else 0))
                    for h in hits.itertuples() if h.sequence == "1"
                    and h.start < half + len(v.alt) and h.end > half}
        lost = sorted({f"CTCF({s})" for s, _ in ref_hits - alt_hits})
        gained = sorted({f"CTCF({s})" for s, _ in alt_hits - ref_hits})
        assert sorted(filter(None, effects.motifs_lost[i].split("|"))) == lost, v.id
        assert sorted(filter(None, effects.motifs_gained[i].split("|"))) == gained, v.id
    assert effects.motifs_lost[0] and effects.motifs_lost[1]  # the site broken, twice
    assert effects.motifs_gained[2] == effects.motifs_lost[2] == ""
    assert effects.motifs_gained[3] and not effects.motifs_lost[3]  # a site inserted
    out = tmp_path / "e.vcf.gz"
    from sklearn_demo.variants import write_variant_effects

    write_variant_effects(effects, out)
    with pysam.VariantFile(str(out)) as vcf:
        assert [r.info.get("MOTIFS_LOST") for r in vcf][:2] == [
            (effects.motifs_lost[0],), (effects.motifs_lost[1],)]


def test_the_report_lists_the_strongest_alleles_and_draws_them(genome_and_vcf, fitted_models,
                                                               tmp_path):
    """``report_dir``: every allele by status, the alleles of largest
    |change of log-odds| (equal to the table's, in its order) and their
    aligned maps."""
    folder, _, _ = genome_and_vcf
    model = fitted_models("tiny_cnn")
    result = score_vcf(model, folder / "v.bgzip.vcf.gz", folder / "g.fa", tmp_path / "e.tsv",
                       report_dir=tmp_path / "report", report_top=4, batch_size=3)
    table = _rows(tmp_path, "e.tsv")
    expected = table.dropna(subset=["delta_logit"]).assign(
        size=lambda t: t.delta_logit.abs()).sort_values("size", ascending=False, kind="stable")
    listed = pd.read_csv(tmp_path / "report" / "data" / "strongest_alleles.csv",
                         dtype={"chrom": str})
    assert listed.id.tolist() == expected.id.tolist()[:4]
    np.testing.assert_allclose(listed.delta_logit, expected.delta_logit[:4], atol=1e-4)
    counts = pd.read_csv(tmp_path / "report" / "data" / "status_counts.csv")
    assert dict(zip(counts.status, counts.alleles)) == result.status_counts
    page = (tmp_path / "report" / "index.html").read_text()
    assert page.count("<img") == 4 and "What each base contributes" in page
