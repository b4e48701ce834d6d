package io.distill4j.examples;

import ai.djl.engine.Engine;
import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.translate.TranslateException;
import io.distill4j.core.BlockTeacher;
import io.distill4j.core.Checks;
import io.distill4j.core.DistillationListener;
import io.distill4j.core.Distiller;
import io.distill4j.core.EpochResult;
import io.distill4j.core.Evaluation;
import io.distill4j.core.Task;
import io.distill4j.core.TaskLoss;
import io.distill4j.core.TeacherCache;
import io.distill4j.core.TrainingHistory;
import io.distill4j.core.View;
import io.distill4j.data.PairedViewDataset;
import io.distill4j.data.occlusion.Occlusions;
import io.distill4j.data.synthetic.SyntheticFaces;
import io.distill4j.losses.DistillationLosses;
import io.distill4j.losses.logits.KdLogitsConfig;
import io.distill4j.models.ModelStudent;
import io.distill4j.models.ModelTeacher;
import io.distill4j.models.NetworkBlock;
import io.distill4j.models.SmallCnn;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Objects;

/**
 * The library's main job in one program: train a teacher on clean faces, copy it into a student,
 * and distil the student on faces whose upper half is hidden by a VR headset.
 *
 * <p>It shows, in order:
 *
 * <ol>
 *   <li>synthetic faces as a data source ({@link SyntheticFaces}, no files needed) and the
 *       paired-view dataset ({@link PairedViewDataset}) that gives every face clean, for the
 *       teacher, and occluded by {@link Occlusions#vrHeadset()}, for the student;
 *   <li>training a {@code small-cnn} teacher on the clean view with the task loss ({@link
 *       Distiller} with {@code optStudentView(View.CLEAN)} and no teacher);
 *   <li>freezing it ({@link ModelTeacher#copyOf}) and starting the student from its weights
 *       ({@link ModelStudent#copyOf}), as the paper does;
 *   <li>knowledge distillation on the occluded view ({@link DistillationLosses#kdLogits}), with
 *       the teacher's outputs computed once and reused by every epoch ({@link TeacherCache});
 *   <li>evaluating both on the occluded test faces ({@link Evaluation}).
 * </ol>
 *
 * <p>The teacher does well on clean faces and badly on occluded ones; the distilled student,
 * which has seen occluded faces, recovers much of the difference. Run it with {@code java -cp
 * examples/target/distill.jar io.distill4j.examples.TrainAndDistillExample} (the defaults take a
 * few minutes on two cores); {@link #run(Settings, PrintStream)} runs it with any settings.
 */
public final class TrainAndDistillExample {

    private TrainAndDistillExample() {}

    /**
     * The knobs of the example.
     *
     * @param trainSize the number of synthetic training faces, at least 1
     * @param testSize the number of synthetic test faces, at least 1
     * @param imageSize the image side in pixels, in [16, 1024]
     * @param widths the channels of each small-cnn block (prefer values up to 16 or multiples of
     *     16: see {@link SmallCnn.Builder#optWidths})
     * @param batchSize the batch size, at least 1
     * @param teacherEpochs the teacher's epochs on clean faces, at least 1
     * @param studentEpochs the student's epochs on occluded faces, at least 1
     * @param seed the seed of the data, the weights and the sampling
     */
    public record Settings(
            int trainSize,
            int testSize,
            int imageSize,
            List<Integer> widths,
            int batchSize,
            int teacherEpochs,
            int studentEpochs,
            long seed) {

        /**
         * Validates the settings.
         *
         * @param trainSize the number of training faces
         * @param testSize the number of test faces
         * @param imageSize the image side
         * @param widths the channels of each block
         * @param batchSize the batch size
         * @param teacherEpochs the teacher's epochs
         * @param studentEpochs the student's epochs
         * @param seed the seed
         */
        public Settings {
            Checks.positive("trainSize", trainSize);
            Checks.positive("testSize", testSize);
            if (imageSize < 16 || imageSize > 1024) {
                throw new IllegalArgumentException(
                        Checks.format("imageSize must be in [16, 1024], was %d", imageSize));
            }
            widths = List.copyOf(widths);
            Checks.positive("batchSize", batchSize);
            Checks.positive("teacherEpochs", teacherEpochs);
            Checks.positive("studentEpochs", studentEpochs);
        }

        /**
         * Returns the defaults: 4,000 training and 500 test faces of 48x48 pixels, the standard
         * small-cnn (32, 64, 128, 256 channels), batches of 64, 6 teacher and 4 student epochs,
         * seed 7.
         *
         * @return the default settings
         */
        public static Settings defaults() {
            return new Settings(4000, 500, 48, List.of(32, 64, 128, 256), 64, 6, 4, 7);
        }
    }

    /**
     * What the example measured.
     *
     * @param teacherClean the teacher's accuracy on the clean test faces
     * @param teacherOccluded the teacher's accuracy on the occluded test faces
     * @param studentOccluded the distilled student's accuracy on the occluded test faces
     * @param teacherHistory the teacher's training epochs
     * @param studentHistory the student's distillation epochs
     * @param teacherUnchanged whether the teacher's parameters were bit-for-bit the same after
     *     distillation as before
     * @param cacheMisses the images the teacher ran on to fill the cache (the first epoch)
     * @param cacheHits the images whose teacher outputs came from the cache (the later epochs)
     */
    public record Result(
            double teacherClean,
            double teacherOccluded,
            double studentOccluded,
            TrainingHistory teacherHistory,
            TrainingHistory studentHistory,
            boolean teacherUnchanged,
            long cacheMisses,
            long cacheHits) {

        /**
         * Checks the components.
         *
         * @param teacherClean the teacher's clean accuracy
         * @param teacherOccluded the teacher's occluded accuracy
         * @param studentOccluded the student's occluded accuracy
         * @param teacherHistory the teacher's epochs
         * @param studentHistory the student's epochs
         * @param teacherUnchanged whether the teacher stayed the same
         * @param cacheMisses the cache's misses
         * @param cacheHits the cache's hits
         */
        public Result {
            Objects.requireNonNull(teacherHistory, "teacherHistory");
            Objects.requireNonNull(studentHistory, "studentHistory");
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
     * Trains the teacher, distils the student and prints what each scores.
     *
     * @param settings the settings
     * @param out where to print progress and results
     * @return the accuracies, histories and checks
     * @throws IOException if the data cannot be read
     * @throws TranslateException if a batch cannot be made
     */
    public static Result run(Settings settings, PrintStream out)
            throws IOException, TranslateException {
        // 1. Data: every record holds the same face clean (teacher) and occluded (student).
        SyntheticFaces faces =
                SyntheticFaces.builder()
                        .optSizes(settings.trainSize(), 0, settings.testSize())
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
        PairedViewDataset test =
                PairedViewDataset.builder()
                        .setSource(faces.split(Usage.TEST))
                        .optOcclusion(Occlusions.vrHeadset())
                        .setSampling(settings.batchSize(), false)
                        .build();

        // 2. The teacher: a small-cnn trained with the task loss on the clean view.
        Engine.getInstance().setRandomSeed((int) settings.seed());
        NetworkBlock block =
                SmallCnn.builder()
                        .optWidths(settings.widths().stream().mapToInt(Integer::intValue).toArray())
                        .setInputShape(train.getImageShape())
                        .setTask(task)
                        .build();
        try (ModelStudent trainee = ModelStudent.create(block)) {
            out.println("training the teacher on clean faces: " + train);
            TrainingHistory teacherHistory =
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

            // 3. Freeze it, and start the student from its weights.
            try (ModelTeacher teacher = ModelTeacher.copyOf(trainee);
                    ModelStudent student = ModelStudent.copyOf(teacher);
                    TeacherCache cache =
                            TeacherCache.builder()
                                    .setTeacher(teacher)
                                    .setDataKey(faces.provenance().toString())
                                    .optFeatures(List.of()) // KD needs the logits only
                                    .build()) {
                double teacherClean = Evaluation.evaluate(teacher, test, View.CLEAN, task).metric();
                double teacherOccluded =
                        Evaluation.evaluate(teacher, test, View.OCCLUDED, task).metric();
                String before = BlockTeacher.parameterDigest(teacher.getBlock());

                // 4. Knowledge distillation on the occluded view.
                out.println("distilling the student on VR-occluded faces");
                TrainingHistory studentHistory =
                        Distiller.builder()
                                .setTask(task)
                                .setStudent(student)
                                .optTeacher(teacher)
                                .optTeacherOutputSource(cache)
                                .setLoss(DistillationLosses.kdLogits(KdLogitsConfig.defaults()))
                                .optEpochs(settings.studentEpochs())
                                .optSeed((int) settings.seed())
                                .addListeners(printer(out, "student"))
                                .build()
                                .fit(train);

                // 5. Both on the occluded test faces.
                double studentOccluded =
                        Evaluation.evaluate(student, test, View.OCCLUDED, task).metric();
                boolean unchanged =
                        BlockTeacher.parameterDigest(teacher.getBlock()).equals(before);
                out.println(Checks.format("teacher on clean faces     %.3f", teacherClean));
                out.println(Checks.format("teacher on occluded faces  %.3f", teacherOccluded));
                out.println(Checks.format("student on occluded faces  %.3f", studentOccluded));
                return new Result(
                        teacherClean,
                        teacherOccluded,
                        studentOccluded,
                        teacherHistory,
                        studentHistory,
                        unchanged,
                        cache.getMisses(),
                        cache.getHits());
            }
        }
    }

    private static DistillationListener printer(PrintStream out, String who) {
        return new DistillationListener() {
            @Override
            public void onEpoch(EpochResult epoch) {
                out.println(
                        Checks.format(
                                "%s epoch %d: loss %.4f, %.0f images/s",
                                who, epoch.epoch(), epoch.trainLoss(), epoch.imagesPerSecond()));
            }
        };
    }
}
