package io.distill4j.examples;

import ai.djl.engine.Engine;
import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.translate.TranslateException;
import io.distill4j.core.BlockTeacher;
import io.distill4j.core.Checks;
import io.distill4j.core.DistillationListener;
import io.distill4j.core.Distiller;
import io.distill4j.core.EpochResult;
import io.distill4j.core.FeatureAdapter;
import io.distill4j.core.Task;
import io.distill4j.core.TaskLoss;
import io.distill4j.core.TrainingHistory;
import io.distill4j.core.View;
import io.distill4j.data.PairedViewDataset;
import io.distill4j.data.occlusion.Occlusions;
import io.distill4j.data.synthetic.SyntheticFaces;
import io.distill4j.losses.DistillationLosses;
import io.distill4j.losses.combined.CombinedDistillationLoss;
import io.distill4j.losses.feature.HintConfig;
import io.distill4j.losses.logits.KdLogitsConfig;
import io.distill4j.losses.metric.TripletConfig;
import io.distill4j.models.ModelStudent;
import io.distill4j.models.ModelTeacher;
import io.distill4j.models.SmallCnn;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Composes a new distillation strategy from the library's parts, {@code 0.5 KD + 1.0 triplet +
 * 0.1 hint}, and trains a student with it.
 *
 * <p>The whole composition is {@link #compose()}: a weighted sum built with {@link
 * DistillationLosses#combined()}, five lines. Each component brings what it needs: knowledge
 * distillation the teacher's logits, the triplet loss the teacher's embeddings, the hint loss the
 * teacher's {@code block2} feature map and a trainable 1x1-convolution adapter (the student here
 * is narrower than the teacher, so its {@code block2} has fewer channels), which the {@link
 * Distiller} creates, initializes and trains with the student. The trainer logs every component's
 * weighted value under its name, and the terms add up to the total.
 *
 * <p>The teacher is a {@code small-cnn} trained briefly on clean synthetic faces; the student, a
 * {@code small-cnn} of half its width, learns on the same faces occluded by a VR headset. Run it
 * with {@code java -cp examples/target/distill.jar io.distill4j.examples.ComposeLossExample};
 * {@link #run(Settings, PrintStream)} runs it with any settings.
 */
public final class ComposeLossExample {

    /** The student feature the hint loss guides, and the teacher feature it imitates. */
    public static final String HINT_FEATURE = "block2";

    private ComposeLossExample() {}

    /**
     * Returns {@code 0.5 KD + 1.0 triplet + 0.1 hint}: the user code this example is about.
     *
     * @return the combined loss; its terms are logged as {@code KdLogitsLoss}, {@code
     *     TripletLoss} and {@code HintLoss}
     */
    public static CombinedDistillationLoss compose() {
        return DistillationLosses.combined()
                .add(0.5f, DistillationLosses.kdLogits(KdLogitsConfig.defaults()))
                .add(1.0f, DistillationLosses.triplet(TripletConfig.defaults()))
                .add(0.1f, DistillationLosses.hint(HintConfig.of(HINT_FEATURE)))
                .build();
    }

    /**
     * The knobs of the example.
     *
     * @param trainSize the number of synthetic training faces, at least 1
     * @param imageSize the image side in pixels, in [16, 1024]
     * @param teacherWidths the channels of each of the teacher's blocks (at least 2 blocks, for
     *     {@code block2}; prefer values up to 16 or multiples of 16: see {@link
     *     SmallCnn.Builder#optWidths})
     * @param studentWidths the channels of each of the student's blocks (at least 2)
     * @param batchSize the batch size, at least 2 (the triplet loss needs other faces)
     * @param teacherEpochs the teacher's epochs on clean faces, at least 1
     * @param epochs the student's epochs with the composed loss, at least 1
     * @param seed the seed of the data, the weights and the sampling
     */
    public record Settings(
            int trainSize,
            int imageSize,
            List<Integer> teacherWidths,
            List<Integer> studentWidths,
            int batchSize,
            int teacherEpochs,
            int epochs,
            long seed) {

        /**
         * Validates the settings.
         *
         * @param trainSize the number of training faces
         * @param imageSize the image side
         * @param teacherWidths the teacher's channels
         * @param studentWidths the student's channels
         * @param batchSize the batch size
         * @param teacherEpochs the teacher's epochs
         * @param epochs the student's epochs
         * @param seed the seed
         */
        public Settings {
            Checks.positive("trainSize", trainSize);
            if (imageSize < 16 || imageSize > 1024) {
                throw new IllegalArgumentException(
                        Checks.format("imageSize must be in [16, 1024], was %d", imageSize));
            }
            teacherWidths = List.copyOf(teacherWidths);
            studentWidths = List.copyOf(studentWidths);
            if (teacherWidths.size() < 2 || studentWidths.size() < 2) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "teacherWidths and studentWidths need at least 2 blocks (the hint"
                                        + " reads %s), were %s and %s",
                                HINT_FEATURE, teacherWidths, studentWidths));
            }
            if (batchSize < 2) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "batchSize must be >= 2 (the triplet loss compares faces), was %d",
                                batchSize));
            }
            Checks.positive("teacherEpochs", teacherEpochs);
            Checks.positive("epochs", epochs);
        }

        /**
         * Returns the defaults: 2,000 training faces of 48x48 pixels, a teacher of 32, 64, 128
         * and 256 channels, a student of 16, 32, 64 and 128, batches of 64, 3 teacher and 3
         * student epochs, seed 7.
         *
         * @return the default settings
         */
        public static Settings defaults() {
            return new Settings(
                    2000, 48, List.of(32, 64, 128, 256), List.of(16, 32, 64, 128), 64, 3, 3, 7);
        }
    }

    /**
     * What the example produced.
     *
     * @param loss the composed loss
     * @param history the student's epochs, with every term per epoch
     * @param adapterParameters the number of trainable adapter parameters the loss added
     * @param teacherUnchanged whether the teacher's parameters were bit-for-bit the same after
     *     training as before
     */
    public record Result(
            CombinedDistillationLoss loss,
            TrainingHistory history,
            long adapterParameters,
            boolean teacherUnchanged) {

        /**
         * Checks the components.
         *
         * @param loss the loss
         * @param history the student's epochs
         * @param adapterParameters the adapter parameter count
         * @param teacherUnchanged whether the teacher stayed the same
         */
        public Result {
            Objects.requireNonNull(loss, "loss");
            Objects.requireNonNull(history, "history");
        }
    }

    /**
     * Runs the example with the default settings.
     *
     * @param args ignored
     * @throws IOException if the data cannot be read
     * @throws TranslateException if a batch cannot be made
     */
    public static void main(String[] args) throws IOException, TranslateException {
        run(Settings.defaults(), System.out);
    }

    /**
     * Trains a teacher briefly, then a narrower student with {@link #compose()}, printing every
     * term per epoch.
     *
     * @param settings the settings
     * @param out where to print
     * @return the loss, the student's history and checks
     * @throws IOException if the data cannot be read
     * @throws TranslateException if a batch cannot be made
     */
    public static Result run(Settings settings, PrintStream out)
            throws IOException, TranslateException {
        SyntheticFaces faces =
                SyntheticFaces.builder()
                        .optSizes(settings.trainSize(), 0, 0)
                        .optImageSize(settings.imageSize())
                        .optSeed(settings.seed())
                        .build();
        Task task = faces.task();
        PairedViewDataset train =
                PairedViewDataset.builder()
                        .setSource(faces.split(Usage.TRAIN))
                        .optOcclusion(Occlusions.vrHeadset())
                        .optSeed(settings.seed())
                        .setSampling(settings.batchSize(), true)
                        .build();

        Engine.getInstance().setRandomSeed((int) settings.seed());
        try (ModelStudent trainee =
                ModelStudent.create(
                        SmallCnn.builder()
                                .optWidths(toArray(settings.teacherWidths()))
                                .setInputShape(train.getImageShape())
                                .setTask(task)
                                .build())) {
            out.println("training the teacher on clean faces");
            Distiller.builder()
                    .setTask(task)
                    .setStudent(trainee)
                    .setLoss(TaskLoss.forTask(task))
                    .optStudentView(View.CLEAN)
                    .optEpochs(settings.teacherEpochs())
                    .optSeed((int) settings.seed())
                    .addListeners(printer(out, "teacher"))
                    .build()
                    .fit(train);

            try (ModelTeacher teacher = ModelTeacher.copyOf(trainee);
                    ModelStudent student =
                            ModelStudent.forTeacher(
                                    teacher,
                                    SmallCnn.builder()
                                            .optWidths(toArray(settings.studentWidths())))) {
                String digest = BlockTeacher.parameterDigest(teacher.getBlock());
                CombinedDistillationLoss loss = compose();
                Distiller distiller =
                        Distiller.builder()
                                .setTask(task)
                                .setStudent(student)
                                .optTeacher(teacher)
                                .setLoss(loss)
                                .optEpochs(settings.epochs())
                                .optSeed((int) settings.seed())
                                .addListeners(printer(out, "student"))
                                .build();
                long adapterParameters = adapterParameters(loss);
                out.println("composed loss: " + loss);
                out.println(
                        Checks.format(
                                "trainable adapter parameters added by the loss: %d",
                                adapterParameters));
                TrainingHistory history = distiller.fit(train);
                boolean unchanged =
                        BlockTeacher.parameterDigest(teacher.getBlock()).equals(digest);
                return new Result(loss, history, adapterParameters, unchanged);
            }
        }
    }

    private static long adapterParameters(CombinedDistillationLoss loss) {
        long count = 0;
        for (FeatureAdapter adapter : loss.getAdapters()) {
            count +=
                    adapter.block().getParameters().values().stream()
                            .mapToLong(p -> p.getArray().size())
                            .sum();
        }
        return count;
    }

    private static int[] toArray(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    private static DistillationListener printer(PrintStream out, String who) {
        return new DistillationListener() {
            @Override
            public void onEpoch(EpochResult epoch) {
                StringBuilder line =
                        new StringBuilder(Checks.format("%s epoch %d:", who, epoch.epoch()));
                for (Map.Entry<String, Double> term : epoch.trainTerms().entrySet()) {
                    line.append(Checks.format(" %s %.4f", term.getKey(), term.getValue()));
                }
                out.println(line);
            }
        };
    }
}
