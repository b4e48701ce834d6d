package io.distill4j.core;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.metric.Metrics;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import io.distill4j.core.optim.StatefulOptimizer;
import io.distill4j.core.optim.TorchAdam;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Trains a student on occluded faces, with a frozen teacher that sees the same faces clean.
 *
 * <p>Each batch of a paired-view dataset (see {@link BatchLayout}) is processed as follows: the
 * teacher's outputs on the clean view are obtained outside any gradient recording (from the
 * teacher, or from a cache); one {@link GradientCollector} is opened; the student runs on its view
 * (occluded by default); the {@link DistillationLoss} scores it; the gradient flows back; the
 * optimizer steps. After every epoch the student is validated on the validation set's occluded
 * view (accuracy, or mean absolute error for regression), and both DJL's {@link TrainingListener}s
 * and this library's {@link DistillationListener}s are told.
 *
 * <p>The same loop trains a teacher (task loss, {@code optStudentView(View.CLEAN)}, no teacher)
 * and the paper's fine-tuning baseline (task loss, occluded view, no teacher).
 *
 * <p>Every shape is checked when the distiller is built: the student's and teacher's predictions
 * against the task, and each strategy's needs against both models' outputs ({@link
 * DistillationLoss#bind}), so a mismatch fails with both shapes named, never inside a native call.
 *
 * <p>With the same seed, the same data and the same thread count, a CPU run is repeatable: the
 * seed is given to the engine before an uninitialized student or adapter is initialized, and again
 * before training starts (dropout, DJL's random samplers). A distiller trains once; build another (with a fresh optimizer) for another run.
 *
 * <pre>{@code
 * Distiller distiller = Distiller.builder()
 *         .setTask(Task.classification(8))
 *         .setStudent(student)
 *         .optTeacher(teacher)
 *         .setLoss(DistillationLosses.kdLogits(KdLogitsConfig.defaults()))
 *         .optEpochs(10)
 *         .optSeed(42)
 *         .build();
 * TrainingHistory history = distiller.fit(train, validation);
 * }</pre>
 */
public final class Distiller {

    private final Task task;
    private final Student student;
    private final Teacher teacher;
    private final TeacherOutputSource teacherSource;
    private final DistillationLoss loss;
    private final View studentView;
    private final Optimizer optimizer;
    private final int epochs;
    private final int seed;
    private final Device device;
    private final List<TrainingListener> trainingListeners;
    private final List<DistillationListener> listeners;
    private final OutputSpec studentSpec;
    private final OutputSpec teacherSpec;
    private final Path resumeFile;
    private final String resumeKey;
    private boolean fitted;
    private boolean gradientsChecked;

    private Distiller(Builder builder) {
        task = builder.task;
        student = builder.student;
        teacher = builder.teacher;
        loss = builder.loss;
        studentView = builder.studentView;
        optimizer = builder.optimizer;
        epochs = builder.epochs;
        seed = builder.seed;
        device = builder.device;
        trainingListeners = List.copyOf(builder.trainingListeners);
        listeners = List.copyOf(builder.listeners);
        resumeFile = builder.resumeFile;
        resumeKey = builder.resumeKey;
        if (resumeFile != null && !(optimizer instanceof StatefulOptimizer)) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "a resumable run needs an optimizer whose state can be saved (TorchSgd"
                                    + " or TorchAdam), was %s",
                            optimizer.getClass().getName()));
        }
        if (loss.requiresTeacher() && teacher == null && builder.teacherSource == null) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s needs a teacher; call optTeacher(...) on the builder",
                            loss.getName()));
        }
        teacherSource =
                builder.teacherSource != null
                        ? builder.teacherSource
                        : (teacher == null || !loss.requiresTeacher()
                                ? null
                                : TeacherOutputSource.live(teacher));

        // Seed before any initialization, so that a fresh student starts from the same weights.
        Engine.getInstance().setRandomSeed(seed);
        BlockStudent.initialize(student);
        studentSpec = studentSpec(student);
        checkPrediction("student", studentSpec.prediction());
        if (teacher != null) {
            if (!teacher.getInputShape().equals(student.getInputShape())) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "teacher input %s and student input %s must be the same: both see"
                                        + " the same image, clean or occluded",
                                Checks.shape(teacher.getInputShape()),
                                Checks.shape(student.getInputShape())));
            }
            teacherSpec = teacherSpec(teacher);
            checkPrediction("teacher", teacherSpec.prediction());
        } else {
            teacherSpec = null;
        }
        loss.bind(
                new BindingContext(
                        task,
                        student.getInputShape(),
                        studentSpec,
                        Optional.ofNullable(teacherSpec)));
        for (FeatureAdapter adapter : loss.getAdapters()) {
            Shape featureShape = studentSpec.feature(adapter.studentFeature());
            if (!adapter.block().isInitialized()) {
                // In the student's manager, so that the adapter outlives the trainer.
                adapter.block()
                        .initialize(
                                student.getManager(),
                                DataType.FLOAT32,
                                new Shape(1).addAll(featureShape));
            }
        }
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
     * Returns the shapes of the student's outputs, found when the distiller was built.
     *
     * @return the shapes
     */
    public OutputSpec getStudentSpec() {
        return studentSpec;
    }

    /**
     * Returns the shapes of the teacher's outputs, if there is a teacher.
     *
     * @return the shapes
     */
    public Optional<OutputSpec> getTeacherSpec() {
        return Optional.ofNullable(teacherSpec);
    }

    /**
     * Returns the strategy being trained.
     *
     * @return the loss
     */
    public DistillationLoss getLoss() {
        return loss;
    }

    /**
     * Trains without validation.
     *
     * @param train the training set, in the paired-view layout
     * @return the per-epoch history
     * @throws IOException if the dataset cannot be read
     * @throws TranslateException if the dataset cannot be batched
     */
    public TrainingHistory fit(Dataset train) throws IOException, TranslateException {
        return run(train, null);
    }

    /**
     * Trains, validating after every epoch.
     *
     * @param train the training set, in the paired-view layout
     * @param validation the validation set, in the paired-view layout (sequential sampling)
     * @return the per-epoch history
     * @throws IOException if a dataset cannot be read
     * @throws TranslateException if a dataset cannot be batched
     */
    public TrainingHistory fit(Dataset train, Dataset validation)
            throws IOException, TranslateException {
        return run(train, Objects.requireNonNull(validation, "validation"));
    }

    private TrainingHistory run(Dataset train, Dataset validation)
            throws IOException, TranslateException {
        Objects.requireNonNull(train, "train");
        if (fitted) {
            throw new IllegalStateException(
                    "a Distiller trains once; build another, with a fresh optimizer, for another"
                            + " run");
        }
        fitted = true;
        Engine.getInstance().setRandomSeed(seed);
        DistillationBlock block = new DistillationBlock(student, loss.getAdapters());
        List<String> trainingFeatures = new ArrayList<>(student.getFeatureNames());
        loss.getAdapters().forEach(a -> trainingFeatures.add(a.outputName()));

        DefaultTrainingConfig config =
                new DefaultTrainingConfig(loss.asLoss())
                        .optOptimizer(optimizer)
                        .optDevices(new Device[] {device});
        trainingListeners.forEach(config::addTrainingListeners);

        List<EpochResult> history = new ArrayList<>();
        try (Model model = Model.newInstance("distill", device)) {
            model.setBlock(block);
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.setMetrics(new Metrics());
                trainer.initialize(new Shape(1).addAll(student.getInputShape()));
                List<Parameter> trainable = new ArrayList<>();
                for (Parameter p : block.getParameters().values()) {
                    if (p.requiresGradient()) {
                        trainable.add(p);
                    }
                }
                if (trainable.isEmpty()) {
                    throw new IllegalStateException(
                            "the student has no trainable parameter: every one is frozen");
                }
                if (resumeFile != null) {
                    history.addAll(restore(block));
                }
                for (int epoch = history.size() + 1; epoch <= epochs; epoch++) {
                    // Every epoch's random draws (dropout; DJL's samplers) and data order depend
                    // on the seed and the epoch alone, so a resumed run repeats them exactly.
                    Engine.getInstance().setRandomSeed(epochSeed(seed, epoch));
                    if (train instanceof EpochAware aware) {
                        aware.setEpoch(epoch - 1);
                    }
                    if (validation instanceof EpochAware aware) {
                        aware.setEpoch(epoch - 1);
                    }
                    EpochResult result =
                            trainEpoch(
                                    trainer, trainable, train, validation, epoch, trainingFeatures);
                    history.add(result);
                    trainer.notifyListeners(l -> l.onEpoch(trainer));
                    listeners.forEach(l -> l.onEpoch(result));
                    if (resumeFile != null) {
                        ResumeFile.write(
                                resumeFile,
                                resumeKey,
                                history,
                                block.getParameters(),
                                (StatefulOptimizer) optimizer);
                    }
                }
            }
        }
        return new TrainingHistory(task, history);
    }

    /** Reads the resume file, if any, into the block and optimizer; returns the epochs done. */
    private List<EpochResult> restore(DistillationBlock block) throws IOException {
        Optional<ResumeFile.Content> saved = ResumeFile.read(resumeFile, task);
        if (saved.isEmpty()) {
            return List.of();
        }
        ResumeFile.Content content = saved.get();
        if (!content.key().equals(resumeKey) || content.history().size() > epochs) {
            String reason =
                    content.key().equals(resumeKey)
                            ? Checks.format(
                                    "it has %d epochs, more than the %d of this run",
                                    content.history().size(), epochs)
                            : "it was written by a run with other settings";
            listeners.forEach(l -> l.onResumeRefused(resumeFile, reason));
            return List.of();
        }
        try (NDManager manager = student.getManager().newSubManager()) {
            ResumeFile.restore(
                    content,
                    block.getParameters(),
                    (StatefulOptimizer) optimizer,
                    manager,
                    resumeFile);
        }
        TrainingHistory restored = new TrainingHistory(task, content.history());
        listeners.forEach(l -> l.onResume(resumeFile, restored, epochs));
        return content.history();
    }

    /** The engine seed of an epoch: a mix of the run's seed and the epoch number. */
    static int epochSeed(int seed, int epoch) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0x94D049BB133111EBL;
        return (int) (z ^ (z >>> 31));
    }

    private EpochResult trainEpoch(
            Trainer trainer,
            List<Parameter> trainable,
            Dataset train,
            Dataset validation,
            int epoch,
            List<String> trainingFeatures)
            throws IOException, TranslateException {
        listeners.forEach(l -> l.onEpochStart(epoch, epochs));
        long dataNanos = 0;
        long teacherNanos = 0;
        long forwardNanos = 0;
        long backwardNanos = 0;
        long optimizerNanos = 0;
        double lossSum = 0;
        long images = 0;
        Map<String, Double> termSums = new LinkedHashMap<>();
        int batchNumber = 0;

        Iterator<Batch> batches = trainer.iterateDataset(train).iterator();
        while (true) {
            StopRequest.throwIfRequested();
            long start = System.nanoTime();
            if (!batches.hasNext()) {
                dataNanos += System.nanoTime() - start;
                break;
            }
            try (Batch batch = batches.next()) {
                long t0 = System.nanoTime();
                dataNanos += t0 - start;
                batchNumber++;
                NDArray input = BatchLayout.images(batch, studentView);
                NDArray target = BatchLayout.target(batch);
                ModelOutput teacherOutput =
                        teacherSource == null ? null : teacherSource.outputs(batch);
                long t1 = System.nanoTime();
                teacherNanos += t1 - t0;

                LossTerms terms;
                DistillationInput lossInput;
                Map<String, Float> batchTerms;
                long t2;
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDList out = trainer.forward(new NDList(input));
                    ModelOutput studentOutput = ModelOutput.fromNDList(out, trainingFeatures);
                    lossInput =
                            teacherOutput == null
                                    ? DistillationInput.of(target, studentOutput)
                                    : DistillationInput.of(target, studentOutput, teacherOutput);
                    if (batch.getLabels().size() > BatchLayout.LABEL_INDEX) {
                        lossInput = lossInput.withIndices(BatchLayout.indices(batch));
                    }
                    terms = loss.compute(lossInput);
                    t2 = System.nanoTime();
                    forwardNanos += t2 - t1;
                    // Checked before the backward pass and the step, so a diverging batch never
                    // reaches the weights.
                    batchTerms = values(terms);
                    checkFinite(batchTerms, epoch, batchNumber);
                    collector.backward(terms.total());
                }
                long t3 = System.nanoTime();
                backwardNanos += t3 - t2;
                step(trainable, epoch, batchNumber);
                optimizerNanos += System.nanoTime() - t3;

                long size = input.getShape().get(0);
                float total = batchTerms.get(loss.getName());
                lossSum += (double) total * size;
                batchTerms.forEach((k, v) -> termSums.merge(k, (double) v * size, Double::sum));
                images += size;
                int b = batchNumber;
                Map<String, Float> reported = batchTerms;
                listeners.forEach(l -> l.onBatch(epoch, b, size, reported));
                NDList labels = lossInput.toLabels();
                NDList predictions = lossInput.toPredictions();
                trainer.notifyListeners(
                        l ->
                                l.onTrainingBatch(
                                        trainer,
                                        new TrainingListener.BatchData(
                                                batch,
                                                Map.of(device, labels),
                                                Map.of(device, predictions))));
            }
        }
        if (images == 0) {
            throw new IllegalArgumentException("the training set yielded no batch");
        }
        long v0 = System.nanoTime();
        Optional<EvaluationResult> validationResult =
                validation == null ? Optional.empty() : Optional.of(validate(trainer, validation));
        long validationNanos = System.nanoTime() - v0;

        Map<String, Double> termMeans = new LinkedHashMap<>();
        long n = images;
        termSums.forEach((k, v) -> termMeans.put(k, v / n));
        return new EpochResult(
                epoch,
                lossSum / images,
                termMeans,
                validationResult,
                images,
                new Timings(
                        dataNanos,
                        teacherNanos,
                        forwardNanos,
                        backwardNanos,
                        optimizerNanos,
                        validationNanos));
    }

    /** The batch's total and each term, read once from the engine. */
    private Map<String, Float> values(LossTerms terms) {
        Map<String, Float> values = new LinkedHashMap<>();
        values.put(loss.getName(), terms.total().getFloat());
        terms.terms().forEach((k, v) -> values.put(k, v.getFloat()));
        return values;
    }

    private void checkFinite(Map<String, Float> terms, int epoch, int batch) {
        for (float value : terms.values()) {
            if (!Float.isFinite(value)) {
                throw new IllegalStateException(
                        Checks.format(
                                "training diverged at epoch %d, batch %d: %s; the step was not"
                                        + " taken and the last checkpoint is untouched; lower the"
                                        + " learning rate or check the inputs",
                                epoch, batch, describe(terms)));
            }
        }
    }

    private static String describe(Map<String, Float> terms) {
        StringBuilder sb = new StringBuilder();
        terms.forEach(
                (k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(" = ").append(v));
        return sb.toString();
    }

    /**
     * Updates every trainable parameter with its own gradient. This is what {@code
     * Trainer.step()} does on one device, without the copy of every gradient that DJL's parameter
     * server makes for multi-device training. Before the first step, and whenever the loss was
     * finite but a gradient is not, it refuses to step.
     */
    private void step(List<Parameter> trainable, int epoch, int batch) {
        float sum;
        try (NDManager scope = student.getManager().newSubManager()) {
            NDList sums = new NDList(trainable.size());
            for (Parameter p : trainable) {
                try (NDArray gradient = p.getArray().getGradient()) {
                    NDArray s = gradient.sum();
                    s.attach(scope);
                    sums.add(s);
                }
            }
            NDArray total = NDArrays.stack(sums).sum();
            total.attach(scope);
            sum = total.getFloat();
            if (!Float.isFinite(sum)) {
                throw new IllegalStateException(
                        Checks.format(
                                "training diverged at epoch %d, batch %d: the loss is finite but"
                                        + " a gradient is not (%s); the step was not taken and the"
                                        + " last checkpoint is untouched",
                                epoch, batch, firstNonFinite(trainable, scope)));
            }
        }
        if (!gradientsChecked) {
            if (sum == 0 && allZero(trainable)) {
                throw new IllegalStateException(
                        "every gradient is zero after the first batch: the loss does not depend on"
                                + " the trainable parameters (are they frozen, or is the output"
                                + " detached?)");
            }
            gradientsChecked = true;
        }
        for (Parameter p : trainable) {
            NDArray weight = p.getArray();
            try (NDArray gradient = weight.getGradient()) {
                optimizer.update(p.getId(), weight, gradient);
            }
        }
    }

    private String firstNonFinite(List<Parameter> trainable, NDManager scope) {
        for (Parameter p : trainable) {
            try (NDArray gradient = p.getArray().getGradient()) {
                NDArray s = gradient.sum();
                s.attach(scope);
                if (!Float.isFinite(s.getFloat())) {
                    return "gradient of " + p.getName() + " " + Checks.shape(p.getArray().getShape());
                }
            }
        }
        return "unknown parameter";
    }

    private boolean allZero(List<Parameter> trainable) {
        try (NDManager scope = student.getManager().newSubManager()) {
            for (Parameter p : trainable) {
                try (NDArray gradient = p.getArray().getGradient()) {
                    NDArray any = gradient.abs().sum();
                    any.attach(scope);
                    if (any.getFloat() != 0) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private EvaluationResult validate(Trainer trainer, Dataset validation)
            throws IOException, TranslateException {
        Evaluation.Accumulator accumulator = new Evaluation.Accumulator(task);
        for (Batch batch : trainer.iterateDataset(validation)) {
            try (batch) {
                StopRequest.throwIfRequested();
                NDList predictions =
                        trainer.evaluate(new NDList(BatchLayout.images(batch, studentView)));
                accumulator.add(
                        predictions.head(), BatchLayout.target(batch), BatchLayout.indices(batch));
                trainer.notifyListeners(
                        l ->
                                l.onValidationBatch(
                                        trainer,
                                        new TrainingListener.BatchData(
                                                batch,
                                                Map.of(device, batch.getLabels()),
                                                Map.of(device, predictions))));
            }
        }
        return accumulator.result();
    }

    private void checkPrediction(String who, Shape prediction) {
        Shape expected = new Shape(task.outputSize());
        boolean scalarRegression = !task.isClassification() && prediction.dimension() == 0;
        if (!prediction.equals(expected) && !scalarRegression) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s prediction shape %s does not fit the task %s, which needs %s",
                            who, Checks.shape(prediction), task, Checks.shape(expected)));
        }
    }

    private static OutputSpec studentSpec(Student student) {
        try (NDManager manager = student.getManager().newSubManager()) {
            NDArray zeros = manager.zeros(new Shape(2).addAll(student.getInputShape()));
            NDList out;
            try {
                out =
                        student.getBlock()
                                .forward(
                                        new ParameterStore(manager, false),
                                        new NDList(zeros),
                                        false);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "the student block cannot run on its input shape %s: %s",
                                Checks.shape(student.getInputShape()), e.getMessage()),
                        e);
            }
            return OutputSpec.of(ModelOutput.fromNDList(out, student.getFeatureNames()));
        }
    }

    private static OutputSpec teacherSpec(Teacher teacher) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray zeros = manager.zeros(new Shape(2).addAll(teacher.getInputShape()));
            try {
                return OutputSpec.of(teacher.predict(zeros));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "the teacher cannot run on its input shape %s: %s",
                                Checks.shape(teacher.getInputShape()), e.getMessage()),
                        e);
            }
        }
    }

    /** Builds a {@link Distiller}; {@link #build()} checks every shape. */
    public static final class Builder {

        private Task task;
        private Student student;
        private Teacher teacher;
        private TeacherOutputSource teacherSource;
        private DistillationLoss loss;
        private View studentView = View.OCCLUDED;
        private Optimizer optimizer;
        private int epochs = 10;
        private int seed;
        private Device device;
        private final List<TrainingListener> trainingListeners = new ArrayList<>();
        private final List<DistillationListener> listeners = new ArrayList<>();
        private Path resumeFile;
        private String resumeKey;

        private Builder() {}

        /**
         * Sets the task.
         *
         * @param task the task
         * @return this builder
         */
        public Builder setTask(Task task) {
            this.task = Objects.requireNonNull(task, "task");
            return this;
        }

        /**
         * Sets the student to train.
         *
         * @param student the student
         * @return this builder
         */
        public Builder setStudent(Student student) {
            this.student = Objects.requireNonNull(student, "student");
            return this;
        }

        /**
         * Sets the frozen teacher.
         *
         * @param teacher the teacher
         * @return this builder
         */
        public Builder optTeacher(Teacher teacher) {
            this.teacher = Objects.requireNonNull(teacher, "teacher");
            return this;
        }

        /**
         * Sets where the teacher's outputs come from (a cache, say); by default the teacher runs
         * on every batch's clean view.
         *
         * @param source the source
         * @return this builder
         */
        public Builder optTeacherOutputSource(TeacherOutputSource source) {
            this.teacherSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Sets the strategy.
         *
         * @param loss the loss
         * @return this builder
         */
        public Builder setLoss(DistillationLoss loss) {
            this.loss = Objects.requireNonNull(loss, "loss");
            return this;
        }

        /**
         * Sets the view the student sees; {@link View#OCCLUDED} by default, {@link View#CLEAN} to
         * train a teacher.
         *
         * @param view the view
         * @return this builder
         */
        public Builder optStudentView(View view) {
            this.studentView = Objects.requireNonNull(view, "view");
            return this;
        }

        /**
         * Sets the optimizer; {@link TorchAdam} with a learning rate of 0.001 by default. Use a fresh
         * optimizer per distiller: it keeps per-parameter state.
         *
         * @param optimizer the optimizer
         * @return this builder
         */
        public Builder optOptimizer(Optimizer optimizer) {
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
            return this;
        }

        /**
         * Sets the number of epochs; 10 by default.
         *
         * @param epochs the number of epochs, at least 1
         * @return this builder
         */
        public Builder optEpochs(int epochs) {
            this.epochs = Checks.positive("epochs", epochs);
            return this;
        }

        /**
         * Sets the random seed; 0 by default.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(int seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the device; the engine's default device by default.
         *
         * @param device the device
         * @return this builder
         */
        public Builder optDevice(Device device) {
            this.device = Objects.requireNonNull(device, "device");
            return this;
        }

        /**
         * Adds DJL training listeners (logging, timing, checkpoints, early stopping...).
         *
         * @param listeners the listeners
         * @return this builder
         */
        public Builder addTrainingListeners(TrainingListener... listeners) {
            for (TrainingListener listener : listeners) {
                trainingListeners.add(Objects.requireNonNull(listener, "listener"));
            }
            return this;
        }

        /**
         * Adds listeners of loss terms and epoch results.
         *
         * @param listeners the listeners
         * @return this builder
         */
        public Builder addListeners(DistillationListener... listeners) {
            for (DistillationListener listener : listeners) {
                this.listeners.add(Objects.requireNonNull(listener, "listener"));
            }
            return this;
        }

        /**
         * Makes the run resumable: after every epoch the whole training state (weights, optimizer
         * state, epoch results) is written atomically to this file; a later run with the same key
         * continues from the last finished epoch and ends bit for bit where an uninterrupted run
         * ends. A file written with another key is ignored (and replaced after the first epoch).
         * Needs a {@link StatefulOptimizer}.
         *
         * @param file the file
         * @param key what identifies the run's configuration (data, model, settings, seed)
         * @return this builder
         */
        public Builder optResumeFile(Path file, String key) {
            this.resumeFile = Objects.requireNonNull(file, "file");
            this.resumeKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * Checks the configuration and every shape, and builds the distiller.
         *
         * @return the distiller
         * @throws IllegalStateException if the task, student or loss is missing
         * @throws IllegalArgumentException naming both shapes, on a mismatch
         */
        public Distiller build() {
            if (task == null) {
                throw new IllegalStateException("setTask(...) must be called before build()");
            }
            if (student == null) {
                throw new IllegalStateException("setStudent(...) must be called before build()");
            }
            if (loss == null) {
                throw new IllegalStateException("setLoss(...) must be called before build()");
            }
            if (optimizer == null) {
                optimizer = TorchAdam.builder().setLearningRateTracker(Tracker.fixed(1e-3f)).build();
            }
            if (device == null) {
                device = Engine.getInstance().defaultDevice();
            }
            return new Distiller(this);
        }
    }
}
