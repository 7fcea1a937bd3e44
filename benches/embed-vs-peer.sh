#!/usr/bin/env bash
# Embedding throughput side by side: sentence-transformers (the peer) and
# litradar, same CPU, same model files, same texts, same max length, same
# batch size, one after the other in one run.
#
# usage: benches/embed-vs-peer.sh PYTHON [BATCH]
#   PYTHON: a Python with sentence-transformers installed
#   (python3 -m venv v && v/bin/pip install sentence-transformers)
# The model comes from $LITRADAR_MODEL_DIR (default models/all-MiniLM-L6-v2),
# the texts and the peer's script from ../shared/data/embed-ref/.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${1:?usage: $0 PYTHON [BATCH]}
BATCH=${2:-32}
MODEL=${LITRADAR_MODEL_DIR:-models/all-MiniLM-L6-v2}
REF=../shared/data/embed-ref
# Give this shell's processes the cores (Linux autogroup; needs root).
echo -19 > /proc/self/autogroup 2>/dev/null || true
cargo bench --bench embed --no-run >/dev/null 2>&1
echo "== sentence-transformers, batch $BATCH"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PYTHON" "$REF/bench.py" "$MODEL" "$REF/bench-texts.jsonl" --batch "$BATCH" --runs 3
echo "== litradar, batch $BATCH"
LITRADAR_MODEL_DIR="$MODEL" cargo bench --bench embed -- "$REF/bench-texts.jsonl" --batch "$BATCH" --runs 3
