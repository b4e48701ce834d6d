package io.distill4j.models;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.distill4j.core.Checks;
import io.distill4j.core.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Loads a PyTorch model saved as TorchScript ({@code torch.jit.trace(model, x).save("m.pt")} or
 * {@code torch.jit.script(model).save("m.pt")}) through DJL's PyTorch engine, as a frozen {@link
 * ModelTeacher} or a trainable {@link ModelStudent}.
 *
 * <p>The model's {@code forward} takes a batch {@code (B, C, H, W)} and returns either a tuple
 * {@code (logits, embedding, feature_1, ..., feature_k)} (name the features with {@link
 * Builder#optFeatureNames}) or the logits alone; in the second case the embedding <em>is</em> the
 * logits (embedding losses such as the triplet loss then work on logits) and there are no
 * features. Logits are {@code (B, N)}; for regression {@code (B, 1)}.
 *
 * <p>Before any native call the file is checked in Java: it must exist, match the expected
 * SHA-256 if one is given, and be an intact TorchScript archive (every entry's CRC is verified; a
 * {@code torch.save} pickle is refused with advice). The model is then run once on zeros to learn
 * its output shapes, which are checked against the feature names and the task. The teacher is
 * loaded frozen and stays frozen (see {@link io.distill4j.core.BlockTeacher}); the student is
 * loaded with trainable parameters, and a {@link io.distill4j.core.Distiller} updates them (and
 * the batch-normalization statistics, in training mode). Requires {@code
 * ai.djl.pytorch:pytorch-engine} at run time.
 *
 * <p>Export students with {@code torch.jit.script}: a <em>traced</em> module keeps the mode it was
 * traced in (traced in eval mode, its batch normalization always uses the running statistics and
 * its dropout is off, even while it trains). DJL loads a module in eval mode but records it as
 * being in training mode, so its first training pass would silently run in eval mode; the
 * loader's first pass, in inference mode, puts the two in agreement.
 *
 * <pre>{@code
 * try (ModelTeacher teacher = TorchScriptModel.builder()
 *         .setModelPath(Path.of("teacher.pt"))
 *         .setInputShape(1, 48, 48)
 *         .optFeatureNames(List.of("block3"))
 *         .optTask(Task.classification(8))
 *         .buildTeacher()) {
 *     ...
 * }
 * }</pre>
 */
public final class TorchScriptModel {

    /** The architecture name recorded for TorchScript models. */
    public static final String ARCHITECTURE = "torchscript";

    private static final String ENGINE = "PyTorch";

    private TorchScriptModel() {}

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Computes the SHA-256 of a file.
     *
     * @param file the file
     * @return the lower-case hexadecimal digest
     * @throws IOException if the file cannot be read
     */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * Checks in Java that a file is an intact TorchScript archive: a zip file whose entries all
     * match their CRC and which holds TorchScript code.
     *
     * @param file the file
     * @throws MalformedModelException naming the file, if it is not
     * @throws IOException if the file cannot be read
     */
    public static void checkArchive(Path file) throws IOException, MalformedModelException {
        boolean code = false;
        boolean data = false;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            byte[] buffer = new byte[1 << 16];
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                code |= name.contains("/code/");
                data |= name.endsWith("/data.pkl");
                CRC32 crc = new CRC32();
                long size = 0;
                try (InputStream in = zip.getInputStream(entry)) {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        crc.update(buffer, 0, n);
                        size += n;
                    }
                }
                if ((entry.getCrc() != -1 && crc.getValue() != entry.getCrc())
                        || (entry.getSize() != -1 && size != entry.getSize())) {
                    throw new MalformedModelException(
                            Checks.format(
                                    "TorchScript file %s is corrupt: entry %s does not match its"
                                            + " checksum",
                                    file, name));
                }
            }
        } catch (ZipException e) {
            throw new MalformedModelException(
                    Checks.format(
                            "TorchScript file %s is not an intact TorchScript archive (a zip file"
                                    + " written by torch.jit.save): %s",
                            file, e.getMessage()),
                    e);
        }
        if (!data) {
            throw new MalformedModelException(
                    Checks.format("TorchScript file %s holds no data.pkl entry", file));
        }
        if (!code) {
            throw new MalformedModelException(
                    Checks.format(
                            "%s holds no TorchScript code: it looks like torch.save(...) output (a"
                                    + " state_dict or pickled module); export the model with"
                                    + " torch.jit.trace(model, example).save(path) or"
                                    + " torch.jit.script(model).save(path)",
                            file));
        }
    }

    /** Serializes a loaded module and loads it again, as a teacher or a student. */
    static Owned copy(TorchScriptBlock block, ModelDescriptor descriptor, boolean trainable) {
        try {
            Path temp = Files.createTempFile("distill4j-", ".pt");
            try {
                try (OutputStream out = Files.newOutputStream(temp)) {
                    block.writeModule(out);
                }
                Builder builder =
                        builder()
                                .setModelPath(temp)
                                .setInputShape(descriptor.inputShape())
                                .optFeatureNames(descriptor.featureNames())
                                .optTask(descriptor.task());
                builder.source = descriptor.options().getOrDefault("source", temp.toString());
                // The original load warned about risky layers already.
                builder.warnings = message -> {};
                return builder.load(trainable);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException | MalformedModelException e) {
            throw new IllegalStateException("cannot copy the TorchScript model: " + e.getMessage(), e);
        }
    }

    /** Configures and loads a TorchScript model; the path and the input shape are required. */
    public static final class Builder {

        private Path modelPath;
        private Shape inputShape;
        private List<String> featureNames = List.of();
        private Task task;
        private String sha256;
        private Device device;
        private String source;
        private Consumer<String> warnings = System.err::println;

        private Builder() {}

        /**
         * Sets the TorchScript file.
         *
         * @param modelPath the {@code .pt} file
         * @return this builder
         */
        public Builder setModelPath(Path modelPath) {
            this.modelPath = Objects.requireNonNull(modelPath, "modelPath");
            return this;
        }

        /**
         * Sets the per-image input shape {@code (C, H, W)} the model takes.
         *
         * @param inputShape the shape
         * @return this builder
         */
        public Builder setInputShape(Shape inputShape) {
            this.inputShape = InputShapes.check(inputShape);
            return this;
        }

        /**
         * Sets the per-image input shape.
         *
         * @param channels the number of channels
         * @param height the height
         * @param width the width
         * @return this builder
         */
        public Builder setInputShape(long channels, long height, long width) {
            return setInputShape(new Shape(channels, height, width));
        }

        /**
         * Names the features the model returns after {@code (logits, embedding)}, in order; none
         * by default.
         *
         * @param featureNames the names, unique
         * @return this builder
         */
        public Builder optFeatureNames(List<String> featureNames) {
            this.featureNames = List.copyOf(featureNames);
            return this;
        }

        /**
         * Sets the task; its output size must equal the width of the logits. By default the task
         * is classification over the logits' {@code N >= 2} columns, or regression for one.
         *
         * @param task the task
         * @return this builder
         */
        public Builder optTask(Task task) {
            this.task = Objects.requireNonNull(task, "task");
            return this;
        }

        /**
         * Sets the SHA-256 the file must have; it is checked before the file is loaded.
         *
         * @param sha256 the hexadecimal digest
         * @return this builder
         */
        public Builder optSha256(String sha256) {
            this.sha256 = Objects.requireNonNull(sha256, "sha256").trim().toLowerCase(Locale.ROOT);
            return this;
        }

        /**
         * Sets the device; the engine's default by default.
         *
         * @param device the device
         * @return this builder
         */
        public Builder optDevice(Device device) {
            this.device = Objects.requireNonNull(device, "device");
            return this;
        }

        /**
         * Sets where warnings go; standard error by default. The loader warns when oneDNN may run
         * AVX-512 kernels ({@link ConvolutionGuard#avx512KernelsPossible()}) and the model has
         * convolutions whose channel counts are at risk ({@link ConvolutionGuard#riskyLayers}):
         * the library pads such channels in its own architectures, but cannot reach into a
         * TorchScript module.
         *
         * @param warnings receives each warning, one line
         * @return this builder
         */
        public Builder optWarnings(Consumer<String> warnings) {
            this.warnings = Objects.requireNonNull(warnings, "warnings");
            return this;
        }

        /**
         * Loads the model as a frozen teacher.
         *
         * @return the teacher, owning the DJL model
         * @throws IOException if the file cannot be read
         * @throws MalformedModelException naming the file, if it is corrupt, not TorchScript, or
         *     does not match its expected SHA-256
         */
        public ModelTeacher buildTeacher() throws IOException, MalformedModelException {
            Owned owned = load(false);
            return ModelTeacher.of(
                    owned.block, owned.manager, owned.descriptor, owned::close);
        }

        /**
         * Loads the model as a trainable student.
         *
         * @return the student, owning the DJL model
         * @throws IOException if the file cannot be read
         * @throws MalformedModelException naming the file, if it is corrupt, not TorchScript, or
         *     does not match its expected SHA-256
         */
        public ModelStudent buildStudent() throws IOException, MalformedModelException {
            Owned owned = load(true);
            return ModelStudent.of(owned.block, owned.manager, owned.descriptor, owned::close);
        }

        Owned load(boolean trainable) throws IOException, MalformedModelException {
            if (modelPath == null) {
                throw new IllegalStateException("setModelPath(...) must be called before loading");
            }
            if (inputShape == null) {
                throw new IllegalStateException("setInputShape(...) must be called before loading");
            }
            Path file = modelPath.toAbsolutePath();
            if (!Files.isRegularFile(file)) {
                throw new IOException(
                        Checks.format("TorchScript file %s does not exist or is not a file", file));
            }
            if (sha256 != null) {
                String actual = sha256(file);
                if (!actual.equals(sha256)) {
                    throw new MalformedModelException(
                            Checks.format(
                                    "TorchScript file %s has SHA-256 %s, but %s was expected",
                                    file, actual, sha256));
                }
            }
            checkArchive(file);
            if (!Engine.hasEngine(ENGINE)) {
                throw new IllegalStateException(
                        "loading TorchScript needs DJL's PyTorch engine: add"
                                + " ai.djl.pytorch:pytorch-engine (and its native library) to the"
                                + " class path");
            }
            String name = file.getFileName().toString();
            String modelName = name.endsWith(".pt") ? name.substring(0, name.length() - 3) : name;
            Model model =
                    device == null
                            ? Model.newInstance(modelName, ENGINE)
                            : Model.newInstance(modelName, device, ENGINE);
            try {
                model.load(
                        file.getParent(),
                        name,
                        Map.of(
                                "trainParam", Boolean.toString(trainable),
                                "mapLocation", "true"));
                TorchScriptBlock block = wrap(model.getBlock(), model.getNDManager(), file);
                warnAboutRiskyLayers(model.getBlock(), file);
                block.initialize(
                        model.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(inputShape));
                Task resolved = resolveTask(block.getOutputShapes(new Shape[] {new Shape(1).addAll(inputShape)})[0], file);
                ModelDescriptor descriptor =
                        new ModelDescriptor(
                                ARCHITECTURE,
                                inputShape,
                                resolved,
                                Normalization.none(),
                                Map.of(
                                        "source",
                                        source != null ? source : name,
                                        "logitsOnly",
                                        Boolean.toString(block.isLogitsOnly())),
                                featureNames);
                return new Owned(block, model.getNDManager(), descriptor, List.of(model));
            } catch (IOException | MalformedModelException | RuntimeException e) {
                model.close();
                if (e instanceof IllegalArgumentException || e instanceof IOException) {
                    throw e;
                }
                throw new MalformedModelException(
                        Checks.format("cannot load TorchScript file %s: %s", file, e.getMessage()),
                        e);
            }
        }

        private TorchScriptBlock wrap(Block module, NDManager modelManager, Path file) {
            List<Shape> shapes = new ArrayList<>();
            try (NDManager probe = modelManager.newSubManager()) {
                NDArray zeros = probe.zeros(new Shape(2).addAll(inputShape));
                NDList out;
                try {
                    // Inference mode: this also puts the module and DJL's record of its mode in
                    // agreement before the first training pass.
                    out = module.forward(new ParameterStore(probe, false), new NDList(zeros), false);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(
                            Checks.format(
                                    "the TorchScript model %s fails on a batch of shape %s: %s",
                                    file, Checks.shape(zeros.getShape()), e.getMessage()),
                            e);
                }
                for (NDArray array : out) {
                    shapes.add(array.getShape());
                }
            }
            boolean logitsOnly = shapes.size() == 1;
            if (logitsOnly && !featureNames.isEmpty()) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "the TorchScript model %s returns only logits %s, so it has no"
                                        + " features, but features %s were named",
                                file, Checks.shape(shapes.get(0)), featureNames));
            }
            if (!logitsOnly && shapes.size() != 2 + featureNames.size()) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "the TorchScript model %s returns %d arrays %s; expected (logits,"
                                        + " embedding) and the %d named features %s, or the logits"
                                        + " alone",
                                file,
                                shapes.size(),
                                render(shapes),
                                featureNames.size(),
                                featureNames));
            }
            for (int i = 0; i < shapes.size(); i++) {
                Shape shape = shapes.get(i);
                if (shape.dimension() < 1 || shape.get(0) != 2 || (i < 2 && shape.dimension() != 2)) {
                    throw new IllegalArgumentException(
                            Checks.format(
                                    "the TorchScript model %s returns %s for a batch of 2: logits"
                                            + " and embedding must be (B, N) and (B, D), every"
                                            + " output must keep the batch axis first",
                                    file, render(shapes)));
                }
            }
            if (logitsOnly) {
                shapes.add(shapes.get(0));
            }
            Shape[] perImage = new Shape[shapes.size()];
            for (int i = 0; i < perImage.length; i++) {
                perImage[i] = shapes.get(i).slice(1);
            }
            return new TorchScriptBlock(module, inputShape, featureNames, logitsOnly, perImage);
        }

        private void warnAboutRiskyLayers(Block module, Path file) {
            List<String> risky = ConvolutionGuard.riskyLayers(module);
            if (!risky.isEmpty() && ConvolutionGuard.avx512KernelsPossible()) {
                warnings.accept(
                        Checks.format(
                                "warning: the TorchScript model %s has convolutions with more"
                                        + " than 16 channels and not a multiple of 16: %s;"
                                        + " libtorch 2.7.1's oneDNN was seen computing such"
                                        + " convolutions wrongly with AVX-512 kernels, and their"
                                        + " channels cannot be padded from Java: check this"
                                        + " machine with distill doctor, or set"
                                        + " ONEDNN_MAX_CPU_ISA=AVX2 before Java starts",
                                file, String.join(", ", risky)));
            }
        }

        private Task resolveTask(Shape prediction, Path file) {
            long width = prediction.get(1);
            if (task != null) {
                if (task.outputSize() != width) {
                    throw new IllegalArgumentException(
                            Checks.format(
                                    "the TorchScript model %s predicts %d values per image, but the"
                                            + " task %s needs %d",
                                    file, width, task, task.outputSize()));
                }
                return task;
            }
            return width == 1 ? Task.regression() : Task.classification((int) width);
        }

        private static String render(List<Shape> shapes) {
            String[] parts = new String[shapes.size()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = Checks.shape(shapes.get(i));
            }
            return Arrays.toString(parts);
        }
    }
}
