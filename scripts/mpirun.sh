#!/usr/bin/env bash
# Runs a command as N ranks of an Open MPI job on this machine, with the flags this machine
# needs (the same ones `plexus train --data-parallel N` passes):
#
#   --bind-to none          ranks are not pinned one core each (they share the cores)
#   --oversubscribe         ranks may outnumber cores (2 here, 4 ranks in the tests); Open MPI
#                           counts physical cores as slots, so this is always passed
#   --allow-run-as-root     when run as root (containers, CI)
#   --mca btl_vader_single_copy_mechanism none
#                           shared-memory transfers without cross-process reads (CMA needs
#                           ptrace, which containers often forbid)
#   -x OMP_NUM_THREADS, -x OPENBLAS_NUM_THREADS
#                           each rank's threads: the cores divided among the ranks (at least
#                           1), so ranks never oversubscribe the cores; Plexus's own thread
#                           setting follows them (`--threads` for `plexus train`)
#
# Usage: scripts/mpirun.sh N COMMAND [ARGS...]
#   scripts/mpirun.sh 2 .build/release/plexus train --distributed --threads 1
#   scripts/mpirun.sh 2 python3 my_training.py
set -euo pipefail
if (($# < 2)) || ! [[ $1 =~ ^[0-9]+$ ]] || (($1 < 1)); then
  echo "usage: $0 N COMMAND [ARGS...]" >&2
  exit 2
fi
ranks=$1
shift
command -v mpirun >/dev/null || {
  echo "mpirun not found: install Open MPI (apt-get install openmpi-bin libopenmpi-dev)" >&2
  exit 1
}
cores=$(nproc)
threads=$((cores / ranks))
((threads >= 1)) || threads=1
flags=(-np "$ranks" --bind-to none --oversubscribe --mca btl_vader_single_copy_mechanism none
  -x "OMP_NUM_THREADS=$threads" -x "OPENBLAS_NUM_THREADS=$threads")
[[ $(id -u) == 0 ]] && flags+=(--allow-run-as-root)
exec mpirun "${flags[@]}" "$@"
