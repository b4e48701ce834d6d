package io.distill4j.examples.experiment;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.distill4j.core.Checks;
import io.distill4j.core.EpochResult;
import io.distill4j.core.EvaluationResult;
import io.distill4j.core.Task;
import io.distill4j.examples.experiment.PairedBootstrap.Interval;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Writes a comparison's report into a folder: {@code results.md} (the table, its notes, the
 * per-class or per-decade tables and the confusion matrices), {@code results.json}, per-image
 * predictions of every model ({@code predictions/*.csv}), per-epoch curves ({@code curves.csv}) and
 * PNG charts: {@code metric.png} (each model's metric with its 95% confidence interval), {@code
 * difference.png} (each strategy minus the baseline, with its interval), {@code teacher.png} (the
 * teacher on clean and occluded faces, per class or decade), {@code confusion-<model>.png}
 * (classification), {@code loss-curves.png} and {@code validation-curves.png}.
 */
public final class ReportWriter {

    private static final Gson GSON =
            new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private ReportWriter() {}

    /**
     * Writes the report, without provenance.
     *
     * @param out the output folder (created if needed)
     * @param comparison the results
     * @param title the report's title
     * @param details key facts shown under the title (data set, task, occlusion, ...)
     * @return the markdown, as written to {@code results.md}
     * @throws IOException if a file cannot be written
     */
    public static String write(
            Path out, Comparison comparison, String title, Map<String, String> details)
            throws IOException {
        return write(out, comparison, title, details, Optional.empty());
    }

    /**
     * Writes the report.
     *
     * @param out the output folder (created if needed)
     * @param comparison the results
     * @param title the report's title
     * @param details key facts shown under the title (data set, task, occlusion, ...)
     * @param provenance the data and teacher the results rest on, recorded in {@code results.json}
     *     for {@code distill report}
     * @return the markdown, as written to {@code results.md}
     * @throws IOException if a file cannot be written
     */
    public static String write(
            Path out,
            Comparison comparison,
            String title,
            Map<String, String> details,
            Optional<Provenance> provenance)
            throws IOException {
        Files.createDirectories(out.resolve("predictions"));
        String markdown = markdown(comparison, title, details);
        Files.writeString(out.resolve("results.md"), markdown, StandardCharsets.UTF_8);
        Files.writeString(
                out.resolve("results.json"),
                GSON.toJson(json(comparison, title, details, provenance)),
                StandardCharsets.UTF_8);
        for (Map.Entry<String, List<RunResult>> entry : comparison.getRuns().entrySet()) {
            for (RunResult run : entry.getValue()) {
                writePredictions(
                        out.resolve("predictions")
                                .resolve(predictionsFile(run.model(), run.seed())),
                        run.test());
            }
        }
        writeCurves(out.resolve("curves.csv"), comparison);
        Charts.metricBars(comparison, out.resolve("metric.png"));
        Files.deleteIfExists(out.resolve("difference.png"));
        if (comparison.rows().stream().anyMatch(r -> r.versus().isPresent())) {
            Charts.differences(comparison, out.resolve("difference.png"));
        }
        Map<String, List<RunResult>> runs = comparison.getRuns();
        Files.deleteIfExists(out.resolve("teacher.png"));
        if (runs.containsKey(Experiment.TEACHER_CLEAN)
                && runs.containsKey(Experiment.TEACHER_OCCLUDED)) {
            Charts.teacher(
                    comparison,
                    Experiment.TEACHER_CLEAN,
                    Experiment.TEACHER_OCCLUDED,
                    out.resolve("teacher.png"));
        }
        if (comparison.getTask().isClassification()) {
            for (Map.Entry<String, List<RunResult>> entry : runs.entrySet()) {
                Charts.confusion(
                        Breakdown.confusion(entry.getValue(), comparison.getTask()),
                        entry.getKey(),
                        out.resolve("confusion-" + slug(entry.getKey()) + ".png"));
            }
        }
        Map<String, java.awt.Color> colours = Charts.colours(comparison);
        Charts.curves(runs, colours, false, "training loss", out.resolve("loss-curves.png"));
        Charts.curves(
                runs,
                colours,
                true,
                comparison.getTask().isClassification()
                        ? "validation accuracy (%)"
                        : "validation MAE",
                out.resolve("validation-curves.png"));
        return markdown;
    }

    /**
     * Returns the name of a run's predictions file: {@code <slug>-seed<k>.csv}.
     *
     * @param model the row name
     * @param seed the seed
     * @return the file name
     */
    public static String predictionsFile(String model, int seed) {
        return slug(model) + "-seed" + seed + ".csv";
    }

    /**
     * Renders the report in markdown: the table with its notes, then per class (or per decade of
     * age) results.
     *
     * @param comparison the results
     * @param title the title
     * @param details key facts shown under the title
     * @return the markdown
     */
    public static String markdown(
            Comparison comparison, String title, Map<String, String> details) {
        Task task = comparison.getTask();
        boolean accuracy = task.isClassification();
        String base = comparison.getBaseline();
        String test = comparison.perSeedTestName();
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n");
        details.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
        sb.append('\n');
        sb.append("| Model | ")
                .append(accuracy ? "Accuracy (%)" : "MAE")
                .append(", mean ± std | 95% CI | Per seed | ")
                .append(accuracy ? "Δ vs " + base + " (points)" : "Δ MAE vs " + base)
                .append(" [95% CI] | p, t-test over seeds (Holm) | p, ")
                .append(test)
                .append(" per seed (Holm) |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (Comparison.Row row : comparison.rows()) {
            List<String> perSeed = new ArrayList<>();
            for (int i = 0; i < row.metrics().length; i++) {
                perSeed.add(row.seeds()[i] + ": " + comparison.formatMetric(row.metrics()[i]));
            }
            sb.append("| ")
                    .append(row.model())
                    .append(" | ")
                    .append(comparison.formatMetric(row.mean()))
                    // One value (the teacher, or a single seed) has no spread to show.
                    .append(
                            row.metrics().length > 1
                                    ? " ± " + comparison.formatMetric(row.std())
                                    : "")
                    .append(" | ")
                    .append(interval(comparison, row.interval(), false))
                    .append(" | ")
                    .append(String.join(", ", perSeed))
                    .append(" | ");
            if (row.versus().isPresent()) {
                Comparison.Versus v = row.versus().get();
                List<String> perSeedP = new ArrayList<>();
                v.perSeed()
                        .forEach(
                                p ->
                                        perSeedP.add(
                                                p.seed()
                                                        + ": "
                                                        + formatP(p.pValue())
                                                        + " ("
                                                        + formatP(p.holmPValue())
                                                        + ")"));
                sb.append(comparison.formatDifference(v.meanDifference()))
                        .append(' ')
                        .append(interval(comparison, v.interval(), true))
                        .append(" | ")
                        .append(
                                v.tTest()
                                        .map(
                                                t ->
                                                        formatP(t.test().pValue())
                                                                + " ("
                                                                + formatP(t.holmPValue())
                                                                + ")")
                                        .orElse("—"))
                        .append(" | ")
                        .append(String.join(", ", perSeedP))
                        .append(" |\n");
            } else {
                boolean baseline = row.model().equals(base) && !comparison.family().isEmpty();
                String mark = baseline ? "baseline" : "—";
                sb.append(mark).append(" | — | — |\n");
            }
        }
        sb.append('\n').append(notes(comparison));
        sb.append('\n').append(accuracy ? perClass(comparison) : perDecade(comparison));
        return sb.toString();
    }

    private static String notes(Comparison comparison) {
        boolean accuracy = comparison.getTask().isClassification();
        String base = comparison.getBaseline();
        PairedBootstrap bootstrap = comparison.getBootstrap();
        StringBuilder sb = new StringBuilder();
        sb.append(
                Checks.format(
                        "- 95%% CI: the percentile interval of a paired bootstrap over the %d test"
                            + " images (%,d rounds, seed %d). Each round resamples the test images"
                            + " once and uses that resample for every seed and both models.\n",
                        comparison.testImages(), bootstrap.getRounds(), bootstrap.getSeed()));
        List<String> family = comparison.family();
        if (family.isEmpty()) {
            sb.append("- No row is tested: there is no strategy to compare with ")
                    .append(base)
                    .append(
                            " (distill compare runs fine-tuning and the strategies side by"
                                + " side).\n");
            return sb.append(references(comparison)).toString();
        }
        sb.append("- Δ: the mean over the seeds shared with ")
                .append(base)
                .append(" of (model − ")
                .append(base)
                .append(")")
                .append(accuracy ? ", in percentage points" : "; below 0 is better")
                .append(".\n");
        sb.append(
                "- t-test: two-sided paired t-test over the seeds' differences (n − 1 degrees of"
                        + " freedom), with 3 or more seeds.\n");
        sb.append("- ")
                .append(comparison.perSeedTestName())
                .append(": two-sided, per seed, on the same test images")
                .append(accuracy ? " (right/wrong per image)" : " (absolute errors per image)")
                .append(".\n");
        sb.append("- Holm: in parentheses, Holm–Bonferroni-adjusted p-values. Family: the ")
                .append(family.size())
                .append(family.size() == 1 ? " strategy" : " strategies")
                .append(" compared with ")
                .append(base)
                .append(" (")
                .append(String.join(", ", family))
                .append(
                        "); the t-tests form one family, and the per-seed tests of each seed one"
                                + " family.\n");
        return sb.append(references(comparison)).toString();
    }

    private static String references(Comparison comparison) {
        StringBuilder sb = new StringBuilder();
        List<String> references = new ArrayList<>();
        for (String model : comparison.getRuns().keySet()) {
            if (comparison.isReference(model)) {
                references.add(model);
            }
        }
        if (!references.isEmpty()) {
            sb.append("- Not tested (reference rows): ")
                    .append(String.join(", ", references))
                    .append(".\n");
        }
        return sb.toString();
    }

    private static String interval(Comparison comparison, Interval interval, boolean signed) {
        return signed
                ? "["
                        + comparison.formatDifference(interval.lower())
                        + ", "
                        + comparison.formatDifference(interval.upper())
                        + "]"
                : "["
                        + comparison.formatMetric(interval.lower())
                        + ", "
                        + comparison.formatMetric(interval.upper())
                        + "]";
    }

    private static String perClass(Comparison comparison) {
        Task task = comparison.getTask();
        Map<String, Breakdown.Confusion> confusions = new LinkedHashMap<>();
        comparison
                .getRuns()
                .forEach((model, runs) -> confusions.put(model, Breakdown.confusion(runs, task)));
        StringBuilder sb = new StringBuilder("## Accuracy per class (%)\n\n");
        sb.append("| Class | Test images |");
        confusions.keySet().forEach(m -> sb.append(' ').append(m).append(" |"));
        sb.append("\n|---|---|").append("---|".repeat(confusions.size())).append('\n');
        for (int c = 0; c < task.numClasses(); c++) {
            int k = c;
            Breakdown.Confusion first = confusions.values().iterator().next();
            sb.append("| ")
                    .append(task.classNames().get(c))
                    .append(" | ")
                    .append(first.support(c) / first.seeds())
                    .append(" |");
            confusions
                    .values()
                    .forEach(m -> sb.append(' ').append(percent(m.accuracy(k))).append(" |"));
            sb.append('\n');
        }
        sb.append(
                "\nA model's accuracy on a class is over every seed's test images of that class"
                        + " (the mean of its per-seed accuracies).\n");
        sb.append("\n## Confusion matrices\n\n");
        sb.append(
                "Rows: the true class; columns: the predicted class; counts summed over the"
                        + " seeds.\n");
        for (Map.Entry<String, Breakdown.Confusion> e : confusions.entrySet()) {
            Breakdown.Confusion m = e.getValue();
            sb.append("\n### ")
                    .append(e.getKey())
                    .append(m.seeds() > 1 ? " (" + m.seeds() + " seeds)" : "")
                    .append("\n\n| true ↓ predicted → |");
            m.classes().forEach(c -> sb.append(' ').append(c).append(" |"));
            sb.append(" accuracy (%) |\n|---|")
                    .append("---|".repeat(m.classes().size() + 1))
                    .append('\n');
            for (int t = 0; t < m.classes().size(); t++) {
                sb.append("| ").append(m.classes().get(t)).append(" |");
                for (long count : m.counts()[t]) {
                    sb.append(' ').append(count).append(" |");
                }
                sb.append(' ').append(percent(m.accuracy(t))).append(" |\n");
            }
        }
        return sb.toString();
    }

    private static String perDecade(Comparison comparison) {
        Map<String, Breakdown.Decades> decades = new LinkedHashMap<>();
        comparison.getRuns().forEach((model, runs) -> decades.put(model, Breakdown.decades(runs)));
        StringBuilder sb = new StringBuilder("## MAE per decade of age\n\n| Age | Test images |");
        decades.keySet().forEach(m -> sb.append(' ').append(m).append(" |"));
        sb.append("\n|---|---|").append("---|".repeat(decades.size())).append('\n');
        Breakdown.Decades first = decades.values().iterator().next();
        for (int d = 0; d < first.starts().length; d++) {
            int k = d;
            sb.append("| ")
                    .append(first.label(d))
                    .append(" | ")
                    .append(first.images()[d])
                    .append(" |");
            decades.values()
                    .forEach(
                            m ->
                                    sb.append(' ')
                                            .append(Checks.format("%.3f", m.mae()[k]))
                                            .append(" |"));
            sb.append('\n');
        }
        sb.append("\nA model's MAE in a decade is over every seed's test images of that decade.\n");
        return sb.toString();
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "—" : Checks.format("%.1f", 100 * fraction);
    }

    /**
     * Formats a p-value: four decimals, or two significant digits below 0.0001.
     *
     * @param p the p-value
     * @return the text ({@code —} for {@code NaN})
     */
    static String formatP(double p) {
        if (Double.isNaN(p)) {
            return "—";
        }
        if (p == 0) {
            return "< 1e-300"; // below what a double holds: the exact tail underflowed
        }
        return p < 1e-4 ? Checks.format("%.1e", p) : Checks.format("%.4f", p);
    }

    private static JsonObject json(
            Comparison comparison,
            String title,
            Map<String, String> details,
            Optional<Provenance> provenance) {
        Task task = comparison.getTask();
        JsonObject root = new JsonObject();
        root.addProperty("title", title);
        JsonObject facts = new JsonObject();
        details.forEach(facts::addProperty);
        root.add("details", facts);
        root.addProperty("task", task.isClassification() ? "classification" : "regression");
        if (task.isClassification()) {
            root.add("classes", GSON.toJsonTree(task.classNames()));
        }
        root.addProperty("metric", task.metricName());
        root.addProperty("baseline", comparison.getBaseline());
        root.addProperty("test_images", comparison.testImages());
        JsonObject bootstrap = new JsonObject();
        bootstrap.addProperty("rounds", comparison.getBootstrap().getRounds());
        bootstrap.addProperty("seed", comparison.getBootstrap().getSeed());
        bootstrap.addProperty("level", comparison.getBootstrap().getLevel());
        root.add("bootstrap", bootstrap);
        root.add("holm_family", GSON.toJsonTree(comparison.family()));
        provenance.ifPresent(
                p -> {
                    JsonObject o = new JsonObject();
                    o.add("data", GSON.toJsonTree(p.data()));
                    o.addProperty("teacher", p.teacher());
                    root.add("provenance", o);
                });
        JsonArray rows = new JsonArray();
        for (Comparison.Row row : comparison.rows()) {
            JsonObject r = new JsonObject();
            r.addProperty("model", row.model());
            r.addProperty("reference", row.reference());
            r.add("mean", number(row.mean()));
            r.add("std", number(row.std()));
            r.add("ci", pair(row.interval()));
            JsonArray runs = new JsonArray();
            for (int i = 0; i < row.metrics().length; i++) {
                JsonObject run = new JsonObject();
                run.addProperty("seed", row.seeds()[i]);
                run.add("metric", number(row.metrics()[i]));
                runs.add(run);
            }
            r.add("runs", runs);
            row.versus().ifPresent(v -> r.add("versus_baseline", versus(v)));
            List<RunResult> list = comparison.getRuns().get(row.model());
            if (task.isClassification()) {
                Breakdown.Confusion m = Breakdown.confusion(list, task);
                JsonObject perClass = new JsonObject();
                JsonArray acc = new JsonArray();
                JsonArray support = new JsonArray();
                for (int c = 0; c < task.numClasses(); c++) {
                    acc.add(number(m.accuracy(c)));
                    support.add(m.support(c) / m.seeds());
                }
                perClass.add("accuracy", acc);
                perClass.add("test_images", support);
                perClass.add("confusion", GSON.toJsonTree(m.counts()));
                perClass.addProperty("seeds", m.seeds());
                r.add("per_class", perClass);
            } else {
                Breakdown.Decades d = Breakdown.decades(list);
                JsonObject perDecade = new JsonObject();
                JsonArray labels = new JsonArray();
                JsonArray mae = new JsonArray();
                for (int k = 0; k < d.starts().length; k++) {
                    labels.add(d.label(k));
                    mae.add(number(d.mae()[k]));
                }
                perDecade.add("decades", labels);
                perDecade.add("test_images", GSON.toJsonTree(d.images()));
                perDecade.add("mae", mae);
                perDecade.addProperty("seeds", d.seeds());
                r.add("per_decade", perDecade);
            }
            rows.add(r);
        }
        root.add("rows", rows);
        return root;
    }

    private static JsonObject versus(Comparison.Versus v) {
        JsonObject o = new JsonObject();
        o.add("seeds", GSON.toJsonTree(v.seeds()));
        o.add("mean_difference", number(v.meanDifference()));
        o.add("ci", pair(v.interval()));
        v.tTest()
                .ifPresent(
                        t -> {
                            JsonObject tt = new JsonObject();
                            tt.add("statistic", number(t.test().statistic()));
                            tt.addProperty("df", t.test().degreesOfFreedom());
                            tt.add("p_value", number(t.test().pValue()));
                            tt.add("p_holm", number(t.holmPValue()));
                            o.add("t_test", tt);
                        });
        JsonArray perSeed = new JsonArray();
        for (Comparison.PairedTest p : v.perSeed()) {
            JsonObject s = new JsonObject();
            s.addProperty("seed", p.seed());
            s.addProperty("test", p.test());
            s.add("p_value", number(p.pValue()));
            s.add("p_holm", number(p.holmPValue()));
            perSeed.add(s);
        }
        o.add("per_seed", perSeed);
        return o;
    }

    private static JsonArray pair(Interval interval) {
        JsonArray a = new JsonArray();
        a.add(number(interval.lower()));
        a.add(number(interval.upper()));
        return a;
    }

    /** A number, or null for NaN and infinities (JSON has neither). */
    private static JsonElement number(double value) {
        return Double.isFinite(value) ? new JsonPrimitive(value) : JsonNull.INSTANCE;
    }

    private static void writePredictions(Path file, EvaluationResult result) throws IOException {
        boolean classification = result.task().isClassification();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(
                    classification
                            ? "index,target,prediction,correct\n"
                            : "index,target,prediction,abs_error\n");
            for (int i = 0; i < result.size(); i++) {
                float t = result.targets()[i];
                float p = result.predictions()[i];
                w.write(
                        classification
                                ? Checks.format(
                                        "%d,%d,%d,%d\n",
                                        result.indices()[i], (int) t, (int) p, t == p ? 1 : 0)
                                : Checks.format(
                                        "%d,%s,%s,%s\n",
                                        result.indices()[i], t, p, Math.abs((double) p - t)));
            }
        }
    }

    private static void writeCurves(Path file, Comparison comparison) throws IOException {
        TreeSet<String> terms = new TreeSet<>();
        comparison.getRuns().values().stream()
                .flatMap(List::stream)
                .flatMap(r -> r.history().stream())
                .flatMap(h -> h.epochs().stream())
                .forEach(e -> terms.addAll(e.trainTerms().keySet()));
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("model,seed,epoch,train_loss,validation_metric,images_per_second");
            for (String term : terms) {
                w.write(",term:" + term);
            }
            w.write('\n');
            for (Map.Entry<String, List<RunResult>> entry : comparison.getRuns().entrySet()) {
                for (RunResult run : entry.getValue()) {
                    if (run.history().isEmpty()) {
                        continue;
                    }
                    for (EpochResult e : run.history().get().epochs()) {
                        w.write(
                                Checks.format(
                                        "%s,%d,%d,%s,%s,%.1f",
                                        csv(entry.getKey()),
                                        run.seed(),
                                        e.epoch(),
                                        e.trainLoss(),
                                        e.validationMetric().isPresent()
                                                ? Double.toString(
                                                        e.validationMetric().getAsDouble())
                                                : "",
                                        e.imagesPerSecond()));
                        for (String term : terms) {
                            Double v = e.trainTerms().get(term);
                            w.write("," + (v == null ? "" : v.toString()));
                        }
                        w.write('\n');
                    }
                }
            }
        }
    }

    private static String csv(String value) {
        return value.contains(",") || value.contains("\"")
                ? '"' + value.replace("\"", "\"\"") + '"'
                : value;
    }

    /**
     * Turns a row name into a file name: lower case, runs of other characters as one dash.
     *
     * @param name the row name
     * @return the slug
     */
    public static String slug(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        return s.replaceAll("^-+|-+$", "");
    }
}
