package io.distill4j.benchmarks.training;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.translate.TranslateException;
import io.distill4j.benchmarks.AbstractDistillBenchmark;
import io.distill4j.core.DistillationLoss;
import io.distill4j.core.Distiller;
import io.distill4j.core.Task;
import io.distill4j.core.TaskLoss;
import io.distill4j.core.TeacherCache;
import io.distill4j.core.Timings;
import io.distill4j.core.TrainingHistory;
import io.distill4j.data.PairedView;
import io.distill4j.data.PairedViewDataset;
import io.distill4j.data.occlusion.Occlusions;
import io.distill4j.data.synthetic.SyntheticFaces;
import io.distill4j.losses.DistillationLosses;
import io.distill4j.losses.logits.KdLogitsConfig;
import io.distill4j.models.Architectures;
import io.distill4j.models.ModelStudent;
import io.distill4j.models.ModelTeacher;
import io.distill4j.models.NetworkBlock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures one training epoch of a {@code small-cnn} student on synthetic 48x48 faces occluded by
 * a VR headset, through the {@link Distiller}: fine-tuning (cross-entropy, no teacher) against
 * knowledge distillation ({@code T = 4}, {@code alpha = 0.5}) with the teacher running on every
 * batch and with its outputs served by a warm {@link TeacherCache}. It measures the claim that
 * with the cache a distillation epoch costs about what a fine-tuning epoch costs: the difference
 * left is the KL term and the cache look-ups.
 *
 * <p>Teacher and student are {@code small-cnn} (32, 64, 128, 256 channels) with 8 outputs; the
 * teacher has random weights (the cost of a pass does not depend on them), the student starts as
 * its copy and keeps training from one invocation to the next. Each invocation builds a new
 * {@code Distiller} (a fresh Adam optimizer, learning rate 0.001) and fits one epoch of {@link
 * #trainSize} images in batches of {@link #batchSize}, without validation. The cache is filled in
 * the trial's set-up with the logits and embedding (no feature maps: knowledge distillation needs
 * none), so every measured epoch is served from memory.
 *
 * <p>Two data paths: {@link Data#RENDERED}, the {@link PairedViewDataset} drawing and occluding
 * every face when it is read (what a synthetic run does; the same cost for every strategy), and
 * {@link Data#PRELOADED}, the same records held in memory as one array each, so that the epoch
 * time is the model's work alone.
 *
 * <p>Settings: single-shot time per epoch in milliseconds, 2 warm-up and 5 measured epochs, one
 * fork, PyTorch on two intra-op threads and one inter-op thread. Beside the score, JMH reports
 * where the time went ({@link Phases}): on a noisy shared machine, the teacher's share is the
 * steadier measure of what the cache saves.
 *
 * <p>Run: {@code mvn -B -o -q -pl distill-benchmarks -am package -DskipTests && java -jar
 * distill-benchmarks/target/benchmarks.jar DistillationEpochBenchmark}
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Xmx4g",
            "-Dai.djl.offline=true",
            "-Dai.djl.pytorch.num_threads=2",
            "-Dai.djl.pytorch.num_interop_threads=1",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"
        })
public class DistillationEpochBenchmark extends AbstractDistillBenchmark {

    /** The strategies compared. */
    public enum Strategy {
        /** Cross-entropy on the occluded view, no teacher: the paper's fine-tuning baseline. */
        FINE_TUNE,
        /** Knowledge distillation, the teacher running on every batch's clean view. */
        KD_LIVE_TEACHER,
        /** Knowledge distillation, the teacher's outputs read from a warm cache. */
        KD_CACHED_TEACHER
    }

    /** Where the batches come from. */
    public enum Data {
        /** Faces drawn and occluded when read, as a synthetic-data run does. */
        RENDERED,
        /** The same records held in memory: the epoch is the model's work alone. */
        PRELOADED
    }

    /** The strategy. */
    @Param({"FINE_TUNE", "KD_LIVE_TEACHER", "KD_CACHED_TEACHER"})
    public Strategy strategy;

    /** The data path. */
    @Param({"PRELOADED", "RENDERED"})
    public Data data;

    /** The number of training images per epoch. */
    @Param({"1024"})
    public int trainSize;

    /** The batch size. */
    @Param({"64"})
    public int batchSize;

    private Task task;
    private ModelTeacher teacher;
    private ModelStudent student;
    private TeacherCache cache;
    private Dataset train;

    /** Creates the benchmark (JMH instantiates it). */
    public DistillationEpochBenchmark() {}

    @Override
    protected void setUp() {
        SyntheticFaces faces = SyntheticFaces.builder().optSizes(trainSize, 0, 0).optSeed(1).build();
        task = faces.task();
        PairedViewDataset rendered =
                PairedViewDataset.builder()
                        .setSource(faces.split(Usage.TRAIN))
                        .optOcclusion(Occlusions.vrHeadset())
                        .optSeed(1)
                        .setSampling(batchSize, true)
                        .build();
        try {
            train = data == Data.RENDERED ? rendered : preload(rendered);
            NetworkBlock block =
                    Architectures.builder(Architectures.SMALL_CNN)
                            .setInputShape(rendered.getImageShape())
                            .setTask(task)
                            .build();
            teacher = ModelTeacher.create(block);
            student = ModelStudent.copyOf(teacher);
            cache =
                    TeacherCache.builder()
                            .setTeacher(teacher)
                            .setDataKey(faces.provenance().toString())
                            .optFeatures(List.of())
                            .build();
            if (strategy == Strategy.KD_CACHED_TEACHER) {
                for (Batch batch : train.getData(manager)) {
                    try (batch) {
                        cache.outputs(batch);
                    }
                }
                if (cache.size() != trainSize) {
                    throw new IllegalStateException(
                            "the cache holds " + cache.size() + " records, not " + trainSize);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TranslateException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads every record once into five in-memory arrays, in the paired-view layout. */
    private Dataset preload(PairedViewDataset rendered) throws IOException {
        Shape image = rendered.getImageShape();
        int pixels = (int) image.size();
        float[] clean = new float[trainSize * pixels];
        float[] occluded = new float[trainSize * pixels];
        float[] targets = new float[trainSize];
        long[] indices = new long[trainSize];
        int[] augmentations = new int[trainSize];
        for (int i = 0; i < trainSize; i++) {
            PairedView view = rendered.view(i);
            System.arraycopy(view.clean().pixels(), 0, clean, i * pixels, pixels);
            System.arraycopy(view.occluded().pixels(), 0, occluded, i * pixels, pixels);
            targets[i] = view.target()[0];
            indices[i] = view.index();
            augmentations[i] = view.augmentation();
        }
        Shape shape = new Shape(trainSize).addAll(image);
        return new ArrayDataset.Builder()
                .setData(manager.create(clean, shape), manager.create(occluded, shape))
                .optLabels(
                        manager.create(targets),
                        manager.create(indices),
                        manager.create(augmentations))
                .setSampling(batchSize, true)
                .build();
    }

    @Override
    public void tearDownTrial() {
        cache.close();
        student.close();
        teacher.close();
        super.tearDownTrial();
    }

    /**
     * Where the measured epochs' time went, as the {@link Distiller} timed it, reported by JMH
     * beside the score as {@code epoch:dataMillis}, {@code epoch:teacherMillis} and {@code
     * epoch:studentMillis} (student forward, loss, backward and optimizer step). JMH sums these
     * event counters over the measured iterations: divide by {@code Cnt} for one epoch.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Phases {

        /** Milliseconds waiting for batches. */
        public double dataMillis;

        /** Milliseconds in teacher passes or cache look-ups. */
        public double teacherMillis;

        /** Milliseconds in the student's forward and backward passes and the optimizer. */
        public double studentMillis;

        /** Creates the counters (JMH instantiates them). */
        public Phases() {}

        /** Resets the counters before every iteration (one epoch). */
        @Setup(Level.Iteration)
        public void reset() {
            dataMillis = 0;
            teacherMillis = 0;
            studentMillis = 0;
        }

        void add(Timings timings) {
            dataMillis += timings.dataNanos() / 1e6;
            teacherMillis += timings.teacherNanos() / 1e6;
            studentMillis +=
                    (timings.forwardNanos() + timings.backwardNanos() + timings.optimizerNanos())
                            / 1e6;
        }
    }

    /**
     * Trains the student for one epoch.
     *
     * @param phases the counters the epoch's timings are added to
     * @return the epoch's mean loss, which defeats dead-code elimination
     * @throws IOException if a record cannot be read
     * @throws TranslateException if a batch cannot be made
     */
    @Benchmark
    public double epoch(Phases phases) throws IOException, TranslateException {
        Distiller.Builder builder =
                Distiller.builder().setTask(task).setStudent(student).optEpochs(1).optSeed(1);
        DistillationLoss kd = DistillationLosses.kdLogits(KdLogitsConfig.defaults());
        switch (strategy) {
            case FINE_TUNE:
                builder.setLoss(TaskLoss.forTask(task));
                break;
            case KD_LIVE_TEACHER:
                builder.setLoss(kd).optTeacher(teacher);
                break;
            default:
                builder.setLoss(kd).optTeacher(teacher).optTeacherOutputSource(cache);
        }
        TrainingHistory history = builder.build().fit(train);
        phases.add(history.epochs().get(0).timings());
        return history.trainLosses()[0];
    }
}
