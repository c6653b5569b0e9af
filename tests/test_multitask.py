"""Several tasks at once: multi-task labels, networks, streaming from a
genome, per-task explanations and variant effects."""
import json
import pickle

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import DataConversionWarning
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import roc_auc_score

from sklearn_demo import (
    CNNClassifier, CNNRNNClassifier, ClassOptimizer, RNNClassifier, SaliencyExplainer,
    TemporalScorer, load_model, make_motif_dataset, save_model,
)
from sklearn_demo.cli import main
from sklearn_demo.encoding import one_hot_encode, reverse_complement
from sklearn_demo.explain.ground_truth import site_auroc
from sklearn_demo.genome import (
    ChromosomeHoldout, GenomeWindowDataset, read_tracks, task_name, task_windows,
)
from sklearn_demo.metrics import task_scores
from sklearn_demo.training import BothStrandsDataset, MaskedBCEWithLogitsLoss
from sklearn_demo.variants import Variant, variant_effects, write_variant_effects
from variant_helpers import vcf_text

TINY = dict(max_epochs=1, verbose=0, random_state=0)
NETWORKS = [(CNNClassifier, dict(n_filters=4)), (RNNClassifier, dict(hidden_size=3)),
            (CNNRNNClassifier, dict(n_filters=4, hidden_size=3))]


def _three_tasks(data):
    """Labels of three tasks from a single-task set, one with unknown labels."""
    y = np.column_stack([data.y, 1 - data.y, data.y]).astype(float)
    y[::4, 2] = np.nan
    return y


@pytest.mark.parametrize("cls, params", NETWORKS)
def test_every_network_takes_a_task_matrix(cls, params, motif_data):
    clf = cls(**params, **TINY).fit(motif_data.X[:120], _three_tasks(motif_data)[:120])
    X = motif_data.X[:5]
    assert clf.predict_proba(X).shape == clf.predict(X).shape == (5, 3)
    assert clf.decision_function(X).shape == (5, 3)
    assert clf.tasks_.tolist() == ["task_0", "task_1", "task_2"]
    assert clf.classes_.tolist() == [0, 1, 2]
    assert set(np.unique(clf.predict(X))) <= {0, 1}
    logits = clf.decision_function(X)
    np.testing.assert_allclose(clf.predict_proba(X), 1 / (1 + np.exp(-logits)), rtol=1e-5, atol=1e-6)


def test_task_names_from_a_dataframe_or_given(motif_data):
    pd = pytest.importorskip("pandas")
    y = pd.DataFrame(_three_tasks(motif_data)[:80], columns=["CTCF", "not", "DNase"])
    clf = CNNClassifier(n_filters=2, **TINY).fit(motif_data.X[:80], y)
    assert clf.tasks_.tolist() == ["CTCF", "not", "DNase"]
    named = CNNClassifier(n_filters=2, task_names=["a", "b", "c"], **TINY)
    assert named.fit(motif_data.X[:80], y.to_numpy()).tasks_.tolist() == ["a", "b", "c"]
    with pytest.raises(ValueError, match="task_names has 2 names but y has 3 tasks"):
        CNNClassifier(task_names=["a", "b"], **TINY).fit(motif_data.X[:80], y.to_numpy())


def test_bad_task_labels_name_the_task(motif_data):
    y = _three_tasks(motif_data)[:40]
    y[3, 1] = 2
    with pytest.raises(ValueError, match="task 1 holds 2.0"):
        CNNClassifier(**TINY).fit(motif_data.X[:40], y)


def test_single_task_behaviour_is_unchanged(motif_data):
    """A 1-d y (and a one-column matrix) fits the binary classifier it did."""
    clf = CNNClassifier(n_filters=4, **TINY).fit(motif_data.X[:100], motif_data.y[:100])
    assert not clf.is_multitask and clf.predict_proba(motif_data.X[:3]).shape == (3, 2)
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        column = CNNClassifier(n_filters=4, **TINY).fit(motif_data.X[:100],
                                                        motif_data.y[:100, None])
    np.testing.assert_allclose(column.predict_proba(motif_data.X[:3]),
                               clf.predict_proba(motif_data.X[:3]), atol=1e-6)


def test_masked_loss_ignores_unknown_labels():
    """Closed form: unknown labels change neither the loss nor its gradient."""
    logits = torch.tensor([[0.3, -1.2], [2.0, 0.5]], requires_grad=True)
    target = torch.tensor([[1.0, float("nan")], [0.0, 1.0]])
    loss = MaskedBCEWithLogitsLoss()(logits, target)
    known = torch.nn.functional.binary_cross_entropy_with_logits(
        logits[[0, 1, 1], [0, 0, 1]], torch.tensor([1.0, 0.0, 1.0]))
    assert torch.isclose(loss, known)
    loss.backward()
    assert logits.grad[0, 1] == 0
    full = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    assert torch.isclose(MaskedBCEWithLogitsLoss()(logits.detach(), full),
                         torch.nn.functional.binary_cross_entropy_with_logits(logits.detach(),
                                                                              full))


def test_balanced_class_weight_weighs_rare_tasks(motif_data):
    y = np.zeros((100, 2))
    y[:10, 0], y[:50, 1] = 1, 1
    clf = CNNClassifier(n_filters=2, class_weight="balanced", **TINY).fit(motif_data.X[:100], y)
    np.testing.assert_allclose(clf.pos_weight_, [9.0, 1.0], atol=1e-6)
    assert torch.allclose(clf.criterion_.pos_weight, torch.tensor([9.0, 1.0]))


@pytest.fixture(scope="module")
def tasks_model(fitted_models):
    """The session's multi-task CNN-RNN (CTCF, GABPA, both), trained in the
    setup of the first test that needs it rather than inside its call."""
    return fitted_models("tasks_cnnrnn")


def test_a_task_is_a_binary_classifier_of_its_own(fitted_models, tasks_model):
    data = fitted_models.data("tasks_cnnrnn")
    X = data.X[2500:2520]
    for index, name in enumerate(tasks_model.tasks_):
        one = tasks_model.task_classifier(name)
        assert not one.is_multitask and one.input_width_ == tasks_model.input_width_
        np.testing.assert_allclose(one.predict_proba(X)[:, 1],
                                   tasks_model.predict_proba(X)[:, index], rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r"tasks: \['CTCF', 'GABPA', 'CTCF\+GABPA'\]"):
        tasks_model.task_classifier("NRSF")


def test_multitask_model_learns_each_task(fitted_models, tasks_model):
    """Per-task test AUC from scikit-learn's metrics on the (n, N) output as is."""
    data = fitted_models.data("tasks_cnnrnn")
    proba = tasks_model.predict_proba(data.X[2500:])
    rows = task_scores(data.y[2500:], proba, tasks_model.tasks_)
    assert [row["task"] for row in rows] == ["CTCF", "GABPA", "CTCF+GABPA"]
    assert min(row["auc"] for row in rows) > 0.9, rows
    assert roc_auc_score(data.y[2500:], proba, average=None).shape == (3,)


@pytest.mark.parametrize("task", ["CTCF", "GABPA", "CTCF+GABPA"])
def test_each_tasks_maps_find_its_own_motif(fitted_models, tasks_model, task):
    """Planted truth: in sequences bound for a task, its own sites (not the
    other motif's) carry the attributions of that task."""
    data = fitted_models.data("tasks_cnnrnn")
    column = list(tasks_model.tasks_).index(task)
    test = np.arange(2500, 3000)
    rows = test[data.y[test, column] == 1][:60]
    explainer = SaliencyExplainer(FrozenEstimator(tasks_model), method="expected_gradients",
                                  n_samples=100, target=task).fit(data.X[:1])
    importance = np.abs(explainer.transform(data.X[rows])).sum(axis=1)
    assert site_auroc(importance, data.task_mask[rows, column]) >= 0.85


def test_explainers_without_a_target_list_the_tasks(tasks_model):
    for explainer in (SaliencyExplainer, TemporalScorer, ClassOptimizer):
        with pytest.raises(ValueError, match=r"multi-task; pass target=.*'GABPA'"):
            explainer(FrozenEstimator(tasks_model)).fit(["ACGT" * 25])
    scores = TemporalScorer(FrozenEstimator(tasks_model), target=1).fit(["A"]).transform(
        ["ACGT" * 25])
    assert scores.shape == (1, 2, 100)


def test_class_optimisation_per_task(tasks_model):
    optimizer = ClassOptimizer(FrozenEstimator(tasks_model), target="GABPA", n_iter=30,
                               n_restarts=2, random_state=0).fit(["A" * 101])
    gabpa = tasks_model.predict_proba([optimizer.best_sequence_])[0, 1]  # the multi-task model's
    assert np.isclose(gabpa, optimizer.consensus_scores_[0], atol=1e-4)


def test_multitask_model_round_trips(tmp_path, tasks_model, motif_data):
    save_model(tasks_model, tmp_path / "m.pt")
    again = load_model(tmp_path / "m.pt")
    assert again.tasks_.tolist() == tasks_model.tasks_.tolist()
    np.testing.assert_allclose(again.predict_proba(motif_data.X[:4]),
                               tasks_model.predict_proba(motif_data.X[:4]), rtol=1e-6, atol=1e-6)
    restored = pickle.loads(pickle.dumps(tasks_model))
    np.testing.assert_allclose(restored.predict_proba(motif_data.X[:4]),
                               tasks_model.predict_proba(motif_data.X[:4]), atol=1e-6)
    assert not hasattr(clone(tasks_model), "tasks_")


# ---------------------------------------------------------------- genome side
@pytest.fixture(scope="module")
def genome_with_tracks(tmp_path_factory):
    """A random 2-chromosome genome and two peak sets on it."""
    folder = tmp_path_factory.mktemp("tracks")
    rng = np.random.RandomState(0)
    chroms = {"chr1": 30_000, "chr8": 12_000}
    with open(folder / "g.fa", "w") as out:
        for name, size in chroms.items():
            out.write(f">{name}\n" + "".join(rng.choice(list("ACGT"), size)) + "\n")
    (folder / "ctcf.narrowPeak").write_text(
        "".join(f"{c}\t{s}\t{s + 300}\tp\t0\t.\t0\t0\t0\t150\n"
                for c, s in [("chr1", 2000), ("chr1", 9000), ("chr1", 20000), ("chr8", 4000)]))
    (folder / "dnase.bed").write_text(
        "".join(f"{c}\t{s}\t{s + 500}\n"
                for c, s in [("chr1", 2100), ("chr1", 15000), ("chr8", 7000)]))
    (folder / "blacklist.bed").write_text("chr1\t19800\t20500\n")
    (folder / "tracks.tsv").write_text("# name\tpath\nCTCF\tctcf.narrowPeak\nDNase\tdnase.bed\n")
    return folder


def test_task_windows_follow_deepseas_rule(genome_with_tracks):
    folder = genome_with_tracks
    windows = task_windows([folder / "ctcf.narrowPeak", folder / "dnase.bed"], folder / "g.fa",
                           width=1000, background=None)
    assert windows.tasks == ["ctcf", "dnase"] and windows.width == 1000
    centre = windows.start + 500
    bins = centre - 100
    # brute force: a bin is bound when its peaks cover at least 100 of its 200 bases
    for track, path in enumerate(["ctcf.narrowPeak", "dnase.bed"]):
        peaks = [line.split("\t")[:3] for line in (folder / path).read_text().splitlines()]
        for row, (chrom, a) in enumerate(zip(windows.chrom, bins.tolist())):
            covered = np.zeros(200, dtype=bool)
            for c, s, e in peaks:
                if c == chrom:
                    covered[max(int(s) - a, 0):max(min(int(e) - a, 200), 0)] = True
            assert windows.labels[row, track] == (covered.sum() >= 100)


def test_task_windows_report_what_they_skip(genome_with_tracks):
    folder = genome_with_tracks
    names, paths = read_tracks(folder / "tracks.tsv")
    windows = task_windows(paths, folder / "g.fa", tasks=names, blacklist=folder / "blacklist.bed",
                           background="gc", random_state=0)
    assert windows.tasks == ["CTCF", "DNase"]
    assert windows.report.blacklisted > 0 and "blacklist" in str(windows.report)
    background = ~windows.labels.any(axis=1)
    assert background.sum() >= len(windows) // 2  # one background bin per candidate
    assert not np.any((windows.chrom == "chr1") & (windows.end > 19800)
                      & (windows.start < 20500))
    assert task_name("x/K562_CTCF.narrowPeak.gz") == "K562_CTCF"
    with pytest.raises(ValueError, match="one unique task name per peak file"):
        task_windows(paths, folder / "g.fa", tasks=["a", "a"])


def test_streamed_windows_are_the_genomes(genome_with_tracks):
    folder = genome_with_tracks
    windows = task_windows([folder / "ctcf.narrowPeak", folder / "dnase.bed"], folder / "g.fa",
                           width=300, random_state=0)
    dataset = windows.dataset()
    x, y = dataset[3]
    np.testing.assert_array_equal(x, one_hot_encode([windows.sequences()[3]])[0])
    np.testing.assert_array_equal(y, windows.labels[3])
    restored = pickle.loads(pickle.dumps(dataset))  # what a loader worker gets
    np.testing.assert_array_equal(restored[3][0], x)
    with pytest.raises(ValueError, match="chromosomes \\['chrZ'\\] are not in"):
        GenomeWindowDataset(folder / "g.fa", ["chrZ"], [0], [1], width=10)


def test_a_network_trains_on_streamed_windows_with_workers(genome_with_tracks):
    folder = genome_with_tracks
    windows = task_windows([folder / "ctcf.narrowPeak", folder / "dnase.bed"], folder / "g.fa",
                           width=300, random_state=0)
    train, test = next(ChromosomeHoldout(["chr8"]).split(windows.start, groups=windows.chrom))
    clf = CNNClassifier(n_filters=4, reverse_complement=True, iterator_train__num_workers=2,
                        **TINY)
    clf.fit(windows.dataset(train), None)
    assert clf.tasks_.tolist() == ["ctcf", "dnase"] and clf.input_width_ == 300
    in_memory = clf.predict_proba(windows.sequences(test))
    streamed = clf.predict_proba(windows.dataset(test))
    assert streamed.shape == in_memory.shape == (len(test), 2)
    with pytest.raises(ValueError, match="y=None and the labels on the dataset"):
        CNNClassifier(**TINY).fit(windows.dataset(train), windows.labels[train])


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet="ACGT", min_size=1, max_size=30))
def test_both_strands_dataset_reads_the_reverse_complement(sequence):
    from skorch.dataset import Dataset

    X = one_hot_encode([sequence])
    both = BothStrandsDataset(Dataset(X, np.array([1.0])))
    np.testing.assert_array_equal(both[1][0], one_hot_encode([reverse_complement(sequence)])[0])
    assert both[0][1] == both[1][1] == 1.0


def test_train_command_fits_one_model_for_several_peak_files(genome_with_tracks, tmp_path,
                                                             capsys):
    folder = genome_with_tracks
    out = tmp_path / "multi.pt"
    assert main(["train", "--tracks", str(folder / "tracks.tsv"), "--genome",
                 str(folder / "g.fa"), "--model", "cnn", "--epochs", "1", "--width", "300",
                 "--test-chromosomes", "chr8", "--class-weight", "balanced",
                 "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "task\tpositives\tAUC\tAUPRC" in printed and "\nCTCF\t" in printed
    saved = load_model(out)
    assert saved.tasks_.tolist() == ["CTCF", "DNase"] and saved.class_weight == "balanced"
    assert main(["train", "--bed", str(folder / "ctcf.narrowPeak"), str(folder / "dnase.bed"),
                 "--model", "cnn", "-o", str(tmp_path / "x.pt"), "--quiet"]) == 2
    assert "need --genome" in capsys.readouterr().err


def test_variant_effects_per_task_and_for_all(genome_with_tracks, tasks_model, tmp_path):
    fasta = genome_with_tracks / "g.fa"
    bases = (genome_with_tracks / "g.fa").read_text().splitlines()[1]
    variants = [Variant("chr1", 500, "v1", bases[499], "A" if bases[499] != "A" else "C"),
                Variant("chr1", 900, "v2", bases[899], "G" if bases[899] != "G" else "T")]
    every = variant_effects(tasks_model, variants, fasta, target="all")
    assert every.delta_p.shape == (2, 3) and every.tasks == ["CTCF", "GABPA", "CTCF+GABPA"]
    one = variant_effects(tasks_model, variants, fasta, target="GABPA")
    # a difference of two float32 logits (|z| up to ~10, resolution ~1e-6) from a
    # one-task copy and the multi-task network, whose kernels differ in shape: it
    # can sit near zero (-1.7e-4 here), where only an absolute tolerance holds
    np.testing.assert_allclose(one.delta_logit, every.delta_logit[:, 1], rtol=1e-5, atol=2e-5)
    with pytest.raises(ValueError, match="multi-task; pass target="):
        variant_effects(tasks_model, variants, fasta)
    write_variant_effects(every, tmp_path / "e.tsv")
    header = (tmp_path / "e.tsv").read_text().splitlines()[0].split("\t")
    assert "delta_p.CTCF+GABPA" in header and len(header) == 7 + 6 * 3
    write_variant_effects(every, tmp_path / "e.vcf.gz")  # an INFO field per effect and task
    import pysam

    with pysam.VariantFile(str(tmp_path / "e.vcf.gz")) as vcf:
        assert "DELTA_P_CTCF_GABPA" in vcf.header.info
        records = list(vcf.fetch("chr1", 0, 1000))  # through its tabix index
    assert [r.id for r in records] == ["v1", "v2"]
    for i, record in enumerate(records):
        for t, task in enumerate(["CTCF", "GABPA", "CTCF_GABPA"]):
            assert record.info[f"DELTA_P_{task}"][0] == pytest.approx(every.delta_p[i, t],
                                                                       abs=1e-6)


def test_make_motif_dataset_multitask_truth():
    data = make_motif_dataset(200, tasks=("MA0139", "MA0062.3", "MA0139+MA0062"),
                              random_state=1)
    assert data.tasks == ["CTCF", "GABPA", "CTCF+GABPA"]
    np.testing.assert_array_equal(data.y[:, 2], data.y[:, 0] & data.y[:, 1])
    np.testing.assert_array_equal(data.task_mask[:, 0].any(axis=1), data.y[:, 0] == 1)
    np.testing.assert_array_equal(data.task_mask[:, 2], data.task_mask[:, 0]
                                  | data.task_mask[:, 1])
    assert 0.15 < data.y[:, 2].mean() < 0.35  # both present: about 0.5 x 0.5


def test_variants_command_reports_every_task(genome_with_tracks, tasks_model, tmp_path):
    model_path = tmp_path / "multi.pt"
    save_model(tasks_model, model_path)
    bases = (genome_with_tracks / "g.fa").read_text().splitlines()[1]
    alt = "C" if bases[499] == "A" else "A"
    (tmp_path / "v.vcf").write_text(vcf_text(f"chr1\t500\tv1\t{bases[499]}\t{alt}"))
    out = tmp_path / "effects.tsv"
    assert main(["variants", "--model", str(model_path), "--vcf", str(tmp_path / "v.vcf"),
                 "--genome", str(genome_with_tracks / "g.fa"), "--target", "all", "-o", str(out),
                 "--quiet"]) == 0
    assert "delta_logit.GABPA" in out.read_text().splitlines()[0]
    assert main(["variants", "--model", str(model_path), "--vcf", str(tmp_path / "v.vcf"),
                 "--genome", str(genome_with_tracks / "g.fa"), "--target", "1", "-o",
                 str(tmp_path / "one.tsv"), "--quiet"]) == 0
    assert (tmp_path / "one.tsv").read_text().splitlines()[0].endswith("delta_logit")


def test_the_app_lists_one_entry_per_task(fitted_models, tasks_model):
    from sklearn_demo.dashboard.explorer import SequenceExplorer

    explorer = SequenceExplorer({"multi": tasks_model,
                                 "single": fitted_models("tiny_cnn")})
    assert list(explorer.models) == ["multi · CTCF", "multi · GABPA", "multi · CTCF+GABPA",
                                     "single"]
    reading = explorer.read("ACGT" * 25)
    assert reading["multi · GABPA"].attribution.shape == (4, 100)


@pytest.mark.slow
def test_explain_command_writes_a_report_per_task(genome_with_tracks, tmp_path):
    folder = genome_with_tracks
    model = tmp_path / "multi.pt"
    common = ["--tracks", str(folder / "tracks.tsv"), "--genome", str(folder / "g.fa"),
              "--width", "300", "--test-chromosomes", "chr8", "--quiet"]
    assert main(["train", *common, "--model", "cnn", "--epochs", "1", "-o", str(model)]) == 0
    out = tmp_path / "report"
    assert main(["explain", "--model", str(model), *common, "--class-iterations", "10",
                 "--site-auroc-sequences", "4", "-o", str(out)]) == 0
    index = (out / "index.html").read_text()
    assert '<option value="CTCF/index.html">CTCF</option>' in index
    assert "<th>AUPRC</th>" in index and "data:image/png;base64," in index
    for task in ("CTCF", "DNase"):  # each task's full report, class-optimised motifs matched
        report = (out / task / "index.html").read_text()
        assert f"tracks: {task}" in report and "JASPAR match" in report
        assert (out / task / "motifs.meme").is_file()


def test_motif_discovery_reads_one_task(fitted_models, tasks_model):
    from sklearn_demo.explain.discovery import hypothetical_contributions

    X = fitted_models.data("tasks_cnnrnn").X[:4]
    ours = hypothetical_contributions(tasks_model, X, target="GABPA")
    alone = hypothetical_contributions(tasks_model.task_classifier("GABPA"), X)
    np.testing.assert_allclose(ours, alone, atol=1e-6)
    with pytest.raises(ValueError, match="multi-task; pass target="):
        hypothetical_contributions(tasks_model, X)


@pytest.mark.slow
def test_two_processes_train_one_model_through_accelerate(tmp_path):
    """Distributed training is skorch's AccelerateMixin with Hugging Face
    accelerate (DistributedDataParallel over gloo here): two CPU processes
    each train on half of every epoch and end with the same weights."""
    pytest.importorskip("accelerate")
    import socket
    import subprocess
    import sys
    from pathlib import Path

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = Path(__file__).with_name("accelerated_fit.py")
    result = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
         "--master_port", str(port), str(script), str(tmp_path)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert ranks[0]["world"] == ranks[1]["world"] == 2
    # 800 sequences on both strands (the CNN's default) / 64 per batch / 2 processes
    assert ranks[0]["batches"] == 13
    assert ranks[0]["checksum"] == ranks[1]["checksum"]
    # ten epochs at 3e-3 learn the CTCF task (AUC 0.96-0.98 from five seeds; five epochs,
    # or DeMo's 1e-2, from some seeds only); GABPA's sites need more
    assert ranks[0]["shape"] == [200, 2] and ranks[0]["auc"][0] > 0.8
    saved = load_model(tmp_path / "model.pt")  # saved as the CNN it is, without accelerate
    assert type(saved) is CNNClassifier and saved.tasks_.tolist() == ["CTCF", "GABPA"]


def test_streamed_labels_are_checked_a_block_at_a_time(genome_with_tracks, monkeypatch):
    import sklearn_demo.multitask

    monkeypatch.setattr(sklearn_demo.multitask, "LABEL_BLOCK", 7)
    folder = genome_with_tracks
    rng = np.random.RandomState(0)
    labels = rng.randint(0, 2, (40, 3)).astype(float)
    labels[::5, 2] = np.nan
    data = GenomeWindowDataset(folder / "g.fa", ["chr1"] * 40, rng.randint(0, 20_000, 40),
                               labels, width=50, tasks=["a", "b", "c"])
    clf = CNNClassifier(n_filters=2, class_weight="balanced", **TINY).fit(data, None)
    known = ~np.isnan(labels)
    expected = [(known[:, t] & (labels[:, t] == 0)).sum() / np.nansum(labels[:, t])
                for t in range(3)]
    np.testing.assert_allclose(clf.pos_weight_, expected, rtol=1e-6, atol=1e-6)
    assert clf.tasks_.tolist() == ["a", "b", "c"]
    labels[33, 1] = 3
    bad = GenomeWindowDataset(folder / "g.fa", ["chr1"] * 40, np.zeros(40, int), labels,
                              width=50)
    with pytest.raises(ValueError, match="task 1 holds 3.0"):
        CNNClassifier(**TINY).fit(bad, None)


def test_task_scores_refuse_mismatched_shapes():
    y = np.array([[0], [1], [1]])
    with pytest.raises(ValueError, match=r"labels of shape \(3, 1\) but probabilities of shape "
                                         r"\(3, 2\)"):
        task_scores(y, np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]]))
    single = task_scores(y[:, 0], np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]]))
    assert single[0]["auc"] == 1.0  # a binary classifier's (n, 2): its positive column
