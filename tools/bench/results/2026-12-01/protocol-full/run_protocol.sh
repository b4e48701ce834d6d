#!/usr/bin/env bash
# The paper's protocol at full size, with the process's resident memory sampled every 5 s.
# Usage: run_protocol.sh OUT_DIR [extra distill options]
set -euo pipefail
out="$1"; shift
mkdir -p "$out"
cd /work/main
start=$(date +%s)
./distill compare --dataset ferplus --root /work/full/fer-35887 --occlusion vr-headset \
  --model resnet18 --optimizer sgd --momentum 0.9 --nesterov --weight-decay 5e-4 \
  --schedule one-cycle --teacher-lr 0.05 --lr 0.01 --teacher-epochs 8 --epochs 6 \
  --strategies finetune,kd,triplet,hint,kd+triplet,fusion --seed 1 --out "$out" "$@" \
  > "$out/stdout.txt" 2> "$out/stderr.txt" &
pid=$!
sleep 2
java_pid=$(pgrep -P $pid java || pgrep -f "distill.jar compare" | head -1)
echo "java pid $java_pid" > "$out/rss.tsv.info"
while kill -0 $java_pid 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print $2}' /proc/$java_pid/status 2>/dev/null || echo 0)
  echo -e "$(( $(date +%s) - start ))\t$rss" >> "$out/rss.tsv"
  sleep 5
done
wait $pid; rc=$?
echo "exit $rc after $(( $(date +%s) - start )) s" >> "$out/rss.tsv.info"
