"""Train a multi-task CNN in several processes through skorch's
``AccelerateMixin`` (Hugging Face accelerate, torch's DistributedDataParallel
underneath); run by ``accelerate launch --cpu --num_processes 2``.

Each process writes its rank, world size, how many windows it trained on and
a checksum of its final weights to ``OUT/rank<N>.json``; the first saves the
model to ``OUT/model.pt``.
"""
import json
import sys
from pathlib import Path

import torch
from accelerate import Accelerator
from sklearn.metrics import roc_auc_score
from skorch.hf import AccelerateMixin

from sklearn_demo import CNNClassifier, make_motif_dataset, save_model


class AcceleratedCNN(AccelerateMixin, CNNClassifier):
    """The CNN trained through accelerate."""


def main(out: Path) -> None:
    accelerator = Accelerator(cpu=True)
    data = make_motif_dataset(800, tasks=("MA0139", "MA0062"), random_state=0)
    clf = AcceleratedCNN(accelerator=accelerator, device=None, n_filters=16, max_epochs=10,
                         batch_size=64, lr=3e-3, validation_fraction=0, verbose=0, random_state=0,
                         task_names=data.tasks)
    clf.fit(data.X, data.y)
    weights = torch.cat([p.detach().flatten() for p in clf.module_.parameters()])
    proba = clf.predict_proba(data.X[:200])
    if accelerator.is_main_process:
        save_model(clf, out / "model.pt")
    accelerator.wait_for_everyone()
    (out / f"rank{accelerator.process_index}.json").write_text(json.dumps({
        "world": accelerator.num_processes,
        "batches": len(clf.history[-1, "batches"]),
        "checksum": float(weights.double().sum()),
        "shape": list(proba.shape),
        "auc": roc_auc_score(data.y[:200], proba, average=None).tolist(),
    }))
    accelerator.end_training()  # closes the process group: a live gloo group aborts at exit


if __name__ == "__main__":
    main(Path(sys.argv[1]))
