#!/usr/bin/env bash
# The GPU rows of benchmarks/RESULTS.md in one run, on one CUDA device:
# explainer throughput beside the peers in bfloat16 and float32, and the
# temporal scorer's batched passes vs the loop at 101 and 1,000 bp.
#
#   bash benchmarks/run_on_gpu.sh OUTDIR
#
# OUTDIR receives the JSON, one RESULTS-<part>.md per part (sections to copy
# into benchmarks/RESULTS.md) and the log. The speed benchmark
# (test_bench_speed.py --bench-device cuda) is separate: it trains.
set -euo pipefail
out=${1:?usage: bash benchmarks/run_on_gpu.sh OUTDIR}
mkdir -p "$out"
export PYTHONUNBUFFERED=1
cd "$(dirname "$0")/.."
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
for precision in bfloat16 float32; do
  python benchmarks/explainers.py --parts throughput --device cuda --precision "$precision" \
    --out "$out" --results "$out/RESULTS-throughput-$precision.md"
  if [ "$precision" = bfloat16 ]; then  # the temporal rows between the two: the most wanted first
    python -m pytest benchmarks/test_bench_temporal.py --benchmark-only --bench-device cuda \
      -p no:cacheprovider -q --benchmark-json="$out/temporal-cuda.json"
  fi
done
