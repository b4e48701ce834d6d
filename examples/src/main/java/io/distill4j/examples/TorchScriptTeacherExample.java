package io.distill4j.examples;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import io.distill4j.core.BatchLayout;
import io.distill4j.core.BlockTeacher;
import io.distill4j.core.Checks;
import io.distill4j.core.DistillationListener;
import io.distill4j.core.Distiller;
import io.distill4j.core.EpochResult;
import io.distill4j.core.Evaluation;
import io.distill4j.core.Task;
import io.distill4j.core.TrainingHistory;
import io.distill4j.core.View;
import io.distill4j.data.PairedViewDataset;
import io.distill4j.data.occlusion.Occlusions;
import io.distill4j.data.synthetic.SyntheticFaces;
import io.distill4j.losses.DistillationLosses;
import io.distill4j.losses.logits.KdLogitsConfig;
import io.distill4j.losses.logits.KdLogitsLoss;
import io.distill4j.models.InputShapes;
import io.distill4j.models.ModelStudent;
import io.distill4j.models.ModelTeacher;
import io.distill4j.models.SmallCnn;
import io.distill4j.models.TorchScriptModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Distils a DJL student from a teacher trained in PyTorch and exported as TorchScript.
 *
 * <p>It shows how a PyTorch model enters the library: {@link TorchScriptModel#builder()} checks
 * the file in Java (it exists, is an intact TorchScript archive, and has the expected SHA-256 if
 * one is given), loads it through DJL's PyTorch engine, runs it once to learn its output shapes,
 * and returns a frozen {@link ModelTeacher}. Export the teacher with {@code
 * torch.jit.script(model.eval()).save("teacher.pt")}; its {@code forward} returns {@code (logits,
 * embedding)} (or the logits alone, or {@code (logits, embedding, features...)} with the features
 * named by {@code optFeatureNames}). The student is a DJL {@code small-cnn} of its own width,
 * sized for the teacher's input and task by {@link ModelStudent#forTeacher}, and learns on
 * VR-occluded synthetic faces by knowledge distillation from the teacher's view of the same
 * faces, clean.
 *
 * <p>It prints the teacher's accuracy on clean and occluded faces, the student's on occluded faces,
 * and how often the student (occluded) predicts the teacher's class (clean), before and after
 * distillation. Run it with {@code java -cp examples/target/distill.jar
 * io.distill4j.examples.TorchScriptTeacherExample teacher.pt [CxHxW] [sha256]}; the input shape
 * defaults to {@code 1x48x48} (grey FER+-sized faces; a 3-channel shape makes the faces RGB). The
 * teacher's outputs must be the 8 FER+ expressions. {@code tools/examples/make_torchscript_teacher.py}
 * trains such a teacher in PyTorch on synthetic faces.
 */
public final class TorchScriptTeacherExample {

    private TorchScriptTeacherExample() {}

    /**
     * The TorchScript file and what the example needs to know about it.
     *
     * @param path the {@code .pt} file
     * @param inputShape the per-image input shape {@code (C, H, W)} the teacher takes; {@code C} is
     *     1 or 3
     * @param sha256 the SHA-256 the file must have, if known
     */
    public record TeacherFile(Path path, Shape inputShape, Optional<String> sha256) {

        /**
         * Checks the components.
         *
         * @param path the file
         * @param inputShape the input shape
         * @param sha256 the expected digest
         */
        public TeacherFile {
            Objects.requireNonNull(path, "path");
            InputShapes.check(inputShape);
            Objects.requireNonNull(sha256, "sha256");
            if (inputShape.get(0) != 1 && inputShape.get(0) != 3) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "the teacher's input must have 1 or 3 channels, was %s",
                                InputShapes.format(inputShape)));
            }
        }
    }

    /**
     * The knobs of the example.
     *
     * @param trainSize the number of synthetic training faces, at least 1
     * @param testSize the number of synthetic test faces, at least 1
     * @param studentWidths the channels of each of the student's blocks (prefer values up to 16
     *     or multiples of 16: see {@link SmallCnn.Builder#optWidths})
     * @param batchSize the batch size, at least 1
     * @param epochs the student's epochs, at least 1
     * @param learningRate the learning rate of the student's Adam optimizer, finite and {@code >
     *     0}
     * @param kd the temperature and weight of knowledge distillation
     * @param seed the seed of the data, the student's weights and the sampling
     */
    public record Settings(
            int trainSize,
            int testSize,
            List<Integer> studentWidths,
            int batchSize,
            int epochs,
            float learningRate,
            KdLogitsConfig kd,
            long seed) {

        /**
         * Validates the settings.
         *
         * @param trainSize the number of training faces
         * @param testSize the number of test faces
         * @param studentWidths the student's channels
         * @param batchSize the batch size
         * @param epochs the epochs
         * @param learningRate the learning rate
         * @param kd the distillation parameters
         * @param seed the seed
         */
        public Settings {
            Checks.positive("trainSize", trainSize);
            Checks.positive("testSize", testSize);
            studentWidths = List.copyOf(studentWidths);
            Checks.positive("batchSize", batchSize);
            Checks.positive("epochs", epochs);
            Checks.positive("learningRate", learningRate);
            Objects.requireNonNull(kd, "kd");
        }

        /**
         * Returns the defaults: 4,000 training and 500 test faces, a student of 16, 32, 64 and
         * 128 channels, batches of 64, 5 epochs, a learning rate of 0.003, {@code T = 4} and
         * {@code alpha = 0.5}, seed 7.
         *
         * @return the default settings
         */
        public static Settings defaults() {
            return new Settings(
                    4000,
                    500,
                    List.of(16, 32, 64, 128),
                    64,
                    5,
                    3e-3f,
                    KdLogitsConfig.defaults(),
                    7);
        }
    }

    /**
     * What the example measured on the test faces.
     *
     * @param teacherClean the teacher's accuracy on clean faces
     * @param teacherOccluded the teacher's accuracy on occluded faces
     * @param studentOccluded the student's accuracy on occluded faces, after distillation
     * @param agreementBefore how often the student's class (occluded) was the teacher's (clean),
     *     before distillation
     * @param agreementAfter the same after distillation
     * @param divergenceBefore the mean KL divergence from the teacher's class distribution
     *     (clean) to the student's (occluded), before distillation
     * @param divergenceAfter the same after distillation
     * @param history the student's epochs
     * @param teacherUnchanged whether the teacher's parameters were bit-for-bit the same after
     *     distillation as before
     */
    public record Result(
            double teacherClean,
            double teacherOccluded,
            double studentOccluded,
            double agreementBefore,
            double agreementAfter,
            double divergenceBefore,
            double divergenceAfter,
            TrainingHistory history,
            boolean teacherUnchanged) {

        /**
         * Checks the components.
         *
         * @param teacherClean the teacher's clean accuracy
         * @param teacherOccluded the teacher's occluded accuracy
         * @param studentOccluded the student's occluded accuracy
         * @param agreementBefore the agreement before
         * @param agreementAfter the agreement after
         * @param divergenceBefore the divergence before
         * @param divergenceAfter the divergence after
         * @param history the student's epochs
         * @param teacherUnchanged whether the teacher stayed the same
         */
        public Result {
            Objects.requireNonNull(history, "history");
        }
    }

    /**
     * Runs the example: {@code teacher.pt [CxHxW] [sha256]}.
     *
     * @param args the TorchScript file, optionally its input shape ({@code 1x48x48} by default)
     *     and its SHA-256
     * @throws IOException if the file or the data cannot be read
     * @throws MalformedModelException if the file is not a usable TorchScript model
     * @throws TranslateException if a batch cannot be made
     */
    public static void main(String[] args)
            throws IOException, MalformedModelException, TranslateException {
        if (args.length < 1 || args.length > 3) {
            System.err.println(
                    "usage: TorchScriptTeacherExample teacher.pt [CxHxW (default 1x48x48)]"
                            + " [sha256]");
            System.exit(2);
        }
        TeacherFile file =
                new TeacherFile(
                        Path.of(args[0]),
                        InputShapes.parse(args.length > 1 ? args[1] : "1x48x48"),
                        args.length > 2 ? Optional.of(args[2]) : Optional.empty());
        run(file, Settings.defaults(), System.out);
    }

    /**
     * Loads the teacher, distils a small-cnn student from it and prints what both score.
     *
     * @param file the TorchScript teacher
     * @param settings the settings
     * @param out where to print progress and results
     * @return the accuracies, agreements, divergences and checks
     * @throws IOException if the file or the data cannot be read
     * @throws MalformedModelException if the file is not a usable TorchScript model
     * @throws TranslateException if a batch cannot be made
     */
    public static Result run(TeacherFile file, Settings settings, PrintStream out)
            throws IOException, MalformedModelException, TranslateException {
        Shape shape = file.inputShape();
        // The synthetic faces' task: the 8 FER+ expressions. The teacher must predict the same.
        SyntheticFaces.Builder generator =
                SyntheticFaces.builder()
                        .optSizes(settings.trainSize(), 0, settings.testSize())
                        .optSeed(settings.seed());
        if (shape.get(1) == shape.get(2) && shape.get(1) >= 16 && shape.get(1) <= 1024) {
            generator.optImageSize((int) shape.get(1)); // drawn at the teacher's size
        }
        SyntheticFaces faces = generator.build();
        Task task = faces.task();

        // 1. Load the PyTorch teacher (checked in Java first, then frozen).
        TorchScriptModel.Builder loader =
                TorchScriptModel.builder()
                        .setModelPath(file.path())
                        .setInputShape(shape)
                        .optTask(task);
        file.sha256().ifPresent(loader::optSha256);
        Engine.getInstance().setRandomSeed((int) settings.seed()); // the student's first weights
        try (ModelTeacher teacher = loader.buildTeacher();
                // 2. A DJL student of another architecture, for the teacher's input and task.
                ModelStudent student =
                        ModelStudent.forTeacher(
                                teacher,
                                SmallCnn.builder()
                                        .optWidths(
                                                settings.studentWidths().stream()
                                                        .mapToInt(Integer::intValue)
                                                        .toArray()))) {
            out.println("teacher: " + teacher);
            out.println("student: " + student);

            // 3. Paired views at the teacher's size and channels.
            PairedViewDataset train = dataset(faces, Usage.TRAIN, shape, settings, true);
            PairedViewDataset test = dataset(faces, Usage.TEST, shape, settings, false);
            double teacherClean = Evaluation.evaluate(teacher, test, View.CLEAN, task).metric();
            double teacherOccluded =
                    Evaluation.evaluate(teacher, test, View.OCCLUDED, task).metric();
            double[] before = compare(teacher, student, test);
            String digest = BlockTeacher.parameterDigest(teacher.getBlock());

            // 4. Knowledge distillation on the occluded view.
            TrainingHistory history =
                    Distiller.builder()
                            .setTask(task)
                            .setStudent(student)
                            .optTeacher(teacher)
                            .setLoss(DistillationLosses.kdLogits(settings.kd()))
                            .optOptimizer(
                                    Optimizer.adam()
                                            .optLearningRateTracker(
                                                    Tracker.fixed(settings.learningRate()))
                                            .build())
                            .optEpochs(settings.epochs())
                            .optSeed((int) settings.seed())
                            .addListeners(printer(out))
                            .build()
                            .fit(train);

            double studentOccluded =
                    Evaluation.evaluate(student, test, View.OCCLUDED, task).metric();
            double[] after = compare(teacher, student, test);
            boolean unchanged = BlockTeacher.parameterDigest(teacher.getBlock()).equals(digest);
            out.println(Checks.format("teacher on clean faces     %.3f", teacherClean));
            out.println(Checks.format("teacher on occluded faces  %.3f", teacherOccluded));
            out.println(Checks.format("student on occluded faces  %.3f", studentOccluded));
            out.println(
                    Checks.format(
                            "student agrees with the teacher on %.3f of the faces (%.3f before);"
                                    + " KL divergence %.4f (%.4f before)",
                            after[0], before[0], after[1], before[1]));
            return new Result(
                    teacherClean,
                    teacherOccluded,
                    studentOccluded,
                    before[0],
                    after[0],
                    before[1],
                    after[1],
                    history,
                    unchanged);
        }
    }

    private static PairedViewDataset dataset(
            SyntheticFaces faces, Usage usage, Shape shape, Settings settings, boolean shuffle) {
        return PairedViewDataset.builder()
                .setSource(faces.split(usage))
                .optOcclusion(Occlusions.vrHeadset())
                .optChannels((int) shape.get(0))
                .optImageSize((int) shape.get(1), (int) shape.get(2))
                .optSeed(settings.seed())
                .setSampling(settings.batchSize(), shuffle)
                .build();
    }

    /**
     * Compares the student on occluded faces with the teacher on the same faces, clean.
     *
     * @return the share of faces where both predict the same class, and the mean KL divergence
     *     from the teacher's class distribution to the student's
     */
    private static double[] compare(ModelTeacher teacher, ModelStudent student, PairedViewDataset test)
            throws IOException, TranslateException {
        long agree = 0;
        double divergence = 0;
        long images = 0;
        try (NDManager manager = student.getManager().newSubManager()) {
            ParameterStore store = new ParameterStore(manager, false);
            for (Batch batch : test.getData(manager)) {
                try (batch) {
                    NDArray teacherLogits =
                            teacher.predict(BatchLayout.images(batch, View.CLEAN)).getPrediction();
                    NDArray studentLogits =
                            student.getBlock()
                                    .forward(
                                            store,
                                            new NDList(BatchLayout.images(batch, View.OCCLUDED)),
                                            false)
                                    .head();
                    long size = teacherLogits.getShape().get(0);
                    agree +=
                            teacherLogits
                                    .argMax(1)
                                    .eq(studentLogits.argMax(1))
                                    .toType(DataType.INT64, false)
                                    .sum()
                                    .getLong();
                    divergence +=
                            KdLogitsLoss.klDivergence(studentLogits, teacherLogits, 1f).getFloat()
                                    * size;
                    images += size;
                }
            }
        }
        return new double[] {(double) agree / images, divergence / images};
    }

    private static DistillationListener printer(PrintStream out) {
        return new DistillationListener() {
            @Override
            public void onEpoch(EpochResult epoch) {
                out.println(
                        Checks.format(
                                "student epoch %d: %s, %.0f images/s",
                                epoch.epoch(), terms(epoch), epoch.imagesPerSecond()));
            }
        };
    }

    private static String terms(EpochResult epoch) {
        StringBuilder sb = new StringBuilder();
        epoch.trainTerms()
                .forEach(
                        (name, value) ->
                                sb.append(sb.length() == 0 ? "" : ", ")
                                        .append(Checks.format("%s %.4f", name, value)));
        return sb.toString();
    }
}
