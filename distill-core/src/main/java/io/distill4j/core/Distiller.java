package io.distill4j.core;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.metric.Metrics;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
import java.io.IOException;
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
    private boolean fitted;

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
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    EpochResult result =
                            trainEpoch(trainer, train, validation, epoch, trainingFeatures);
                    history.add(result);
                    trainer.notifyListeners(l -> l.onEpoch(trainer));
                    listeners.forEach(l -> l.onEpoch(result));
                }
            }
        }
        return new TrainingHistory(task, history);
    }

    private EpochResult trainEpoch(
            Trainer trainer,
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
                    collector.backward(terms.total());
                }
                long t3 = System.nanoTime();
                backwardNanos += t3 - t2;
                trainer.step();
                optimizerNanos += System.nanoTime() - t3;

                long size = input.getShape().get(0);
                float total = terms.total().getFloat();
                if (!Float.isFinite(total)) {
                    throw new IllegalStateException(
                            Checks.format(
                                    "training diverged at epoch %d, batch %d: %s = %s; lower the"
                                            + " learning rate or check the inputs",
                                    epoch, batchNumber, loss.getName(), total));
                }
                Map<String, Float> batchTerms = new LinkedHashMap<>();
                batchTerms.put(loss.getName(), total);
                terms.terms().forEach((k, v) -> batchTerms.put(k, v.getFloat()));
                lossSum += (double) total * size;
                batchTerms.forEach((k, v) -> termSums.merge(k, (double) v * size, Double::sum));
                images += size;
                int b = batchNumber;
                listeners.forEach(l -> l.onBatch(epoch, b, size, batchTerms));
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

    private EvaluationResult validate(Trainer trainer, Dataset validation)
            throws IOException, TranslateException {
        Evaluation.Accumulator accumulator = new Evaluation.Accumulator(task);
        for (Batch batch : trainer.iterateDataset(validation)) {
            try (batch) {
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
         * Sets the optimizer; Adam with a learning rate of 0.001 by default. Use a fresh
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
                optimizer = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
            }
            if (device == null) {
                device = Engine.getInstance().defaultDevice();
            }
            return new Distiller(this);
        }
    }
}
