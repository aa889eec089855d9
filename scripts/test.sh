#!/usr/bin/env bash
# Runs every test of Plexus: the lint, the Swift 6 language-mode and zero-warnings checks, the
# Swift tests (Swift Testing, and XCTest if any), a user package that subclasses Layer and Model
# (built with -warnings-as-errors), the concurrency suites under ThreadSanitizer, the C ABI tests
# and the Python tests. Installs missing dependencies first. Prints, as its last line,
# "N passed, N failed" summed over all of them, and exits non-zero when anything failed.
#
# Counting: the lint, the language mode, the zero-warnings build and the user package are one
# test each; each suite run under ThreadSanitizer is one, and so is the check that it catches a
# planted race. Swift Testing counts one per test function (a parameterised
# test once, however many cases it ran), from its "passed after" / "failed after" result lines;
# XCTest one per "Test Case" result line; the C tests, the IDX fuzz run, the Keras interop
# and the TensorBoard checks one per TAP "ok" / "not ok" line; pytest from its summary.
# Skipped tests count as neither. A test process that crashes, or fails with no failure it reported, counts as one
# more failure.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PYTHONDONTWRITEBYTECODE=1

passed=0
failed=0
skipped=0
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

section() { printf '\n== %s\n' "$*"; }

# tally PASSED FAILED SKIPPED LABEL: adds to the totals and reports the part.
tally() {
  passed=$((passed + $1))
  failed=$((failed + $2))
  skipped=$((skipped + $3))
  echo "-- $4: $1 passed, $2 failed, $3 skipped"
}

# count PATTERN FILE: the number of lines of FILE matching the extended regex PATTERN.
count() { grep -cE -- "$1" "$2" || true; }

start=$SECONDS

section "dependencies"
if ! bash scripts/install-deps.sh </dev/null; then
  echo "scripts/install-deps.sh failed; the steps below may fail for that reason"
  tally 0 1 0 "dependencies"
fi

section "lint: swift format lint --strict"
if swift format lint --strict -r Sources Tests Package.swift </dev/null >"$logs/lint" 2>&1; then
  tally 1 0 0 "lint"
else
  cat "$logs/lint"
  tally 0 1 0 "lint"
fi

section "language mode: Swift 6 for every target"
# The tools version picks the Swift 6 language mode; a target that asks for an older one
# (swiftLanguageModes, -swift-version 5) would build without the data-race checks.
if grep -qE '^// swift-tools-version:6' Package.swift \
  && ! grep -nE 'swiftLanguage(Modes|Versions)|-swift-version|\.v5\b' Package.swift; then
  tally 1 0 0 "Swift 6 language mode"
else
  echo "Package.swift must use tools version 6 and leave the language mode at Swift 6"
  tally 0 1 0 "Swift 6 language mode"
fi

section "build: swift build --build-tests -Xswiftc -warnings-as-errors"
build_start=$SECONDS
if swift build --build-tests -Xswiftc -warnings-as-errors </dev/null >"$logs/build" 2>&1; then
  built=1
  echo "built with no warnings in $((SECONDS - build_start)) s"
  tally 1 0 0 "zero warnings"
else
  built=0
  grep -E '(error|warning):' "$logs/build" | grep -v '`-' | sort -u | head -50
  tally 0 1 0 "zero warnings"
  # Warnings fail the check above; the tests still run on a plain build.
  if swift build --build-tests </dev/null >"$logs/build" 2>&1; then
    built=1
  else
    tail -n 30 "$logs/build"
    tally 0 1 0 "build"
  fi
fi

# swift_tests LABEL ARGS...: runs `swift test --skip-build ARGS...` and tallies its results.
swift_tests() {
  local label=$1
  shift
  local log="$logs/swift-$label"
  local swift_start=$SECONDS
  # Show results and issues as they come; hide the "started" lines. Swift Testing also writes
  # its results as xUnit ($log-swift-testing.xml), the record the tally reads.
  swift test --skip-build --xunit-output "$log.xml" "$@" </dev/null 2>&1 | tee "$log" \
    | grep --line-buffered -vE '^[^ ]+ (Test|Suite) .* started\.$|^[^ ]+ Test case passing '
  local status=${PIPESTATUS[0]}
  echo "ran in $((SECONDS - swift_start)) s"

  # Swift Testing: one result line per test, ending "(passed|failed) after S seconds." or
  # "... seconds with N issue(s) ...". The run's own summary line is left out.
  local result='after [0-9.]+ seconds(\.| with .*\.)$'
  grep -E "^[^ ]+ Test .* (passed|failed) $result" "$log" \
    | grep -vE "^[^ ]+ Test run with [0-9]+ tests? in [0-9]+ suites? " >"$log.results"
  local st_passed st_failed st_skipped xc_passed xc_failed summary total
  st_passed=$(count " passed $result" "$log.results")
  st_failed=$(count " failed $result" "$log.results")
  st_skipped=$(count '^[^ ]+ Test .* skipped(\.|: .*)$' "$log")
  # The xUnit record counts every test however the console interleaves (a full run has lost
  # dozens of result lines from the console while its summary counted every test); the
  # console's lines stand in when there is no record.
  local xunit="$log-swift-testing.xml" suite_line
  suite_line=$(grep -m 1 -E '<testsuite [^>]*tests="[0-9]+"' "$xunit" 2>/dev/null)
  if [[ -n $suite_line ]]; then
    local attribute x_tests x_failures x_errors x_skipped
    attribute() { sed -E "s/.* $1=\"([0-9]+)\".*/\1/;t;s/.*/0/" <<<"$suite_line"; }
    x_tests=$(attribute tests)
    x_failures=$(attribute failures)
    x_errors=$(attribute errors)
    x_skipped=$(attribute skipped)
    # Its `tests` leaves out the skipped ones, which `skipped` counts.
    if ((x_tests != st_passed + st_failed || x_skipped != st_skipped)); then
      echo "The console shows $((st_passed + st_failed)) results and $st_skipped skipped;" \
        "Swift Testing's record, $x_tests and $x_skipped: counting the record."
    fi
    st_failed=$((x_failures + x_errors))
    st_passed=$((x_tests - st_failed))
    st_skipped=$x_skipped
  fi
  tally "$st_passed" "$st_failed" "$st_skipped" "Swift Testing ($label)"

  xc_passed=$(count "^Test Case '.*' passed \(" "$log")
  xc_failed=$(count "^Test Case '.*' failed \(" "$log")
  if ((xc_passed + xc_failed > 0)); then tally "$xc_passed" "$xc_failed" 0 "XCTest ($label)"; fi

  summary=$(grep -E '^[^ ]+ Test run with [0-9]+ tests? ' "$log" | tail -n 1)
  if [[ -z $summary ]]; then
    echo "The Swift test process ended without its summary (exit status $status): it crashed."
    tally 0 1 0 "Swift test process crash ($label)"
  else
    total=$(sed -E 's/^[^ ]+ Test run with ([0-9]+) tests? .*/\1/' <<<"$summary")
    if ((total != st_passed + st_failed + st_skipped)); then
      echo "Swift Testing reports $total tests, the result lines $((st_passed + st_failed))" \
        "and $st_skipped skipped: counting the difference as one failure."
      tally 0 1 0 "Swift Testing count mismatch ($label)"
    elif ((status != 0 && st_failed + xc_failed == 0)); then
      echo "swift test exited with status $status but reported no failed test."
      tally 0 1 0 "swift test exit status ($label)"
    fi
  fi
}

# tap_tests LABEL LOG COMMAND...: runs a command that prints TAP ("ok" / "not ok" lines) and
# tallies it; a non-zero exit with no failed line counts as one more failure.
tap_tests() {
  local label=$1 log="$logs/$2"
  shift 2
  "$@" </dev/null >"$log" 2>&1
  local status=$?
  cat "$log"
  # Names of their own: `local passed` would shadow the totals that tally adds to.
  local tap_skipped tap_passed tap_failed
  tap_skipped=$(count '^ok .*# SKIP' "$log")
  tap_passed=$(($(count '^ok ' "$log") - tap_skipped))
  tap_failed=$(count '^not ok ' "$log")
  tally "$tap_passed" "$tap_failed" "$tap_skipped" "$label"
  if ((status != 0 && tap_failed == 0)); then
    echo "$* exited with status $status but reported no failed test."
    tally 0 1 0 "$label exit status"
  fi
}

section "Swift tests: swift test --skip-build"
if ((built)); then
  swift_tests main --skip GlobalConfigTests
  # Suites that change process-wide settings run alone, in a process of their own.
  section "Swift tests that change process-wide settings, alone"
  PLEXUS_GLOBAL_STATE_TESTS=1 swift_tests global-state --filter GlobalConfigTests
else
  echo "skipped: the build failed"
fi

section "user package: Tests/Fixtures/UserPackage, -warnings-as-errors"
# Subclasses of Layer and Model in another package must build without a single warning.
fixture_start=$SECONDS
# SwiftPM does not notice files added to a path dependency in an existing scratch path: start
# afresh whenever the list of source files changed.
sources_now=$(find Sources -name '*.swift' | sort | sha1sum)
if [[ ! -f .build-fixture/sources || $(cat .build-fixture/sources) != "$sources_now" ]]; then
  rm -rf .build-fixture
  mkdir -p .build-fixture
  echo "$sources_now" >.build-fixture/sources
fi
if swift build --package-path Tests/Fixtures/UserPackage --scratch-path .build-fixture \
  -Xswiftc -warnings-as-errors </dev/null >"$logs/fixture" 2>&1; then
  tally 1 0 0 "user package"
else
  grep -E '(error|warning):' "$logs/fixture" | grep -v '`-' | sort -u | head -30
  tail -n 20 "$logs/fixture"
  tally 0 1 0 "user package"
fi
echo "user package in $((SECONDS - fixture_start)) s"

section "ThreadSanitizer: the concurrency tests"
# A separate scratch path keeps the instrumented build apart from the plain one. Each suite
# is one counted test: it passes when it ran clean, with no race reported.
tsan_start=$SECONDS
# First, a planted race must be caught: otherwise a clean run below would prove nothing.
if swiftc -sanitize=thread -o "$logs/canary" Tests/Fixtures/TSanCanary/main.swift \
  </dev/null >"$logs/canary.log" 2>&1 \
  && ! TSAN_OPTIONS=halt_on_error=1 "$logs/canary" </dev/null >>"$logs/canary.log" 2>&1 \
  && grep -q 'WARNING: ThreadSanitizer: .*race' "$logs/canary.log"; then
  tally 1 0 0 "ThreadSanitizer catches a planted race"
else
  tail -n 20 "$logs/canary.log"
  tally 0 1 0 "ThreadSanitizer catches a planted race"
fi
tsan_suites=(SharedModelTests ParallelTrainingTests VariableTests GradientTapeTests DatasetFitTests
  BatchPrefetcherTests CompiledConcurrencyTests)
if swift build --build-tests --sanitize=thread --scratch-path .build-tsan </dev/null \
  >"$logs/tsan-build" 2>&1; then
  for suite in "${tsan_suites[@]}"; do
    TSAN_OPTIONS="halt_on_error=1 suppressions=$PWD/scripts/tsan-suppressions.txt" swift test --skip-build --sanitize=thread \
      --scratch-path .build-tsan --filter "FrontendAPITests.$suite" </dev/null \
      >"$logs/tsan" 2>&1
    status=$?
    if ((status == 0)) && ! grep -q 'ThreadSanitizer' "$logs/tsan"; then
      tally 1 0 0 "ThreadSanitizer: $suite"
    else
      grep -E -A30 'WARNING: ThreadSanitizer' "$logs/tsan" | head -60
      tail -n 15 "$logs/tsan"
      tally 0 1 0 "ThreadSanitizer: $suite"
    fi
  done
else
  tail -n 30 "$logs/tsan-build"
  tally 0 1 0 "ThreadSanitizer build"
fi
echo "ThreadSanitizer in $((SECONDS - tsan_start)) s"

section "C ABI tests: Tests/CABITests/run.sh"
tap_tests "C ABI" c bash Tests/CABITests/run.sh .build/debug

section "IDX loader fuzzing: scripts/fuzz-idx.sh (libFuzzer, bounded runs)"
tap_tests "IDX fuzz" fuzz bash scripts/fuzz-idx.sh "${PLEXUS_FUZZ_RUNS:-10000}"

section "Keras interop: the .keras files Plexus writes open in Keras 3 (scripts/keras-interop.sh)"
interop_start=$SECONDS
if ((built)); then
  tap_tests "Keras interop" interop bash scripts/keras-interop.sh
else
  echo "skipped: the build failed"
fi
echo "Keras interop (venv included) in $((SECONDS - interop_start)) s"

section "TensorBoard: the event files Plexus writes read back in TensorBoard (scripts/tensorboard-check.sh)"
tensorboard_start=$SECONDS
if ((built)); then
  tap_tests "TensorBoard" tensorboard bash scripts/tensorboard-check.sh
else
  echo "skipped: the build failed"
fi
echo "TensorBoard check (venv included) in $((SECONDS - tensorboard_start)) s"

section "Python: pip install ./bindings/python into a fresh venv, then its pytest suite"
# The package's build backend builds libplexus_c.so in release mode and ships it in the wheel;
# the tests run outside the repository, so they import the installed package.
python_start=$SECONDS
bash scripts/python-venv-tests.sh </dev/null >"$logs/python" 2>&1
status=$?
cat "$logs/python"
last=$(tail -n 1 "$logs/python")
py_number() { grep -oE "[0-9]+ $1" <<<"$last" | grep -oE '^[0-9]+' || echo 0; }
py_passed=$(py_number passed)
py_failed=$(($(py_number failed) + $(py_number 'errors?')))
py_skipped=$(py_number skipped)
tally "$py_passed" "$py_failed" "$py_skipped" "Python"
if ((status != 0 && py_failed == 0)); then
  echo "the Python tests exited with status $status but reported no failed test."
  tally 0 1 0 "pytest exit status"
fi
echo "Python (wheel build included) in $((SECONDS - python_start)) s"

section "summary"
echo "skipped: $skipped; total time: $((SECONDS - start)) s"
echo "$passed passed, $failed failed"
((failed == 0))
