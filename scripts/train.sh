#!/usr/bin/env bash
# The main job: trains a model on Fashion-MNIST with the default backend and prints its test
# accuracy. Installs missing Debian packages, builds `plexus` in release mode tuned for this CPU,
# and runs `plexus train` with these arguments (see `plexus train --help`).
exec bash "$(dirname "${BASH_SOURCE[0]}")/run-release.sh" train "$@"
