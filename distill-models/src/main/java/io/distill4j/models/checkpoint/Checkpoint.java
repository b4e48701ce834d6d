package io.distill4j.models.checkpoint;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.distill4j.core.Checks;
import io.distill4j.core.Task;
import io.distill4j.models.Architectures;
import io.distill4j.models.DistillModel;
import io.distill4j.models.InputShapes;
import io.distill4j.models.ModelDescriptor;
import io.distill4j.models.ModelSpec;
import io.distill4j.models.ModelStudent;
import io.distill4j.models.ModelTeacher;
import io.distill4j.models.NetworkBlock;
import io.distill4j.models.TorchScriptBlock;
import io.distill4j.models.TorchScriptModel;
import io.distill4j.models.TorchWeights;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Saves and loads models: a parameters file plus a JSON manifest.
 *
 * <p>A checkpoint named {@code name} in directory {@code dir} is {@code dir/name.json} (the
 * {@link CheckpointManifest}), the model's parameters in {@code dir/name.params} (DJL's block
 * parameter stream, as {@code Block.saveParameters} writes it; readable in plain DJL with {@code
 * block.loadParameters(manager, in)}) or, for a TorchScript model, {@code dir/name.pt} (a
 * TorchScript archive that {@code torch.jit.load} reads, with the trained weights), and one {@code
 * dir/name.<block>.params} per extra block (an adapter saved with its student, say). Files are
 * written under temporary names and moved into place, the manifest last.
 *
 * <p>Loading checks the manifest against what the caller asks for (architecture, input shape,
 * task) and refuses a mismatch naming both; it checks each file's size and SHA-256 against the
 * manifest <em>before</em> handing any byte to DJL, and each loaded parameter's shape against the
 * architecture after, so a corrupt, truncated or foreign file is refused with its path, never a
 * native crash. Save then load gives bit-identical outputs.
 *
 * <pre>{@code
 * Checkpoint.saver(dir, "student").addBlock("hint-adapter", adapter).save(student);
 * try (ModelStudent again = Checkpoint.loader(dir, "student")
 *         .optArchitecture("resnet50")
 *         .optInputShape(new Shape(3, 224, 224))
 *         .optTask(Task.classification(8))
 *         .addBlock("hint-adapter", newAdapter)
 *         .loadStudent()) {
 *     ...
 * }
 * }</pre>
 */
public final class Checkpoint {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*");
    private static final String VERSION = readVersion();

    private Checkpoint() {}

    /**
     * Returns the version of this library, as recorded in manifests.
     *
     * @return the version
     */
    public static String libraryVersion() {
        return VERSION;
    }

    /**
     * Saves a model.
     *
     * @param model the model (an architecture or a TorchScript model)
     * @param dir the directory, created if needed
     * @param name the checkpoint name (letters, digits, {@code _}, {@code -}, inner dots)
     * @return the manifest written
     * @throws IOException if a file cannot be written
     */
    public static CheckpointManifest save(DistillModel model, Path dir, String name)
            throws IOException {
        return saver(dir, name).save(model);
    }

    /**
     * Returns a saver, to add extra blocks.
     *
     * @param dir the directory
     * @param name the checkpoint name
     * @return the saver
     */
    public static Saver saver(Path dir, String name) {
        return new Saver(dir, name);
    }

    /**
     * Returns a loader for the checkpoint {@code dir/name.json}.
     *
     * @param dir the directory
     * @param name the checkpoint name
     * @return the loader
     */
    public static Loader loader(Path dir, String name) {
        checkName("checkpoint name", name);
        return new Loader(dir.resolve(name + ".json"));
    }

    /**
     * Returns a loader for a manifest file.
     *
     * @param manifest the {@code .json} manifest
     * @return the loader
     */
    public static Loader loader(Path manifest) {
        return new Loader(Objects.requireNonNull(manifest, "manifest"));
    }

    /**
     * Reads and validates a manifest.
     *
     * @param manifest the {@code .json} file
     * @return the manifest
     * @throws IOException if the file cannot be read
     * @throws MalformedModelException naming the file, if it is not a valid manifest
     */
    public static CheckpointManifest readManifest(Path manifest)
            throws IOException, MalformedModelException {
        if (!Files.isRegularFile(manifest)) {
            throw new IOException(
                    Checks.format("checkpoint manifest %s does not exist or is not a file", manifest));
        }
        return CheckpointManifest.fromJson(
                Files.readString(manifest, StandardCharsets.UTF_8), manifest);
    }

    static String checkName(String what, String name) {
        Objects.requireNonNull(name, what);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s must be letters, digits, '_', '-' and inner dots, was '%s'",
                            what, name));
        }
        return name;
    }

    /** Saves a model with optional extra blocks. */
    public static final class Saver {

        private final Path dir;
        private final String name;
        private final Map<String, Block> blocks = new LinkedHashMap<>();

        private Saver(Path dir, String name) {
            this.dir = Objects.requireNonNull(dir, "dir");
            this.name = checkName("checkpoint name", name);
        }

        /**
         * Adds an initialized block to save with the model (a hint loss's adapter, say).
         *
         * @param blockName the block's name in the checkpoint
         * @param block the block
         * @return this saver
         */
        public Saver addBlock(String blockName, Block block) {
            checkName("block name", blockName);
            Objects.requireNonNull(block, "block");
            if (!block.isInitialized()) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "block '%s' is not initialized; save it once it has parameters",
                                blockName));
            }
            if (blocks.put(blockName, block) != null) {
                throw new IllegalStateException("block '" + blockName + "' was already added");
            }
            return this;
        }

        /**
         * Writes the checkpoint.
         *
         * @param model the model
         * @return the manifest written
         * @throws IOException if a file cannot be written
         */
        public CheckpointManifest save(DistillModel model) throws IOException {
            Objects.requireNonNull(model, "model");
            Files.createDirectories(dir);
            Block block = model.getBlock();
            CheckpointManifest.StoredFile parameters;
            if (block instanceof TorchScriptBlock) {
                TorchScriptBlock torchScript = (TorchScriptBlock) block;
                parameters =
                        write(name + ".pt", CheckpointManifest.TORCHSCRIPT, torchScript::writeModule);
            } else if (block instanceof NetworkBlock) {
                parameters = write(name + ".params", CheckpointManifest.DJL_BLOCK, out -> saveBlock(block, out));
            } else {
                throw new IllegalArgumentException(
                        "only architecture and TorchScript models can be saved, not "
                                + block.getClass().getSimpleName());
            }
            List<CheckpointManifest.StoredBlock> extra = new ArrayList<>();
            for (Map.Entry<String, Block> entry : blocks.entrySet()) {
                Block b = entry.getValue();
                CheckpointManifest.StoredFile file =
                        write(
                                name + "." + entry.getKey() + ".params",
                                CheckpointManifest.DJL_BLOCK,
                                out -> saveBlock(b, out));
                extra.add(
                        new CheckpointManifest.StoredBlock(
                                entry.getKey(),
                                file,
                                Arrays.asList(b.getInputShapes()),
                                shapes(b)));
            }
            ModelSpec spec = ModelSpec.of(model);
            CheckpointManifest manifest =
                    new CheckpointManifest(
                            CheckpointManifest.FORMAT_VERSION,
                            VERSION,
                            model.getDescriptor(),
                            spec.outputs(),
                            spec.parameterCount(),
                            parameters,
                            extra);
            byte[] json = manifest.toJson().getBytes(StandardCharsets.UTF_8);
            write(name + ".json", CheckpointManifest.DJL_BLOCK, out -> out.write(json));
            return manifest;
        }

        private CheckpointManifest.StoredFile write(String file, String format, Writer writer)
                throws IOException {
            Path target = dir.resolve(file);
            Path temp = dir.resolve(file + ".tmp");
            MessageDigest digest = sha256();
            try (OutputStream out =
                    new DigestOutputStream(
                            new BufferedOutputStream(Files.newOutputStream(temp)), digest)) {
                writer.write(out);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
            long bytes = Files.size(temp);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new CheckpointManifest.StoredFile(
                    file, format, bytes, HexFormat.of().formatHex(digest.digest()));
        }

        private static void saveBlock(Block block, OutputStream out) throws IOException {
            DataOutputStream data = new DataOutputStream(out);
            block.saveParameters(data);
            data.flush();
        }
    }

    @FunctionalInterface
    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Loads a checkpoint, checking it against what the caller expects; every expectation is
     * optional.
     */
    public static final class Loader {

        private final Path manifestPath;
        private String architecture;
        private Shape inputShape;
        private Task task;
        private final Map<String, Block> blocks = new LinkedHashMap<>();

        private Loader(Path manifestPath) {
            this.manifestPath = manifestPath;
        }

        /**
         * Requires the checkpoint to be of this architecture.
         *
         * @param architecture the architecture name ({@code resnet50}, {@code torchscript}, ...)
         * @return this loader
         */
        public Loader optArchitecture(String architecture) {
            this.architecture = Objects.requireNonNull(architecture, "architecture");
            return this;
        }

        /**
         * Requires the checkpoint to take this per-image input shape.
         *
         * @param inputShape the shape {@code (C, H, W)}
         * @return this loader
         */
        public Loader optInputShape(Shape inputShape) {
            this.inputShape = InputShapes.check(inputShape);
            return this;
        }

        /**
         * Requires the checkpoint's task to fit: the same type and number of classes, and the same
         * class names unless the task's names are the default {@code "0"} to {@code "N-1"}.
         *
         * @param task the task
         * @return this loader
         */
        public Loader optTask(Task task) {
            this.task = Objects.requireNonNull(task, "task");
            return this;
        }

        /**
         * Loads a saved extra block into {@code block}, an uninitialized block of the same
         * structure, in the model's manager.
         *
         * @param blockName the block's name in the checkpoint
         * @param block the block to fill
         * @return this loader
         */
        public Loader addBlock(String blockName, Block block) {
            checkName("block name", blockName);
            Objects.requireNonNull(block, "block");
            if (block.isInitialized()) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "block '%s' is already initialized; pass a new block to load into",
                                blockName));
            }
            blocks.put(blockName, block);
            return this;
        }

        /**
         * Returns the manifest, after checking it against the expectations.
         *
         * @return the manifest
         * @throws IOException if the manifest cannot be read
         * @throws MalformedModelException if it is not a valid manifest
         * @throws IllegalArgumentException naming both values, if it does not fit an expectation
         */
        public CheckpointManifest readManifest() throws IOException, MalformedModelException {
            CheckpointManifest manifest = Checkpoint.readManifest(manifestPath);
            check(manifest);
            return manifest;
        }

        /**
         * Loads the model as a trainable student.
         *
         * @return the student, owning its parameters (and the extra blocks')
         * @throws IOException if a file cannot be read
         * @throws MalformedModelException naming the file, if a file is corrupt, truncated, does
         *     not match the manifest's SHA-256 or does not fit the architecture
         * @throws IllegalArgumentException naming both values, if the checkpoint does not fit an
         *     expectation
         */
        public ModelStudent loadStudent() throws IOException, MalformedModelException {
            CheckpointManifest manifest = readManifest();
            if (CheckpointManifest.TORCHSCRIPT.equals(manifest.parameters().format())) {
                ModelStudent student = torchScript(manifest).buildStudent();
                return withBlocks(manifest, student, student.getManager());
            }
            Loaded loaded = loadNetwork(manifest);
            return ModelStudent.of(loaded.block, loaded.manager, manifest.descriptor(), loaded.manager);
        }

        /**
         * Loads the model as a frozen teacher.
         *
         * @return the teacher, owning its parameters (and the extra blocks')
         * @throws IOException if a file cannot be read
         * @throws MalformedModelException naming the file, if a file is corrupt, truncated, does
         *     not match the manifest's SHA-256 or does not fit the architecture
         * @throws IllegalArgumentException naming both values, if the checkpoint does not fit an
         *     expectation
         */
        public ModelTeacher loadTeacher() throws IOException, MalformedModelException {
            CheckpointManifest manifest = readManifest();
            if (CheckpointManifest.TORCHSCRIPT.equals(manifest.parameters().format())) {
                ModelTeacher teacher = torchScript(manifest).buildTeacher();
                return withBlocks(manifest, teacher, teacher.getManager());
            }
            Loaded loaded = loadNetwork(manifest);
            return ModelTeacher.of(loaded.block, loaded.manager, manifest.descriptor(), loaded.manager);
        }

        private void check(CheckpointManifest manifest) {
            ModelDescriptor d = manifest.descriptor();
            if (architecture != null && !architecture.equals(d.architecture())) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "checkpoint %s holds a %s model, but %s was requested",
                                manifestPath, d.architecture(), architecture));
            }
            if (inputShape != null && !inputShape.equals(d.inputShape())) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "checkpoint %s takes %s inputs, but %s was requested",
                                manifestPath,
                                InputShapes.format(d.inputShape()),
                                InputShapes.format(inputShape)));
            }
            if (task != null && !fits(task, d.task())) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "checkpoint %s was trained for %s%s, but %s%s was requested",
                                manifestPath,
                                d.task(),
                                d.task().isClassification() ? " " + d.task().classNames() : "",
                                task,
                                task.isClassification() ? " " + task.classNames() : ""));
            }
            for (String name : blocks.keySet()) {
                if (manifest.block(name).isEmpty()) {
                    List<String> names = new ArrayList<>();
                    manifest.blocks().forEach(b -> names.add(b.name()));
                    throw new IllegalArgumentException(
                            Checks.format(
                                    "checkpoint %s has no block '%s'; it has %s",
                                    manifestPath, name, names));
                }
            }
        }

        private static boolean fits(Task requested, Task saved) {
            if (requested.type() != saved.type()) {
                return false;
            }
            if (!requested.isClassification()) {
                return true;
            }
            if (requested.numClasses() != saved.numClasses()) {
                return false;
            }
            return requested.equals(Task.classification(requested.numClasses()))
                    || requested.classNames().equals(saved.classNames());
        }

        private TorchScriptModel.Builder torchScript(CheckpointManifest manifest)
                throws IOException, MalformedModelException {
            Path file = verified(manifest.parameters());
            ModelDescriptor d = manifest.descriptor();
            return TorchScriptModel.builder()
                    .setModelPath(file)
                    .setInputShape(d.inputShape())
                    .optFeatureNames(d.featureNames())
                    .optTask(d.task())
                    .optSha256(manifest.parameters().sha256());
        }

        private <T extends DistillModel> T withBlocks(
                CheckpointManifest manifest, T model, NDManager manager)
                throws IOException, MalformedModelException {
            try {
                loadBlocks(manifest, manager);
                return model;
            } catch (IOException | MalformedModelException | RuntimeException e) {
                model.close();
                throw e;
            }
        }

        private Loaded loadNetwork(CheckpointManifest manifest)
                throws IOException, MalformedModelException {
            Path file = verified(manifest.parameters());
            NetworkBlock block;
            try {
                block = Architectures.build(manifest.descriptor());
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new MalformedModelException(
                        Checks.format(
                                "checkpoint %s describes a model this library cannot build: %s",
                                manifestPath, e.getMessage()),
                        e);
            }
            Map<String, Shape> expected = TorchWeights.expectedShapes(block);
            NDManager manager = NDManager.newBaseManager();
            manager.setName("checkpoint");
            try {
                read(file, block, manager);
                Map<String, Shape> loaded = new LinkedHashMap<>();
                block.getTorchParameters()
                        .forEach(
                                (k, v) -> {
                                    if (v.isInitialized()) {
                                        loaded.put(k, v.getArray().getShape());
                                    }
                                });
                if (!loaded.equals(expected)) {
                    throw new MalformedModelException(
                            Checks.format(
                                    "parameters file %s does not fit %s: %s",
                                    file, manifest.descriptor(), difference(expected, loaded)));
                }
                block.initialize(
                        manager,
                        DataType.FLOAT32,
                        new Shape(1).addAll(manifest.descriptor().inputShape()));
                loadBlocks(manifest, manager);
                return new Loaded(block, manager);
            } catch (IOException | MalformedModelException | RuntimeException e) {
                manager.close();
                throw e;
            }
        }

        private void loadBlocks(CheckpointManifest manifest, NDManager manager)
                throws IOException, MalformedModelException {
            for (Map.Entry<String, Block> entry : blocks.entrySet()) {
                CheckpointManifest.StoredBlock stored = manifest.block(entry.getKey()).orElseThrow();
                Path file = verified(stored.file());
                Block block = entry.getValue();
                read(file, block, manager);
                Map<String, Shape> loaded = shapes(block);
                if (!loaded.equals(stored.parameterShapes())) {
                    throw new MalformedModelException(
                            Checks.format(
                                    "block '%s' does not fit %s: %s",
                                    entry.getKey(),
                                    file,
                                    difference(stored.parameterShapes(), loaded)));
                }
                block.initialize(
                        manager, DataType.FLOAT32, stored.inputShapes().toArray(new Shape[0]));
            }
        }

        /** Checks a file's size and SHA-256 against the manifest, before DJL reads a byte. */
        private Path verified(CheckpointManifest.StoredFile stored)
                throws IOException, MalformedModelException {
            Path parent = manifestPath.toAbsolutePath().getParent();
            Path file = parent.resolve(stored.file());
            if (!Files.isRegularFile(file)) {
                throw new IOException(
                        Checks.format(
                                "parameters file %s named by checkpoint %s does not exist",
                                file, manifestPath));
            }
            long size = Files.size(file);
            if (size != stored.bytes()) {
                throw new MalformedModelException(
                        Checks.format(
                                "parameters file %s has %d bytes, but its manifest says %d: it is"
                                        + " truncated or was replaced",
                                file, size, stored.bytes()));
            }
            String sha = TorchScriptModel.sha256(file);
            if (!sha.equals(stored.sha256())) {
                throw new MalformedModelException(
                        Checks.format(
                                "parameters file %s is corrupt or was replaced: its SHA-256 is %s,"
                                        + " but its manifest says %s",
                                file, sha, stored.sha256()));
            }
            return file;
        }

        private static void read(Path file, Block block, NDManager manager)
                throws IOException, MalformedModelException {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file));
                    DataInputStream data = new DataInputStream(in)) {
                block.loadParameters(manager, data);
                if (data.read() != -1) {
                    throw new MalformedModelException(
                            Checks.format(
                                    "parameters file %s has bytes after the last parameter", file));
                }
            } catch (MalformedModelException e) {
                throw e.getMessage().startsWith("parameters file")
                        ? e
                        : new MalformedModelException(message(file, e), e);
            } catch (IOException | RuntimeException e) {
                throw new MalformedModelException(message(file, e), e);
            }
        }

        private static String message(Path file, Exception e) {
            return Checks.format(
                    "parameters file %s cannot be read as the model's parameters: %s",
                    file, e.getMessage());
        }
    }

    private static final class Loaded {
        final NetworkBlock block;
        final NDManager manager;

        Loaded(NetworkBlock block, NDManager manager) {
            this.block = block;
            this.manager = manager;
        }
    }

    static Map<String, Shape> shapes(Block block) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Pair<String, Parameter> pair : block.getParameters()) {
            if (pair.getValue().isInitialized()) {
                shapes.put(pair.getKey(), pair.getValue().getArray().getShape());
            }
        }
        return shapes;
    }

    private static String difference(Map<String, Shape> expected, Map<String, Shape> loaded) {
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            Shape got = loaded.get(e.getKey());
            if (got == null) {
                return e.getKey() + " is missing";
            }
            if (!got.equals(e.getValue())) {
                return Checks.format(
                        "%s is %s there but %s in the model",
                        e.getKey(), Checks.shape(got), Checks.shape(e.getValue()));
            }
        }
        List<String> extra = new ArrayList<>(loaded.keySet());
        extra.removeAll(expected.keySet());
        return "unexpected parameters " + extra;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static String readVersion() {
        try (InputStream in = Checkpoint.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return Optional.ofNullable(properties.getProperty("version")).orElse("unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
