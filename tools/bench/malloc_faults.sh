#!/usr/bin/env bash
# BENCHMARKS.md section 4: page faults and system time of the paired small-cnn epochs (section 1)
# with glibc's default malloc and with the ./distill launcher's settings, Java and PyTorch,
# counted by /usr/bin/time -v (children included). Quiet machine only.
#
#   mvn -B -o -q -pl distill-benchmarks -am package -DskipTests
#   tools/bench/malloc_faults.sh tools/bench/results/<date>/malloc
set -euo pipefail
out="$1"
mkdir -p "$out"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$here/distill-benchmarks/target/benchmarks.jar"
unset MALLOC_ARENA_MAX MALLOC_MMAP_THRESHOLD_ MALLOC_TRIM_THRESHOLD_
export OMP_NUM_THREADS=2
tuned=(MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=1073741824)
for mode in default tuned; do
  vars=()
  [ "$mode" = tuned ] && vars=("${tuned[@]}")
  env "${vars[@]}" /usr/bin/time -v java -jar "$jar" DistillationEpochPairedBenchmark -f 1 \
    -rf json -rff "$out/jmh-paired-$mode.json" > "$out/jmh-paired-$mode.log" 2>&1
  env "${vars[@]}" /usr/bin/time -v /usr/bin/python3 "$here/tools/bench/pytorch_step.py" \
    --only epoch --json "$out/pytorch-epoch-$mode.json" > "$out/pytorch-epoch-$mode.log" 2>&1
done
for f in "$out"/*.log; do
  printf '%s\t%s\t%s\n' "$(basename "$f" .log)" \
    "$(awk -F': ' '/Minor \(reclaiming/ {print $2}' "$f")" \
    "$(awk -F': ' '/System time/ {print $2}' "$f")"
done
