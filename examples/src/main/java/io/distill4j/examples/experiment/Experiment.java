package io.distill4j.examples.experiment;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.translate.TranslateException;
import io.distill4j.core.Checks;
import io.distill4j.core.DistillationListener;
import io.distill4j.core.DistillationLoss;
import io.distill4j.core.Distiller;
import io.distill4j.core.EpochResult;
import io.distill4j.core.Evaluation;
import io.distill4j.core.EvaluationResult;
import io.distill4j.core.FeatureAdapter;
import io.distill4j.core.Task;
import io.distill4j.core.TaskLoss;
import io.distill4j.core.TeacherCache;
import io.distill4j.core.Timings;
import io.distill4j.core.TrainingHistory;
import io.distill4j.core.View;
import io.distill4j.data.Augmentation;
import io.distill4j.data.FaceDataSource;
import io.distill4j.data.FaceSplit;
import io.distill4j.data.PairedViewDataset;
import io.distill4j.data.occlusion.Occlusion;
import io.distill4j.losses.DistillationLossRegistry;
import io.distill4j.losses.combined.FusionOptions;
import io.distill4j.losses.combined.FusionPredictor;
import io.distill4j.models.Architectures;
import io.distill4j.models.DistillModel;
import io.distill4j.models.ModelDescriptor;
import io.distill4j.models.ModelStudent;
import io.distill4j.models.ModelTeacher;
import io.distill4j.models.NetworkBuilder;
import io.distill4j.models.TorchScriptModel;
import io.distill4j.models.checkpoint.Checkpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The paper's experiment: a teacher trained once on clean faces (or loaded), then, for each seed,
 * the fine-tuned baseline and each distillation strategy, every student starting from the
 * teacher's weights and seeing only occluded faces; all evaluated on the same occluded test
 * images, compared with paired significance tests, and written up by {@link ReportWriter}.
 *
 * <p>Strategy names: {@code finetune} (the task loss alone, the baseline), {@code kd} (Hinton
 * KD; the regression variant for age), {@code triplet} (the task loss plus the triplet loss),
 * {@code hint} (the task loss plus FitNets hints), {@code kd+triplet}, {@code fusion} (a linear
 * model on the L2-normalized, concatenated embeddings of the {@code kd} and {@code triplet}
 * students), or any name or {@code +}-combination the {@link DistillationLossRegistry} knows.
 *
 * <p>The teacher's outputs on the clean training images are cached once ({@link TeacherCache})
 * and shared by every strategy and seed. Every run keeps its best (by validation) and last
 * checkpoints and a {@code result.json}; a rerun with the same settings reuses finished runs and
 * the trained teacher, so an interrupted comparison resumes where it stopped.
 */
public final class Experiment {

    /** The baseline row's name. */
    public static final String BASELINE = "fine-tuning";

    /** The row of the teacher on clean test images (a reference row, not tested). */
    public static final String TEACHER_CLEAN = "teacher (clean)";

    /** The row of the teacher on occluded test images (a reference row, not tested). */
    public static final String TEACHER_OCCLUDED = "teacher (occluded)";

    private final FaceDataSource data;
    private final Occlusion occlusion;
    private final String architecture;
    private final Map<String, String> modelOptions;
    private final TrainingSettings teacherSettings;
    private final TrainingSettings studentSettings;
    private final List<String> strategies;
    private final Map<String, String> lossParameters;
    private final Map<String, String> weights;
    private final int firstSeed;
    private final int seeds;
    private final Path out;
    private final Path teacherPath;
    private final PrintWriter console;
    private final boolean interactive;
    private final String cacheMode;
    private final Shape inputShape;
    private final Task task;
    private final DistillationLossRegistry registry = DistillationLossRegistry.defaults();

    private Experiment(Builder b) {
        data = b.data;
        occlusion = b.occlusion;
        architecture = b.architecture;
        modelOptions = Map.copyOf(b.modelOptions);
        teacherSettings = b.teacherSettings;
        studentSettings = b.studentSettings;
        strategies = List.copyOf(b.strategies);
        lossParameters = Map.copyOf(b.lossParameters);
        weights = Map.copyOf(b.weights);
        firstSeed = b.firstSeed;
        seeds = b.seeds;
        out = b.out;
        teacherPath = b.teacherPath;
        console = b.console;
        interactive = b.interactive;
        cacheMode = b.cacheMode;
        task = data.task();
        Shape native_ = data.split(Usage.TRAIN).imageShape();
        inputShape =
                new Shape(
                        b.channels > 0 ? b.channels : native_.get(0),
                        b.imageSize > 0 ? b.imageSize : native_.get(1),
                        b.imageSize > 0 ? b.imageSize : native_.get(2));
        validateStrategies();
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the task of the data set.
     *
     * @return the task
     */
    public Task getTask() {
        return task;
    }

    /**
     * Returns the per-image input shape the models see.
     *
     * @return {@code (C, H, W)}
     */
    public Shape getInputShape() {
        return inputShape;
    }

    /**
     * Returns the row name of a strategy in the report.
     *
     * @param strategy the strategy
     * @return the row name
     */
    public static String rowName(String strategy) {
        return strategy.equals("finetune") ? BASELINE : strategy;
    }

    private void validateStrategies() {
        if (strategies.isEmpty()) {
            throw new IllegalArgumentException("give at least one strategy");
        }
        for (String s : strategies) {
            if (s.equals("fusion")) {
                if (!strategies.contains("kd") || !strategies.contains("triplet")) {
                    throw new IllegalArgumentException(
                            "the fusion strategy fuses the kd and triplet students: add kd and"
                                    + " triplet to the strategies");
                }
                continue;
            }
            // Builds each loss once, so an unknown name or parameter, or a strategy that does
            // not fit the task, fails before any training.
            DistillationLoss loss = loss(s);
            loss.bind(
                    new io.distill4j.core.BindingContext(
                            task,
                            inputShape,
                            dummySpec(),
                            java.util.Optional.of(dummySpec())));
        }
    }

    /** Shapes with the task's prediction, so that binding checks the task only. */
    private io.distill4j.core.OutputSpec dummySpec() {
        Map<String, Shape> features = new LinkedHashMap<>();
        for (String name : featureNames()) {
            features.put(name, new Shape(1, 1, 1));
        }
        return new io.distill4j.core.OutputSpec(
                new Shape(task.outputSize()), new Shape(1), features);
    }

    private List<String> featureNames() {
        return modelBuilder().getFeatureNames();
    }

    /**
     * Runs the whole comparison and writes the report into the output folder.
     *
     * @return the comparison
     * @throws IOException if data or files cannot be read or written
     * @throws TranslateException if a dataset cannot be batched
     */
    public Comparison run() throws IOException, TranslateException {
        Files.createDirectories(out);
        long start = System.nanoTime();
        try (ModelTeacher teacher = teacher()) {
            Comparison comparison =
                    new Comparison(
                            task, strategies.contains("finetune") ? BASELINE : rowName(strategies.get(0)));
            PairedViewDataset test = dataset(Usage.TEST, firstSeed, false);
            comparison.addReference(
                    new RunResult(
                            TEACHER_CLEAN,
                            firstSeed,
                            Evaluation.evaluate(teacher, test, View.CLEAN, task),
                            Optional.empty(),
                            0));
            comparison.addReference(
                    new RunResult(
                            TEACHER_OCCLUDED,
                            firstSeed,
                            Evaluation.evaluate(teacher, test, View.OCCLUDED, task),
                            Optional.empty(),
                            0));
            try (TeacherCache cache = newCache(teacher)) {
                for (int s = 0; s < seeds; s++) {
                    int seed = firstSeed + s;
                    Map<String, ModelStudent> kept = new LinkedHashMap<>();
                    try {
                        for (String strategy : ordered()) {
                            RunResult result =
                                    strategy.equals("fusion")
                                            ? fusion(seed, kept)
                                            : student(strategy, seed, teacher, cache, kept);
                            comparison.add(result);
                            console.println(
                                    Checks.format(
                                            "%s (seed %d): test %s %s",
                                            result.model(),
                                            seed,
                                            task.metricName(),
                                            comparison.formatMetric(result.metric())));
                        }
                    } finally {
                        kept.values().forEach(ModelStudent::close);
                    }
                }
                if (cache != null) {
                    console.println(
                            Checks.format(
                                    "teacher cache: %d images computed once, %d served from the"
                                            + " cache, %d uncachable (random crops)",
                                    cache.getMisses(), cache.getHits(), cache.getBypassed()));
                }
            }
            Map<String, String> details = new LinkedHashMap<>();
            details.put("data set", data.name() + " (" + task + ")");
            details.put("occlusion", occlusion.toString());
            // The teacher's own description: students copy it, and a loaded teacher may differ
            // from the command line's --model and --model-option.
            ModelDescriptor model = teacher.getDescriptor();
            details.put(
                    "model",
                    model.architecture()
                            + " "
                            + model.options()
                            + ", input "
                            + shape(model.inputShape()));
            details.put(
                    "sizes",
                    Checks.format(
                            "train %d, validation %d, test %d",
                            data.split(Usage.TRAIN).size(),
                            data.split(Usage.VALIDATION).size(),
                            data.split(Usage.TEST).size()));
            details.put("seeds", firstSeed + (seeds > 1 ? ".." + (firstSeed + seeds - 1) : ""));
            details.put(
                    "epochs",
                    teacherPath != null
                            ? Checks.format(
                                    "teacher loaded from %s, students %d",
                                    teacherPath, studentSettings.epochs())
                            : Checks.format(
                                    "teacher %d, students %d",
                                    teacherSettings.epochs(), studentSettings.epochs()));
            details.put(
                    "total time", Checks.format("%.1f s", (System.nanoTime() - start) / 1e9));
            ReportWriter.write(
                    out,
                    comparison,
                    "Distillation under occlusion: " + data.name() + ", " + occlusion,
                    details,
                    Optional.of(new Provenance(data.provenance(), teacher.getFingerprint())));
            return comparison;
        }
    }

    /** Strategies with fusion last, so its two students are ready. */
    private List<String> ordered() {
        List<String> list = new ArrayList<>();
        for (String s : strategies) {
            if (!s.equals("fusion")) {
                list.add(s);
            }
        }
        if (strategies.contains("fusion")) {
            list.add("fusion");
        }
        return list;
    }

    /**
     * Returns the teacher: loaded from the given file, or from this output folder when it was
     * trained there with the same settings, or trained now on the clean training images.
     *
     * @return the teacher; the caller closes it
     * @throws IOException if files cannot be read or written
     * @throws TranslateException if a dataset cannot be batched
     */
    public ModelTeacher teacher() throws IOException, TranslateException {
        if (teacherPath != null) {
            return loadTeacher(teacherPath);
        }
        Path dir = out.resolve("teacher");
        String key = teacherKey();
        Path keyFile = dir.resolve("key.txt");
        if (Files.isRegularFile(keyFile)
                && key.equals(Files.readString(keyFile, StandardCharsets.UTF_8).trim())
                && Files.isRegularFile(dir.resolve("best.json"))) {
            console.println("teacher: reusing " + dir.resolve("best.json"));
            return teacherCheckpoint(dir);
        }
        Engine.getInstance().setRandomSeed(firstSeed);
        try (ModelStudent model = ModelStudent.create(modelBuilder().build())) {
            PairedViewDataset train = dataset(Usage.TRAIN, firstSeed, true, teacherSettings);
            Distiller distiller =
                    Distiller.builder()
                            .setTask(task)
                            .setStudent(model)
                            .setLoss(TaskLoss.forTask(task))
                            .optStudentView(View.CLEAN)
                            .optOptimizer(teacherSettings.newOptimizer(steps(train, teacherSettings)))
                            .optEpochs(teacherSettings.epochs())
                            .optSeed(firstSeed)
                            .addListeners(
                                    progress("teacher", steps(train, teacherSettings)),
                                    new BestCheckpoint(model, dir, null))
                            .build();
            long t0 = System.nanoTime();
            TrainingHistory history = distiller.fit(train, dataset(Usage.VALIDATION, firstSeed, false, teacherSettings));
            console.println(
                    Checks.format(
                            "teacher trained in %.1f s (%s)",
                            (System.nanoTime() - t0) / 1e9,
                            total(history)));
            Checkpoint.save(model, dir, "last");
        }
        Files.writeString(keyFile, key, StandardCharsets.UTF_8);
        return teacherCheckpoint(dir);
    }

    private ModelTeacher loadTeacher(Path path) throws IOException {
        try {
            if (path.getFileName().toString().endsWith(".pt")) {
                return TorchScriptModel.builder()
                        .setModelPath(path)
                        .setInputShape(inputShape)
                        .optTask(task)
                        .buildTeacher();
            }
            return Checkpoint.loader(path).optInputShape(inputShape).optTask(task).loadTeacher();
        } catch (MalformedModelException e) {
            throw new IllegalArgumentException(
                    Checks.format("cannot load the teacher %s: %s", path, e.getMessage()), e);
        }
    }

    private Checkpoint.Loader load(Path dir, String name) {
        return Checkpoint.loader(dir, name).optInputShape(inputShape).optTask(task);
    }

    private RunResult student(
            String strategy,
            int seed,
            ModelTeacher teacher,
            TeacherCache cache,
            Map<String, ModelStudent> kept)
            throws IOException, TranslateException {
        String row = rowName(strategy);
        Path dir = out.resolve("runs").resolve(ReportWriter.slug(row) + "-seed" + seed);
        String key = runKey(strategy, seed, teacher);
        Path resultFile = dir.resolve("result.json");
        Optional<RunResult> done = RunStore.read(resultFile, key, task);
        if (done.isPresent()) {
            console.println(Checks.format("%s (seed %d): reusing %s", row, seed, resultFile));
            if (strategy.equals("kd") || strategy.equals("triplet")) {
                kept.put(strategy, bestStudent(dir));
            }
            return done.get();
        }
        DistillationLoss loss = loss(strategy);
        Engine.getInstance().setRandomSeed(seed);
        long t0 = System.nanoTime();
        TrainingHistory history;
        try (ModelStudent student = ModelStudent.copyOf(teacher)) {
            PairedViewDataset train = dataset(Usage.TRAIN, seed, true);
            Distiller.Builder builder =
                    Distiller.builder()
                            .setTask(task)
                            .setStudent(student)
                            .setLoss(loss)
                            .optOptimizer(studentSettings.newOptimizer(steps(train, studentSettings)))
                            .optEpochs(studentSettings.epochs())
                            .optSeed(seed);
            if (loss.requiresTeacher()) {
                builder.optTeacher(teacher);
                if (cache != null) {
                    builder.optTeacherOutputSource(cache);
                }
            }
            Distiller distiller =
                    builder.addListeners(
                                    progress(row + " seed " + seed, steps(train, studentSettings)),
                                    new BestCheckpoint(student, dir, loss))
                            .build();
            history = distiller.fit(train, dataset(Usage.VALIDATION, seed, false));
            saveWithAdapters(student, dir, "last", adapters(loss));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        console.println(Checks.format("%s (seed %d) trained in %.1f s (%s)", row, seed, seconds, total(history)));
        ModelStudent best = bestStudent(dir);
        EvaluationResult test;
        try {
            test = Evaluation.evaluate(best, dataset(Usage.TEST, seed, false), View.OCCLUDED, task);
        } catch (IOException | TranslateException | RuntimeException e) {
            best.close();
            throw e;
        }
        if (strategy.equals("kd") || strategy.equals("triplet")) {
            kept.put(strategy, best);
        } else {
            best.close();
        }
        RunResult result = new RunResult(row, seed, test, Optional.of(history), seconds);
        RunStore.write(resultFile, key, result);
        return result;
    }

    /** The strategy's trainable adapters (known once the distiller has bound the loss). */
    private static List<Block> adapters(DistillationLoss loss) {
        List<Block> blocks = new ArrayList<>();
        for (FeatureAdapter adapter : loss.getAdapters()) {
            blocks.add(adapter.block());
        }
        return blocks;
    }

    private ModelTeacher teacherCheckpoint(Path dir) throws IOException {
        try {
            return load(dir, "best").loadTeacher();
        } catch (MalformedModelException e) {
            throw new IllegalStateException(
                    Checks.format("cannot read the checkpoint %s: %s", dir, e.getMessage()), e);
        }
    }

    private ModelStudent bestStudent(Path dir) throws IOException {
        try {
            return load(dir, "best").loadStudent();
        } catch (MalformedModelException e) {
            throw new IllegalStateException(
                    Checks.format("cannot read the checkpoint %s: %s", dir, e.getMessage()), e);
        }
    }

    private RunResult fusion(int seed, Map<String, ModelStudent> kept)
            throws IOException, TranslateException {
        ModelStudent kd = kept.get("kd");
        ModelStudent triplet = kept.get("triplet");
        long t0 = System.nanoTime();
        FusionPredictor fusion =
                FusionPredictor.fit(
                        kd, triplet, dataset(Usage.TRAIN, seed, false), task, FusionOptions.defaults());
        EvaluationResult test = fusion.evaluate(dataset(Usage.TEST, seed, false));
        return new RunResult("fusion", seed, test, Optional.empty(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Builds a strategy's loss: {@code triplet} and {@code hint} are combined with the task loss,
     * as in the paper; parameters go to the components that take them.
     *
     * @param strategy the strategy
     * @return the loss
     */
    DistillationLoss loss(String strategy) {
        String name;
        switch (strategy) {
            case "triplet":
                name = "task+triplet";
                break;
            case "hint":
                name = "task+hint";
                break;
            default:
                name = strategy;
        }
        String[] components = name.split("\\+");
        Map<String, String> parameters = new TreeMap<>();
        for (Map.Entry<String, String> e : lossParameters.entrySet()) {
            String k = e.getKey();
            for (String c : components) {
                if (!registry.contains(c)) {
                    throw new IllegalArgumentException(
                            Checks.format(
                                    "unknown strategy '%s' in '%s'; known: %s, fusion",
                                    c, strategy, registry.names()));
                }
                if (registry.parameterNames(c).contains(k)
                        || (k.startsWith(c + ".")
                                && registry.parameterNames(c).contains(k.substring(c.length() + 1)))) {
                    parameters.put(k, e.getValue());
                }
            }
        }
        if (weights.containsKey(strategy)) {
            parameters.put("weights", weights.get(strategy));
        }
        for (String c : components) {
            if (c.equals("triplet")
                    && !task.isClassification()
                    && !parameters.containsKey("negative_threshold")
                    && !parameters.containsKey("triplet.negative_threshold")) {
                // Ages more than 10 years apart are negatives, unless told otherwise.
                parameters.put("triplet.negative_threshold", "10");
            }
            if (c.equals("hint")
                    && !parameters.containsKey("feature")
                    && !parameters.containsKey("hint.feature")) {
                parameters.put("hint.feature", defaultHintFeature());
            }
        }
        if (components.length == 1) {
            Map<String, String> plain = new TreeMap<>();
            parameters.forEach(
                    (k, v) ->
                            plain.put(k.startsWith(name + ".") ? k.substring(name.length() + 1) : k, v));
            parameters = plain;
        }
        return registry.create(name, task, parameters);
    }

    private String defaultHintFeature() {
        List<String> names = featureNames();
        if (names.isEmpty()) {
            throw new IllegalArgumentException(
                    "the hint strategy needs a feature; the model has none");
        }
        return names.get(Math.max(0, names.size() - 2));
    }

    private NetworkBuilder<?> modelBuilder() {
        NetworkBuilder<?> builder =
                Architectures.builder(architecture).setInputShape(inputShape).setTask(task);
        modelOptions.forEach(builder::optOption);
        return builder;
    }

    private PairedViewDataset dataset(Usage usage, long seed, boolean train) {
        return dataset(usage, seed, train, studentSettings);
    }

    private PairedViewDataset dataset(
            Usage usage, long seed, boolean train, TrainingSettings settings) {
        FaceSplit split = data.split(usage);
        PairedViewDataset.Builder builder =
                PairedViewDataset.builder()
                        .setSource(split)
                        .optOcclusion(occlusion)
                        .optSeed(seed)
                        .optChannels((int) inputShape.get(0))
                        .optImageSize((int) inputShape.get(1), (int) inputShape.get(2));
        if (train) {
            builder.optAugmentation(new Augmentation(settings.flip(), settings.cropPadding()));
        }
        return builder.setSampling(settings.batchSize(), train).build();
    }

    private static int steps(PairedViewDataset train, TrainingSettings settings) {
        long batch = settings.batchSize();
        return (int) Math.max(1, (train.size() + batch - 1) / batch);
    }

    private TeacherCache newCache(ModelTeacher teacher) {
        if (cacheMode.equals("off")) {
            return null;
        }
        // Only the teacher features a hint strategy compares with are cached.
        List<String> hintFeatures = new ArrayList<>();
        for (String s : strategies) {
            if (s.contains("hint")) {
                String f = defaultHintFeature();
                for (String key :
                        List.of("feature", "hint.feature", "teacher_feature", "hint.teacher_feature")) {
                    f = lossParameters.getOrDefault(key, f);
                }
                if (!hintFeatures.contains(f)) {
                    hintFeatures.add(f);
                }
            }
        }
        TeacherCache.Builder builder =
                TeacherCache.builder()
                        .setTeacher(teacher)
                        .setDataKey(sha256(data.provenance() + "|" + inputShape + "|" + occlusion))
                        .optFeatures(hintFeatures);
        if (cacheMode.equals("disk")) {
            builder.optDirectory(out.resolve("cache")).optMemoryLimitBytes(256L << 20);
        }
        return builder.build();
    }

    private DistillationListener progress(String label, int batchesPerEpoch) {
        Writer log;
        try {
            log =
                    Files.newBufferedWriter(
                            out.resolve("train.log"),
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + out.resolve("train.log"), e);
        }
        return new ProgressListener(label, console, interactive, batchesPerEpoch, log);
    }

    private String teacherKey() {
        return sha256(
                "teacher|"
                        + data.provenance()
                        + '|'
                        + shape(inputShape)
                        + '|'
                        + architecture
                        + modelOptions
                        + '|'
                        + teacherSettings
                        + '|'
                        + firstSeed);
    }

    private String runKey(String strategy, int seed, DistillModel teacher) {
        return sha256(
                "run|"
                        + teacherKey()
                        + '|'
                        + (teacher instanceof ModelTeacher t ? t.getFingerprint() : "")
                        + '|'
                        + occlusion
                        + '|'
                        + strategy
                        + '|'
                        + new TreeMap<>(lossParameters)
                        + '|'
                        + weights.get(strategy)
                        + '|'
                        + studentSettings
                        + '|'
                        + seed);
    }

    private static String total(TrainingHistory history) {
        Timings sum = new Timings(0, 0, 0, 0, 0, 0);
        for (EpochResult e : history.epochs()) {
            sum = sum.plus(e.timings());
        }
        return sum.toString();
    }

    private static String shape(Shape s) {
        return s.get(0) + "x" + s.get(1) + "x" + s.get(2);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static void saveWithAdapters(
            DistillModel model, Path dir, String name, List<Block> adapters) throws IOException {
        Checkpoint.Saver saver = Checkpoint.saver(dir, name);
        for (int i = 0; i < adapters.size(); i++) {
            saver.addBlock("adapter" + i, adapters.get(i));
        }
        saver.save(model);
    }

    /** Saves the student (and its adapters) as {@code best} whenever validation improves. */
    private final class BestCheckpoint implements DistillationListener {

        private final DistillModel model;
        private final Path dir;
        private final DistillationLoss loss;
        private double best = Double.NaN;

        /** The loss may be null (teacher training: no adapters). */
        BestCheckpoint(DistillModel model, Path dir, DistillationLoss loss) {
            this.model = model;
            this.dir = dir;
            this.loss = loss;
        }

        @Override
        public void onEpoch(EpochResult result) {
            double metric =
                    result.validationMetric().isPresent()
                            ? result.validationMetric().getAsDouble()
                            : -result.epoch();
            boolean better =
                    Double.isNaN(best)
                            || (task.higherIsBetter() || result.validationMetric().isEmpty()
                                    ? metric > best
                                    : metric < best);
            if (better) {
                best = metric;
                try {
                    saveWithAdapters(
                            model, dir, "best", loss == null ? List.of() : adapters(loss));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot save the checkpoint in " + dir, e);
                }
            }
        }
    }

    /** Builds an {@link Experiment}. */
    public static final class Builder {

        private FaceDataSource data;
        private Occlusion occlusion;
        private String architecture = "small-cnn";
        private Map<String, String> modelOptions = Map.of();
        private TrainingSettings teacherSettings;
        private TrainingSettings studentSettings;
        private List<String> strategies = List.of("finetune", "kd", "triplet", "kd+triplet", "fusion");
        private Map<String, String> lossParameters = Map.of();
        private Map<String, String> weights = Map.of();
        private int firstSeed = 1;
        private int seeds = 1;
        private Path out;
        private Path teacherPath;
        private PrintWriter console = new PrintWriter(System.err, true);
        private boolean interactive;
        private String cacheMode = "memory";
        private int imageSize;
        private int channels;

        private Builder() {}

        /**
         * Sets the loaded data set.
         *
         * @param source the data set
         * @return this builder
         */
        public Builder setData(FaceDataSource source) {
            this.data = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Sets the occlusion the students see.
         *
         * @param value the occlusion
         * @return this builder
         */
        public Builder setOcclusion(Occlusion value) {
            this.occlusion = Objects.requireNonNull(value, "occlusion");
            return this;
        }

        /**
         * Sets the architecture and its options (both teacher and students).
         *
         * @param name the registry name
         * @param options architecture options by name
         * @return this builder
         */
        public Builder optModel(String name, Map<String, String> options) {
            this.architecture = Objects.requireNonNull(name, "name");
            this.modelOptions = Map.copyOf(options);
            return this;
        }

        /**
         * Sets how the teacher and the students are trained.
         *
         * @param teacher the teacher's settings
         * @param students the students' settings
         * @return this builder
         */
        public Builder setTraining(TrainingSettings teacher, TrainingSettings students) {
            this.teacherSettings = Objects.requireNonNull(teacher, "teacher");
            this.studentSettings = Objects.requireNonNull(students, "students");
            return this;
        }

        /**
         * Sets the strategies, in row order.
         *
         * @param names the strategy names
         * @return this builder
         */
        public Builder optStrategies(List<String> names) {
            List<String> list = new ArrayList<>();
            for (String n : names) {
                list.add(n.trim().toLowerCase(Locale.ROOT));
            }
            this.strategies = list;
            return this;
        }

        /**
         * Sets the strategies' parameters (registry keys, optionally {@code component.key}).
         *
         * @param parameters the parameters
         * @return this builder
         */
        public Builder optLossParameters(Map<String, String> parameters) {
            this.lossParameters = Map.copyOf(parameters);
            return this;
        }

        /**
         * Sets the weights of combined strategies, e.g. {@code kd+triplet -> "1,0.5"}.
         *
         * @param value strategy to comma-separated weights
         * @return this builder
         */
        public Builder optWeights(Map<String, String> value) {
            this.weights = Map.copyOf(value);
            return this;
        }

        /**
         * Sets the seeds: {@code count} runs per strategy from {@code first} on.
         *
         * @param first the first seed
         * @param count the number of seeds, >= 1
         * @return this builder
         */
        public Builder optSeeds(int first, int count) {
            this.firstSeed = first;
            this.seeds = Checks.positive("seeds", count);
            return this;
        }

        /**
         * Sets the output folder.
         *
         * @param dir the folder
         * @return this builder
         */
        public Builder setOut(Path dir) {
            this.out = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * Loads the teacher instead of training it: a checkpoint manifest ({@code .json}) or a
         * TorchScript file ({@code .pt}).
         *
         * @param path the file
         * @return this builder
         */
        public Builder optTeacher(Path path) {
            this.teacherPath = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * Sets where progress goes, and whether it is a terminal.
         *
         * @param stream the stream
         * @param terminal whether to redraw progress bars in place
         * @return this builder
         */
        public Builder optConsole(PrintWriter stream, boolean terminal) {
            this.console = Objects.requireNonNull(stream, "stream");
            this.interactive = terminal;
            return this;
        }

        /**
         * Sets the teacher cache: {@code memory}, {@code disk} or {@code off}.
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder optCache(String mode) {
            String m = mode.toLowerCase(Locale.ROOT);
            if (!m.equals("memory") && !m.equals("disk") && !m.equals("off")) {
                throw new IllegalArgumentException(
                        Checks.format("cache must be memory, disk or off, was '%s'", mode));
            }
            this.cacheMode = m;
            return this;
        }

        /**
         * Resizes the images (square); 0 keeps the data set's size.
         *
         * @param size the side in pixels
         * @param imageChannels 1 or 3; 0 keeps the data set's
         * @return this builder
         */
        public Builder optImage(int size, int imageChannels) {
            this.imageSize = size;
            this.channels = imageChannels;
            return this;
        }

        /**
         * Checks the configuration and builds the experiment (every strategy is built once, so
         * an unknown name or a contradiction fails here).
         *
         * @return the experiment
         */
        public Experiment build() {
            if (data == null || occlusion == null || out == null || teacherSettings == null) {
                throw new IllegalStateException(
                        "setData, setOcclusion, setTraining and setOut must be called before"
                                + " build()");
            }
            return new Experiment(this);
        }
    }
}
