#!/usr/bin/env bash
# Benchmarks the backends side by side: builds `plexus` in release mode tuned for this CPU and
# runs `plexus bench` with these arguments (see `plexus bench --help`).
exec bash "$(dirname "${BASH_SOURCE[0]}")/run-release.sh" bench "$@"
