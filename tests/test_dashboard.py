import numpy as np
import pytest

from sklearn_demo import fetch_jaspar_motifs
from sklearn_demo.dashboard import (
    ModelExplanation, load_dashboard_data, match_label, recovered_motif, score_models,
    train_models,
)
from sklearn_demo.encoding import reverse_complement
from sklearn_demo.motifs import match_motifs


def _fasta(path, seqs):
    path.write_text("".join(f">s{i}\n{s}\n" for i, s in enumerate(seqs)))
    return path


def test_default_is_the_planted_set_with_its_sites_kept_aligned():
    data = load_dashboard_data(n_samples=80, seed=3)
    assert (len(data.X_train), len(data.X_test)) == (60, 20)
    assert data.y_test.sum() == 10  # stratified
    for seq, label, sites in zip(data.X_test, data.y_test, data.sites_test):
        assert bool(sites) == bool(label)
        for mid, start, end, _ in sites:
            assert end - start == data.planted[mid][1].shape[1]
    whole = load_dashboard_data(n_samples=80, seed=3, split=False)
    assert whole.whole and len(whole.X_test) == 80 and "80 sequences" in whole.summary()


def test_fasta_positives_with_and_without_negatives(tmp_path):
    rng = np.random.RandomState(0)
    seqs = ["".join(rng.choice(list("ACGT"), 30)) for _ in range(40)]
    pos = _fasta(tmp_path / "pos.fa", seqs[:20])
    neg = _fasta(tmp_path / "neg.fa", seqs[20:])
    paired = load_dashboard_data([pos, neg], split=False)
    assert sorted(paired.X_test[paired.y_test == 0]) == sorted(seqs[20:])
    shuffled = load_dashboard_data([pos], split=False)
    negatives = shuffled.X_test[shuffled.y_test == 0]
    assert len(negatives) == 20 and not set(negatives) & set(seqs[:20])


def test_tsv_keeps_its_own_labels(tmp_path):
    rows = [f"{'ACGT' * 5}\tbound" if i % 2 else f"{'TTGA' * 5}\tunbound" for i in range(20)]
    (tmp_path / "d.tsv").write_text("sequence\tlabel\n" + "\n".join(rows) + "\n")
    data = load_dashboard_data([tmp_path / "d.tsv"])
    assert set(data.y_train) == {"bound", "unbound"} and len(data.X_test) == 5


def test_deepbind_pair_is_training_and_test_set(mirror):
    pair = [mirror / "GABPA_GM12878_GABP_HudsonAlpha_AC.seq.gz",
            mirror / "GABPA_GM12878_GABP_HudsonAlpha_B.seq.gz"]
    data = load_dashboard_data(pair)
    assert len(data.X_train) == 2 * 6066  # 6,066 bound sequences plus one shuffle each
    assert set(np.unique(data.y_test)) == {0, 1}


@pytest.mark.parametrize("files, message", [
    (["a.fa", "b.tsv"], "two data files must be a DeepBind training/test pair"),
    (["a.fa", "a.fa", "a.fa"], "takes one or two files"),
    (["one.tsv"], "must hold two classes"),
])
def test_bad_data_names_the_problem(tmp_path, files, message):
    _fasta(tmp_path / "a.fa", ["ACGTACGT"] * 4)
    (tmp_path / "b.tsv").write_text("ACGT\t1\nACGA\t0\n")
    (tmp_path / "one.tsv").write_text("ACGT\tbound\nACGA\tbound\n")
    with pytest.raises(ValueError, match=message):
        load_dashboard_data([tmp_path / f for f in files])


def test_dataset_and_files_are_exclusive(tmp_path):
    with pytest.raises(ValueError, match="one of a dataset name, data files or peaks"):
        load_dashboard_data([tmp_path / "x.fa"], dataset="REST")
    with pytest.raises(ValueError, match="peaks and genome go together"):
        load_dashboard_data(peaks=tmp_path / "p.bed")
    with pytest.raises(ValueError, match="grammar applies to the embedded"):
        load_dashboard_data(dataset="REST", grammar="pure")


def test_grammar_data_keeps_its_sites_in_reading_order():
    data = load_dashboard_data(n_samples=80, grammar="pure")
    assert data.grammar == "pure" and "CTCF then GABPA" in data.name
    for label, sites in zip(data.y_test, data.sites_test):
        names = [data.planted[site[0]][0] for site in sites]
        assert names == (["CTCF", "GABPA"] if label == 1 else ["GABPA", "CTCF"])


def _explanation(class_motifs, filters=None, sites=None):
    return ModelExplanation(
        name="Toy", probability_name="p(bound)", examples=np.array([]),
        example_scores=np.array([]), example_sites=[],
        saliency=np.zeros((0, 4, 1)), temporal=np.zeros((0, 2, 1)),
        class_motifs=np.array(class_motifs), class_scores=np.ones(len(class_motifs)),
        class_matches=match_motifs(class_motifs, n_matches=5), class_pwm=class_motifs[0],
        filter_pwms=None if filters is None else np.array(filters),
        filter_sites=None if filters is None else np.array(sites or [10] * len(filters)),
        filter_matches=None if filters is None else match_motifs(filters, n_matches=5))


def test_recovered_motif_finds_a_planted_motif_on_either_strand():
    motifs = fetch_jaspar_motifs(["MA0139", "MA0062"])
    ctcf, gabpa = motifs["MA0139"].pwm, motifs["MA0062"].pwm
    flat = np.full((4, ctcf.shape[1]), 0.25)
    # CTCF given as its reverse complement among the filters: found, turned back.
    found = recovered_motif(_explanation([flat], [reverse_complement(ctcf[None])[0]]), "MA0139")
    assert found is not None and found[1] == "filter 0" and found[2] < 1e-6
    np.testing.assert_allclose(found[0], ctcf, atol=1e-12)
    assert recovered_motif(_explanation([gabpa]), "MA0139") is None
    # A filter that never fired carries no motif, whatever TOMTOM says of it.
    assert recovered_motif(_explanation([flat], [ctcf], sites=[0]), "MA0139") is None
    assert recovered_motif(_explanation([gabpa]), "MA0062")[1] == "class-optimised input 1"


def test_match_label_is_short():
    assert match_label([]) == "no match"


def test_gkm_trains_on_a_stratified_subset_and_the_table_says_so():
    data = load_dashboard_data(n_samples=200, seed=0)
    messages = []
    models, training = train_models(["kmer", "gkm"], data, max_train_gkm=40,
                                    log=messages.append)
    assert training["GappedKmerSVC"]["train_sequences"] == 40
    assert training["KmerClassifier"]["train_sequences"] == len(data.X_train) == 150
    assert "a stratified random 40 of the 150 training sequences" in messages[1]
    assert len(models["GappedKmerSVC"].classes_) == 2  # both classes kept
    rows, _ = score_models(models, data.X_test, data.y_test, training)
    assert {row["model"]: row["train_sequences"] for row in rows} == {
        "KmerClassifier": 150, "GappedKmerSVC": 40}


def test_lstm_timescale_reaches_the_recurrent_networks_only():
    data = load_dashboard_data(n_samples=60, seed=0)
    models, _ = train_models(["cnn", "rnn"], data, epochs=1, verbose=0, lstm_timescale=50,
                             log=lambda _: None)
    assert models["RNNClassifier"].lstm_timescale == 50
    assert "lstm_timescale" not in models["CNNClassifier"].get_params()


def test_glance_flags_a_failed_class_optimisation_and_ranks_filters_by_auroc(tmp_path):
    """A failed optimisation (best p(bound) 0.03) is marked, not shown as what
    the model "would most like to see"; the filters shown are ranked by how
    well they separate the classes, not by match p-value."""
    from sklearn_demo.dashboard import write_dashboard

    motifs = fetch_jaspar_motifs(["MA0139", "MA0062"])
    ctcf, gabpa = motifs["MA0139"].pwm, motifs["MA0062"].pwm
    flat = np.full((4, 9), 0.25)
    result = _explanation([ctcf], filters=[flat, ctcf[:, :9], gabpa[:, :9]], sites=[19450, 1, 300])
    result.class_scores = np.array([0.03])
    result.filter_aurocs = np.array([0.55, 0.61, 0.97])
    assert result.informative_filters() == [2, 1]
    data = load_dashboard_data(n_samples=40)
    page = write_dashboard(tmp_path, data, None, [result], command="test", provenance={})
    text = page.read_text()
    assert "FAILED: no input found that the model calls bound (best p(bound) = 0.03)" in text
    assert "of the 2 filters that separate the classes best" in text


def test_the_dashboard_writes_every_motif_it_found_as_meme(dashboard_report):
    """Class-optimised windows of all three networks and the separating
    first-layer filters, readable by memelite's MEME reader."""
    from memelite.io import read_meme

    motifs = read_meme(str(dashboard_report / "motifs.meme"))
    names = [name.split()[0] for name in motifs]
    for network in ("CNNClassifier", "RNNClassifier", "CNNRNNClassifier"):
        assert f"{network}.class_optimised.1" in names
    assert all(m.shape[0] == 4 for m in motifs.values())
    np.testing.assert_allclose([m.sum(axis=0) for m in motifs.values()][0], 1, atol=1e-6)


def test_attribution_site_aurocs_score_a_seeded_sample_of_the_test_positives():
    from sklearn_demo import CNNClassifier
    from sklearn_demo.dashboard import attribution_site_aurocs, explain_model

    data = load_dashboard_data(n_samples=80, seed=0)
    clf = CNNClassifier(n_filters=4, max_epochs=1, verbose=0).fit(data.X_train, data.y_train)
    sample = attribution_site_aurocs(clf, data, max_sequences=5)
    assert sample == attribution_site_aurocs(clf, data, max_sequences=5)  # seeded
    assert sample != attribution_site_aurocs(clf, data, max_sequences=None)
    with pytest.raises(ValueError, match="'max_sequences' must be an integer in \\[1, inf\\]"):
        attribution_site_aurocs(clf, data, max_sequences=0)
    with pytest.raises(ValueError, match="explain_model: parameter 'site_auroc_sequences'"):
        explain_model(clf, data, site_auroc_sequences=0)  # before any explaining
    # the dashboard's explanation scores the same sample, and says how many
    result = explain_model(clf, data, n_examples=2, n_restarts=2, n_iter=5,
                           site_auroc_sequences=5)
    assert result.site_aurocs == sample and result.site_auroc_positives == 5


@pytest.mark.slow
def test_models_trained_and_explained_in_processes_equal_those_trained_here(tmp_path):
    from numpy.testing import assert_allclose

    from sklearn_demo.dashboard import build_dashboard

    data = load_dashboard_data(n_samples=80, seed=1)
    lines = []
    here, _ = train_models(["cnn", "kmer"], data, epochs=1, verbose=0, log=lambda _: None)
    there, seconds = train_models(["cnn", "kmer"], data, epochs=1, n_jobs=2, log=lines.append)
    assert list(there) == list(here) == ["CNNClassifier", "KmerClassifier"]
    assert sum("trained in" in line for line in lines) == 2
    assert all(seconds[name]["train_seconds"] > 0 for name in there)
    for name in here:  # one thread each in the processes: rounding may differ, nothing else
        assert_allclose(there[name].predict_proba(data.X_test),
                        here[name].predict_proba(data.X_test), atol=1e-5)
    small = dict(class_iterations=3, site_auroc_sequences=2, log=lambda _: None)
    run = build_dashboard(data, {"CNNClassifier": here["CNNClassifier"]}, out=tmp_path / "a",
                          n_jobs=2, **small)
    alone = build_dashboard(data, {"CNNClassifier": here["CNNClassifier"]}, out=tmp_path / "b",
                            **small)
    assert_allclose(run.explanations[0].saliency, alone.explanations[0].saliency, atol=1e-5)
    with pytest.raises(ValueError, match="n_jobs"):
        train_models(["kmer"], data, n_jobs=0)


def test_the_report_shows_what_each_network_learned_of_dependencies(fitted_models, tmp_path):
    import pandas as pd
    from numpy.testing import assert_allclose

    from sklearn_demo import motif_spacing
    from sklearn_demo.dashboard import build_dashboard

    data = load_dashboard_data(n_samples=200, seed=0)
    model = fitted_models("small_cnn")
    run = build_dashboard(data, {"CNNClassifier": model}, out=tmp_path, class_iterations=150,
                          site_auroc_sequences=4, log=lambda _: None)
    found = run.explanations[0].dependencies
    assert found is not None, "no class-optimised motif the model is sure of"
    page = run.page.read_text()
    assert "Dependencies each model learned" in page and found.motif_names[0] in page
    scan = pd.read_csv(tmp_path / "data" / "CNNClassifier_motif_spacing.csv")
    assert_allclose(scan.logit, found.scan.logit, atol=1e-9)
    assert len(found.interactions) == len(run.explanations[0].examples)
    # the scan is motif_spacing of the two consensus sequences in shuffled test negatives
    negatives = data.X_test[data.y_test == 0][:50]
    again = motif_spacing(model, *found.motifs, spacings=sorted(set(scan.spacing)),
                          backgrounds=20, sequences=list(negatives), random_state=0)
    assert_allclose(again.logit, found.scan.logit, atol=1e-6)
