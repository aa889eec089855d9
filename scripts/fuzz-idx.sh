#!/usr/bin/env bash
# Builds the libFuzzer target over the IDX loader (Tests/Fuzz/IDXFuzz) with the fuzzer and
# address sanitizers and runs it for a bounded number of inputs, from a seed corpus of valid,
# gzip-compressed, truncated and oversized IDX files.
#
# Usage: scripts/fuzz-idx.sh [RUNS]   (default 10000: well under a minute, even on a busy core)
# Prints TAP lines ("ok 1 - ..." / "not ok 1 - ...") and, last, "N passed, N failed", so that
# scripts/test.sh counts it as one test; exits non-zero when the build fails or the fuzzer
# finds a crash, a leak or an input over its memory limit (the crashing input is kept in
# .build/fuzz/idx/artifacts).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=${1:-10000}
out=.build/fuzz/idx
mkdir -p "$out/module" "$out/corpus" "$out/artifacts"

echo "TAP version 13"
echo "1..1"
report() {
  if (($1 == 0)); then echo "ok 1 - $2"; echo "1 passed, 0 failed"; else
    echo "not ok 1 - $2"; echo "0 passed, 1 failed"; fi
  exit "$1"
}

# BackendProtocol as its own module (the loader imports it), then the loader and the target.
if ! swiftc -parse-as-library -O -sanitize=address -module-name BackendProtocol \
  -package-name plexus -emit-module -emit-module-path "$out/module/BackendProtocol.swiftmodule" \
  -emit-library -static -o "$out/module/libBackendProtocol.a" \
  $(find Sources/BackendProtocol -name "*.swift" | sort) >"$out/build.log" 2>&1 ||
  ! swiftc -parse-as-library -O -sanitize=fuzzer,address -module-name IDXFuzz \
    -package-name plexus -I "$out/module" -I Sources/System/CZlib -L "$out/module" \
    -lBackendProtocol -lz -o "$out/idx-fuzz" \
    Sources/FrontendAPI/Datasets/IDXFile.swift Tests/Fuzz/IDXFuzz/IDXFuzz.swift \
    >>"$out/build.log" 2>&1; then
  cat "$out/build.log"
  # A toolchain without libFuzzer (Xcode's, say) cannot run this check; that is no failure.
  if grep -qE "unsupported option '-sanitize=fuzzer'|libclang_rt\.fuzzer.*(not found|No such file)" \
    "$out/build.log"; then
    echo "ok 1 # SKIP this Swift toolchain has no libFuzzer"
    echo "0 passed, 0 failed"
    exit 0
  fi
  report 1 "IDX fuzz target builds"
fi

# Seeds: a valid file of each rank, plain and gzip, a truncated one and one promising too much.
header() { printf '\x00\x00\x08'"$1"; }
header '\x01' >"$out/corpus/rank1" && printf '\x00\x00\x00\x03\x01\x02\x03' >>"$out/corpus/rank1"
header '\x03' >"$out/corpus/rank3"
printf '\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00\x02\x01\x02\x03\x04' >>"$out/corpus/rank3"
gzip -c "$out/corpus/rank1" >"$out/corpus/rank1.gz"
gzip -c "$out/corpus/rank3" >"$out/corpus/rank3.gz"
head -c 9 "$out/corpus/rank3" >"$out/corpus/truncated"
header '\x01' >"$out/corpus/huge" && printf '\xff\xff\xff\xff\x00' >>"$out/corpus/huge"

start=$SECONDS
"$out/idx-fuzz" -runs="$runs" -max_len=4096 -rss_limit_mb=2048 -timeout=10 \
  -artifact_prefix="$out/artifacts/" "$out/corpus" >"$out/run.log" 2>&1
status=$?
tail -n 5 "$out/run.log"
echo "# $runs runs in $((SECONDS - start)) s, exit status $status"
if ((status != 0)); then cat "$out/run.log" | tail -n 60; fi
report "$status" "IDX loader survives $runs fuzzed inputs"
