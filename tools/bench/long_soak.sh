#!/usr/bin/env bash
# The long memory soak (issue 10): a full-size training whose resident memory after epoch 10 must
# be within 5% of its value after epoch 2. Every epoch line of train.log ends with the process's
# VmRSS ("| rss N MB", read from /proc/self/status at the end of the epoch, native memory
# included); the heap is committed and touched up front, so growth can only be native memory.
#
#   ./distill generate --format ferplus --out runs/fer-full --size 35887 --seed 1
#   tools/bench/long_soak.sh runs/fer-full runs/long-soak [epochs] [model] [train-teacher options]
#   tools/bench/long_soak.sh runs/fer-full runs/long-soak 10 small-cnn --model-option widths=16,32,64,128
#
# Defaults: 10 epochs of resnet18 with the paper's protocol (SGD, Nesterov momentum 0.9, weight
# decay 5e-4, one-cycle schedule, batch 64, flips). Run it on a quiet machine if you also want its
# epoch times. Exit status 1 if epoch 10's resident set exceeds epoch 2's by more than 5%.
set -euo pipefail
root="$1"
out="$2"
epochs="${3:-10}"
model="${4:-resnet18}"
shift $(( $# < 4 ? $# : 4 ))
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rm -rf "$out"
DISTILL_JAVA_OPTS="${DISTILL_JAVA_OPTS:--Xms6g -Xmx6g -XX:+AlwaysPreTouch}" \
  "$here/distill" train-teacher --dataset ferplus --root "$root" --model "$model" \
  --optimizer sgd --momentum 0.9 --nesterov --weight-decay 5e-4 --schedule one-cycle \
  --teacher-lr 0.05 --teacher-epochs "$epochs" --seed 1 --out "$out" "$@"
rss() { grep -E "^teacher epoch $1/" "$out/train.log" | sed -E 's/.*\| rss ([0-9]+) MB.*/\1/'; }
first="$(rss 2)"
last="$(rss "$epochs")"
echo "VmRSS after epoch 2: $first MB; after epoch $epochs: $last MB"
grep -E '^teacher epoch' "$out/train.log" | sed -E 's/.*epoch ([0-9]+)\/.*\| ([0-9.]+)s .*rss ([0-9]+) MB.*/epoch \1: \2 s, rss \3 MB/'
awk -v a="$first" -v b="$last" 'BEGIN { g = (b - a) / a * 100; printf "growth %.2f%%\n", g; exit (g > 5) }'
