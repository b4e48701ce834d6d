package io.distill4j.data;

import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.core.Checks;
import io.distill4j.core.Task;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Counts of a loaded data set (the command line's {@code distill stats}): per split, the number of
 * samples and the count per class (or the age histogram), what loading skipped, repaired and
 * excluded and why, and how long loading took.
 *
 * <p>Computing the counts reads only labels, never images. {@link #render()} ends with exactly
 * three lines, {@code train: N}, {@code validation: N} and {@code test: N}.
 */
public final class DatasetStats {

    /** The splits in the order they are reported. */
    public static final List<Usage> SPLITS = List.of(Usage.TRAIN, Usage.VALIDATION, Usage.TEST);

    /** The number of skipped or repaired records {@link #render()} lists before summarizing. */
    public static final int LISTED = 50;

    /** The width of the age histogram's bins, in years. */
    public static final int AGE_BIN = 10;

    private final String name;
    private final Task task;
    private final Map<Usage, Integer> sizes;
    private final Map<Usage, long[]> counts;
    private final LoadReport report;
    private final Duration loadTime;
    private final Map<String, String> provenance;

    private DatasetStats(
            String name,
            Task task,
            Map<Usage, Integer> sizes,
            Map<Usage, long[]> counts,
            LoadReport report,
            Duration loadTime,
            Map<String, String> provenance) {
        this.name = name;
        this.task = task;
        this.sizes = sizes;
        this.counts = counts;
        this.report = report;
        this.loadTime = loadTime;
        this.provenance = provenance;
    }

    /**
     * Counts a loaded data set.
     *
     * @param source the data set
     * @return the counts
     */
    public static DatasetStats compute(FaceDataSource source) {
        Objects.requireNonNull(source, "source");
        Task task = source.task();
        Map<Usage, Integer> sizes = new EnumMap<>(Usage.class);
        Map<Usage, long[]> counts = new EnumMap<>(Usage.class);
        for (Usage usage : SPLITS) {
            FaceSplit split = source.split(usage);
            sizes.put(usage, split.size());
            if (task.isClassification()) {
                counts.put(usage, split.classCounts());
            } else {
                long[] histogram = new long[0];
                for (int i = 0; i < split.size(); i++) {
                    int bin = (int) Math.max(0, Math.floor(split.target(i)[0] / AGE_BIN));
                    if (bin >= histogram.length) {
                        histogram = java.util.Arrays.copyOf(histogram, bin + 1);
                    }
                    histogram[bin]++;
                }
                counts.put(usage, histogram);
            }
        }
        return new DatasetStats(
                source.name(),
                task,
                Collections.unmodifiableMap(sizes),
                Collections.unmodifiableMap(counts),
                source.report(),
                source.loadTime(),
                source.provenance());
    }

    /**
     * Returns the data set name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the number of samples of a split.
     *
     * @param usage the split
     * @return the size
     */
    public int size(Usage usage) {
        return sizes.get(Objects.requireNonNull(usage, "usage"));
    }

    /**
     * Returns the per-class counts (classification) or the histogram of target values in bins of
     * {@value #AGE_BIN} ({@code [0, 10)}, {@code [10, 20)}, ...; regression) of a split.
     *
     * @param usage the split
     * @return a copy of the counts
     */
    public long[] counts(Usage usage) {
        return counts.get(Objects.requireNonNull(usage, "usage")).clone();
    }

    /**
     * Returns the load report.
     *
     * @return the report
     */
    public LoadReport report() {
        return report;
    }

    /**
     * Returns the load time.
     *
     * @return the time
     */
    public Duration loadTime() {
        return loadTime;
    }

    /**
     * Renders the counts as text; the last three lines are {@code train: N}, {@code validation: N}
     * and {@code test: N}.
     *
     * @return the text, lines separated by {@code \n}, ending with a line break
     */
    public String render() {
        StringBuilder sb = new StringBuilder();
        line(sb, "dataset: %s", name);
        line(sb, "task: %s%s", task, task.isClassification() ? " " + task.classNames() : "");
        provenance.forEach(
                (k, v) -> {
                    if (!k.equals("dataset")) {
                        line(sb, "%s: %s", k, v);
                    }
                });
        line(sb, "loaded in %.3f s", loadTime.toNanos() / 1e9);
        line(
                sb,
                "skipped records: %d (on bad record: %s)",
                report.skipped().size(),
                report.policy().optionName());
        list(sb, report.skipped());
        line(sb, "repaired records: %d", report.repaired().size());
        list(sb, report.repaired());
        for (String note : report.notes()) {
            line(sb, "note: %s", note);
        }
        for (Usage usage : SPLITS) {
            String split = usage.name().toLowerCase(Locale.ROOT);
            line(sb, "split %s: %d samples", split, sizes.get(usage));
            long[] c = counts.get(usage);
            StringBuilder row = new StringBuilder();
            for (int i = 0; i < c.length; i++) {
                if (row.length() > 0) {
                    row.append(", ");
                }
                if (task.isClassification()) {
                    row.append(task.classNames().get(i)).append(' ').append(c[i]);
                } else {
                    row.append(
                            Checks.format(
                                    "%d-%d %d", i * AGE_BIN, i * AGE_BIN + AGE_BIN - 1, c[i]));
                }
            }
            line(sb, "  %s: %s", task.isClassification() ? "classes" : "ages", row);
            Map<String, Long> excluded = report.excluded(usage);
            if (!excluded.isEmpty()) {
                StringBuilder why = new StringBuilder();
                excluded.forEach(
                        (reason, n) ->
                                why.append(why.length() == 0 ? "" : "; ")
                                        .append(reason)
                                        .append(": ")
                                        .append(n));
                line(sb, "  excluded: %d (%s)", report.excludedCount(usage), why);
            }
        }
        for (Usage usage : SPLITS) {
            line(sb, "%s: %d", usage.name().toLowerCase(Locale.ROOT), sizes.get(usage));
        }
        return sb.toString();
    }

    private static void list(StringBuilder sb, List<RecordIssue> issues) {
        for (int i = 0; i < Math.min(LISTED, issues.size()); i++) {
            line(sb, "  %s", issues.get(i));
        }
        if (issues.size() > LISTED) {
            line(sb, "  ... and %d more", issues.size() - LISTED);
        }
    }

    private static void line(StringBuilder sb, String format, Object... args) {
        sb.append(Checks.format(format, args)).append('\n');
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format(
                "DatasetStats[%s, train=%d, validation=%d, test=%d]",
                name, sizes.get(Usage.TRAIN), sizes.get(Usage.VALIDATION), sizes.get(Usage.TEST));
    }
}
