#!/usr/bin/env bash
# The GPU rows of benchmarks/RESULTS.md in one run, on one CUDA device: first
# the explanations against the same model's on the CPU (device_agreement.py,
# about a minute), then the most wanted: explainer throughput beside the peers
# in bfloat16; the temporal scorer's batched passes vs the loop at 101 and
# 1,000 bp; ISM from the receptive field vs whole passes vs tangermeme's
# fastISM; the throughput again in float32 without the class-optimisation
# rows (minutes of sequential steps, measured in bfloat16); training and
# prediction speed.
#
#   bash benchmarks/run_on_gpu.sh OUTDIR
#
# OUTDIR receives the JSON, one RESULTS-<part>.md per explainers.py run
# (sections to copy into benchmarks/RESULTS.md) and the pytest-benchmark JSON
# (benchmarks/report_pytest_benchmark.py makes their sections). A step that
# fails is reported and the next one runs. About 6 minutes on an H200.
#
# Needs sklearn_demo's dependencies and the bench extra (captum, tangermeme)
# importable: `pip install -e .[bench]`. Where the GPU machine reaches no
# package registry, carry their wheels and install them with --no-deps, and
# carry pyjaspar with its JASPAR2024.sqlite unpacked (the synthetic data
# plants JASPAR matrices).
set -uo pipefail
out=${1:?usage: bash benchmarks/run_on_gpu.sh OUTDIR}
mkdir -p "$out"
export PYTHONUNBUFFERED=1
cd "$(dirname "$0")/.."
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
step() {  # step NAME COMMAND...: run, time and report one part
  local name=$1 start=$SECONDS; shift
  echo "== $name"
  "$@" || echo "== $name FAILED (exit $?)"
  echo "== $name took $((SECONDS - start)) s"
}
bench() {  # bench NAME: one pytest-benchmark file on the GPU
  python -m pytest "benchmarks/test_bench_$1.py" --benchmark-only --bench-device cuda \
    -p no:cacheprovider -q --benchmark-json="$out/$1-cuda.json"
}
step agreement python benchmarks/device_agreement.py --device cuda --out "$out"
step "throughput bfloat16" python benchmarks/explainers.py --parts throughput --device cuda \
  --precision bfloat16 --out "$out" --results "$out/RESULTS-throughput-bfloat16.md"
step temporal bench temporal
step ism bench ism
step "throughput float32" python benchmarks/explainers.py --parts throughput --device cuda \
  --precision float32 --no-class-optimisation --out "$out" \
  --results "$out/RESULTS-throughput-float32.md"
step speed bench speed
