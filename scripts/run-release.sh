#!/usr/bin/env bash
# Builds the `plexus` tool in release mode, tuned for this machine, and runs one of its
# subcommands: scripts/run-release.sh SUBCOMMAND [ARGUMENTS...]. Used by train.sh and bench.sh.
# Runs in the caller's directory, so relative paths in the arguments mean what they say.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

bash "$repo/scripts/install-deps.sh"

# One thread per core for every backend, unless the caller chose otherwise.
cores=$(nproc)
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-$cores}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-$cores}

# Tuning flags live here, not in Package.swift (see TOOLCHAIN.md §4): -target-cpu native is what
# makes the FMA path (-DPX_FMA) fast; without it FMA becomes a library call per element.
# -O, never -Ounchecked: the release build keeps Swift's bounds and overflow checks, so a bad
# input stops with an error or a trap instead of reading out of bounds. Kernels that need
# unchecked access get it locally, through unsafe pointers, and say so where they do.
swift build --package-path "$repo" -c release \
  -Xswiftc -O -Xswiftc -target-cpu -Xswiftc native -Xswiftc -DPX_FMA \
  --product plexus >&2

exec "$repo/.build/release/plexus" "$@"
