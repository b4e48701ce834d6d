package io.distill4j.models.checkpoint;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.distill4j.core.Checks;
import io.distill4j.core.OutputSpec;
import io.distill4j.core.Task;
import io.distill4j.models.ModelDescriptor;
import io.distill4j.models.Normalization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a checkpoint's JSON manifest records: the format version, the library version that wrote
 * it, the model's descriptor (architecture, input shape, task with class names, normalization,
 * options, feature names), its output shapes and parameter count, and every file with its size and
 * SHA-256.
 *
 * @param formatVersion the manifest format version, {@value #FORMAT_VERSION}
 * @param libraryVersion the version of Distill4J that wrote it
 * @param descriptor what the model is
 * @param outputs the per-image output shapes (informative)
 * @param parameterCount the number of learnable values (informative)
 * @param parameters the model's parameters file
 * @param blocks the extra blocks saved with the model (adapters, for example)
 */
public record CheckpointManifest(
        int formatVersion,
        String libraryVersion,
        ModelDescriptor descriptor,
        OutputSpec outputs,
        long parameterCount,
        StoredFile parameters,
        List<StoredBlock> blocks) {

    /** The value of the manifest's {@code format} field. */
    public static final String FORMAT = "distill4j-checkpoint";

    /** The manifest format version this library writes and reads. */
    public static final int FORMAT_VERSION = 1;

    /** The format of a file written by DJL's {@code Block.saveParameters}. */
    public static final String DJL_BLOCK = "djl-block";

    /** The format of a TorchScript archive ({@code torch.jit.save}). */
    public static final String TORCHSCRIPT = "torchscript";

    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");

    /**
     * Validates and copies the components.
     *
     * @param formatVersion the format version
     * @param libraryVersion the library version
     * @param descriptor the descriptor
     * @param outputs the output shapes
     * @param parameterCount the parameter count
     * @param parameters the parameters file
     * @param blocks the extra blocks
     */
    public CheckpointManifest {
        Objects.requireNonNull(libraryVersion, "libraryVersion");
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(parameters, "parameters");
        blocks = List.copyOf(blocks);
    }

    /**
     * A file of the checkpoint, in the manifest's directory.
     *
     * @param file the file name (no directory part)
     * @param format {@value CheckpointManifest#DJL_BLOCK} or {@value
     *     CheckpointManifest#TORCHSCRIPT}
     * @param bytes the file's size
     * @param sha256 the file's SHA-256, lower-case hexadecimal
     */
    public record StoredFile(String file, String format, long bytes, String sha256) {

        /**
         * Validates the components.
         *
         * @param file the file name
         * @param format the format
         * @param bytes the size
         * @param sha256 the digest
         */
        public StoredFile {
            Objects.requireNonNull(file, "file");
            if (!FILE_NAME.matcher(file).matches()) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "a checkpoint file must be a plain file name in the manifest's"
                                        + " directory, was '%s'",
                                file));
            }
            if (!DJL_BLOCK.equals(format) && !TORCHSCRIPT.equals(format)) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "file format must be %s or %s, was '%s'", DJL_BLOCK, TORCHSCRIPT, format));
            }
            if (bytes < 0) {
                throw new IllegalArgumentException(Checks.format("bytes must be >= 0, was %d", bytes));
            }
            Objects.requireNonNull(sha256, "sha256");
            if (!sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException(
                        Checks.format("sha256 must be 64 lower-case hex digits, was '%s'", sha256));
            }
        }
    }

    /**
     * An extra block saved with the model, such as the adapter of a hint loss.
     *
     * @param name the block's name in the checkpoint
     * @param file its parameters file
     * @param inputShapes the input shapes it was initialized with
     * @param parameterShapes its parameters' shapes by DJL name, in order
     */
    public record StoredBlock(
            String name, StoredFile file, List<Shape> inputShapes, Map<String, Shape> parameterShapes) {

        /**
         * Validates and copies the components.
         *
         * @param name the name
         * @param file the file
         * @param inputShapes the input shapes
         * @param parameterShapes the parameter shapes
         */
        public StoredBlock {
            Checkpoint.checkName("block name", name);
            Objects.requireNonNull(file, "file");
            inputShapes = List.copyOf(inputShapes);
            parameterShapes = Collections.unmodifiableMap(new LinkedHashMap<>(parameterShapes));
        }
    }

    /**
     * Returns an extra block's entry.
     *
     * @param name the block's name
     * @return the entry, if the checkpoint has a block of that name
     */
    public Optional<StoredBlock> block(String name) {
        return blocks.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /**
     * Writes the manifest as indented JSON.
     *
     * @return the JSON text
     */
    public String toJson() {
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        root.addProperty("formatVersion", formatVersion);
        root.addProperty("libraryVersion", libraryVersion);
        root.addProperty("architecture", descriptor.architecture());
        root.add("inputShape", shape(descriptor.inputShape()));
        JsonObject task = new JsonObject();
        Task t = descriptor.task();
        task.addProperty("type", t.type().name().toLowerCase(Locale.ROOT));
        if (t.isClassification()) {
            JsonArray names = new JsonArray();
            t.classNames().forEach(names::add);
            task.add("classNames", names);
        }
        root.add("task", task);
        JsonObject normalization = new JsonObject();
        normalization.add("mean", floats(descriptor.normalization().mean()));
        normalization.add("std", floats(descriptor.normalization().std()));
        root.add("normalization", normalization);
        JsonObject options = new JsonObject();
        descriptor.options().forEach(options::addProperty);
        root.add("options", options);
        JsonArray features = new JsonArray();
        descriptor.featureNames().forEach(features::add);
        root.add("featureNames", features);
        JsonObject out = new JsonObject();
        out.add("prediction", shape(outputs.prediction()));
        out.add("embedding", shape(outputs.embedding()));
        JsonObject featureShapes = new JsonObject();
        outputs.features().forEach((k, v) -> featureShapes.add(k, shape(v)));
        out.add("features", featureShapes);
        root.add("outputs", out);
        root.addProperty("parameterCount", parameterCount);
        root.add("parameters", file(parameters));
        JsonArray extra = new JsonArray();
        for (StoredBlock block : blocks) {
            JsonObject b = file(block.file());
            b.addProperty("name", block.name());
            JsonArray inputs = new JsonArray();
            block.inputShapes().forEach(s -> inputs.add(shape(s)));
            b.add("inputShapes", inputs);
            JsonObject shapes = new JsonObject();
            block.parameterShapes().forEach((k, v) -> shapes.add(k, shape(v)));
            b.add("parameterShapes", shapes);
            extra.add(b);
        }
        root.add("blocks", extra);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root)
                + "\n";
    }

    /**
     * Reads a manifest.
     *
     * @param json the JSON text
     * @param source the manifest's path, for messages
     * @return the manifest
     * @throws MalformedModelException naming the path and the field, if the text is not a valid
     *     manifest of a supported format version
     */
    public static CheckpointManifest fromJson(String json, Path source)
            throws MalformedModelException {
        try {
            JsonElement element = JsonParser.parseString(json);
            if (!element.isJsonObject()) {
                throw new IllegalArgumentException("the manifest is not a JSON object");
            }
            JsonObject root = element.getAsJsonObject();
            if (!FORMAT.equals(string(root, "format"))) {
                throw new IllegalArgumentException(
                        Checks.format("'format' must be \"%s\"", FORMAT));
            }
            int version = integer(root, "formatVersion");
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "formatVersion is %d; this library (%s) reads version %d",
                                version, Checkpoint.libraryVersion(), FORMAT_VERSION));
            }
            JsonObject task = object(root, "task");
            String type = string(task, "type");
            Task t;
            if ("classification".equals(type)) {
                t = Task.classification(strings(task, "classNames"));
            } else if ("regression".equals(type)) {
                t = Task.regression();
            } else {
                throw new IllegalArgumentException(
                        "'task.type' must be classification or regression, was '" + type + "'");
            }
            JsonObject normalization = object(root, "normalization");
            Map<String, String> options = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : object(root, "options").entrySet()) {
                options.put(e.getKey(), e.getValue().getAsString());
            }
            ModelDescriptor descriptor =
                    new ModelDescriptor(
                            string(root, "architecture"),
                            shape(root, "inputShape"),
                            t,
                            new Normalization(
                                    floats(normalization, "mean"), floats(normalization, "std")),
                            options,
                            strings(root, "featureNames"));
            JsonObject out = object(root, "outputs");
            Map<String, Shape> featureShapes = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : object(out, "features").entrySet()) {
                featureShapes.put(e.getKey(), shape(out.getAsJsonObject("features"), e.getKey()));
            }
            OutputSpec outputs =
                    new OutputSpec(shape(out, "prediction"), shape(out, "embedding"), featureShapes);
            List<StoredBlock> blocks = new ArrayList<>();
            for (JsonElement b : array(root, "blocks")) {
                if (!b.isJsonObject()) {
                    throw new IllegalArgumentException("'blocks' must hold objects");
                }
                JsonObject block = b.getAsJsonObject();
                List<Shape> inputs = new ArrayList<>();
                for (JsonElement s : array(block, "inputShapes")) {
                    inputs.add(shape(s, "inputShapes"));
                }
                Map<String, Shape> shapes = new LinkedHashMap<>();
                for (Map.Entry<String, JsonElement> e : object(block, "parameterShapes").entrySet()) {
                    shapes.put(e.getKey(), shape(e.getValue(), "parameterShapes." + e.getKey()));
                }
                blocks.add(new StoredBlock(string(block, "name"), file(block), inputs, shapes));
            }
            return new CheckpointManifest(
                    version,
                    string(root, "libraryVersion"),
                    descriptor,
                    outputs,
                    longValue(root, "parameterCount"),
                    file(object(root, "parameters")),
                    blocks);
        } catch (JsonParseException | IllegalArgumentException | IllegalStateException
                | UnsupportedOperationException e) {
            throw new MalformedModelException(
                    Checks.format("checkpoint manifest %s is invalid: %s", source, e.getMessage()),
                    e);
        }
    }

    private static JsonObject file(StoredFile file) {
        JsonObject o = new JsonObject();
        o.addProperty("file", file.file());
        o.addProperty("format", file.format());
        o.addProperty("bytes", file.bytes());
        o.addProperty("sha256", file.sha256());
        return o;
    }

    private static StoredFile file(JsonObject o) {
        return new StoredFile(
                string(o, "file"), string(o, "format"), longValue(o, "bytes"), string(o, "sha256"));
    }

    private static JsonArray shape(Shape shape) {
        JsonArray array = new JsonArray();
        for (long d : shape.getShape()) {
            array.add(d);
        }
        return array;
    }

    private static JsonArray floats(List<Float> values) {
        JsonArray array = new JsonArray();
        values.forEach(array::add);
        return array;
    }

    private static JsonElement get(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("missing '" + key + "'");
        }
        return e;
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = get(o, key);
        if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isString()) {
            throw new IllegalArgumentException("'" + key + "' must be a string");
        }
        return e.getAsString();
    }

    private static long longValue(JsonObject o, String key) {
        JsonElement e = get(o, key);
        if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isNumber()) {
            throw new IllegalArgumentException("'" + key + "' must be a number");
        }
        return e.getAsLong();
    }

    private static int integer(JsonObject o, String key) {
        return Math.toIntExact(longValue(o, key));
    }

    private static JsonObject object(JsonObject o, String key) {
        JsonElement e = get(o, key);
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException("'" + key + "' must be an object");
        }
        return e.getAsJsonObject();
    }

    private static JsonArray array(JsonObject o, String key) {
        JsonElement e = get(o, key);
        if (!e.isJsonArray()) {
            throw new IllegalArgumentException("'" + key + "' must be an array");
        }
        return e.getAsJsonArray();
    }

    private static List<String> strings(JsonObject o, String key) {
        List<String> values = new ArrayList<>();
        for (JsonElement e : array(o, key)) {
            values.add(e.getAsString());
        }
        return values;
    }

    private static List<Float> floats(JsonObject o, String key) {
        List<Float> values = new ArrayList<>();
        for (JsonElement e : array(o, key)) {
            values.add(e.getAsFloat());
        }
        return values;
    }

    private static Shape shape(JsonObject o, String key) {
        return shape(get(o, key), key);
    }

    private static Shape shape(JsonElement e, String key) {
        if (!e.isJsonArray()) {
            throw new IllegalArgumentException("'" + key + "' must be an array of sizes");
        }
        JsonArray array = e.getAsJsonArray();
        long[] dims = new long[array.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = array.get(i).getAsLong();
            if (dims[i] < 0) {
                throw new IllegalArgumentException("'" + key + "' has a negative size");
            }
        }
        return new Shape(dims);
    }
}
