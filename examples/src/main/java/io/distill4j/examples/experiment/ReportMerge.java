package io.distill4j.examples.experiment;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.distill4j.core.Checks;
import io.distill4j.core.EvaluationResult;
import io.distill4j.core.Task;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Merges the output folders of several {@code distill compare} runs (for example seeds run on
 * different machines) into one {@link Comparison}, and writes its report.
 *
 * <p>Each folder holds {@code config.json} (every option's value), {@code results.json} (the rows,
 * their seeds, the task and classes, and the provenance: the data set's and the teacher's), the
 * per-image predictions of every run ({@code predictions/<model>-seed<k>.csv}) and, for trained
 * runs, {@code runs/<model>-seed<k>/result.json} (with the training history). Folders are merged
 * only when they rest on the same:
 *
 * <ul>
 *   <li><b>data</b>: the data set's provenance (file hashes, counts, seeds and modes; locations
 *       such as the root folder may differ), the data options ({@code --dataset}, {@code --task},
 *       {@code --label-mode}, {@code --data-seed}, {@code --synthetic-size}, {@code
 *       --on-bad-record}), the classes and the number of test images;
 *   <li><b>teacher</b>: the SHA-256 of its parameters (train it once and pass the same {@code
 *       --teacher} to every run);
 *   <li><b>protocol</b>: every other option of {@code config.json}, except those that may differ
 *       ({@code --out}, {@code --seed}, {@code --seeds}, {@code --strategies}, {@code --root},
 *       {@code --split-file}, {@code --cache}, and the teacher's own options {@code --teacher},
 *       {@code --teacher-epochs}, {@code --teacher-lr}, {@code --model}, {@code --model-option},
 *       {@code --input-norm}, which the teacher's fingerprint covers), plus the effective occlusion, model and input
 *       shape, and the baseline.
 * </ul>
 *
 * <p>The first difference found is reported in one line naming both folders. A model and seed found
 * in two folders must have the same predictions there (it is kept once). The teacher rows come from
 * the first folder.
 */
public final class ReportMerge {

    /** Options that may differ between merged folders. */
    static final Set<String> FREE =
            Set.of(
                    "command",
                    "out",
                    "seed",
                    "seeds",
                    "strategies",
                    "root",
                    "split-file",
                    "cache",
                    "teacher",
                    "teacher-epochs",
                    "teacher-lr",
                    "model",
                    "model-option",
                    "input-norm",
                    "sources");

    /** Options that choose the data (compared as data, not protocol). */
    static final Set<String> DATA_OPTIONS =
            Set.of("dataset", "task", "label-mode", "data-seed", "synthetic-size", "on-bad-record");

    /** Details of results.md that describe the protocol as it was run. */
    private static final List<String> PROTOCOL_DETAILS = List.of("occlusion", "model");

    private static final Gson GSON =
            new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private ReportMerge() {}

    /**
     * The merged results.
     *
     * @param comparison the merged comparison
     * @param title the first folder's title
     * @param details the first folder's details, with the merged seeds and the folders
     * @param provenance the provenance all folders share
     * @param config the first folder's configuration without the options that differ
     * @param runFiles the {@code result.json} of each run, by the run's folder name
     */
    public record Merged(
            Comparison comparison,
            String title,
            Map<String, String> details,
            Provenance provenance,
            Map<String, Object> config,
            Map<String, Path> runFiles) {}

    /** One folder, read. */
    private record Folder(
            Path dir,
            Map<String, String> config,
            JsonObject results,
            Task task,
            Provenance provenance,
            Map<String, String> details) {}

    /**
     * Reads and checks the folders and merges their runs.
     *
     * @param folders the output folders of {@code distill compare} (or of an earlier report)
     * @param bootstrap the bootstrap of the merged confidence intervals
     * @return the merged results
     * @throws IllegalArgumentException if a folder is not a compare output, or the folders differ
     *     in data, teacher or protocol, or the same run differs between folders
     * @throws IOException if a file cannot be read
     */
    public static Merged merge(List<Path> folders, PairedBootstrap bootstrap) throws IOException {
        if (folders.isEmpty()) {
            throw new IllegalArgumentException(
                    "give at least one output folder of distill compare");
        }
        List<Folder> read = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        for (Path dir : folders) {
            if (!seen.add(dir.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException(Checks.format("%s is given twice", dir));
            }
            read.add(read(dir));
        }
        Folder first = read.get(0);
        for (Folder other : read.subList(1, read.size())) {
            checkSame(first, other);
        }
        Comparison comparison =
                new Comparison(first.task(), first.results().get("baseline").getAsString())
                        .optBootstrap(bootstrap);
        Map<String, Path> runFiles = new LinkedHashMap<>();
        Map<String, Folder> origin = new LinkedHashMap<>();
        Map<String, RunResult> kept = new LinkedHashMap<>();
        TreeSet<Integer> seeds = new TreeSet<>();
        for (Folder folder : read) {
            for (JsonElement element : folder.results().getAsJsonArray("rows")) {
                JsonObject row = element.getAsJsonObject();
                String model = row.get("model").getAsString();
                boolean reference = row.get("reference").getAsBoolean();
                if (reference && folder != first) {
                    continue; // the same teacher: its rows are taken from the first folder
                }
                for (JsonElement r : row.getAsJsonArray("runs")) {
                    int seed = r.getAsJsonObject().get("seed").getAsInt();
                    RunResult run = run(folder, model, seed);
                    String id = model + " seed " + seed;
                    RunResult earlier = kept.get(id);
                    if (earlier != null) {
                        if (!samePredictions(earlier.test(), run.test())) {
                            throw new IllegalArgumentException(
                                    Checks.format(
                                            "cannot merge: %s is in %s and in %s with different"
                                                    + " predictions",
                                            id, origin.get(id).dir(), folder.dir()));
                        }
                        continue;
                    }
                    kept.put(id, run);
                    origin.put(id, folder);
                    if (reference) {
                        comparison.addReference(run);
                    } else {
                        comparison.add(run);
                        seeds.add(seed);
                    }
                    Path runFile =
                            folder.dir()
                                    .resolve("runs")
                                    .resolve(ReportWriter.slug(model) + "-seed" + seed)
                                    .resolve("result.json");
                    if (Files.isRegularFile(runFile)) {
                        runFiles.put(ReportWriter.slug(model) + "-seed" + seed, runFile);
                    }
                }
            }
        }
        Map<String, String> details = new LinkedHashMap<>(first.details());
        details.remove("total time");
        details.put("seeds", seedList(seeds));
        List<String> sources = new ArrayList<>();
        read.forEach(f -> sources.add(f.dir().toString()));
        details.put("merged from", String.join(", ", sources));
        Map<String, Object> config = new TreeMap<>();
        first.config()
                .forEach(
                        (k, v) -> {
                            if (!Set.of("out", "seed", "seeds", "strategies", "command", "sources")
                                    .contains(k)) {
                                config.put(k, v);
                            }
                        });
        return new Merged(
                comparison,
                first.results().get("title").getAsString(),
                details,
                first.provenance(),
                config,
                runFiles);
    }

    /**
     * Writes a merged report: the report itself ({@link ReportWriter}), {@code config.json} (the
     * shared options, with {@code "command": "report"} and the source folders) and a copy of each
     * run's {@code result.json}, so the folder can be merged again.
     *
     * @param merged the merged results
     * @param out the output folder
     * @return the markdown written to {@code results.md}
     * @throws IOException if a file cannot be written
     */
    public static String write(Merged merged, Path out) throws IOException {
        String markdown =
                ReportWriter.write(
                        out,
                        merged.comparison(),
                        merged.title(),
                        merged.details(),
                        Optional.of(merged.provenance()));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("command", "report");
        config.put("sources", merged.details().get("merged from"));
        config.putAll(merged.config());
        Files.writeString(out.resolve("config.json"), GSON.toJson(config), StandardCharsets.UTF_8);
        for (Map.Entry<String, Path> e : merged.runFiles().entrySet()) {
            Path target = out.resolve("runs").resolve(e.getKey()).resolve("result.json");
            if (!target.toAbsolutePath()
                    .normalize()
                    .equals(e.getValue().toAbsolutePath().normalize())) {
                Files.createDirectories(target.getParent());
                Files.copy(e.getValue(), target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return markdown;
    }

    private static Folder read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(Checks.format("%s is not a folder", dir));
        }
        Path configFile = dir.resolve("config.json");
        Path resultsFile = dir.resolve("results.json");
        if (!Files.isRegularFile(configFile) || !Files.isRegularFile(resultsFile)) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s has no %s: give output folders of distill compare",
                            dir, Files.isRegularFile(configFile) ? "results.json" : "config.json"));
        }
        JsonObject configJson = object(configFile);
        Map<String, String> config = new TreeMap<>();
        for (Map.Entry<String, JsonElement> e : configJson.entrySet()) {
            JsonElement v = e.getValue();
            config.put(e.getKey(), v.isJsonPrimitive() ? v.getAsString() : v.toString());
        }
        String command = config.getOrDefault("command", "");
        if (!command.equals("compare") && !command.equals("report")) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s was written by distill %s: give output folders of distill compare",
                            dir, command.isEmpty() ? "(unknown)" : command));
        }
        JsonObject results = object(resultsFile);
        if (!results.has("provenance") || !results.has("rows") || !results.has("baseline")) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s has no provenance (written by an older distill): rerun the same"
                                + " compare there, it reuses every finished run and rewrites it",
                            resultsFile));
        }
        Task task;
        if (results.get("task").getAsString().equals("classification")) {
            List<String> classes = new ArrayList<>();
            results.getAsJsonArray("classes").forEach(c -> classes.add(c.getAsString()));
            task = Task.classification(classes);
        } else {
            task = Task.regression();
        }
        JsonObject p = results.getAsJsonObject("provenance");
        Map<String, String> data = new LinkedHashMap<>();
        p.getAsJsonObject("data")
                .entrySet()
                .forEach(e -> data.put(e.getKey(), e.getValue().getAsString()));
        Map<String, String> details = new LinkedHashMap<>();
        results.getAsJsonObject("details")
                .entrySet()
                .forEach(e -> details.put(e.getKey(), e.getValue().getAsString()));
        return new Folder(
                dir,
                config,
                results,
                task,
                new Provenance(data, p.get("teacher").getAsString()),
                details);
    }

    private static JsonObject object(Path file) throws IOException {
        try {
            return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8))
                    .getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(
                    Checks.format("%s is not a JSON object: %s", file, e.getMessage()), e);
        }
    }

    /** The first difference in data, teacher or protocol, as one line; nothing if none. */
    private static void checkSame(Folder a, Folder b) {
        String pair = a.dir() + " and " + b.dir();
        // Data: the provenance without locations, the data options, classes and test images.
        Map<String, String> dataA = dataIdentity(a);
        Map<String, String> dataB = dataIdentity(b);
        difference(dataA, dataB)
                .ifPresent(
                        key -> {
                            throw new IllegalArgumentException(
                                    Checks.format(
                                            "cannot merge: %s differ in their data: %s is %s in"
                                                    + " the first and %s in the second%s",
                                            pair,
                                            key,
                                            show(dataA.get(key)),
                                            show(dataB.get(key)),
                                            key.contains("stamp")
                                                    ? " (the images' sizes or modification times"
                                                            + " differ: copies of the data keep"
                                                            + " them with cp -p or rsync -a)"
                                                    : ""));
                        });
        if (!a.provenance().teacher().equals(b.provenance().teacher())) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "cannot merge: %s have different teachers (parameter SHA-256 %s and"
                                    + " %s): train the teacher once and pass the same --teacher to"
                                    + " every compare",
                            pair,
                            abbreviate(a.provenance().teacher()),
                            abbreviate(b.provenance().teacher())));
        }
        Map<String, String> protocolA = protocol(a);
        Map<String, String> protocolB = protocol(b);
        difference(protocolA, protocolB)
                .ifPresent(
                        key -> {
                            throw new IllegalArgumentException(
                                    Checks.format(
                                            "cannot merge: %s differ in their protocol: %s is %s"
                                                    + " in the first and %s in the second",
                                            pair,
                                            key,
                                            show(protocolA.get(key)),
                                            show(protocolB.get(key))));
                        });
    }

    private static Map<String, String> dataIdentity(Folder f) {
        // In the provenance's order (the data set's name first), then the options.
        Map<String, String> m = new LinkedHashMap<>();
        f.provenance()
                .data()
                .forEach(
                        (k, v) -> {
                            if (!isLocation(k)) {
                                m.put("'" + k + "'", v);
                            }
                        });
        f.config()
                .forEach(
                        (k, v) -> {
                            if (DATA_OPTIONS.contains(k)) {
                                m.put("--" + k, v);
                            }
                        });
        m.put(
                "the task",
                f.task().isClassification() ? "classes " + f.task().classNames() : "regression");
        m.put("the number of test images", f.results().get("test_images").getAsString());
        return m;
    }

    /** Provenance keys that name where files are, not what they hold. */
    static boolean isLocation(String key) {
        return key.equals("root") || key.equals("image folder") || key.endsWith(" file");
    }

    private static Map<String, String> protocol(Folder f) {
        Map<String, String> m = new TreeMap<>();
        f.config()
                .forEach(
                        (k, v) -> {
                            if (!FREE.contains(k) && !DATA_OPTIONS.contains(k)) {
                                m.put("--" + k, v);
                            }
                        });
        for (String key : PROTOCOL_DETAILS) {
            if (f.details().containsKey(key)) {
                m.put("the " + key, f.details().get(key));
            }
        }
        m.put("the baseline", f.results().get("baseline").getAsString());
        return m;
    }

    /** The first key (in a's order, then b's) whose value differs or that one side lacks. */
    private static Optional<String> difference(Map<String, String> a, Map<String, String> b) {
        Set<String> keys = new LinkedHashSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String key : keys) {
            if (!Objects.equals(a.get(key), b.get(key))) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    private static String show(String value) {
        return value == null ? "not given" : "'" + value + "'";
    }

    private static String abbreviate(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) + "…" : hash;
    }

    private static RunResult run(Folder folder, String model, int seed) throws IOException {
        Path file =
                folder.dir()
                        .resolve("predictions")
                        .resolve(ReportWriter.predictionsFile(model, seed));
        EvaluationResult test = predictions(file, folder.task());
        Path runFile =
                folder.dir()
                        .resolve("runs")
                        .resolve(ReportWriter.slug(model) + "-seed" + seed)
                        .resolve("result.json");
        Optional<RunResult> stored = RunStore.readAnyKey(runFile, folder.task());
        if (stored.isPresent()
                && stored.get().model().equals(model)
                && stored.get().seed() == seed
                && samePredictions(stored.get().test(), test)) {
            return stored.get();
        }
        return new RunResult(model, seed, test, Optional.empty(), 0);
    }

    /**
     * Reads a predictions file written by {@link ReportWriter}.
     *
     * @param file the file
     * @param task the task
     * @return the per-image result
     * @throws IllegalArgumentException naming the file and line of a bad record
     * @throws IOException if the file cannot be read
     */
    static EvaluationResult predictions(Path file, Task task) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(Checks.format("%s is missing", file));
        }
        List<Long> indices = new ArrayList<>();
        List<Float> targets = new ArrayList<>();
        List<Float> predictions = new ArrayList<>();
        String header =
                task.isClassification()
                        ? "index,target,prediction,correct"
                        : "index,target,prediction,abs_error";
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = reader.readLine();
            if (!header.equals(line)) {
                throw new IllegalArgumentException(
                        Checks.format("%s:1: expected the header %s, was %s", file, header, line));
            }
            int number = 1;
            while ((line = reader.readLine()) != null) {
                number++;
                String[] fields = line.split(",", -1);
                try {
                    if (fields.length != 4) {
                        throw new NumberFormatException("4 fields expected, was " + fields.length);
                    }
                    indices.add(Long.parseLong(fields[0]));
                    targets.add(Float.parseFloat(fields[1]));
                    predictions.add(Float.parseFloat(fields[2]));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            Checks.format(
                                    "%s:%d: bad record '%s' (%s)",
                                    file, number, line, e.getMessage()),
                            e);
                }
            }
        }
        long[] i = new long[indices.size()];
        float[] t = new float[i.length];
        float[] p = new float[i.length];
        for (int k = 0; k < i.length; k++) {
            i[k] = indices.get(k);
            t[k] = targets.get(k);
            p[k] = predictions.get(k);
        }
        return new EvaluationResult(task, i, t, p);
    }

    private static boolean samePredictions(EvaluationResult a, EvaluationResult b) {
        return Arrays.equals(a.indices(), b.indices())
                && Arrays.equals(a.targets(), b.targets())
                && Arrays.equals(a.predictions(), b.predictions());
    }

    /** Seeds as runs: {@code 1..3, 7}. */
    static String seedList(TreeSet<Integer> seeds) {
        List<String> parts = new ArrayList<>();
        Integer start = null;
        Integer last = null;
        for (int s : seeds) {
            if (start == null) {
                start = s;
            } else if (s != last + 1) {
                parts.add(start.equals(last) ? start.toString() : start + ".." + last);
                start = s;
            }
            last = s;
        }
        if (start != null) {
            parts.add(start.equals(last) ? start.toString() : start + ".." + last);
        }
        return String.join(", ", parts);
    }
}
