"""Variant effects from a VCF on a genome, and the mutation map."""
import gzip

import numpy as np
import pytest
from sklearn.frozen import FrozenEstimator

from sklearn_demo import CNNClassifier, SaliencyExplainer
from sklearn_demo.cli import main
from sklearn_demo.plotting import plot_mutation_map
from sklearn_demo.effects_output import EFFECT_COLUMNS
from sklearn_demo.variants import Variant, read_vcf, variant_effects
from variant_helpers import vcf_text, windows_by_hand

MOTIF = "CCGCGAGGGGGCGCC"  # planted at every site; its core G's carry the model


def _genome_and_sites(tmp_path):
    rng = np.random.RandomState(3)
    bases = list("".join(rng.choice(list("ACGT"), 30000)))
    sites = list(range(300, 29000, 400))
    for start in sites:
        bases[start:start + len(MOTIF)] = MOTIF
    sequence = "".join(bases)
    (tmp_path / "g.fa").write_text(">chr1\n" + "\n".join(
        sequence[i:i + 60] for i in range(0, len(sequence), 60)) + "\n")
    return tmp_path / "g.fa", sequence, sites


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """A genome with a motif planted every 400 bp, and a CNN trained on
    101-bp windows at the sites against windows between them."""
    folder = tmp_path_factory.mktemp("variants")
    genome, sequence, sites = _genome_and_sites(folder)
    bound = [sequence[s + 7 - 50:s + 7 + 51] for s in sites]
    unbound = [sequence[s + 207 - 50:s + 207 + 51] for s in sites[:-1]]
    model = CNNClassifier(n_filters=16, max_epochs=15, random_state=0, verbose=0).fit(
        bound + unbound, [1] * len(bound) + [0] * len(unbound))
    return genome, sequence, sites, model


def test_read_vcf_gives_every_allele_and_counts_them_by_kind(tmp_path):
    path = tmp_path / "v.vcf.gz"
    with gzip.open(path, "wt") as handle:
        handle.write(vcf_text("chr1\t10\trs1\tA\tC,G", "chr1\t20\t.\tA\tAT",
                              "chr2\t30\t.\tC\t<DEL>", "chr2\t31\trs4\tg\tt"))
    variants, report = read_vcf(path)
    assert [(v.chrom, v.pos, v.ref, v.alt, v.kind) for v in variants] == [
        ("chr1", 10, "A", "C", "snv"), ("chr1", 10, "A", "G", "snv"),
        ("chr1", 20, "A", "AT", "insertion"), ("chr2", 30, "C", "<DEL>", "symbolic"),
        ("chr2", 31, "G", "T", "snv")]
    assert report.n_lines == 4
    assert report.kinds == {"snv": 3, "insertion": 1, "symbolic": 1}
    bad = tmp_path / "bad.vcf"
    bad.write_text(vcf_text("chr1\tten\t.\tA\tC"))
    with pytest.raises(ValueError, match=r"record 1 \(counting from the first after the "
                                         r"header\) could not be read.*POS"):
        read_vcf(bad)


def test_effects_equal_predicting_the_edited_windows(planted):
    genome, sequence, sites, model = planted
    variants = [Variant("chr1", s + 8, f"v{i}", sequence[s + 7], b)
                for i, s in enumerate(sites[:10]) for b in "AT"]
    effects = variant_effects(model, variants, genome)
    assert set(effects.status) == {"ok"}
    for i, v in enumerate(variants):
        ref = sequence[v.pos - 1 - 50:v.pos - 1 + 51]
        alt = ref[:50] + v.alt + ref[51:]
        np.testing.assert_allclose(effects.p_ref[i], model.predict_proba([ref])[0, 1], rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(effects.logit_alt[i], model.decision_function([alt])[0],
                                   rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("rule", ["left", "centred"])
def test_every_kind_of_allele_scores_its_windows_built_by_hand(planted, rule):
    """SNVs, MNVs, insertions and deletions in and around planted motifs,
    each allele of a multi-allelic line on its own: log-odds equal
    ``decision_function`` of the windows built by hand, to float32 precision;
    symbolic, missing and too-long alleles keep their row with a status."""
    genome, sequence, sites, model = planted
    width = model.input_width_
    variants = []
    for k, s in enumerate(sites[:12]):
        pos = s + 1 + k % 9  # 1-based, inside the motif
        bases = lambda n: sequence[pos - 1:pos - 1 + n]  # noqa: E731
        variants += [
            Variant("chr1", pos, f"snv{k}", bases(1), "ACGT"[(k + 1) % 4]
                    if "ACGT"[(k + 1) % 4] != bases(1) else "N"),
            Variant("chr1", pos, f"mnv{k}", bases(3), "TTA"),
            Variant("chr1", pos, f"ins{k}", bases(1), bases(1) + "GATTACA"[:1 + k % 7]),
            Variant("chr1", pos, f"del{k}", bases(2 + k % 9), bases(1)),
            Variant("chr1", pos, f"multi{k}", bases(2), bases(1)),  # one line, two ALTs
            Variant("chr1", pos, f"multi{k}", bases(2), bases(2) + "C"),
        ]
    unscored = [Variant("chr1", sites[0] + 1, "sym", "C", "<DEL>"),
                Variant("chr1", sites[0] + 1, "star", "C", "*"),
                Variant("chr1", sites[0] + 1, "missing", "C", "."),
                Variant("chr1", sites[0] + 1, "long", "C", "C" + "A" * width)]
    effects = variant_effects(model, variants + unscored, genome, window=rule)
    assert effects.status.tolist() == ["ok"] * len(variants) + [
        "symbolic", "symbolic", "missing", "too_long"]
    by_hand = [windows_by_hand(sequence, v.pos, v.ref, v.alt, width, rule) for v in variants]
    assert all(len(r) == len(a) == width for r, a in by_hand)
    n = len(variants)
    np.testing.assert_allclose(effects.logit_ref[:n],
                               model.decision_function([r for r, _ in by_hand]), atol=1e-5)
    np.testing.assert_allclose(effects.logit_alt[:n],
                               model.decision_function([a for _, a in by_hand]), atol=1e-5)
    np.testing.assert_allclose(effects.p_alt[:n], model.predict_proba(
        [a for _, a in by_hand])[:, 1], atol=1e-6)
    assert np.isnan(effects.logit_ref[n:]).all()
    # breaking the motif with an indel lowers the score as a substitution does
    deletions = [i for i, v in enumerate(variants) if v.id.startswith("del")]
    assert np.mean(effects.delta_logit[deletions] < 0) > 0.8


def test_effects_equal_the_mutation_map_at_the_variant(planted):
    """In-silico mutagenesis (SaliencyExplainer, method="ism", logit) of the
    reference window holds every substitution's effect: at the centre it is
    the variant's change in logit."""
    genome, sequence, sites, model = planted
    s = sites[3]
    pos = s + 8  # 1-based: the motif's 8th base, at the window's centre
    ref = sequence[pos - 1 - 50:pos - 1 + 51]
    variants = [Variant("chr1", pos, ".", ref[50], b) for b in "ACGT" if b != ref[50]]
    effects = variant_effects(model, variants, genome)
    ism = SaliencyExplainer(FrozenEstimator(model), method="ism", class_score="logit").fit(
        [ref]).transform([ref])[0]
    for v, delta in zip(variants, effects.delta_logit):
        np.testing.assert_allclose(ism["ACGT".index(v.alt), 50], delta, rtol=1e-4, atol=1e-5)
    fig = plot_mutation_map(ism, ref, sites=[("variant", 50, 51)])
    assert fig.axes[1].images[0].get_array().shape == (4, 101)


def test_breaking_the_motif_lowers_the_score_and_mismatches_are_named(planted):
    genome, sequence, sites, model = planted
    core = [Variant("chr1", s + 1 + k, ".", MOTIF[k], "T") for s in sites[:20] for k in (6, 7)]
    effects = variant_effects(model, core, genome)
    assert np.mean(effects.delta_logit < 0) > 0.9
    wrong = Variant("chr1", sites[0] + 7, "rsBad", "T", "A")  # the genome has G there
    edge = Variant("chr1", 10, "edge", sequence[9], "A")
    unknown = Variant("chrZ", 10, "z", "A", "C")
    effects = variant_effects(model, [wrong, edge, unknown], genome)
    assert effects.status.tolist() == ["ref_mismatch", "off_end", "unknown_chromosome"]
    assert effects.mismatches() == [f"chr1:{sites[0] + 7} T>A (genome has G)"]
    assert np.isnan(effects.p_ref).all()


def _saved_model_and_vcf(planted, folder, third: str):
    """The planted model saved to ``m.pt``, and ``v.vcf``: a substitution in
    the core of site 5's motif, one with a wrong REF there, and the VCF line
    ``third``."""
    from sklearn_demo import save_model

    genome, sequence, sites, model = planted
    save_model(model, folder / "m.pt")
    s = sites[5]
    (folder / "v.vcf").write_text(vcf_text(f"chr1\t{s + 8}\tcore\t{MOTIF[7]}\tT",
                                           f"chr1\t{s + 8}\tbad\tA\tT", third))
    return folder / "m.pt", folder / "v.vcf"


def test_cli_variants_writes_effects_and_names_ref_mismatches(planted, tmp_path, capsys):
    genome, sequence, sites, model = planted
    s = sites[5]
    _saved_model_and_vcf(planted, tmp_path, f"chr1\t{s + 3}\tindel\t{MOTIF[2:4]}\t{MOTIF[2]}")
    out = tmp_path / "effects.tsv"
    assert main(["variants", "--model", str(tmp_path / "m.pt"), "--vcf", str(tmp_path / "v.vcf"),
                 "--genome", str(genome), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert f"chr1:{s + 8} A>T (genome has {MOTIF[7]})" in captured.err
    assert "3 alleles from 3 lines (2 snv, 1 deletion)" in captured.out
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    assert tuple(rows[0]) == EFFECT_COLUMNS
    status, kind = EFFECT_COLUMNS.index("status"), EFFECT_COLUMNS.index("kind")
    assert [(r[kind], r[status]) for r in rows[1:]] == [
        ("snv", "ok"), ("snv", "ref_mismatch"), ("deletion", "ok")]
    assert float(rows[1][EFFECT_COLUMNS.index("delta_logit")]) < 0
    assert rows[2][status + 1] == ""  # not scored
    assert float(rows[3][EFFECT_COLUMNS.index("delta_logit")]) < 0  # a base of the motif gone


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_score_vcf_streams_in_batches_and_over_a_dask_cluster(planted, tmp_path):
    """Thousands of variants in small batches: the same TSV whether batches
    run here, in two processes (loky) or on a local Dask cluster."""
    from joblib import parallel_config

    from sklearn_demo.variants import score_vcf

    genome, sequence, sites, model = planted
    rng = np.random.RandomState(0)
    positions = np.sort(rng.choice(np.arange(1, len(sequence) + 1), 3000, replace=False))
    with gzip.open(tmp_path / "v.vcf.gz", "wt") as handle:
        records = []
        for k, pos in enumerate(positions):
            ref = sequence[pos - 1] if k % 50 else "N"  # every 50th a REF mismatch
            alt = "ACGT"[("ACGT".index(sequence[pos - 1]) + 1) % 4]
            records.append(f"chr1\t{pos}\tv{k}\t{ref}\t{alt}")
        handle.write(vcf_text(*records))
    here = score_vcf(model, tmp_path / "v.vcf.gz", genome, tmp_path / "here.tsv", batch_size=400)
    assert here.report.kinds == {"snv": 3000}
    assert len(here.mismatches) == here.status_counts["ref_mismatch"] >= 55
    assert sum(here.status_counts.values()) == 3000
    score_vcf(model, tmp_path / "v.vcf.gz", genome, tmp_path / "loky.tsv", batch_size=400,
              n_jobs=2)
    assert (tmp_path / "loky.tsv").read_text() == (tmp_path / "here.tsv").read_text()
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster, \
            Client(cluster), parallel_config(backend="dask"):
        score_vcf(model, tmp_path / "v.vcf.gz", genome, tmp_path / "dask.tsv", batch_size=400)
    assert (tmp_path / "dask.tsv").read_text() == (tmp_path / "here.tsv").read_text()


def test_predict_tiles_covers_a_chromosome_in_order(planted, tmp_path):
    from sklearn_demo.inference import predict_tiles

    genome, sequence, sites, model = planted
    n = predict_tiles(model, genome, tmp_path / "t.bedGraph", width=101, step=50, batch_size=64)
    rows = [line.split("\t") for line in (tmp_path / "t.bedGraph").read_text().splitlines()]
    assert n == len(rows) == (len(sequence) - 101) // 50 + 1
    starts = [int(r[1]) for r in rows]
    assert starts == sorted(starts) and all(int(r[2]) - int(r[1]) == 50 for r in rows)
    again = predict_tiles(model, genome, tmp_path / "t2.bedGraph", width=101, step=50,
                          batch_size=64, n_jobs=2)
    assert again == n
    assert (tmp_path / "t2.bedGraph").read_text() == (tmp_path / "t.bedGraph").read_text()
    # A row is the central 50 bp of its 101-bp window; windows that hold a whole
    # planted site score higher than the others.
    p = np.array([float(r[3]) for r in rows])
    window_start = np.array(starts) - 25
    holds_site = np.array([any(w <= s and s + len(MOTIF) <= w + 101 for s in sites)
                           for w in window_start])
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(holds_site, p) > 0.95


def test_effects_as_a_vcf_carry_the_tsvs_numbers_in_info(planted, tmp_path):
    """``-o effects.vcf`` writes a VCF 4.2 (header, 8 columns) whose INFO
    fields hold the TSV's numbers; it reads back as the same variants. The
    window is the model's training width unless --width says otherwise."""
    from sklearn_demo.effects_output import EFFECT_INFO

    genome, sequence, sites, model = planted
    assert model.input_width_ == 101
    far = sites[5] + 300
    model_file, vcf = _saved_model_and_vcf(planted, tmp_path,
                                           f"chr1\t{far}\tfar\t{sequence[far - 1]}\tN")
    args = ["variants", "--model", str(model_file), "--vcf", str(vcf), "--genome", str(genome),
            "--quiet"]
    assert main(args + ["-o", str(tmp_path / "e.tsv")]) == 0
    assert main(args + ["-o", str(tmp_path / "e101.tsv"), "--width", "101"]) == 0
    assert (tmp_path / "e.tsv").read_text() == (tmp_path / "e101.tsv").read_text()
    assert main(args + ["-o", str(tmp_path / "e.vcf")]) == 0
    text = (tmp_path / "e.vcf").read_text().splitlines()
    assert text[0] == "##fileformat=VCFv4.2"
    assert all(f"##INFO=<ID={key}," in "\n".join(text)
               for key in ("KIND", "STATUS", *EFFECT_INFO))
    body = [line.split("\t") for line in text if not line.startswith("#")]
    assert all(len(fields) == 8 for fields in body)
    tsv = [line.split("\t") for line in (tmp_path / "e.tsv").read_text().splitlines()[1:]]
    assert [f[:5] for f in body] == [t[:5] for t in tsv]
    for fields, row in zip(body, tsv):
        info = dict(item.split("=") for item in fields[7].split(";"))
        assert (info["KIND"], info["STATUS"]) == (row[5], row[6])
        scores = dict(zip(EFFECT_INFO, row[7:]))
        assert {k: v for k, v in scores.items() if v} == {
            k: info[k] for k in scores if info.get(k, ".") != "."}
    variants, _ = read_vcf(tmp_path / "e.vcf")
    assert [v.id for v in variants] == ["core", "bad", "far"]


@pytest.mark.parametrize("rule", ["left", "centred"])
def test_attribution_maps_are_aligned_across_indels(planted, rule):
    """Each allele's two maps, laid out column by column: without the gaps
    they are SaliencyExplainer's maps of the windows built by hand; outside
    the allele the two tracks read the same genome bases; an insertion's
    bases stand where the reference has a gap."""
    from sklearn_demo.variant_attributions import allele_attributions

    genome, sequence, sites, model = planted
    width = model.input_width_
    s = sites[4]
    variants = [Variant("chr1", s + 8, "snv", sequence[s + 7], "T"),
                Variant("chr1", s + 4, "del", sequence[s + 3:s + 9], sequence[s + 3]),
                Variant("chr1", s + 2, "ins", sequence[s + 1], sequence[s + 1] + "GATTACA"),
                Variant("chr1", s + 2, "sym", sequence[s + 1], "<DEL>")]
    maps = allele_attributions(model, variants, genome, window=rule)
    assert maps.scored.tolist() == [0, 1, 2] and maps.status[3] == "symbolic"
    explainer = SaliencyExplainer(FrozenEstimator(model), method="gradient_x_input",
                                  class_score="logit").fit([sequence[:width]])
    for k, v in enumerate(variants[:3]):
        by_hand = windows_by_hand(sequence, v.pos, v.ref, v.alt, width, rule)
        for aligned, track, window in ((maps.ref_maps[k], maps.ref_tracks[k], by_hand[0]),
                                       (maps.alt_maps[k], maps.alt_tracks[k], by_hand[1])):
            kept = ~np.isnan(aligned).any(axis=0)
            assert track.replace("-", "").replace(" ", "") == window
            np.testing.assert_allclose(aligned[:, kept], explainer.transform([window])[0],
                                       atol=1e-6)
        same = [c for c, (a, b) in enumerate(zip(maps.ref_tracks[k], maps.alt_tracks[k]))
                if a not in "- " and b not in "- "]
        assert sum(maps.ref_tracks[k][c] != maps.alt_tracks[k][c] for c in same) <= len(v.ref)
    ins_ref, ins_alt = maps.ref_tracks[2], maps.alt_tracks[2]
    gap = [c for c, letter in enumerate(ins_ref) if letter == "-"]
    assert "".join(ins_alt[c] for c in gap) == "GATTACA"
