#!/usr/bin/env bash
# The C ABI tests, against the built libplexus_c.so:
#   - every public header compiles alone as C99, C11 and C++17 under gcc and clang;
#   - the ABI baselines: the exported px_ symbols (baseline/symbols.txt) and the layout of every
#     struct and constant (layout_probe.c, baseline/layout.txt) are what they were, and match
#     include/plexus.h;
#   - test_abi.c and test_sweep (sweep/*.c: a hostile caller of every function of plexus.h,
#     then the happy paths), compiled against include/ alone; test_sweep once per section, in a
#     process each;
#   - test_sweep under valgrind (memcheck: no invalid access, no definite leak) and under
#     AddressSanitizer (the C client instrumented; the Swift library is not);
#   - bindings/c/examples/train_mlp.c builds, and trains one epoch on 2,000 images.
# Prints one "ok ..." / "not ok ..." line per test (test_abi and test_sweep print their own);
# exits non-zero when any failed. Takes well under a minute with the debug library.
# Usage: Tests/CABITests/run.sh [build-dir]   (default .build/debug)
set -uo pipefail
cd "$(dirname "$0")/../.."
build_dir=$(realpath "${1:-.build/debug}")
library=$build_dir/libplexus_c.so
# The BLIS plugin the package builds beside the library: the sweep's plugins section loads it.
export PLEXUS_TEST_BLIS_PLUGIN=$build_dir/libpx_blis.so
tests=Tests/CABITests
baseline=$tests/baseline
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
export SWIFT_BACKTRACE=enable=no

report() {  # report STATUS DESCRIPTION [LOG]: "ok - ..." when STATUS is 0, else "not ok - ..."
  if [[ $1 == 0 ]]; then
    echo "ok - $2"
  else
    echo "not ok - $2"
    [[ -n ${3:-} && -s ${3:-} ]] && sed 's/^/#   /' "$3" | head -n 60
    failed=1
  fi
}

skip() { echo "ok - $1 # SKIP $2"; }

strict=(-std=c99 -Wall -Wextra -Wpedantic -Werror -Iinclude)
sweep=("$tests"/sweep/*.c)  # test_sweep: main.c, support.c and a file per section (sweep.h)

# ---------------------------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------------------------
flags=(-Wall -Wextra -Wpedantic -Werror -fsyntax-only -Iinclude)
for header in plexus.h plexus_plugin.h plexus_ops.h; do
  for compiler in gcc clang; do
    if ! command -v "$compiler" >/dev/null; then
      skip "$header under $compiler" "$compiler not installed"
      continue
    fi
    for std in c99 c11; do
      echo "#include <$header>" | "$compiler" -std=$std "${flags[@]}" -x c - >"$work/log" 2>&1
      report $? "$header compiles alone with $compiler -std=$std" "$work/log"
    done
  done
  for compiler in g++ clang++; do
    if ! command -v "$compiler" >/dev/null; then
      skip "$header under $compiler" "$compiler not installed"
      continue
    fi
    echo "#include <$header>" | "$compiler" -std=c++17 "${flags[@]}" -x c++ - >"$work/log" 2>&1
    report $? "$header compiles alone with $compiler -std=c++17" "$work/log"
  done
done

if [[ ! -f $library ]]; then
  echo "not ok - $library is missing (run swift build first)"
  exit 1
fi

# ---------------------------------------------------------------------------------------------
# ABI baselines: exported symbols
# ---------------------------------------------------------------------------------------------
# The functions plexus.h declares, from gcc's own parse of the header (-aux-info).
echo '#include <plexus.h>' | gcc -std=c99 -Iinclude -x c - -fsyntax-only -aux-info "$work/aux" \
  >"$work/log" 2>&1
grep 'include/plexus\.h:' "$work/aux" | grep -oE '\bpx_[a-z0-9_]+ \(' | tr -d ' (' \
  | LC_ALL=C sort -u >"$work/declared"
nm -D --defined-only "$library" | awk '{print $3}' | LC_ALL=C sort -u >"$work/exports"
grep -E '^px_' "$work/exports" >"$work/exported"

check_set() {  # check_set EXPECTED ACTUAL: writes the names of EXPECTED missing from ACTUAL
  LC_ALL=C comm -23 "$1" "$2"
}

[[ -s $work/declared ]]
report $? "gcc -aux-info lists the functions of include/plexus.h" "$work/log"

if LC_ALL=C sort -c "$baseline/symbols.txt" 2>"$work/log" && ! grep -vqE '^px_[a-z0-9_]+$' \
  "$baseline/symbols.txt"; then
  report 0 "baseline/symbols.txt is a sorted list of px_ names"
else
  report 1 "baseline/symbols.txt is a sorted list of px_ names (LC_ALL=C sort -u)" "$work/log"
fi

check_set "$baseline/symbols.txt" "$work/exported" >"$work/missing"
if [[ -s $work/missing ]]; then
  {
    echo "the library no longer exports these symbols of baseline/symbols.txt: removing or"
    echo "renaming a function breaks every client built against an earlier plexus.h"
    echo "(functions are only ever appended within a major version):"
    sed 's/^/  /' "$work/missing"
  } >"$work/log"
  report 1 "the library exports every symbol of baseline/symbols.txt" "$work/log"
else
  report 0 "the library exports every symbol of baseline/symbols.txt"
fi

check_set "$work/exported" "$baseline/symbols.txt" >"$work/new"
if [[ -s $work/new ]]; then
  {
    echo "the library exports px_ symbols that baseline/symbols.txt lacks:"
    sed 's/^/  /' "$work/new"
    echo "a new function is an ABI addition: append it to Tests/CABITests/baseline/symbols.txt"
    echo "(keep it sorted: LC_ALL=C sort) and bump PX_ABI_VERSION_MINOR in include/plexus.h"
  } >"$work/log"
  report 1 "the library exports no px_ symbol beyond baseline/symbols.txt" "$work/log"
else
  report 0 "the library exports no px_ symbol beyond baseline/symbols.txt"
fi

check_set "$work/exported" "$work/declared" >"$work/undeclared"
{
  echo "exported by the library but not declared in include/plexus.h:"
  sed 's/^/  /' "$work/undeclared"
} >"$work/log"
[[ ! -s $work/undeclared ]]
report $? "every px_ symbol the library exports is declared in include/plexus.h" "$work/log"

check_set "$work/declared" "$work/exported" >"$work/unexported"
{
  echo "declared in include/plexus.h but not exported by the library:"
  sed 's/^/  /' "$work/unexported"
} >"$work/log"
[[ ! -s $work/unexported ]]
report $? "every function declared in include/plexus.h is exported" "$work/log"

check_set "$work/declared" "$baseline/symbols.txt" >"$work/unlisted"
{
  echo "declared in include/plexus.h but missing from baseline/symbols.txt:"
  sed 's/^/  /' "$work/unlisted"
} >"$work/log"
[[ ! -s $work/unlisted ]]
report $? "baseline/symbols.txt lists every function of include/plexus.h" "$work/log"

# Besides px_ functions the library may export only Swift's mangled symbols ($s...) and the
# linker's markers: another C name (a helper of a C target) would be part of no header yet
# claim a name in every client's process (ABI.md: only px_ symbols may be exported).
grep -vE '^(px_|\$s|_edata$|_end$|__bss_start$|_init$|_fini$)' "$work/exports" >"$work/foreign"
{
  echo "the library exports C symbols that are neither px_ nor Swift's (give them hidden"
  echo "visibility, e.g. __attribute__((visibility(\"hidden\"))), or a px_ name in a header):"
  sed 's/^/  /' "$work/foreign"
} >"$work/log"
[[ ! -s $work/foreign ]]
report $? "the library exports no C symbol besides px_ ones (and Swift's own)" "$work/log"

# test_sweep (sweep/) must call every function of the header (a new function needs its hostile
# tests).
for name in $(cat "$work/declared"); do
  grep -rqE "\b$name\(" $tests/sweep || echo "  $name"
done >"$work/uncalled"
{
  echo "test_sweep (Tests/CABITests/sweep/) never calls:"
  cat "$work/uncalled"
} >"$work/log"
[[ ! -s $work/uncalled ]]
report $? "test_sweep (sweep/) calls every function of include/plexus.h" "$work/log"

# ---------------------------------------------------------------------------------------------
# ABI baselines: struct layout and constants
# ---------------------------------------------------------------------------------------------
# The probe must list every constant and every struct field of plexus.h.
{
  grep -oE '^#define PX_[A-Z0-9_]+' include/plexus.h | awk '{print $2}' \
    | grep -vE '^PX_(API|NODISCARD)$' | while read -r name; do
    grep -qE "CONSTANT\($name\b" $tests/layout_probe.c || echo "  constant $name"
  done
  awk '/^typedef struct [a-z_]+ \{/ {s = $3; print "struct " s; next}
       s != "" && /^\}/ {s = ""; next}
       s != "" {line = $0; sub(/\/\*.*$/, "", line)
                if (match(line, /[A-Za-z_][A-Za-z0-9_]*;/))
                  print "field " s "." substr(line, RSTART, RLENGTH - 1)}' include/plexus.h \
    | while read -r kind name; do
      if [[ $kind == struct ]]; then
        grep -qE "TYPE\($name\)" $tests/layout_probe.c || echo "  struct $name"
      else
        grep -qE "FIELD\(${name%%.*}, ${name#*.}\)" $tests/layout_probe.c || echo "  field $name"
      fi
    done
} >"$work/unprobed"
{
  echo "layout_probe.c does not print these (add them, then the lines to baseline/layout.txt):"
  cat "$work/unprobed"
} >"$work/log"
[[ ! -s $work/unprobed ]]
report $? "layout_probe.c covers every PX_ constant, struct and field of plexus.h" "$work/log"

if gcc "${strict[@]}" $tests/layout_probe.c -o "$work/layout_probe" >"$work/log" 2>&1 \
  && "$work/layout_probe" >"$work/layout" 2>>"$work/log"; then
  if diff -u "$baseline/layout.txt" "$work/layout" >"$work/layout.diff"; then
    report 0 "the struct layout and constants of plexus.h match baseline/layout.txt"
  else
    {
      if grep -qE '^-[^-]' "$work/layout.diff"; then
        echo "a size, offset or value of baseline/layout.txt changed or went away: that breaks"
        echo "clients built against the earlier header (fields and constants are only ever"
        echo "appended within a major version). If it is meant, it needs a new major version."
      else
        echo "new fields or constants: append their lines to Tests/CABITests/baseline/layout.txt"
        echo "(the output of layout_probe.c) and bump PX_ABI_VERSION_MINOR in include/plexus.h."
      fi
      tail -n +3 "$work/layout.diff"
    } >"$work/log"
    report 1 "the struct layout and constants of plexus.h match baseline/layout.txt" "$work/log"
  fi
else
  report 1 "layout_probe.c builds and runs" "$work/log"
fi

# ---------------------------------------------------------------------------------------------
# test_abi.c
# ---------------------------------------------------------------------------------------------
link=(-pthread -lm -L"$build_dir" -lplexus_c -Wl,-rpath,"$build_dir")
gcc "${strict[@]}" $tests/test_abi.c -o "$work/test_abi" "${link[@]}" >"$work/log" 2>&1
report $? "test_abi.c compiles against include/ alone" "$work/log"
if [[ -x $work/test_abi ]]; then
  timeout 60 "$work/test_abi"
  status=$?
  if [[ $status != 0 ]]; then
    [[ $status -gt 128 ]] && echo "not ok - test_abi died from signal $((status - 128))"
    [[ $status == 124 ]] && echo "not ok - test_abi timed out"
    failed=1
  fi
fi

# ---------------------------------------------------------------------------------------------
# test_sweep (sweep/*.c): each section in a process of its own, so that a crash or a hang in one
# does not hide the results of the others
# ---------------------------------------------------------------------------------------------
gcc "${strict[@]}" -g "${sweep[@]}" -o "$work/test_sweep" "${link[@]}" >"$work/log" 2>&1
report $? "test_sweep (sweep/*.c) compiles against include/ alone" "$work/log"
if [[ -x $work/test_sweep ]]; then
  : >"$work/sweep.out"
  for section in $("$work/test_sweep" --list); do
    timeout 120 "$work/test_sweep" "$section" >"$work/section.out" 2>&1
    status=$?
    grep -vE '^1\.\.[0-9]+$' "$work/section.out" | tee -a "$work/sweep.out"
    if ((status == 124)); then
      echo "not ok - test_sweep section $section timed out after 120 s (a deadlock?)"
    elif ((status > 128)); then
      echo "not ok - test_sweep section $section died from signal $((status - 128))"
    elif ((status != 0)) && ! grep -q '^not ok' "$work/section.out"; then
      echo "not ok - test_sweep section $section exited with status $status"
    fi
    ((status != 0)) && failed=1
  done
fi
# The descriptions of the checks that failed without any tool, to tell apart below (digits
# left out: some descriptions show measured values, which differ between backends).
failed_checks() {
  grep -E '^not ok' "$1" 2>/dev/null | sed -E 's/^not ok [0-9]+ - //; s/[0-9]+//g' \
    | LC_ALL=C sort -u
}
failed_checks "$work/sweep.out" >"$work/sweep.failed"

# new_failures OUTPUT: the checks that failed in OUTPUT but not in the plain run.
new_failures() {
  failed_checks "$1" | LC_ALL=C comm -23 - "$work/sweep.failed"
}

# ---------------------------------------------------------------------------------------------
# test_sweep under valgrind
# ---------------------------------------------------------------------------------------------
# Debian's valgrind 3.19 cannot read the DWARF 5 debug info of the Swift toolchain's output
# ("debuginfo reader: Possibly corrupted debuginfo file ... Giving up"), so memcheck runs on a
# copy of the library (and of the BLIS plugin the plugins section loads) without debug sections
# (symbols stay, so stacks still name functions). The whole sweep takes about 3 minutes under
# memcheck on this 2-core machine when nothing else runs; the bound leaves room for a busy one.
if ! command -v valgrind >/dev/null; then
  skip "test_sweep under valgrind: no leaks, no invalid reads" "valgrind not installed"
elif [[ -x $work/test_sweep ]]; then
  mkdir -p "$work/valgrind"
  objcopy --strip-debug "$PLEXUS_TEST_BLIS_PLUGIN" "$work/valgrind/libpx_blis.so"
  objcopy --strip-debug "$library" "$work/valgrind/libplexus_c.so" \
    && gcc -std=c99 -g -gdwarf-4 -Iinclude "${sweep[@]}" -o "$work/valgrind/test_sweep" \
      -pthread -lm -L"$work/valgrind" -lplexus_c -Wl,-rpath,"$work/valgrind" >"$work/log" 2>&1
  if [[ $? != 0 ]]; then
    report 1 "test_sweep under valgrind: builds" "$work/log"
  else
    PLEXUS_TEST_BLIS_PLUGIN=$work/valgrind/libpx_blis.so \
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 PLEXUS_BACKEND=reference timeout 450 \
      valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
      --suppressions=$tests/valgrind.supp --num-callers=30 "$work/valgrind/test_sweep" \
      >"$work/valgrind.out" 2>"$work/valgrind.log"
    status=$?
    new_failures "$work/valgrind.out" >"$work/valgrind.new"
    if ((status == 99)) || grep -qE '^==[0-9]+== (Invalid|Conditional|Use of uninit|Syscall param|Mismatched|Source and destination)' "$work/valgrind.log" \
      || ! grep -qE 'ERROR SUMMARY: 0 errors' "$work/valgrind.log"; then
      grep -E '^==[0-9]+==' "$work/valgrind.log" | grep -vE '^==[0-9]+== (Memcheck|Copyright|Using Valgrind|Command|$)' \
        | sed -E 's/^==[0-9]+== ?//' | cut -c1-200 >"$work/log"
      report 1 "test_sweep under valgrind: no leaks, no invalid reads" "$work/log"
    elif ((status == 124 || status > 128)); then
      tail -n 20 "$work/valgrind.log" >"$work/log"
      report 1 "test_sweep under valgrind: no leaks, no invalid reads (it did not finish: status $status)" "$work/log"
    else
      report 0 "test_sweep under valgrind: no leaks, no invalid reads"
    fi
    sed 's/^/  /' "$work/valgrind.new" >"$work/log"
    [[ ! -s $work/valgrind.new ]]
    report $? "test_sweep under valgrind: no check fails that passes without it" "$work/log"
  fi
fi

# ---------------------------------------------------------------------------------------------
# test_sweep under AddressSanitizer
# ---------------------------------------------------------------------------------------------
# Only the C client is instrumented (the Swift library is not), but ASan's allocator serves the
# whole process: the library's own malloc/free go through it, buffer overruns of the client's
# arrays by the library's memcpy/memset are caught by the interceptors, and the leak checker
# sees every block. Leak checking stays on: the Swift runtime's caches are reachable from its
# globals, so LeakSanitizer reports nothing of theirs and needs no suppression. Where it cannot
# run at all (under ptrace, in some containers) the run is repeated with detect_leaks=0.
if gcc -std=c99 -g -fsanitize=address -fno-omit-frame-pointer -Iinclude "${sweep[@]}" \
  -o "$work/test_sweep_asan" "${link[@]}" >"$work/log" 2>&1; then
  asan_note=""
  ASAN_OPTIONS=detect_leaks=1:exitcode=98 timeout 300 "$work/test_sweep_asan" \
    >"$work/asan.out" 2>"$work/asan.log"
  status=$?
  if grep -q 'LeakSanitizer has encountered a fatal error\|LeakSanitizer does not work under ptrace' \
    "$work/asan.log"; then
    asan_note=" (leak checking unavailable here)"
    ASAN_OPTIONS=detect_leaks=0:exitcode=98 timeout 300 "$work/test_sweep_asan" \
      >"$work/asan.out" 2>"$work/asan.log"
    status=$?
  fi
  if ((status == 98)) || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)' "$work/asan.log"; then
    grep -vE '^\s*$' "$work/asan.log" | cut -c1-200 >"$work/log"
    report 1 "test_sweep under AddressSanitizer: no invalid access, no leak$asan_note" "$work/log"
  elif ((status == 124 || status > 128)); then
    tail -n 20 "$work/asan.log" >"$work/log"
    report 1 "test_sweep under AddressSanitizer (it did not finish: status $status)" "$work/log"
  else
    report 0 "test_sweep under AddressSanitizer: no invalid access, no leak$asan_note"
  fi
  new_failures "$work/asan.out" | sed 's/^/  /' >"$work/log"
  [[ ! -s $work/log ]]
  report $? "test_sweep under AddressSanitizer: no check fails that passes without it" "$work/log"
else
  report 1 "test_sweep (sweep/*.c) builds with -fsanitize=address" "$work/log"
fi

# ---------------------------------------------------------------------------------------------
# bindings/c/examples/train_mlp.c: builds with its Makefile, trains one epoch on a slice
# ---------------------------------------------------------------------------------------------
if [[ ! -f /usr/include/zlib.h ]]; then
  skip "train_mlp.c builds" "zlib1g-dev not installed"
else
  make -s -C bindings/c/examples BUILD="$build_dir" OUT="$work" \
    CFLAGS="-std=c99 -O2 -Wall -Wextra -Wpedantic -Werror" >"$work/log" 2>&1
  report $? "bindings/c/examples/train_mlp.c builds with its Makefile, -Werror" "$work/log"
  data=/usr/share/datasets/fashion-mnist
  if [[ ! -f $data/train-images-idx3-ubyte.gz ]]; then
    skip "train_mlp trains one epoch on 2,000 images" "dataset-fashion-mnist not installed"
  elif [[ -x $work/train_mlp ]]; then
    timeout 300 "$work/train_mlp" --data "$data" --epochs 1 --limit 2000 --seed 1 \
      >"$work/train.log" 2>&1
    status=$?
    accuracy=$(sed -nE 's/^Test accuracy: ([0-9.]+)$/\1/p' "$work/train.log")
    if ((status == 0)) && [[ -n $accuracy ]] && awk "BEGIN {exit !($accuracy > 0.5)}"; then
      report 0 "train_mlp trains one epoch on 2,000 images (test accuracy $accuracy > 0.5)"
    else
      report 1 "train_mlp trains one epoch on 2,000 images (status $status, accuracy '${accuracy}')" "$work/train.log"
    fi
    # The same through the BLIS plugin, loaded at run time (px_backend_load): the products run
    # in the plugin, as its dispatch counters say.
    timeout 300 "$work/train_mlp" --data "$data" --epochs 1 --limit 2000 --seed 1 \
      --plugin "$PLEXUS_TEST_BLIS_PLUGIN" --backend blis >"$work/train.log" 2>&1
    status=$?
    accuracy=$(sed -nE 's/^Test accuracy: ([0-9.]+)$/\1/p' "$work/train.log")
    dense=$(sed -nE 's/^Ops run on blis: [0-9]+ \(matmul ([0-9]+), dense ([0-9]+)\).*/\2/p' "$work/train.log")
    if ((status == 0)) && [[ -n $accuracy && -n $dense ]] \
      && awk "BEGIN {exit !($accuracy > 0.5 && $dense > 0)}"; then
      report 0 "train_mlp --plugin libpx_blis.so --backend blis trains (accuracy $accuracy, $dense dense ops in the plugin)"
    else
      report 1 "train_mlp through the BLIS plugin (status $status, accuracy '${accuracy}', dense '${dense}')" "$work/train.log"
    fi
  fi
fi

exit $failed
