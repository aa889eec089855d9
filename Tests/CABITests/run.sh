#!/usr/bin/env bash
# The C ABI tests: every public header compiles alone as C99, C11 and C++17 under gcc and clang,
# and test_abi.c, compiled against include/ alone, passes against the built libplexus_c.so.
# Prints one "ok ..." / "not ok ..." line per test; exits non-zero when any failed.
# Usage: Tests/CABITests/run.sh [build-dir]   (default .build/debug)
set -uo pipefail
cd "$(dirname "$0")/../.."
build_dir=$(realpath "${1:-.build/debug}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

report() {  # report STATUS DESCRIPTION LOG
  if [[ $1 == 0 ]]; then
    echo "ok - $2"
  else
    echo "not ok - $2"
    sed 's/^/#   /' "$3"
    failed=1
  fi
}

flags=(-Wall -Wextra -Wpedantic -Werror -fsyntax-only -Iinclude)
for header in plexus.h plexus_plugin.h plexus_ops.h; do
  for compiler in gcc clang; do
    if ! command -v "$compiler" >/dev/null; then
      echo "ok - $header under $compiler # SKIP $compiler not installed"
      continue
    fi
    for std in c99 c11; do
      echo "#include <$header>" | "$compiler" -std=$std "${flags[@]}" -x c - >"$work/log" 2>&1
      report $? "$header compiles alone with $compiler -std=$std" "$work/log"
    done
  done
  for compiler in g++ clang++; do
    if ! command -v "$compiler" >/dev/null; then
      echo "ok - $header under $compiler # SKIP $compiler not installed"
      continue
    fi
    echo "#include <$header>" | "$compiler" -std=c++17 "${flags[@]}" -x c++ - >"$work/log" 2>&1
    report $? "$header compiles alone with $compiler -std=c++17" "$work/log"
  done
done

if [[ ! -f $build_dir/libplexus_c.so ]]; then
  echo "not ok - test_abi.c: $build_dir/libplexus_c.so is missing (run swift build first)"
  exit 1
fi
gcc -std=c99 -Wall -Wextra -Wpedantic -Werror -Iinclude Tests/CABITests/test_abi.c \
  -o "$work/test_abi" -pthread -L"$build_dir" -lplexus_c -Wl,-rpath,"$build_dir" \
  >"$work/log" 2>&1
report $? "test_abi.c compiles against include/ alone" "$work/log"
if [[ -x $work/test_abi ]]; then
  SWIFT_BACKTRACE=enable=no "$work/test_abi"
  status=$?
  if [[ $status != 0 ]]; then
    [[ $status -gt 128 ]] && echo "not ok - test_abi died from signal $((status - 128))"
    failed=1
  fi
fi
exit $failed
