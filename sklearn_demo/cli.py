"""The ``sklearn-demo`` command line.

* ``sklearn-demo dashboard`` trains DeMo's networks (and, on request, the
  k-mer and gkm-SVM baselines) on a dataset (default: the embedded
  planted-motif set), scores them on a test set, explains each network and
  writes ``index.html`` with the data behind it; the fitted networks are
  saved in ``models/`` for ``explain``.
* ``sklearn-demo explain`` writes the same report for networks saved earlier.
* ``sklearn-demo train`` fits one architecture and saves it.
* ``sklearn-demo predict`` streams a FASTA file through a saved model.
* ``sklearn-demo serve`` opens a report folder or saved models in the
  interactive app (any sequence, every model, live in the browser).

Every command that writes results also writes the command, seed and
package versions that made them.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.frozen import FrozenEstimator

from .dashboard import (
    ATTRIBUTION, ATTRIBUTION_METHODS, BASELINES, NETWORKS, RECURRENT, build_dashboard,
    load_dashboard_data, make_estimator,
)
from .encoding import fit_to_width
from .explain import SaliencyExplainer
from .inference import explain_peaks, predict_fasta, predict_peaks
from .labels import check_known_labels, positive_class, positive_proba
from .cli_parser import TRAIN_PARAMETERS, build_parser
from .cli_tasks import explain_tasks, train_tasks
from .persistence import load_model, save_model
from .provenance import command_line, provenance, write_provenance
from .variant_motifs import read_motif_file
from .variants import score_vcf

class UsageError(Exception):
    """Bad input from the user: reported in one line, exit status 2."""


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every ``finally`` (partial
    outputs, temporary files) runs as it does for Ctrl-C."""


def _raise_terminated(signum, frame):
    raise Terminated()


def _parse_models(text: str) -> list[str]:
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in NETWORKS]
    if unknown or not names:
        raise UsageError(
            f"unknown model name(s) {', '.join(unknown) or repr(text)}; choose from "
            f"{', '.join(NETWORKS)}"
        )
    return names


def _refuse_to_overwrite_inputs(args: argparse.Namespace) -> None:
    """An output that is one of the inputs (the same file, also through a
    link) is refused before any work, so nothing a user gives is lost."""
    if args.command == "predict":
        inputs = [args.model, *filter(None, (args.input, args.bed, args.genome))]
    elif args.command == "variants":
        inputs = [args.model, args.vcf, args.genome]
    elif args.command == "explain":
        inputs = [*args.model, *(args.data or ())]
    elif args.command == "serve":
        return
    else:  # train, dashboard
        inputs = [*(args.data or ()), *(args.bed or ()),
                  *filter(None, (args.genome, getattr(args, "tracks", None)))]
    outputs = [Path(out) for out in (args.out if isinstance(args.out, list) else [args.out])]
    if args.command in ("predict", "train", "variants"):
        outputs += [Path(f"{out}.provenance.json") for out in outputs]
    for output in outputs:
        for given in inputs:
            if output.exists() and Path(given).exists() and os.path.samefile(output, given):
                raise UsageError(f"--out {output} is the input {given}; refusing to "
                                 "overwrite it (nothing was written)")


def _logger(args: argparse.Namespace):
    return (lambda message: None) if args.quiet else (lambda message: print(message, flush=True))


def _data(args: argparse.Namespace, *, split: bool = True):
    if len(args.bed or ()) > 1:
        raise UsageError(f"{args.command} takes one peak file; several (one task each) train "
                         "a multi-task model with: sklearn-demo train --bed A B ...")
    data = load_dashboard_data(args.data or (), dataset=args.dataset,
                               n_samples=getattr(args, "n_samples", 3000),
                               seed=args.seed, data_home=args.data_home, mirror=args.mirror,
                               split=split, grammar=getattr(args, "grammar", None),
                               peaks=args.bed[0] if args.bed else None, genome=args.genome,
                               negatives=args.negatives,
                               width=args.width or 101, test_chromosomes=args.test_chromosomes)
    if args.width and not args.bed:
        data.X_train, data.X_test = (fit_to_width(data.X_train, args.width),
                                     fit_to_width(data.X_test, args.width))
    _logger(args)(f"data: {data.summary()}")
    return data


def _build(args: argparse.Namespace, models, *, split: bool) -> Path:
    data = _data(args, split=split)
    return build_dashboard(
        data, models, out=args.out, epochs=getattr(args, "epochs", 20), device=args.device,
        seed=args.seed, class_iterations=args.class_iterations,
        site_auroc_sequences=args.site_auroc_sequences or None,
        max_train_gkm=getattr(args, "max_train_gkm", 0) or None,
        lstm_timescale=getattr(args, "lstm_timescale", None),
        pos_label=getattr(args, "positive", None), command=command_line(args),
        discover_motifs=args.discover_motifs, n_jobs=args.n_jobs,
        provenance=provenance(args), verbose=0 if args.quiet else 1, log=_logger(args)).page


def run_dashboard(args: argparse.Namespace) -> Path:
    """Train, score, explain and report; saves the networks in ``out/models``."""
    return _build(args, _parse_models(args.models) + (list(BASELINES) if args.baselines else []),
                  split=True)


def run_explain(args: argparse.Namespace) -> Path:
    """The dashboard's report for networks saved earlier, on the given data."""
    models = {}
    for path in args.model:
        model = load_model(path, device=args.device)
        models[type(model).__name__] = model
    multitask = [m for m in models.values() if getattr(m, "is_multitask", False)]
    if multitask:
        if len(args.model) != 1:
            raise UsageError("a multi-task model is explained alone: pass one --model")
        return explain_tasks(args, multitask[0], log=_logger(args))
    return _build(args, models, split=False)


def run_train(args: argparse.Namespace) -> None:
    """Fit one architecture and save it."""
    key = _parse_models(args.model)
    if len(key) != 1:
        raise UsageError("train fits one model: pass --model cnn, rnn or cnnrnn")
    if args.lstm_timescale is not None and key[0] not in RECURRENT:
        raise UsageError("--lstm-timescale is for the recurrent networks: --model rnn or cnnrnn")
    chosen = {parameter: getattr(args, flag) for flag, parameter in TRAIN_PARAMETERS.items()
              if getattr(args, flag) is not None}
    clf = make_estimator(key[0], epochs=None, seed=args.seed, verbose=0 if args.quiet else 1,
                         **chosen)
    if args.tracks or len(args.bed or ()) > 1:
        train_tasks(args, clf, log=_logger(args))
        return
    data = _data(args, split=False)
    X, y = data.X_train, data.y_train
    clf.fit(X, y)
    save_model(clf, args.out)
    write_provenance(Path(str(args.out) + ".provenance.json"), args)
    if not args.quiet:
        print(f"saved {type(clf).__name__} trained on {len(X)} sequences to {args.out}")
        for line in _training_scores(clf, data):
            print(line)


def _training_scores(clf, data) -> list[str]:
    """The fitted model's validation AUC (best epoch) and, when the data has
    its own test set, its test AUC."""
    from sklearn.metrics import roc_auc_score

    lines = []
    if clf.validating_:
        aucs = clf.history[:, "valid_auc"]
        best = int(np.nanargmax(aucs)) if not np.all(np.isnan(aucs)) else None
        if best is not None:
            lines.append(f"validation AUC {aucs[best]:.3f} (epoch {best + 1} of "
                         f"{len(clf.history)})")
    else:
        lines.append("no validation split (too few sequences; see early_stopping)")
    if not data.whole:
        check_known_labels(clf, data.y_test, what="the test sequences")
        positive = np.asarray(data.y_test) == positive_class(clf)
        auc = roc_auc_score(positive, positive_proba(clf, data.X_test))
        lines.append(f"test AUC {auc:.3f} on {len(data.X_test)} held-out sequences")
    return lines


def run_predict(args: argparse.Namespace) -> None:
    """Stream a FASTA file through a saved model."""
    model = load_model(args.model, device=args.device)
    if args.padding is not None:
        model.set_params(padding=args.padding)
    if args.attributions and not args.bed:
        raise UsageError("--attributions needs --bed and --genome (coordinates to write)")
    if args.bed:
        if not args.genome or args.out == "-":
            raise UsageError("predict --bed needs --genome FASTA and a file for -o/--out")
        windows = predict_peaks(model, args.bed, args.genome, args.out,
                                width=args.width, batch_size=args.batch_size)
        if args.attributions:
            explainer = SaliencyExplainer(FrozenEstimator(model),
                                          **ATTRIBUTION_METHODS[ATTRIBUTION]).fit(
                windows.sequences[:1])
            explain_peaks(explainer, windows, args.genome, args.attributions)
        n = len(windows)
        if not args.quiet:
            print(f"windows: {windows.report}")
    else:
        n = predict_fasta(model, args.input, args.out, batch_size=args.batch_size,
                          width=args.width)
    if args.out != "-":
        write_provenance(Path(str(args.out) + ".provenance.json"), args)
    if not args.quiet:
        print(f"wrote {n} predictions to {'standard output' if args.out == '-' else args.out}",
              file=sys.stderr if args.out == "-" else sys.stdout)


def _read_password(path: str) -> str:
    """The first line of ``path``, refused when empty."""
    lines = Path(path).read_text().splitlines()
    if not lines or not lines[0].strip():
        raise UsageError(f"--password-file {path}: its first line is empty; write the password "
                         "there")
    return lines[0].strip()


def run_serve(args: argparse.Namespace) -> None:
    """Serve the interactive dashboard until Ctrl-C or SIGTERM."""
    from .dashboard.server import Explorer, network_warning
    from .dashboard.explorer import SequenceExplorer, load_sequences, open_report

    if bool(args.folder) == bool(args.model):
        raise UsageError("serve takes a report folder (OUT) or --model files, one of the two")
    if args.port < 0 or args.port > 65535:
        raise UsageError(f"--port must be 0 (a free port) to 65535, got {args.port}")
    if args.folder:
        if args.data:
            raise UsageError("--data goes with --model; a report folder brings its test set")
        engine = open_report(args.folder, device=args.device)
        title = f"sklearn-demo explorer: {Path(args.folder).name}"
    else:
        stems = [Path(path).stem for path in args.model]
        if len(set(stems)) != len(stems):
            raise UsageError(f"two --model files share a name ({', '.join(stems)}); the app "
                             "names each model by its file's stem")
        models = {Path(path).stem: load_model(path, device=args.device) for path in args.model}
        engine = SequenceExplorer(models, load_sequences(args.data) if args.data else None)
        title = "sklearn-demo explorer"
    password = _read_password(args.password_file) if args.password_file else None
    warning = None if password else network_warning(args.host)
    with warnings.catch_warnings():
        if warning:  # said once, as one line, not as Python's warning with its source line
            print(f"sklearn-demo: warning: {warning} (--password-file asks for a password)",
                  file=sys.stderr, flush=True)
            warnings.filterwarnings("ignore", message=re.escape(warning))
        Explorer(engine, title).serve(args.host, args.port, password=password,
                                      announce=lambda line: print(line, flush=True))
    print("sklearn-demo: stopped", file=sys.stderr, flush=True)
    from .dashboard.app import workers_running

    if workers_running():  # a tab's map still computing: end without waiting for it
        # (a daemon thread inside torch aborts the interpreter's own shutdown)
        sys.stdout.flush()
        os._exit(0)


def run_variants(args: argparse.Namespace) -> None:
    """Stream every allele's reference and alternative window through the model;
    report the alleles by kind and every REF allele that disagrees with the genome."""
    model = load_model(args.model, device=args.device)
    target = args.target
    if target and target.isdigit() and target not in getattr(model, "tasks_", ()):
        target = int(target)
    result = score_vcf(model, args.vcf, args.genome, args.out, width=args.width,
                       window=args.window, region=args.region, regions=args.regions,
                       pass_only=args.pass_only, batch_size=args.batch_size, n_jobs=args.n_jobs,
                       target=target, motif_threshold=args.motif_threshold,
                       motifs=read_motif_file(args.motifs) if args.motifs else None,
                       report_dir=args.report, report_top=args.report_top)
    for out in args.out:
        write_provenance(Path(str(out) + ".provenance.json"), args)
    read = result.input
    if read.renamed:  # said once, even with --quiet: the names differ from the genome's
        print("sklearn-demo: VCF chromosomes matched to the genome's by a 'chr' prefix: "
              + ", ".join(f"{a} -> {b}" for a, b in read.renamed.items()), file=sys.stderr)
    for note in read.notes:
        print(f"sklearn-demo: {note}", file=sys.stderr)
    mismatches = result.mismatches
    if mismatches:  # reported even with --quiet: these variants were not scored
        print(f"sklearn-demo: {len(mismatches)} variant(s) whose REF is not the genome's base, "
              f"not scored: " + "; ".join(mismatches[:10]) + ("; ..." if len(mismatches) > 10
                                                               else ""), file=sys.stderr)
    if not args.quiet:
        print(f"vcf: {result.report}"
              + (f"; {read.filtered} records set aside by FILTER" if args.pass_only else ""))
        print(f"wrote {sum(result.status_counts.values())} alleles to {', '.join(args.out)} ("
              + ", ".join(f"{n} {s}" for s, n in result.status_counts.items()) + ")")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sklearn-demo`` command."""
    args = build_parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        if getattr(args, "epochs", None) is not None and args.epochs < 1:
            raise UsageError(f"--epochs must be at least 1, got {args.epochs}")
        _refuse_to_overwrite_inputs(args)
        if args.command != "serve" and len(getattr(args, "data", None) or ()) > 2:
            raise UsageError(f"--data takes one or two files, got {len(args.data)}")
        for option in ("max_train_gkm", "site_auroc_sequences"):
            if getattr(args, option, 0) < 0:
                raise UsageError(f"--{option.replace('_', '-')} must be 0 (all) or positive, "
                                 f"got {getattr(args, option)}")
        {"dashboard": run_dashboard, "explain": run_explain, "train": run_train,
         "predict": run_predict, "variants": run_variants,
         "serve": run_serve}[args.command](args)
    except (UsageError, ValueError, TypeError, FileNotFoundError, OSError) as exc:
        if args.debug:
            raise
        print(f"sklearn-demo: error: {exc}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, Terminated) as exc:
        how = "interrupted" if isinstance(exc, KeyboardInterrupt) else "terminated"
        print(f"sklearn-demo: {how}; no partial file was left", file=sys.stderr)
        return 130 if how == "interrupted" else 143
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


if __name__ == "__main__":
    sys.exit(main())
