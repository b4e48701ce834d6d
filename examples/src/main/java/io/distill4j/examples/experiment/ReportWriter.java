package io.distill4j.examples.experiment;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.distill4j.core.Checks;
import io.distill4j.core.EpochResult;
import io.distill4j.core.EvaluationResult;
import io.distill4j.core.Task;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes a comparison's report into a folder: {@code results.md} (the paper-style table), {@code
 * results.json}, per-image predictions of every model ({@code predictions/*.csv}), per-epoch
 * curves ({@code curves.csv}) and PNG charts ({@code metric.png}, {@code loss-curves.png},
 * {@code validation-curves.png}).
 */
public final class ReportWriter {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private ReportWriter() {}

    /**
     * Writes the report.
     *
     * @param out the output folder (created if needed)
     * @param comparison the results
     * @param title the report's title
     * @param details key facts shown under the title (data set, task, occlusion, ...)
     * @return the markdown table, as written to {@code results.md}
     * @throws IOException if a file cannot be written
     */
    public static String write(
            Path out, Comparison comparison, String title, Map<String, String> details)
            throws IOException {
        Files.createDirectories(out.resolve("predictions"));
        String markdown = markdown(comparison, title, details);
        Files.writeString(out.resolve("results.md"), markdown, StandardCharsets.UTF_8);
        Files.writeString(
                out.resolve("results.json"),
                GSON.toJson(json(comparison, title, details)),
                StandardCharsets.UTF_8);
        for (Map.Entry<String, List<RunResult>> entry : comparison.getRuns().entrySet()) {
            for (RunResult run : entry.getValue()) {
                writePredictions(
                        out.resolve("predictions")
                                .resolve(slug(run.model()) + "-seed" + run.seed() + ".csv"),
                        run.test());
            }
        }
        writeCurves(out.resolve("curves.csv"), comparison);
        Charts.metricBars(comparison, out.resolve("metric.png"));
        Charts.curves(comparison.getRuns(), false, "training loss", out.resolve("loss-curves.png"));
        Charts.curves(
                comparison.getRuns(),
                true,
                comparison.getTask().isClassification()
                        ? "validation accuracy (%)"
                        : "validation MAE",
                out.resolve("validation-curves.png"));
        return markdown;
    }

    /**
     * Renders the paper-style table in markdown.
     *
     * @param comparison the results
     * @param title the title
     * @param details key facts shown under the title
     * @return the markdown
     */
    public static String markdown(
            Comparison comparison, String title, Map<String, String> details) {
        Task task = comparison.getTask();
        String metric = task.isClassification() ? "Accuracy (%)" : "MAE";
        String test = task.isClassification() ? "McNemar exact" : "Wilcoxon signed-rank";
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n");
        details.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
        sb.append('\n');
        sb.append("| Model | ")
                .append(metric)
                .append(" (mean ± std) | Per seed | p vs ")
                .append(comparison.getBaseline())
                .append(" (pooled) | p per seed |\n");
        sb.append("|---|---|---|---|---|\n");
        for (Comparison.Row row : comparison.rows()) {
            List<String> perSeed = new ArrayList<>();
            for (int i = 0; i < row.metrics().length; i++) {
                perSeed.add(row.seeds()[i] + ": " + comparison.formatMetric(row.metrics()[i]));
            }
            List<String> perSeedP = new ArrayList<>();
            row.perSeed().forEach(p -> perSeedP.add(p.seed() + ": " + formatP(p.pValue())));
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
                    .append(String.join(", ", perSeed))
                    .append(" | ")
                    .append(row.pooled().map(p -> formatP(p.pValue())).orElse("—"))
                    .append(" | ")
                    .append(perSeedP.isEmpty() ? "—" : String.join(", ", perSeedP))
                    .append(" |\n");
        }
        sb.append("\np: two-sided ")
                .append(test)
                .append(" test against ")
                .append(comparison.getBaseline())
                .append(" on the same test images (pooled: the pairs of every seed together).\n");
        return sb.toString();
    }

    private static String formatP(double p) {
        if (p == 0) {
            return "< 1e-300"; // below what a double holds: the exact tail underflowed
        }
        return p < 1e-4 ? Checks.format("%.1e", p) : Checks.format("%.4f", p);
    }

    private static JsonObject json(
            Comparison comparison, String title, Map<String, String> details) {
        JsonObject root = new JsonObject();
        root.addProperty("title", title);
        JsonObject facts = new JsonObject();
        details.forEach(facts::addProperty);
        root.add("details", facts);
        root.addProperty("task", comparison.getTask().toString());
        root.addProperty("metric", comparison.getTask().metricName());
        root.addProperty("baseline", comparison.getBaseline());
        JsonArray rows = new JsonArray();
        for (Comparison.Row row : comparison.rows()) {
            JsonObject r = new JsonObject();
            r.addProperty("model", row.model());
            r.addProperty("mean", row.mean());
            r.addProperty("std", row.std());
            JsonArray runs = new JsonArray();
            for (int i = 0; i < row.metrics().length; i++) {
                JsonObject run = new JsonObject();
                run.addProperty("seed", row.seeds()[i]);
                run.addProperty("metric", row.metrics()[i]);
                runs.add(run);
            }
            r.add("runs", runs);
            row.pooled()
                    .ifPresent(
                            p -> {
                                r.addProperty("p_value", p.pValue());
                                r.addProperty("test", p.test());
                            });
            JsonArray perSeed = new JsonArray();
            row.perSeed()
                    .forEach(
                            p -> {
                                JsonObject o = new JsonObject();
                                o.addProperty("seed", p.seed());
                                o.addProperty("p_value", p.pValue());
                                perSeed.add(o);
                            });
            r.add("p_per_seed", perSeed);
            rows.add(r);
        }
        root.add("rows", rows);
        return root;
    }

    private static void writePredictions(Path file, EvaluationResult result) throws IOException {
        boolean classification = result.task().isClassification();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(classification ? "index,target,prediction,correct\n" : "index,target,prediction,abs_error\n");
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
