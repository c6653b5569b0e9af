"""The interactive dashboard's engine and sessions, without a browser:
every number the page shows is checked against the models' own methods."""
import numpy as np
import pytest
from sklearn.frozen import FrozenEstimator

from sklearn_demo import SaliencyExplainer, TemporalScorer, load_model
from sklearn_demo.cli import main
from sklearn_demo.dashboard import ATTRIBUTION_METHODS, SequenceExplorer, open_report
from sklearn_demo.dashboard.explorer import (
    MAX_LENGTH, MAX_UPLOAD_BYTES, VIEWS, load_sequences, parse_fasta_upload,
    parse_sequence_text, report_motifs,
)


@pytest.fixture(scope="module")
def report_explorer(dashboard_report):
    return open_report(dashboard_report)


@pytest.fixture(scope="module")
def session(report_explorer):
    from sklearn_demo.dashboard import Explorer

    return Explorer(report_explorer).session()


def test_open_report_loads_models_test_set_and_motifs(dashboard_report, report_explorer):
    assert list(report_explorer.models) == ["CNNClassifier", "CNNRNNClassifier", "RNNClassifier"]
    tests = load_sequences(dashboard_report / "data" / "test_sequences.tsv")
    assert len(report_explorer.data.sequences) == len(tests.sequences) == 75
    models = {m.model for m in report_explorer.motifs}
    assert models == set(report_explorer.models)
    sources = {m.source.split()[0] for m in report_explorer.motifs}
    assert {"class-optimised", "filter"} <= sources
    assert all(m.pwm.shape[0] == 4 and np.allclose(m.pwm.sum(axis=0), 1, atol=1e-3)
               for m in report_explorer.motifs)
    assert report_motifs(dashboard_report, ["NoSuchModel"]) == []


def test_readings_equal_the_models_and_explainers_own_outputs(dashboard_report,
                                                              report_explorer):
    sequence = str(report_explorer.data.sequences[3])
    readings = report_explorer.read(sequence, method="DeMo saliency |d log p / dx| x")
    for name, reading in readings.items():
        model = load_model(dashboard_report / "models" / f"{name}.pt")
        assert f"{reading.p_bound:.3f}" == f"{model.predict_proba([sequence])[0, 1]:.3f}"
        frozen = FrozenEstimator(model)
        saliency = SaliencyExplainer(frozen, **ATTRIBUTION_METHODS[
            "DeMo saliency |d log p / dx| x"]).fit([sequence]).transform([sequence])[0]
        np.testing.assert_allclose(reading.attribution, saliency, rtol=1e-4, atol=1e-6)
        temporal = TemporalScorer(frozen).fit([sequence]).transform([sequence])[0]
        np.testing.assert_allclose(reading.temporal, temporal, rtol=1e-4, atol=1e-6)
        # the mutation map is ISM of the logit: the present base is 0, and one
        # substitution's entry is the change in the model's log-odds
        assert reading.mutations.shape == (4, len(sequence))
        j = 10
        present = "ACGT".index(sequence[j])
        assert reading.mutations[present, j] == 0
        alt = (present + 1) % 4
        mutant = sequence[:j] + "ACGT"[alt] + sequence[j + 1:]
        expected = model.decision_function([mutant])[0] - model.decision_function([sequence])[0]
        assert reading.mutations[alt, j] == pytest.approx(expected, abs=1e-4)


def test_only_the_asked_views_are_computed_and_results_are_cached(report_explorer):
    sequence = "ACGT" * 30
    first = report_explorer.read(sequence, views=["attribution"])
    reading = first["CNNClassifier"]
    assert reading.temporal is None and reading.mutations is None
    assert reading.attribution.shape == (4, 120)
    again = report_explorer.read(sequence, views=["attribution"])["CNNClassifier"]
    assert again.attribution is reading.attribution  # from the cache
    with pytest.raises(ValueError, match="unknown view"):
        report_explorer.read(sequence, views=["logo"])
    with pytest.raises(ValueError, match="unknown attribution method"):
        report_explorer.read(sequence, method="lime")


@pytest.mark.parametrize("typed, changed", [("50 {b}>t", "{b}"), ("50 {b}>{b}TT", "{b}--"),
                                             ("50 {bb}>{b}", "{bb}")])
def test_typed_variants_are_the_models_probabilities_of_both_sequences(
        dashboard_report, report_explorer, typed, changed):
    """An SNV, an insertion and a deletion typed as VCF writes them: p(bound)
    of the sequence and of the edited one, the alleles aligned with gaps."""
    sequence = str(report_explorer.data.sequences[0])
    b, bb = sequence[49], sequence[49:52]
    typed = typed.format(b=b, bb=bb)
    shown = report_explorer.allele(sequence, typed)
    ref, alt = typed.split(" ")[1].upper().split(">")
    mutant = sequence[:49] + alt + sequence[49 + len(ref):]
    for effect in shown.effects:
        model = load_model(dashboard_report / "models" / f"{effect.name}.pt")
        p_ref, p_alt = (model.predict_proba([x])[0, 1] for x in (sequence, mutant))
        assert (effect.p_ref, effect.p_alt) == pytest.approx((p_ref, p_alt), abs=1e-6)
        assert effect.delta == pytest.approx(p_alt - p_ref, abs=1e-6)
    assert len(shown.ref_track) == len(shown.alt_track)
    changed = changed.format(b=b, bb=bb)
    assert shown.ref_track[15:15 + len(changed)] == changed
    assert shown.ref_track.replace("-", "") == sequence[34:49 + len(ref) + 15]
    assert shown.alt_track.replace("-", "") == mutant[34:49 + len(alt) + 15]


def test_typed_variants_name_what_is_wrong(report_explorer):
    sequence = str(report_explorer.data.sequences[0])
    with pytest.raises(ValueError, match="does not fit in the sequence"):
        report_explorer.allele(sequence, "500 A>T")
    with pytest.raises(ValueError, match="alleles are A, C, G and T"):
        report_explorer.allele(sequence, f"5 {sequence[4]}>N")
    with pytest.raises(ValueError, match="is not the sequence's"):
        report_explorer.allele(sequence, f"5 {'A' if sequence[4] != 'A' else 'C'}>G")
    with pytest.raises(ValueError, match="write a variant as position REF>ALT"):
        report_explorer.allele(sequence, "G5A")


def test_table_lists_probabilities_labels_and_errors(report_explorer):
    table = report_explorer.table()
    assert len(table) == 75
    assert {"label", "disagreement", "false positive of", "false negative of"} <= set(table)
    p = report_explorer.p_bound(report_explorer.data.sequences)
    for name, values in p.items():
        np.testing.assert_allclose(table[f"p {name}"], np.round(values, 3), atol=1e-9)
        bound = table["label"] == "1"
        calls = values > 0.5
        named = [name in cell.split(", ") for cell in table["false positive of"]]
        assert named == list(calls & ~bound)
    curves = report_explorer.roc_curves()
    assert set(curves) == set(report_explorer.models)
    from sklearn.metrics import roc_auc_score

    bound = report_explorer.bound_mask()
    for name, (_, _, auc) in curves.items():  # on the models' p, not the table's rounding
        assert auc == pytest.approx(roc_auc_score(bound, p[name]))


def test_motif_hits_are_fimo_hits_in_the_open_sequence(report_explorer):
    from sklearn_demo.dashboard.explorer import FoundMotif
    from sklearn_demo import fetch_jaspar_motifs

    ctcf = fetch_jaspar_motifs(["MA0139"])["MA0139"].pwm
    site = "".join("ACGT"[i] for i in ctcf.argmax(axis=0))
    motif = FoundMotif("model", "planted", ctcf, ())
    hits = report_explorer.motif_hits(motif, "A" * 30 + site + "A" * 30)
    assert (hits["start"].iloc[0], hits["end"].iloc[0]) == (30, 30 + len(site))


@pytest.mark.parametrize("text, message", [
    ("", "is empty"),
    ("   \n ", "is empty"),
    ("ACGTZ", "invalid character 'Z' at position 5"),
    (">a\nACGT\n>b\nAC", "holds 2 FASTA records"),
    (">a\n", "empty sequence"),
    ("A" * (MAX_LENGTH + 1), "at most 10,000 bases"),
])
def test_bad_text_gets_a_one_line_message(text, message):
    with pytest.raises(ValueError, match=message) as error:
        parse_sequence_text(text)
    assert "\n" not in str(error.value)


def test_text_and_uploads_parse_records():
    assert parse_sequence_text("acg tu\nNN") == ("pasted sequence", "ACGTTNN")
    assert parse_sequence_text(">x y\nac\ngt") == ("x", "ACGT")
    assert parse_fasta_upload(b"\xef\xbb\xbf>a\nAC\n>b\nGT\n", "f.fa") == [("a", "AC"),
                                                                          ("b", "GT")]
    with pytest.raises(ValueError, match="f.fa is not FASTA"):
        parse_fasta_upload(b"ACGT\n", "f.fa")
    with pytest.raises(ValueError, match=r"f.fa, record 2 \('b'\): invalid character '!' at "
                                         "position 2"):
        parse_fasta_upload(b">a\nAC\n>b\nG!\n", "f.fa")
    with pytest.raises(ValueError, match="not UTF-8"):
        parse_fasta_upload(b"\xff\xfe\x00", "f.fa")
    with pytest.raises(ValueError, match="limited to"):
        parse_fasta_upload(b">" + b"A" * MAX_UPLOAD_BYTES, "big.fa")


def test_session_edits_undo_and_mutation_clicks(session, report_explorer):
    first = str(report_explorer.data.sequences[0])
    assert session.current[1] == first  # opens the first loaded sequence
    session.sequence_box.value = "ACGT" * 25 + "A"
    assert session.current[1] == "ACGT" * 25 + "A"
    assert "Δ" in session.p_lines.object and not session.message.visible
    expected = report_explorer.p_bound(["ACGT" * 25 + "A"])
    for name, values in expected.items():
        assert f"{name}: p(bound) = {values[0]:.3f}" in session.p_lines.object
    # a click on the mutation map's cell (position 3, base T) applies it
    tracks = session.tracks[0]
    session._mutation_clicked(tracks, [2 * 4 + 3])
    assert session.current[1] == "ACTT" + "ACGT" * 24 + "A"
    session.undo.clicks += 1
    assert session.current[1] == "ACGT" * 25 + "A"
    session.sequence_box.value = "ACGU!"
    assert session.message.visible and "'!' at position 5" in session.message.object
    assert session.current[1] == "ACGT" * 25 + "A"  # nothing lost
    # the tracks hold the open sequence's maps on 1-based positions
    assert tracks.temporal.data["x"][0] == 1 and len(tracks.temporal.data["x"]) == 101
    assert len(tracks.ism.data["value"]) == 4 * 101


def test_session_variant_upload_table_and_motifs(session, report_explorer):
    session.open("s", "ACGT" * 25 + "A")
    session.variant_box.value = "2 C>A"
    session.compare_variant.clicks += 1
    assert "2 C&gt;A" in session.variant_out.object
    assert session.variant_out.object.count("<tr>") == 4
    session.variant_box.value = "2 CG>C"  # a deletion: the alleles aligned with a gap
    session.compare_variant.clicks += 1
    assert "ref AC<b" in session.variant_out.object and ">-</span>" in session.variant_out.object
    session.variant_box.value = "2 C>A"
    session.apply_variant.clicks += 1
    assert session.current[1] == "AAGT" + "ACGT" * 24 + "A"
    session.variant_box.value = "2 A>ATT"  # an insertion opens a longer sequence
    session.apply_variant.clicks += 1
    assert session.current[1] == "AATTGT" + "ACGT" * 24 + "A"
    session.upload.filename = "two.fa"
    session.upload.value = b">r1\nACGTACGTAC\n>r2\nTTTTGGGGCC\n"
    assert session.current[:2] == ("r1", "ACGTACGTAC") and len(session.records.options) == 2
    session.records.value = 1
    assert session.current[:2] == ("r2", "TTTTGGGGCC")
    session.upload.filename = "bad.fa"
    session.upload.value = b"this is not fasta"
    assert "bad.fa is not FASTA" in session.message.object
    session.table_filter.value = "false positives"
    assert (session.table.value["false positive of"] != "").all()
    session.table_filter.value = "models disagree most"
    top = session.table.value.index[0]
    assert session.table.value["disagreement"].iloc[0] == report_explorer.table()[
        "disagreement"].max()
    session._open_loaded(int(top))
    assert session.current[1] == report_explorer.data.sequences[top]
    long = "ACGT" * 100
    session.open("long", long)
    assert "off for sequences over" in session.note.object
    assert not session.tracks[0].temporal_fig.visible
    session.views.value = ["attribution", "temporal"]  # a tick computes them
    assert session.tracks[0].temporal_fig.visible and session.note.object == ""
    session.open("longer", "ACGT" * 600)
    assert "up to 2,000 bases only" in session.note.object
    assert not session.tracks[0].temporal_fig.visible
    session.views.value = list(VIEWS)
    session.motif_select.value = 0
    assert "hit(s) of" in session.hits_text.object
    assert sum(len(source.data["x"]) for source in session.motif_logo.values()) > 0


def test_explore_takes_models_and_files(dashboard_report):
    from sklearn_demo.dashboard import explore

    files = sorted((dashboard_report / "models").glob("*.pt"))
    app = explore(files[:2], ["ACGT" * 10], y=[1])
    assert list(app.engine.models) == [files[0].stem, files[1].stem]
    assert app.engine.read("ACGT" * 10)[files[0].stem].attribution.shape == (4, 40)
    bundle, _ = app._repr_mimebundle_()  # what Jupyter displays
    assert "application/vnd.holoviews_load.v0+json" in bundle or "text/html" in bundle
    with pytest.raises(ValueError, match="1 labels for 2 sequences"):
        explore(files[:1], ["ACGT", "GGCC"], y=[1])


@pytest.mark.parametrize("argv, message", [
    (["serve"], "a report folder (OUT) or --model files"),
    (["serve", "x", "--model", "m.pt"], "a report folder (OUT) or --model files"),
    (["serve", "--model", "a/m.pt", "--model", "b/m.pt"], "share a name"),
    (["serve", "--model", "m.pt", "--port", "70000"], "--port must be"),
])
def test_serve_usage_errors(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_serve_refuses_a_folder_without_models(tmp_path, capsys):
    assert main(["serve", str(tmp_path)]) == 2
    assert "holds no saved models" in capsys.readouterr().err


def test_report_page_says_how_to_open_the_app(dashboard_report):
    page = (dashboard_report / "index.html").read_text()
    assert f"sklearn-demo serve {dashboard_report}" in page


def test_motifs_are_computed_for_models_without_a_report(report_explorer):
    engine = SequenceExplorer(report_explorer.models, report_explorer.data)
    added = engine.compute_motifs(n_iter=20, n_restarts=2)
    by_model = {name: [m.source for m in added if m.model == name] for name in engine.models}
    assert all(sources[:2] == ["class-optimised 1", "class-optimised 2"]
               for sources in by_model.values())
    assert not any(s.startswith("filter") for s in by_model["RNNClassifier"])  # no filters
    assert engine.compute_motifs() == []  # every model has motifs now
    assert all(m.pwm.shape[0] == 4 for m in added)


def test_session_comparison_tab_follows_the_chosen_models(session, report_explorer):
    table = report_explorer.table()
    session.compare_x.value, session.compare_y.value = "RNNClassifier", "CNNClassifier"
    assert session.scatter.data["x"] == table["p RNNClassifier"].tolist()
    assert session.scatter.data["y"] == table["p CNNClassifier"].tolist()
    assert session.scatter_fig.xaxis[0].axis_label == "p(bound), RNNClassifier"
    session._point_clicked("indices", [], [7])
    assert session.current[1] == report_explorer.data.sequences[7]
    assert session.tabs.active == 0


def test_motif_hits_forgive_a_mismatch_of_a_one_hot_motif(report_explorer):
    from sklearn_demo.dashboard.explorer import FoundMotif

    site = "CCACCTGCTGGCGGC"
    one_hot = np.array([[float(base == b) for base in site] for b in "ACGT"])
    motif = FoundMotif("model", "class-optimised 1", one_hot, ())
    mismatch = site[:7] + "A" + site[8:]
    hits = report_explorer.motif_hits(motif, "T" * 40 + mismatch + "T" * 40)
    assert (hits["start"].iloc[0], hits["strand"].iloc[0]) == (40, "+")


def test_session_dependencies_and_grammar_tabs_show_the_engines_numbers(session,
                                                                          report_explorer):
    from sklearn_demo import motif_spacing

    session.open("s", str(report_explorer.data.sequences[1]))
    session.dependencies_button.clicks += 1
    assert not session.message.visible, session.message.object
    results = report_explorer.dependencies(session.current[1])
    for name, (found, pairwise) in results.items():
        sources = session.dependency_sources[name]
        np.testing.assert_allclose(sources["sites"].data["effect"], np.diag(found.matrix), atol=1e-9)
        assert len(sources["arcs"].data["x0"]) == len(found.sites) * (len(found.sites) - 1) // 2
        np.testing.assert_allclose(sources["map"].data["image"][0], pairwise, atol=1e-6)
        session._pairwise_row(name, 17.2)  # a click on the row of position 17
        assert sources["row"].data["row"][0] == 16
        np.testing.assert_allclose(sources["row"].data["value"], pairwise[16], atol=1e-6)
    session.grammar_first.value, session.grammar_second.value = "CCACTAGGGGGC", "TGACTCA"
    session.grammar_button.clicks += 1
    assert not session.message.visible, session.message.object
    backgrounds = report_explorer.grammar_backgrounds(session.current[1])
    for name, model in report_explorer.models.items():
        scan = motif_spacing(model, "CCACTAGGGGGC", "TGACTCA", spacings=range(0, 83, 2),
                             backgrounds=20, sequences=backgrounds, random_state=0)
        for order in ("first-second", "second-first"):
            source = session.grammar_sources[name, order].data
            rows = scan[scan.order == order]
            assert source["spacing"] == rows.spacing.tolist()
            np.testing.assert_allclose(source["logit"], rows.logit, atol=1e-6)
            np.testing.assert_allclose(source["interaction"], rows.interaction, atol=1e-6)
    session.grammar_second.value = "TGAXTCA"
    session.grammar_button.clicks += 1
    assert session.message.visible and "'X'" in session.message.object
