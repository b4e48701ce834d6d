#!/usr/bin/python3
"""Prints the epochs of a train.log (written by compare, train-teacher and distill) as one
Markdown row per run: epoch time (mean, min, max), images/s, forward, backward, their ratio,
optimizer and its share of the epoch, validation, and the resident set after each epoch.

    python3 tools/bench/epoch_table.py OUT/train.log
"""
import re, sys, collections
rows = collections.OrderedDict()
pat = re.compile(r'^(.*?) epoch (\d+)/(\d+) loss ([0-9.]+).*?\| val acc ([0-9.]+)% \| (\d+) img/s \| ([0-9.]+)s \| rss (\d+) MB \| data ([0-9.]+)s, teacher ([0-9.]+)s, student forward ([0-9.]+)s, backward ([0-9.]+)s, optimizer ([0-9.]+)s, validation ([0-9.]+)s')
for line in open(sys.argv[1]):
    m = pat.match(line.strip())
    if not m: continue
    stage = m.group(1)
    rows.setdefault(stage, {})[int(m.group(2))] = m.groups()
print("| run | epochs | epoch (s), mean [min, max] | img/s | forward (s) | backward (s) | backward / forward | optimizer (s) | optimizer share | validation (s) | RSS after each epoch (MB) |")
print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
for stage, eps in rows.items():
    e = [eps[k] for k in sorted(eps)]
    t = [float(x[6]) for x in e]; f=[float(x[10]) for x in e]; b=[float(x[11]) for x in e]; o=[float(x[12]) for x in e]; v=[float(x[13]) for x in e]
    ips=[int(x[5]) for x in e]
    n=len(e); mean=lambda a: sum(a)/len(a)
    print("| %s | %d | %.1f [%.1f, %.1f] | %.0f | %.1f | %.1f | %.2f | %.1f | %.1f%% | %.1f | %s |" % (
        stage, n, mean(t), min(t), max(t), mean(ips), mean(f), mean(b), sum(b)/sum(f), mean(o), 100*sum(o)/sum(t), mean(v), ", ".join(x[7] for x in e)))
