package io.distill4j.benchmarks.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.translate.TranslateException;
import io.distill4j.core.Distiller;
import io.distill4j.core.EpochResult;
import io.distill4j.core.Task;
import io.distill4j.core.TaskLoss;
import io.distill4j.core.TeacherCache;
import io.distill4j.core.Timings;
import io.distill4j.data.PairedView;
import io.distill4j.data.PairedViewDataset;
import io.distill4j.data.occlusion.Occlusions;
import io.distill4j.data.synthetic.SyntheticFaces;
import io.distill4j.losses.DistillationLosses;
import io.distill4j.losses.logits.KdLogitsConfig;
import io.distill4j.models.Architectures;
import io.distill4j.models.ModelStudent;
import io.distill4j.models.ModelTeacher;
import java.io.IOException;
import java.util.List;

/**
 * What the epoch benchmarks train: synthetic 48x48 faces occluded by a VR headset (drawn when read,
 * or preloaded into arrays), a {@code small-cnn} teacher with random weights, a student copied
 * from it, and a teacher-output cache filled once with the logits and embedding. Closing it frees
 * the models and the cache; the preloaded arrays belong to the manager given to {@link #create}.
 */
final class EpochFixture implements AutoCloseable {

    private final Task task;
    private final Dataset train;
    private final ModelTeacher teacher;
    private final ModelStudent student;
    private final TeacherCache cache;

    private EpochFixture(
            Task task,
            Dataset train,
            ModelTeacher teacher,
            ModelStudent student,
            TeacherCache cache) {
        this.task = task;
        this.train = train;
        this.teacher = teacher;
        this.student = student;
        this.cache = cache;
    }

    /**
     * Builds the data, the models and the warm cache.
     *
     * @param manager the manager of the preloaded arrays (and of the cache-filling batches)
     * @param data where batches come from
     * @param trainSize the number of faces per epoch
     * @param batchSize the batch size
     * @return the fixture
     * @throws IOException if a face cannot be drawn
     * @throws TranslateException if a batch cannot be made
     */
    static EpochFixture create(NDManager manager, EpochData data, int trainSize, int batchSize)
            throws IOException, TranslateException {
        SyntheticFaces faces = SyntheticFaces.builder().optSizes(trainSize, 0, 0).optSeed(1).build();
        PairedViewDataset rendered =
                PairedViewDataset.builder()
                        .setSource(faces.split(Usage.TRAIN))
                        .optOcclusion(Occlusions.vrHeadset())
                        .optSeed(1)
                        .setSampling(batchSize, true)
                        .build();
        Dataset train =
                data == EpochData.RENDERED
                        ? rendered
                        : preload(manager, rendered, trainSize, batchSize);
        ModelTeacher teacher =
                ModelTeacher.create(
                        Architectures.builder(Architectures.SMALL_CNN)
                                .setInputShape(rendered.getImageShape())
                                .setTask(faces.task())
                                .build());
        ModelStudent student = ModelStudent.copyOf(teacher);
        TeacherCache cache =
                TeacherCache.builder()
                        .setTeacher(teacher)
                        .setDataKey(faces.provenance().toString())
                        .optFeatures(List.of())
                        .build();
        for (Batch batch : train.getData(manager)) {
            try (batch) {
                cache.outputs(batch);
            }
        }
        if (cache.size() != trainSize) {
            throw new IllegalStateException(
                    "the cache holds " + cache.size() + " records, not " + trainSize);
        }
        return new EpochFixture(faces.task(), train, teacher, student, cache);
    }

    /** Reads every record once into five in-memory arrays, in the paired-view layout. */
    private static Dataset preload(
            NDManager manager, PairedViewDataset rendered, int trainSize, int batchSize)
            throws IOException {
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

    /**
     * Trains the student for one epoch with a new {@link Distiller} (a fresh Adam optimizer,
     * learning rate 0.001).
     *
     * @param strategy the strategy
     * @return where the epoch's time went and its mean loss
     * @throws IOException if a record cannot be read
     * @throws TranslateException if a batch cannot be made
     */
    Epoch epoch(EpochStrategy strategy) throws IOException, TranslateException {
        Distiller.Builder builder =
                Distiller.builder().setTask(task).setStudent(student).optEpochs(1).optSeed(1);
        switch (strategy) {
            case FINE_TUNE:
                builder.setLoss(TaskLoss.forTask(task));
                break;
            case KD_LIVE_TEACHER:
                builder.setLoss(DistillationLosses.kdLogits(KdLogitsConfig.defaults()))
                        .optTeacher(teacher);
                break;
            default:
                builder.setLoss(DistillationLosses.kdLogits(KdLogitsConfig.defaults()))
                        .optTeacher(teacher)
                        .optTeacherOutputSource(cache);
        }
        long start = System.nanoTime();
        EpochResult result = builder.build().fit(train).epochs().get(0);
        return new Epoch(System.nanoTime() - start, result.timings(), result.trainLoss());
    }

    /** Frees the cache and the models. */
    @Override
    public void close() {
        cache.close();
        student.close();
        teacher.close();
    }

    /**
     * One measured epoch.
     *
     * @param nanos the wall time of building the distiller and fitting the epoch
     * @param timings where the fit's time went
     * @param loss the epoch's mean loss
     */
    record Epoch(long nanos, Timings timings, double loss) {}
}
