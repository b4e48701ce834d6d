package io.distill4j.losses;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.distill4j.core.BindingContext;
import io.distill4j.core.DistillationInput;
import io.distill4j.core.DistillationLoss;
import io.distill4j.core.LossTerms;
import io.distill4j.core.ModelOutput;
import io.distill4j.core.OutputSpec;
import io.distill4j.core.Task;
import io.distill4j.losses.combined.CombinedDistillationLoss;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One golden fixture written by {@code tools/golden/make_golden.py}: reads it, builds the strategy
 * through {@link DistillationLossRegistry} (the same path as the command line), computes the loss
 * and the gradients with DJL, and compares them with PyTorch's.
 *
 * <p>Every problem, from a missing key to a wrong gradient, is an {@link AssertionError} whose
 * message starts with the file's path.
 */
final class GoldenFixture {

    /** The largest accepted relative error of the loss. */
    static final double LOSS_TOLERANCE = 1e-5;

    /** The largest accepted relative L2 error of a gradient. */
    static final double GRAD_TOLERANCE = 1e-4;

    private static final Set<String> TOP_LEVEL =
            Set.of("loss", "params", "inputs", "expected", "seed", "description", "generator");
    private static final List<String> INPUTS =
            List.of(
                    "student_logits",
                    "teacher_logits",
                    "labels",
                    "student_predictions",
                    "teacher_predictions",
                    "student_features",
                    "teacher_features",
                    "student_embedding",
                    "teacher_embedding");
    private static final Map<String, List<String>> NEEDS =
            Map.of(
                    "kd", List.of("student_logits", "teacher_logits", "labels"),
                    "cross-entropy", List.of("student_logits", "labels"),
                    "l1", List.of("student_predictions", "labels"),
                    "task", List.of("labels"),
                    "kd-regression",
                            List.of("student_predictions", "teacher_predictions", "labels"),
                    "hint", List.of("student_features", "teacher_features"),
                    "triplet", List.of("student_embedding", "teacher_embedding", "labels"));
    private static final String FEATURE = "features";

    private final Path path;
    private final String loss;
    private final JsonObject params;
    private final Map<String, Tensor> inputs = new LinkedHashMap<>();
    private final double expectedLoss;
    private final Map<String, Tensor> expectedGrad = new LinkedHashMap<>();

    /** A dense array read from JSON. */
    record Tensor(Shape shape, double[] data) {}

    /** What one run computed, and how far it is from PyTorch. */
    record Outcome(
            DataType dataType,
            double loss,
            double lossError,
            Map<String, Double> gradErrors,
            double termsError) {}

    private GoldenFixture(Path path, JsonObject root) {
        this.path = path;
        for (String key : root.keySet()) {
            if (!TOP_LEVEL.contains(key)) {
                throw fail("unknown key '%s'; known keys: %s", key, new TreeSet<>(TOP_LEVEL));
            }
        }
        loss = string(member(root, "loss", ""), "loss");
        params = object(member(root, "params", ""), "params");
        JsonObject in = object(member(root, "inputs", ""), "inputs");
        for (String key : in.keySet()) {
            if (!INPUTS.contains(key)) {
                throw fail("unknown input '%s'; known inputs: %s", key, INPUTS);
            }
            inputs.put(key, tensor(in.get(key), "inputs." + key));
        }
        JsonObject expected = object(member(root, "expected", ""), "expected");
        expectedLoss = number(member(expected, "loss", "expected."), "expected.loss");
        JsonObject grad = object(member(expected, "grad", "expected."), "expected.grad");
        for (String key : grad.keySet()) {
            expectedGrad.put(key, tensor(grad.get(key), "expected.grad." + key));
        }
        checkInputs();
    }

    /**
     * Reads a fixture.
     *
     * @param path the JSON file
     * @return the fixture
     * @throws AssertionError naming the file and the problem
     */
    static GoldenFixture read(Path path) {
        JsonElement root;
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            root = JsonParser.parseReader(reader);
        } catch (IOException | JsonParseException e) {
            throw new AssertionError(path + ": cannot read the JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonObject()) {
            throw new AssertionError(path + ": the fixture must be a JSON object");
        }
        try {
            return new GoldenFixture(path, root.getAsJsonObject());
        } catch (RuntimeException e) {
            throw new AssertionError(path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs the fixture in one precision and checks it against the tolerances.
     *
     * @param dataType FLOAT32 or FLOAT64
     * @return the outcome, if it is within tolerance
     * @throws AssertionError naming the file and the problem otherwise
     */
    Outcome check(DataType dataType) {
        Outcome outcome = run(dataType);
        List<String> problems = new ArrayList<>();
        if (!(outcome.lossError() <= LOSS_TOLERANCE)) {
            problems.add(
                    String.format(
                            Locale.ROOT,
                            "loss %.10g differs from PyTorch's %.10g by a relative %.3g (> %.0e)",
                            outcome.loss(),
                            expectedLoss,
                            outcome.lossError(),
                            LOSS_TOLERANCE));
        }
        outcome.gradErrors()
                .forEach(
                        (k, v) -> {
                            if (!(v <= GRAD_TOLERANCE)) {
                                problems.add(
                                        String.format(
                                                Locale.ROOT,
                                                "gradient of %s differs from PyTorch's by a"
                                                        + " relative L2 error %.3g (> %.0e)",
                                                k,
                                                v,
                                                GRAD_TOLERANCE));
                            }
                        });
        if (!(outcome.termsError() <= LOSS_TOLERANCE)) {
            problems.add(
                    String.format(
                            Locale.ROOT,
                            "the logged terms add up to a value a relative %.3g away from the"
                                    + " total",
                            outcome.termsError()));
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(
                    path + " (" + dataType + ", " + loss + "): " + String.join("; ", problems));
        }
        return outcome;
    }

    /**
     * Runs the fixture in one precision.
     *
     * @param dataType FLOAT32 or FLOAT64
     * @return the outcome
     * @throws AssertionError naming the file, if the loss cannot be built or computed
     */
    Outcome run(DataType dataType) {
        try (NDManager manager = NDManager.newBaseManager()) {
            DistillationLoss strategy;
            Task task;
            try {
                task = task();
                strategy = build(task);
            } catch (RuntimeException e) {
                throw new AssertionError(path + ": " + e.getMessage(), e);
            }
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            inputs.forEach((k, t) -> arrays.put(k, create(manager, t, dataType)));
            long batch = batchSize();
            ModelOutput student =
                    output(manager, arrays, "student", batch, dataType, featureName(true));
            ModelOutput teacher =
                    output(manager, arrays, "teacher", batch, dataType, featureName(false));
            for (String key : inputs.keySet()) {
                if (key.startsWith("student_")) {
                    arrays.get(key).setRequiresGradient(true);
                }
            }
            NDArray target =
                    arrays.containsKey("labels")
                            ? arrays.get("labels")
                            : manager.zeros(new Shape(batch), dataType);
            DistillationInput input = DistillationInput.of(target, student, teacher);
            LossTerms terms;
            try {
                strategy.bind(
                        new BindingContext(
                                task,
                                new Shape(1, 1, 1),
                                OutputSpec.of(student),
                                Optional.of(OutputSpec.of(teacher))));
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    terms = strategy.compute(input);
                    collector.backward(terms.total());
                }
            } catch (RuntimeException e) {
                throw new AssertionError(path + ": " + strategy + ": " + e.getMessage(), e);
            }
            double value = terms.total().toType(DataType.FLOAT64, false).getDouble();
            double termSum = 0;
            for (NDArray term : terms.terms().values()) {
                termSum += term.toType(DataType.FLOAT64, false).getDouble();
            }
            Map<String, Double> gradErrors = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : expectedGrad.entrySet()) {
                double[] actual =
                        arrays.get(e.getKey())
                                .getGradient()
                                .toType(DataType.FLOAT64, false)
                                .toDoubleArray();
                gradErrors.put(e.getKey(), relativeL2(actual, e.getValue().data()));
            }
            return new Outcome(
                    dataType,
                    value,
                    relative(value, expectedLoss),
                    gradErrors,
                    relative(termSum, value));
        }
    }

    /** Returns the fixture's path. */
    Path path() {
        return path;
    }

    /** Returns the fixture's loss name. */
    String loss() {
        return loss;
    }

    private DistillationLoss build(Task task) {
        DistillationLossRegistry registry = DistillationLossRegistry.defaults();
        if (loss.equals("weighted-sum")) {
            JsonArray components = array(member(params, "components", "params."), "components");
            if (params.size() != 1) {
                throw fail("weighted-sum params hold only 'components', found %s", params.keySet());
            }
            if (components.isEmpty()) {
                throw fail("params.components must not be empty");
            }
            CombinedDistillationLoss.Builder builder = CombinedDistillationLoss.builder();
            for (int i = 0; i < components.size(); i++) {
                String where = "params.components[" + i + "]";
                JsonObject c = object(components.get(i), where);
                for (String key : c.keySet()) {
                    if (!Set.of("loss", "weight", "params").contains(key)) {
                        throw fail("unknown key '%s' in %s; known: [loss, params, weight]", key, where);
                    }
                }
                String name = string(member(c, "loss", where + "."), where + ".loss");
                double weight = number(member(c, "weight", where + "."), where + ".weight");
                JsonObject p =
                        c.has("params") ? object(c.get("params"), where + ".params") : new JsonObject();
                builder.add((float) weight, registry.create(name, task, strings(name, p)));
            }
            return builder.build();
        }
        return registry.create(loss, task, strings(loss, params));
    }

    private Map<String, String> strings(String name, JsonObject p) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String key : p.keySet()) {
            JsonElement v = p.get(key);
            if (!v.isJsonPrimitive()) {
                throw fail("parameter '%s' of %s must be a number, a string or a boolean", key, name);
            }
            JsonPrimitive primitive = v.getAsJsonPrimitive();
            map.put(key, primitive.isNumber() ? Double.toString(primitive.getAsDouble()) : primitive.getAsString());
        }
        if (name.equals("hint")
                && !map.containsKey("feature")
                && !map.containsKey("student_feature")) {
            map.put("feature", FEATURE);
        }
        return map;
    }

    private String featureName(boolean student) {
        List<JsonObject> hints = new ArrayList<>();
        if (loss.equals("hint")) {
            hints.add(params);
        } else if (loss.equals("weighted-sum") && params.has("components")) {
            for (JsonElement c : params.getAsJsonArray("components")) {
                if (c.isJsonObject()
                        && c.getAsJsonObject().has("loss")
                        && "hint".equals(c.getAsJsonObject().get("loss").getAsString())
                        && c.getAsJsonObject().has("params")) {
                    hints.add(c.getAsJsonObject().getAsJsonObject("params"));
                }
            }
        }
        for (JsonObject p : hints) {
            String specific = student ? "student_feature" : "teacher_feature";
            if (p.has(specific)) {
                return p.get(specific).getAsString();
            }
            if (p.has("feature")) {
                return p.get("feature").getAsString();
            }
            if (!student && p.has("student_feature")) {
                return p.get("student_feature").getAsString();
            }
        }
        return FEATURE;
    }

    private Task task() {
        Set<String> losses = new LinkedHashSet<>();
        JsonObject triplet = null;
        if (loss.equals("weighted-sum")) {
            for (JsonElement c : array(member(params, "components", "params."), "components")) {
                JsonObject o = object(c, "params.components[]");
                String name = string(member(o, "loss", "params.components[]."), "loss");
                losses.add(name);
                if (name.equals("triplet") && o.has("params")) {
                    triplet = o.getAsJsonObject("params");
                }
            }
        } else {
            losses.add(loss);
            if (loss.equals("triplet")) {
                triplet = params;
            }
        }
        Set<String> needed = new LinkedHashSet<>();
        for (String name : losses) {
            List<String> needs = NEEDS.get(name);
            if (needs == null) {
                throw fail(
                        "unknown loss '%s'; known: %s",
                        name,
                        new TreeSet<>(
                                List.of(
                                        "kd",
                                        "kd-regression",
                                        "hint",
                                        "triplet",
                                        "weighted-sum",
                                        "cross-entropy",
                                        "l1",
                                        "task")));
            }
            needed.addAll(needs);
        }
        for (String key : needed) {
            if (!inputs.containsKey(key)) {
                throw fail("missing input '%s', needed by %s", key, String.join(" + ", losses));
            }
        }
        for (String key : inputs.keySet()) {
            if (!needed.contains(key)) {
                throw fail("input '%s' is not used by %s", key, String.join(" + ", losses));
            }
        }
        boolean regression =
                losses.contains("kd-regression")
                        || losses.contains("l1")
                        || (triplet != null && triplet.has("negative_threshold"));
        if (regression) {
            return Task.regression();
        }
        if (inputs.containsKey("student_logits")) {
            return Task.classification((int) inputs.get("student_logits").shape().get(1));
        }
        Tensor labels = inputs.get("labels");
        if (labels != null && labels.shape().dimension() == 2) {
            return Task.classification((int) labels.shape().get(1));
        }
        int classes = 2;
        if (labels != null) {
            for (double v : labels.data()) {
                classes = Math.max(classes, (int) v + 1);
            }
        }
        return Task.classification(classes);
    }

    private void checkInputs() {
        Set<String> students = new TreeSet<>();
        for (String key : inputs.keySet()) {
            if (key.startsWith("student_")) {
                students.add(key);
            }
        }
        if (!students.equals(new TreeSet<>(expectedGrad.keySet()))) {
            throw fail(
                    "expected.grad must hold the gradient of every student input %s, found %s",
                    students, new TreeSet<>(expectedGrad.keySet()));
        }
        expectedGrad.forEach(
                (k, g) -> {
                    if (!g.shape().equals(inputs.get(k).shape())) {
                        throw fail(
                                "expected.grad.%s has shape %s but inputs.%s has %s",
                                k, g.shape(), k, inputs.get(k).shape());
                    }
                });
        long batch = -1;
        String first = null;
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            Shape shape = e.getValue().shape();
            if (shape.dimension() == 0) {
                throw fail("inputs.%s must have a batch axis", e.getKey());
            }
            if (batch < 0) {
                batch = shape.get(0);
                first = e.getKey();
            } else if (shape.get(0) != batch) {
                throw fail(
                        "inputs %s (batch %d) and %s (batch %d) must have the same batch size",
                        first, batch, e.getKey(), shape.get(0));
            }
        }
        if (batch <= 0) {
            throw fail("inputs must hold at least one image");
        }
    }

    private long batchSize() {
        return inputs.values().iterator().next().shape().get(0);
    }

    private static ModelOutput output(
            NDManager manager,
            Map<String, NDArray> arrays,
            String who,
            long batch,
            DataType dataType,
            String featureName) {
        NDArray prediction = arrays.get(who + "_logits");
        if (prediction == null) {
            prediction = arrays.get(who + "_predictions");
        }
        if (prediction == null) {
            prediction = manager.zeros(new Shape(batch, 1), dataType);
        }
        NDArray embedding = arrays.get(who + "_embedding");
        if (embedding == null) {
            embedding = manager.zeros(new Shape(batch, 1), dataType);
        }
        Map<String, NDArray> features = new LinkedHashMap<>();
        NDArray feature = arrays.get(who + "_features");
        if (feature != null) {
            features.put(featureName, feature);
        }
        return new ModelOutput(prediction, embedding, features);
    }

    private static NDArray create(NDManager manager, Tensor t, DataType dataType) {
        if (dataType == DataType.FLOAT64) {
            return manager.create(t.data(), t.shape());
        }
        float[] f = new float[t.data().length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) t.data()[i];
        }
        return manager.create(f, t.shape());
    }

    private Tensor tensor(JsonElement e, String where) {
        List<Long> dims = new ArrayList<>();
        JsonElement probe = e;
        while (probe.isJsonArray()) {
            JsonArray a = probe.getAsJsonArray();
            dims.add((long) a.size());
            if (a.isEmpty()) {
                throw fail("%s has an empty axis", where);
            }
            probe = a.get(0);
        }
        if (dims.isEmpty()) {
            throw fail("%s must be an array", where);
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        double[] data = new double[Math.toIntExact(size)];
        int[] next = {0};
        fill(e, shape, 0, data, next, where);
        return new Tensor(new Shape(shape), data);
    }

    private void fill(JsonElement e, long[] shape, int axis, double[] data, int[] next, String where) {
        if (axis == shape.length) {
            data[next[0]++] = number(e, where);
            return;
        }
        if (!e.isJsonArray() || e.getAsJsonArray().size() != shape[axis]) {
            throw fail(
                    "%s is ragged: expected %d values on axis %d of shape %s",
                    where, shape[axis], axis, new Shape(shape));
        }
        for (JsonElement child : e.getAsJsonArray()) {
            fill(child, shape, axis + 1, data, next, where);
        }
    }

    private JsonElement member(JsonObject o, String key, String prefix) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            throw fail("missing key '%s%s'", prefix, key);
        }
        return e;
    }

    private String string(JsonElement e, String where) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw fail("%s must be a string, was %s", where, e);
        }
        return e.getAsString();
    }

    private double number(JsonElement e, String where) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw fail("%s must hold numbers, found %s", where, e);
        }
        double v = e.getAsDouble();
        if (!Double.isFinite(v)) {
            throw fail("%s holds a non-finite number %s", where, v);
        }
        return v;
    }

    private JsonObject object(JsonElement e, String where) {
        if (!e.isJsonObject()) {
            throw fail("%s must be an object", where);
        }
        return e.getAsJsonObject();
    }

    private JsonArray array(JsonElement e, String where) {
        if (!e.isJsonArray()) {
            throw fail("%s must be an array", where);
        }
        return e.getAsJsonArray();
    }

    private static IllegalArgumentException fail(String format, Object... args) {
        return new IllegalArgumentException(String.format(Locale.ROOT, format, args));
    }

    private static double relative(double actual, double expected) {
        return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-12);
    }

    private static double relativeL2(double[] actual, double[] expected) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = actual[i] - expected[i];
            diff += d * d;
            norm += expected[i] * expected[i];
        }
        return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-12);
    }
}
