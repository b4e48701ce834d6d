#!/usr/bin/env bash
# The paper's protocol at full size (issue 10 part 2), with the JVM's resident memory (VmRSS of
# /proc/<pid>/status) sampled every 5 s into OUT/rss.tsv (seconds since start, kB).
#
#   ./distill generate --format ferplus --out runs/fer-full --size 35887 --seed 1
#   tools/bench/full_protocol.sh runs/fer-full runs/protocol-full [extra compare options]
#   python3 tools/bench/epoch_table.py runs/protocol-full/train.log
#
# resnet18, SGD with Nesterov momentum 0.9 and weight decay 5e-4, a one-cycle schedule (teacher
# peak rate 0.05, students 0.01), batch 64, flips; teacher 8 epochs, students 6; every strategy;
# seed 1. Rerunning the same command after an interruption resumes from the last finished epoch
# (OUT/rss.tsv is then appended to, its clock restarting at 0). Run it on a quiet machine if you
# also want its epoch times.
set -euo pipefail
root="$1"
out="$2"
shift 2
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
mkdir -p "$out"
start=$(date +%s)
"$here/distill" compare --dataset ferplus --root "$root" --occlusion vr-headset \
  --model resnet18 --optimizer sgd --momentum 0.9 --nesterov --weight-decay 5e-4 \
  --schedule one-cycle --teacher-lr 0.05 --lr 0.01 --teacher-epochs 8 --epochs 6 \
  --strategies finetune,kd,triplet,hint,kd+triplet,fusion --seed 1 --out "$out" "$@" \
  > "$out/stdout.txt" 2> "$out/stderr.txt" &
pid=$!
java_pid=""
for _ in $(seq 1 600); do
  # ./distill execs java, so the background job becomes the JVM once the jar is built
  if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = java ]; then java_pid="$pid"; fi
  [ -n "$java_pid" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
echo "java pid ${java_pid:-none}" >> "$out/rss.tsv.info"
while [ -n "$java_pid" ] && kill -0 "$java_pid" 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$java_pid/status" 2>/dev/null || echo 0)
  printf '%d\t%s\n' $(( $(date +%s) - start )) "$rss" >> "$out/rss.tsv"
  sleep 5
done
status=0
wait "$pid" || status=$?
echo "exit $status after $(( $(date +%s) - start )) s" >> "$out/rss.tsv.info"
awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { printf "peak VmRSS %.0f MB\n", m / 1024 }' "$out/rss.tsv"
exit "$status"
