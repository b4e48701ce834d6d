package io.distill4j.examples.doctor;

import io.distill4j.core.Checks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Renders the results of one or more probe runs (one per oneDNN instruction set) as Markdown tables
 * with a column group per run, then a verdict per run.
 */
public final class DoctorReport {

    private DoctorReport() {}

    /**
     * One run of the probe.
     *
     * @param environment how oneDNN was capped, such as {@code ONEDNN_MAX_CPU_ISA=AVX2}
     * @param oneDnnIsa the instruction set oneDNN reported, or empty if unknown
     * @param result the results
     */
    public record Run(String environment, String oneDnnIsa, Doctor.RunResult result) {

        /**
         * Validates the components.
         *
         * @param environment the environment
         * @param oneDnnIsa the reported instruction set
         * @param result the results
         */
        public Run {
            Objects.requireNonNull(environment, "environment");
            Objects.requireNonNull(oneDnnIsa, "oneDnnIsa");
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * Renders the runs.
     *
     * @param runs the runs, at least one, with the same settings
     * @return the Markdown text, lines ended by {@code \n}
     */
    public static String render(List<Run> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("runs must not be empty");
        }
        Doctor.RunResult first = runs.get(0).result();
        StringBuilder sb = new StringBuilder();
        sb.append(
                Checks.format(
                        "float32 against float64 on %s, libtorch %s, batches %s. A kernel passes"
                            + " when every array of every batch is finite and max |f32 - f64| / max"
                            + " |f64| <= %s: the output, dX (the gradient with respect to the"
                            + " input), dW and dB (with respect to the weight and the bias)."
                            + " \"where\" is the worst array. At-risk channel counts are measured"
                            + " computed directly and zero-padded to a multiple of 16; \"(used)\""
                            + " marks the way the library computes them in that run.\n\n",
                        first.cpu().isEmpty() ? "an unknown CPU" : first.cpu(),
                        first.engineVersion(),
                        first.batches().stream()
                                .map(String::valueOf)
                                .collect(Collectors.joining(", ")),
                        first.tolerance()));
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            sb.append(
                    Checks.format(
                            "- %s: %s; oneDNN: %s; convolution guard %s (%s)\n",
                            letter(i),
                            run.environment(),
                            run.oneDnnIsa().isEmpty() ? "(not reported)" : run.oneDnnIsa(),
                            run.result().guardActive() ? "on" : "off",
                            run.result().guardMode()));
        }
        sb.append("\n### Layers of the architectures\n\n");
        table(sb, runs, Doctor.MODELS, true);
        sb.append("\n### The batch-norm nets' layers\n\n");
        table(sb, runs, Doctor.BN_NET, true);
        if (first.nets().size() > 0) {
            sb.append(
                    "\n### The batch-norm nets, trained: runs with a NaN or infinite gradient\n\n");
            sb.append("| net |");
            for (int i = 0; i < runs.size(); i++) {
                sb.append(' ').append(letter(i)).append(" |");
            }
            sb.append("\n|---|");
            sb.append("---|".repeat(runs.size()));
            sb.append('\n');
            for (int n = 0; n < first.nets().size(); n++) {
                sb.append("| ").append(first.nets().get(n).net()).append(" |");
                for (Run run : runs) {
                    BatchNormNanCheck.Result r = run.result().nets().get(n);
                    sb.append(
                            Checks.format(
                                    " %d of %d%s |",
                                    r.nonFiniteRuns(),
                                    r.runs(),
                                    r.parameters().isEmpty()
                                            ? ""
                                            : " (" + String.join(", ", r.parameters()) + ")"));
                }
                sb.append('\n');
            }
        }
        if (first.rows().stream().anyMatch(r -> r.group().equals(Doctor.SWEEP))) {
            sb.append(
                    Checks.format(
                            "\n### Input channel sweep: conv 3x3/1 pad 1, C -> %d on %dx%d, no"
                                    + " bias\n\n",
                            Doctor.SWEEP_FILTERS, Doctor.SWEEP_SIZE, Doctor.SWEEP_SIZE));
            table(sb, runs, Doctor.SWEEP, false);
        }
        sb.append("\n### Verdict\n\n");
        for (int i = 0; i < runs.size(); i++) {
            sb.append("- ").append(letter(i)).append(": ").append(verdict(runs.get(i).result()));
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * Returns one line on a run: whether everything the library computes matched float64.
     *
     * @param result the run's results
     * @return the line
     */
    public static String verdict(Doctor.RunResult result) {
        List<String> problems = new ArrayList<>();
        for (Doctor.Row row : result.failures()) {
            problems.add(
                    Checks.format(
                            "%s on %s (%s; %s) is off by %.3g relative in %s at batch %d",
                            row.kernel(),
                            row.input(),
                            row.route(),
                            row.usedBy(),
                            row.error().relative(),
                            row.error().array(),
                            row.error().batch()));
        }
        for (BatchNormNanCheck.Result net : result.nets()) {
            if (!net.pass()) {
                problems.add(
                        Checks.format(
                                "%s had NaN or infinite gradients in %d of %d runs",
                                net.net(), net.nonFiniteRuns(), net.runs()));
            }
        }
        if (problems.isEmpty()) {
            return "pass: every layer the architectures build, computed as the library computes it"
                    + " here, matches float64"
                    + (result.nets().isEmpty() ? "" : "; no NaN or infinite gradient");
        }
        return "FAIL: " + String.join("; ", problems);
    }

    private static void table(StringBuilder sb, List<Run> runs, String group, boolean full) {
        Map<String, Doctor.Row[]> byKey = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            for (Doctor.Row row : runs.get(i).result().rows()) {
                if (row.group().equals(group)) {
                    byKey.computeIfAbsent(key(row), k -> new Doctor.Row[runs.size()])[i] = row;
                }
            }
        }
        sb.append(full ? "| kernel | input | route | used by |" : "| C | route |");
        for (int i = 0; i < runs.size(); i++) {
            String l = letter(i);
            sb.append(Checks.format(" %s: max abs error (where) | %s: relative | %s |", l, l, l));
        }
        sb.append('\n').append(full ? "|---|---|---|---|" : "|---:|---|");
        sb.append("---:|---:|---|".repeat(runs.size())).append('\n');
        for (Doctor.Row[] rows : byKey.values()) {
            Doctor.Row row = Arrays.stream(rows).filter(Objects::nonNull).findFirst().orElseThrow();
            if (full) {
                sb.append(
                        Checks.format(
                                "| %s | %s | %s | %s |",
                                row.kernel(), row.input(), row.route(), row.usedBy()));
            } else {
                sb.append(
                        Checks.format(
                                "| %s | %s |",
                                row.input().substring(0, row.input().indexOf('x')), row.route()));
            }
            for (int i = 0; i < runs.size(); i++) {
                Doctor.Row r = rows[i];
                if (r == null) {
                    sb.append(" | | |");
                    continue;
                }
                KernelProbe.Error e = r.error();
                sb.append(
                        Checks.format(
                                " %.1e (b%d %s) | %.1e | %s%s |",
                                e.maxAbs(),
                                e.batch(),
                                e.array(),
                                e.relative(),
                                e.pass() ? "pass" : "**FAIL**",
                                r.atRisk() && r.used() ? " (used)" : ""));
            }
            sb.append('\n');
        }
    }

    private static String key(Doctor.Row row) {
        return row.kernel() + "|" + row.input() + "|" + row.route();
    }

    private static String letter(int i) {
        return String.valueOf((char) ('A' + i));
    }
}
