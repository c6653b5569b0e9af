"""Every command-line flag that mirrors a parameter defaults to that
parameter's own default: a flag the user did not give changes nothing."""
import argparse
import inspect

import pytest

from sklearn_demo import CNNClassifier, CNNRNNClassifier, RNNClassifier
from sklearn_demo.cli_parser import TRAIN_PARAMETERS, build_parser
from sklearn_demo.dashboard import build_dashboard, load_dashboard_data, make_estimator
from sklearn_demo.genome import task_windows
from sklearn_demo.inference import predict_fasta
from sklearn_demo.persistence import load_model
from sklearn_demo.variants import score_vcf

#: (command, flag's dest) -> (the callable it is passed to, its parameter).
MIRRORS = {
    **{(command, dest): (function, parameter)
       for command in ("dashboard", "explain")
       for dest, (function, parameter) in {
           "class_iterations": (build_dashboard, "class_iterations"),
           "site_auroc_sequences": (build_dashboard, "site_auroc_sequences"),
           "device": (build_dashboard, "device"), "seed": (build_dashboard, "seed"),
           "out": (build_dashboard, "out"), "discover_motifs": (build_dashboard, "discover_motifs"),
           "n_jobs": (build_dashboard, "n_jobs"),
           "n_samples": (load_dashboard_data, "n_samples"),
           "negatives": (load_dashboard_data, "negatives"),
           "grammar": (load_dashboard_data, "grammar"),
           "test_chromosomes": (load_dashboard_data, "test_chromosomes"),
       }.items()},
    # the report's training budget, build_dashboard's own (not the classes' 50 epochs)
    ("dashboard", "epochs"): (build_dashboard, "epochs"),
    ("dashboard", "max_train_gkm"): (build_dashboard, "max_train_gkm"),
    ("dashboard", "lstm_timescale"): (build_dashboard, "lstm_timescale"),
    ("dashboard", "positive"): (build_dashboard, "pos_label"),
    ("explain", "bin_size"): (task_windows, "bin_size"),
    ("train", "bin_size"): (task_windows, "bin_size"),
    ("train", "negatives"): (load_dashboard_data, "negatives"),
    ("train", "test_chromosomes"): (load_dashboard_data, "test_chromosomes"),
    ("predict", "batch_size"): (predict_fasta, "batch_size"),
    ("predict", "width"): (predict_fasta, "width"),
    ("predict", "device"): (load_model, "device"),
    ("variants", "batch_size"): (score_vcf, "batch_size"),
    ("variants", "width"): (score_vcf, "width"),
    ("variants", "n_jobs"): (score_vcf, "n_jobs"),
    ("variants", "target"): (score_vcf, "target"),
    ("variants", "window"): (score_vcf, "window"),
    ("variants", "region"): (score_vcf, "region"),
    ("variants", "regions"): (score_vcf, "regions"),
    ("variants", "pass_only"): (score_vcf, "pass_only"),
    ("variants", "motif_threshold"): (score_vcf, "motif_threshold"),
    ("variants", "report"): (score_vcf, "report_dir"),
    ("variants", "report_top"): (score_vcf, "report_top"),
    ("variants", "device"): (load_model, "device"),
}

#: Flags that set no parameter with a default of its own, and why.
NOT_MIRRORS = {
    "data", "dataset", "bed", "data_home", "mirror", "genome", "tracks", "blacklist", "model",
    "input", "vcf", "motifs", "out", "attributions", "quiet", "folder", "host", "port", "password_file",
    "models", "baselines", "workers",  # which models / files: inputs, not parameters
    # width: None takes the model's (predict, variants) or the data's (101) width
    "width",
    # seed: train's runs are reproducible by default (random_state=0), as the report's
    "seed",
    # padding: None keeps the saved model's own setting
    "padding",
}
COMMANDS = ("dashboard", "explain", "train", "predict", "variants", "serve")


def _actions(command: str) -> list[argparse.Action]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [a for a in sub.choices[command]._actions if a.dest != "help"]


def _default(function, parameter):
    return inspect.signature(function).parameters[parameter].default


@pytest.mark.parametrize("command", COMMANDS)
def test_every_flag_is_a_mirror_or_said_not_to_be_one(command):
    unclassified = {a.dest for a in _actions(command)} - {
        dest for (cmd, dest) in MIRRORS if cmd == command} - NOT_MIRRORS - set(TRAIN_PARAMETERS)
    assert unclassified == set()


@pytest.mark.parametrize("command, dest", sorted(MIRRORS))
def test_a_mirroring_flag_defaults_to_its_parameters_default(command, dest):
    function, parameter = MIRRORS[(command, dest)]
    (action,) = [a for a in _actions(command) if a.dest == dest]
    expected = _default(function, parameter)
    got = tuple(action.default) if isinstance(action.default, list) else action.default
    assert got == expected or got is None, (command, dest, got, expected)


@pytest.mark.parametrize("cls, key", [(CNNClassifier, "cnn"), (RNNClassifier, "rnn"),
                                      (CNNRNNClassifier, "cnnrnn")])
def test_train_without_optional_flags_builds_the_class_defaults(cls, key):
    """Every ``train`` flag that sets a network parameter is None until given,
    so the network ``train`` builds has its class's defaults (but the seed)."""
    for action in _actions("train"):
        if action.dest in TRAIN_PARAMETERS:
            assert action.default is None, action.option_strings
    args = build_parser().parse_args(["train", "--data", "x.tsv", "--model", key, "-o", "m.pt"])
    chosen = {parameter: getattr(args, flag) for flag, parameter in TRAIN_PARAMETERS.items()
              if getattr(args, flag) is not None}
    assert chosen == {}
    built = make_estimator(key, epochs=None, seed=args.seed, **chosen).get_params(deep=False)
    defaults = cls().get_params(deep=False)
    differ = {name for name in defaults if built[name] != defaults[name]}
    assert differ == {"random_state"}
    given = build_parser().parse_args(["train", "--data", "x.tsv", "--model", key, "-o", "m.pt",
                                       "--one-strand", "--no-shift", "--epochs", "3",
                                       "--positive", "bound"])
    assert (given.reverse_complement, given.max_shift, given.epochs, given.positive) == (
        False, 0, 3, "bound")
