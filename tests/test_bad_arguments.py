"""Every public function of the inference layer, genome and variants refuses
a bad value with one line naming the function, the parameter and what it
takes, before any output file is made (hypothesis draws the values)."""
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.frozen import FrozenEstimator

from sklearn_demo import KmerClassifier, SaliencyExplainer
from sklearn_demo.inference import (
    explain_fasta, explain_peaks, predict_fasta, predict_peaks, predict_tiles, run_batches,
)
from sklearn_demo.variants import score_vcf, variant_effects
from variant_helpers import vcf_text

#: Values no count takes: zero, negatives, fractions, text, booleans.
BAD_COUNTS = st.one_of(st.integers(max_value=0), st.floats(allow_nan=True),
                       st.text(string.digits, max_size=3), st.booleans())
#: Values no n_jobs takes (joblib: a positive count, or -1, -2, ...; 0 means nothing).
BAD_N_JOBS = st.one_of(st.just(0), st.floats(), st.text(max_size=3))
#: Values no fraction takes.
BAD_FRACTIONS = st.one_of(st.floats(max_value=-1e-9), st.floats(min_value=1 + 1e-9),
                          st.text(max_size=2))
SETTINGS = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, motif_data, fitted_models):
    folder = tmp_path_factory.mktemp("inputs")
    sequences = list(motif_data.X[:4])
    (folder / "in.fa").write_text("".join(f">s{i}\n{s}\n" for i, s in enumerate(sequences)))
    (folder / "g.fa").write_text(">chr1\n" + "".join(sequences) + "\n")
    (folder / "peaks.bed").write_text("chr1\t0\t101\nchr1\t101\t202\n")
    (folder / "v.vcf").write_text(vcf_text(f"chr1\t51\t.\t{sequences[0][50]}\tA"))
    model = KmerClassifier(k=3).fit(motif_data.X, motif_data.y)
    explainer = SaliencyExplainer(FrozenEstimator(fitted_models("tiny_cnn"))).fit(sequences[:1])
    return folder, model, explainer


def _calls(folder, model, explainer, out):
    """function name -> (call with keyword overrides, parameters to spoil)."""
    return {
        "predict_fasta": (lambda **kw: predict_fasta(model, folder / "in.fa", out, **kw),
                          ("batch_size", "n_jobs", "width")),
        "predict_peaks": (lambda **kw: predict_peaks(model, folder / "peaks.bed", folder / "g.fa",
                                                     out, **kw),
                          ("batch_size", "n_jobs", "width", "max_n_fraction")),
        "predict_tiles": (lambda **kw: predict_tiles(model, folder / "g.fa", out, **kw),
                          ("batch_size", "n_jobs", "width", "step", "max_n_fraction")),
        "explain_fasta": (lambda **kw: explain_fasta(explainer, folder / "in.fa", out, **kw),
                          ("batch_size", "n_jobs")),
        "explain_peaks": (lambda **kw: explain_peaks(explainer, folder / "peaks.bed",
                                                     folder / "g.fa", out, **kw),
                          ("batch_size", "n_jobs", "width")),
        "score_vcf": (lambda **kw: score_vcf(model, folder / "v.vcf", folder / "g.fa", out, **kw),
                      ("batch_size", "n_jobs", "width")),
        "variant_effects": (lambda **kw: variant_effects(model, folder / "v.vcf", folder / "g.fa",
                                                         **kw), ("batch_size", "width")),
    }


STRATEGY = {"batch_size": BAD_COUNTS, "width": BAD_COUNTS, "step": BAD_COUNTS,
            "n_jobs": BAD_N_JOBS, "max_n_fraction": BAD_FRACTIONS}
CASES = [(function, parameter) for function, (_, parameters) in
         _calls(None, None, None, None).items() for parameter in parameters]


@pytest.mark.parametrize("function, parameter", CASES)
def test_a_bad_value_is_named_and_no_output_is_made(inputs, tmp_path, function, parameter):
    folder, model, explainer = inputs
    out = tmp_path / "out.result"
    call, _ = _calls(folder, model, explainer, out)[function]

    @SETTINGS
    @given(value=STRATEGY[parameter])
    def check(value):
        if parameter in ("width", "step") and value is None:
            return
        with pytest.raises(ValueError, match=f"^{function}: parameter '{parameter}' must be "):
            call(**{parameter: value})
        assert list(tmp_path.iterdir()) == []

    check()


@SETTINGS
@given(batch_size=BAD_COUNTS)
def test_the_engine_refuses_a_bad_batch_size_before_reading_anything(batch_size):
    read = []

    def items():
        read.append(1)
        yield 1

    with pytest.raises(ValueError, match="^run_batches: parameter 'batch_size' must be "):
        run_batches(sum, items(), batch_size)
    assert read == []


@pytest.mark.parametrize("function", ["predict_fasta", "explain_fasta", "score_vcf"])
def test_an_output_that_is_also_an_input_is_refused(inputs, function):
    folder, model, explainer = inputs
    same = folder / {"predict_fasta": "in.fa", "explain_fasta": "in.fa",
                     "score_vcf": "v.vcf"}[function]
    before = same.read_bytes()
    call, _ = _calls(folder, model, explainer, same)[function]
    with pytest.raises(ValueError, match="is also the input"):
        call()
    assert same.read_bytes() == before
