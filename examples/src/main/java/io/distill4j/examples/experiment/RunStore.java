package io.distill4j.examples.experiment;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.distill4j.core.EpochResult;
import io.distill4j.core.EvaluationResult;
import io.distill4j.core.Task;
import io.distill4j.core.Timings;
import io.distill4j.core.TrainingHistory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Saves and reads a finished run's result ({@code result.json}: the per-image test result and the
 * training history), so an interrupted comparison resumes without redoing finished runs. A result
 * is reused only when it was written for the same run key (a hash of every setting that affects
 * the run).
 */
final class RunStore {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private RunStore() {}

    static void write(Path file, String key, RunResult run) throws IOException {
        JsonObject root = new JsonObject();
        root.addProperty("key", key);
        root.addProperty("model", run.model());
        root.addProperty("seed", run.seed());
        root.addProperty("train_seconds", run.trainSeconds());
        root.add("test", evaluation(run.test()));
        if (run.history().isPresent()) {
            JsonArray epochs = new JsonArray();
            for (EpochResult e : run.history().get().epochs()) {
                JsonObject o = new JsonObject();
                o.addProperty("epoch", e.epoch());
                o.addProperty("train_loss", e.trainLoss());
                o.add("terms", GSON.toJsonTree(e.trainTerms()));
                o.addProperty("images", e.images());
                Timings t = e.timings();
                o.add(
                        "timings",
                        GSON.toJsonTree(
                                new long[] {
                                    t.dataNanos(),
                                    t.teacherNanos(),
                                    t.forwardNanos(),
                                    t.backwardNanos(),
                                    t.optimizerNanos(),
                                    t.validationNanos()
                                }));
                e.validation().ifPresent(v -> o.add("validation", evaluation(v)));
                epochs.add(o);
            }
            root.add("epochs", epochs);
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, GSON.toJson(root), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a result written for {@code key}; empty if absent, unreadable or for another key. */
    static Optional<RunResult> read(Path file, String key, Task task) {
        return read(file, Optional.of(key), task);
    }

    /**
     * Reads a result whatever its key (for {@code distill report}, which checks what the runs
     * rest on by other means); empty if absent or unreadable.
     */
    static Optional<RunResult> readAnyKey(Path file, Task task) {
        return read(file, Optional.empty(), task);
    }

    private static Optional<RunResult> read(Path file, Optional<String> key, Task task) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonObject root =
                    JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8))
                            .getAsJsonObject();
            if (key.isPresent() && !key.get().equals(root.get("key").getAsString())) {
                return Optional.empty();
            }
            Optional<TrainingHistory> history = Optional.empty();
            if (root.has("epochs")) {
                List<EpochResult> epochs = new ArrayList<>();
                for (JsonElement element : root.getAsJsonArray("epochs")) {
                    JsonObject o = element.getAsJsonObject();
                    Map<String, Double> terms = new LinkedHashMap<>();
                    o.getAsJsonObject("terms")
                            .entrySet()
                            .forEach(en -> terms.put(en.getKey(), en.getValue().getAsDouble()));
                    long[] t = GSON.fromJson(o.get("timings"), long[].class);
                    epochs.add(
                            new EpochResult(
                                    o.get("epoch").getAsInt(),
                                    o.get("train_loss").getAsDouble(),
                                    terms,
                                    o.has("validation")
                                            ? Optional.of(
                                                    evaluation(o.getAsJsonObject("validation"), task))
                                            : Optional.empty(),
                                    o.get("images").getAsLong(),
                                    new Timings(t[0], t[1], t[2], t[3], t[4], t[5])));
                }
                history = Optional.of(new TrainingHistory(task, epochs));
            }
            return Optional.of(
                    new RunResult(
                            root.get("model").getAsString(),
                            root.get("seed").getAsInt(),
                            evaluation(root.getAsJsonObject("test"), task),
                            history,
                            root.get("train_seconds").getAsDouble()));
        } catch (IOException | RuntimeException e) {
            // A torn or foreign file: the run is done again.
            return Optional.empty();
        }
    }

    private static JsonObject evaluation(EvaluationResult result) {
        JsonObject o = new JsonObject();
        o.add("indices", GSON.toJsonTree(result.indices()));
        o.add("targets", GSON.toJsonTree(result.targets()));
        o.add("predictions", GSON.toJsonTree(result.predictions()));
        return o;
    }

    private static EvaluationResult evaluation(JsonObject o, Task task) {
        return new EvaluationResult(
                task,
                GSON.fromJson(o.get("indices"), long[].class),
                GSON.fromJson(o.get("targets"), float[].class),
                GSON.fromJson(o.get("predictions"), float[].class));
    }
}
