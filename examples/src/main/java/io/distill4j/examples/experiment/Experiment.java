package io.distill4j.examples.experiment;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.translate.TranslateException;
import io.distill4j.core.Checks;
import io.distill4j.core.Evaluation;
import io.distill4j.core.Task;
import io.distill4j.core.TeacherCache;
import io.distill4j.core.View;
import io.distill4j.data.FaceDataSource;
import io.distill4j.data.PairedViewDataset;
import io.distill4j.data.occlusion.Occlusion;
import io.distill4j.losses.DistillationLossRegistry;
import io.distill4j.models.ModelDescriptor;
import io.distill4j.models.ModelStudent;
import io.distill4j.models.ModelTeacher;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 * the trained teacher, and continues an interrupted training from its last finished epoch
 * ({@code resume.state}), so an interrupted comparison resumes where it stopped.
 *
 * <p>The stages live in their own classes: {@link TeacherStage} (the teacher), {@link
 * StudentRuns} (each student and the fusion), {@link StrategyLosses} (strategy names to losses)
 * and {@link RunKeys} (what decides reuse); this class orders them and writes the report.
 */
public final class Experiment {

    /** The baseline row's name. */
    public static final String BASELINE = "fine-tuning";

    /** The row of the teacher on clean test images (a reference row, not tested). */
    public static final String TEACHER_CLEAN = "teacher (clean)";

    /** The row of the teacher on occluded test images (a reference row, not tested). */
    public static final String TEACHER_OCCLUDED = "teacher (occluded)";

    private final ExperimentSetup setup;
    private final StrategyLosses losses;

    private Experiment(Builder b) {
        setup = new ExperimentSetup(b);
        losses = new StrategyLosses(setup);
        losses.validate();
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
        return setup.task;
    }

    /**
     * Returns the per-image input shape the models see.
     *
     * @return {@code (C, H, W)}
     */
    public Shape getInputShape() {
        return setup.inputShape;
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

    /**
     * Runs the whole comparison and writes the report into the output folder.
     *
     * @return the comparison
     * @throws IOException if data or files cannot be read or written
     * @throws TranslateException if a dataset cannot be batched
     */
    public Comparison run() throws IOException, TranslateException {
        Files.createDirectories(setup.out);
        long start = System.nanoTime();
        List<String> strategies = setup.strategies;
        StudentRuns students = new StudentRuns(setup, losses);
        try (ModelTeacher teacher = teacher()) {
            Comparison comparison =
                    new Comparison(
                            setup.task,
                            strategies.contains("finetune")
                                    ? BASELINE
                                    : rowName(strategies.get(0)));
            PairedViewDataset test = setup.dataset(Usage.TEST, setup.firstSeed, false);
            for (View view : View.values()) {
                comparison.addReference(
                        new RunResult(
                                view == View.CLEAN ? TEACHER_CLEAN : TEACHER_OCCLUDED,
                                setup.firstSeed,
                                Evaluation.evaluate(teacher, test, view, setup.task),
                                Optional.empty(),
                                0));
            }
            try (TeacherCache cache = newCache(teacher)) {
                for (int s = 0; s < setup.seeds; s++) {
                    int seed = setup.firstSeed + s;
                    Map<String, ModelStudent> kept = new LinkedHashMap<>();
                    try {
                        for (String strategy : ordered()) {
                            RunResult result =
                                    strategy.equals("fusion")
                                            ? students.fusion(seed, kept)
                                            : students.student(
                                                    strategy, seed, teacher, cache, kept);
                            comparison.add(result);
                            setup.say(
                                    "%s (seed %d): test %s %s",
                                    result.model(),
                                    seed,
                                    setup.task.metricName(),
                                    comparison.formatMetric(result.metric()));
                        }
                    } finally {
                        kept.values().forEach(ModelStudent::close);
                    }
                }
                if (cache != null) {
                    setup.say("%s", cacheSummary(cache));
                }
            }
            ReportWriter.write(
                    setup.out,
                    comparison,
                    "Distillation under occlusion: " + setup.data.name() + ", " + setup.occlusion,
                    details(teacher, start),
                    Optional.of(
                            new Provenance(setup.data.provenance(), teacher.getFingerprint())));
            return comparison;
        }
    }

    /** The report's header lines. */
    private Map<String, String> details(ModelTeacher teacher, long start) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("data set", setup.data.name() + " (" + setup.task + ")");
        details.put("occlusion", setup.occlusion.toString());
        // The teacher's own description: students copy it, and a loaded teacher may differ from
        // the command line's --model and --model-option.
        ModelDescriptor model = teacher.getDescriptor();
        details.put(
                "model",
                model.architecture()
                        + " "
                        + model.options()
                        + ", input "
                        + ExperimentSetup.shape(model.inputShape()));
        details.put(
                "input normalization",
                model.normalization().isIdentity()
                        ? "none (pixels in [0, 1])"
                        : model.normalization()
                                + (setup.teacherPath != null
                                        ? " (the loaded teacher's)"
                                        : setup.inputNormalization.explicit().isPresent()
                                                ? " (given)"
                                                : " (the clean training images')"));
        details.put(
                "sizes",
                Checks.format(
                        "train %d, validation %d, test %d",
                        setup.data.split(Usage.TRAIN).size(),
                        setup.data.split(Usage.VALIDATION).size(),
                        setup.data.split(Usage.TEST).size()));
        int last = setup.firstSeed + setup.seeds - 1;
        details.put("seeds", setup.firstSeed + (setup.seeds > 1 ? ".." + last : ""));
        details.put(
                "epochs",
                setup.teacherPath != null
                        ? Checks.format(
                                "teacher loaded from %s, students %d",
                                setup.teacherPath, setup.studentSettings.epochs())
                        : Checks.format(
                                "teacher %d, students %d",
                                setup.teacherSettings.epochs(), setup.studentSettings.epochs()));
        details.put("total time", Checks.format("%.1f s", (System.nanoTime() - start) / 1e9));
        return details;
    }

    /** Strategies with fusion last, so its two students are ready. */
    private List<String> ordered() {
        List<String> list = new ArrayList<>();
        for (String s : setup.strategies) {
            if (!s.equals("fusion")) {
                list.add(s);
            }
        }
        if (setup.strategies.contains("fusion")) {
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
        return new TeacherStage(setup).teacher();
    }

    /** The cache's counts, and with a file what it held before this run and holds now. */
    static String cacheSummary(TeacherCache cache) {
        String line =
                Checks.format(
                        "teacher cache: %d images computed once, %d served from the cache, %d"
                                + " uncachable (random crops)",
                        cache.getMisses(),
                        cache.getHits(),
                        cache.getBypassed());
        if (cache.getFile().isPresent()) {
            line +=
                    Checks.format(
                            "; %s held %d records from earlier runs and holds %d",
                            cache.getFile().get(),
                            cache.getLoaded(),
                            cache.size());
            if (cache.getCorrupt() > 0) {
                line += Checks.format(" (%d damaged records recomputed)", cache.getCorrupt());
            }
        }
        return line;
    }

    /**
     * Returns the registry names a strategy is built from: {@code triplet} and {@code hint} are
     * combined with the task loss, as in the paper ({@code task}, {@code triplet}); a {@code
     * +}-combination lists its parts; any other name is one part.
     *
     * @param strategy the strategy, lower case
     * @return the components, in order
     */
    public static List<String> components(String strategy) {
        return StrategyLosses.components(strategy);
    }

    private TeacherCache newCache(ModelTeacher teacher) throws IOException, TranslateException {
        boolean needed = false;
        for (String s : setup.strategies) {
            needed |= !s.equals("fusion") && losses.loss(s).requiresTeacher();
        }
        if (setup.cacheMode.equals("off") || !needed) {
            return null;
        }
        // Only the teacher features a hint strategy compares with are cached.
        TeacherCache.Builder builder =
                TeacherCache.builder()
                        .setTeacher(teacher)
                        .setDataKey(RunKeys.cacheData(setup))
                        .optFeatures(losses.hintFeatures());
        if (setup.cacheMode.equals("disk")) {
            builder.optDirectory(setup.out.resolve("cache")).optMemoryLimitBytes(256L << 20);
        }
        TeacherCache cache = builder.build();
        // Random crops bypass the cache; otherwise every record is computed here, in the
        // training set's order, so that no run's numbers depend on which run filled it.
        if (setup.studentSettings.cropPadding() == 0) {
            try (NDManager manager = NDManager.newBaseManager()) {
                long t0 = System.nanoTime();
                long computed =
                        cache.precompute(
                                setup.dataset(Usage.TRAIN, setup.firstSeed, false),
                                manager,
                                setup.studentSettings.flip());
                if (computed > 0) {
                    setup.say(
                            "teacher cache: %d records computed in %.1f s",
                            computed, (System.nanoTime() - t0) / 1e9);
                }
            } catch (IOException | TranslateException | RuntimeException e) {
                cache.close();
                throw e;
            }
        }
        return cache;
    }

    /** Builds an {@link Experiment}. */
    public static final class Builder {

        // Package-private: ExperimentSetup copies them.
        FaceDataSource data;
        Occlusion occlusion;
        String architecture = "small-cnn";
        Map<String, String> modelOptions = Map.of();
        TrainingSettings teacherSettings;
        TrainingSettings studentSettings;
        List<String> strategies = List.of("finetune", "kd", "triplet", "kd+triplet", "fusion");
        Map<String, String> lossParameters = Map.of();
        Map<String, String> weights = Map.of();
        int firstSeed = 1;
        int seeds = 1;
        Path out;
        Path teacherPath;
        PrintWriter console = new PrintWriter(System.err, true);
        boolean interactive;
        String cacheMode = "memory";
        int imageSize;
        int channels;
        InputNormalization inputNormalization = InputNormalization.DATASET;

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
         * Sets how a teacher trained by the experiment normalizes its input; {@link
         * InputNormalization#DATASET} by default. A loaded teacher keeps its own.
         *
         * @param value the normalization
         * @return this builder
         */
        public Builder optInputNormalization(InputNormalization value) {
            this.inputNormalization = Objects.requireNonNull(value, "value");
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
