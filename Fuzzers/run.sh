#!/usr/bin/env bash
# Builds Civic's libFuzzer targets and runs one of them for a given time.
#
#   Fuzzers/run.sh TARGET SECONDS [LIBFUZZER_OPTION...]
#
# TARGET is front-end (bytes → lexer, parser, checker, diagnostics, civic fmt)
# or run (scripts, as written or generated from the bytes, run under limits
# on a store in memory). The seeds are every .civic file of Tests/conformance
# and examples; the corpus the run grows, the crashes it finds and its log
# stay in the build folder (FUZZ_SCRATCH, default .build-fuzz):
#   corpus/TARGET/   inputs that reached new code (kept between runs)
#   crashes/TARGET/  crash-*, timeout-*, oom-*: rerun one with
#                    `BIN path/to/crash-…`, or see the script of a run crash with
#                    `swift run --package-path Fuzzers --scratch-path .build-fuzz-script fuzz-script FILE`
#   TARGET.log       libFuzzer's output; its last lines have the counts
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 2 ] || { [ "$1" != front-end ] && [ "$1" != run ]; }; then
  echo "usage: Fuzzers/run.sh front-end|run SECONDS [LIBFUZZER_OPTION...]" >&2
  exit 2
fi
target=$1
seconds=$2
shift 2
scratch=${FUZZ_SCRATCH:-.build-fuzz}
# SwiftPM rebuilds everything when the environment changes: keep it the same with and without FUZZ_SCRATCH.
unset FUZZ_SCRATCH

# SwiftPM passes `-sanitize=fuzzer -sanitize=address` to swiftc, and of two
# -sanitize flags swiftc keeps only the last: the code is built with ASan but
# without libFuzzer's coverage, and libFuzzer finds nothing new ("no
# interesting inputs were found"). The coverage is asked for explicitly
# (what -sanitize=fuzzer alone gives).
swift build --package-path Fuzzers --scratch-path "$scratch" -c debug \
  --sanitize fuzzer --sanitize address \
  -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
  --product "fuzz-$target"
binary="$scratch/debug/fuzz-$target"

# The seeds, flattened: conformance/store/award.civic → conformance-store-award.civic
# (a folder per target, so that two targets can run at once).
seeds="$scratch/seeds/$target"
rm -rf "$seeds"
mkdir -p "$seeds" "$scratch/corpus/$target" "$scratch/crashes/$target"
find Tests/conformance examples -name '*.civic' | while read -r f; do
  cp "$f" "$seeds/$(echo "${f#Tests/}" | tr / -)"
done

# SWIFT_BACKTRACE=enable=no: Swift's backtracer would take over the crashes
# libFuzzer must see. -timeout=20: an input that takes 20 s is a hang.
# -dict: the words and signs of the language, for the mutations.
SWIFT_BACKTRACE=enable=no "$binary" \
  -max_total_time="$seconds" -timeout=20 -print_final_stats=1 \
  -dict=Fuzzers/civic.dict \
  -artifact_prefix="$scratch/crashes/$target/" \
  "$@" "$scratch/corpus/$target" "$seeds" 2>&1 | tee "$scratch/$target.log"
