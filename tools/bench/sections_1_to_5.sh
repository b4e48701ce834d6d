#!/usr/bin/env bash
# Re-measures BENCHMARKS.md sections 1, 2, 3 and 5 (the small-model tables) into OUT, Java and
# PyTorch alternating, with the load average before each run in OUT/runs.log. Quiet machine only.
#
#   mvn -B -o -q -pl distill-benchmarks -am package -DskipTests
#   tools/bench/sections_1_to_5.sh tools/bench/results/<date>/sections-1-5
#   python3 tools/bench/summarize.py tools/bench/results/<date>/sections-1-5
set -euo pipefail
out="$1"
mkdir -p "$out"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
jar="$here/distill-benchmarks/target/benchmarks.jar"
export OMP_NUM_THREADS=2 MALLOC_ARENA_MAX=1 MALLOC_MMAP_THRESHOLD_=33554432 \
  MALLOC_TRIM_THRESHOLD_=1073741824
run() {
  local name="$1"
  shift
  echo "$(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg) start $name" >> "$out/runs.log"
  "$@" > "$out/$name.log" 2>&1
  echo "$(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg) end $name" >> "$out/runs.log"
}
jmh() {
  local name="$1"
  shift
  run "jmh-$name" java -jar "$jar" "$@" -rf json -rff "$out/jmh-$name.json"
}
py() {
  local name="$1"
  shift
  run "pytorch-$name" /usr/bin/python3 "$here/tools/bench/pytorch_step.py" "$@" \
    --json "$out/pytorch-$name.json"
}
jmh epoch-paired DistillationEpochPairedBenchmark -f 1
py epoch --only epoch
jmh model-step ModelStepBenchmark -wi 2 -i 3 -f 1
py step --only step
jmh kd-loss KdLogitsLossBenchmark -wi 2 -i 3 -f 1
py loss --only loss
jmh triplet-loss TripletLossBenchmark -wi 2 -i 3 -f 1
jmh ferplus-load FerPlusLoadBenchmark -wi 1 -i 3 -f 1
