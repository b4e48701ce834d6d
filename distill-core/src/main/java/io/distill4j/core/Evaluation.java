package io.distill4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.function.Function;

/**
 * Runs a model over a paired-view dataset, one view, and records every image's prediction.
 *
 * <p>Use a dataset whose sampler visits every sample once (a sequential sampler); the result keeps
 * the iteration order together with each sample's index.
 */
public final class Evaluation {

    private Evaluation() {}

    /**
     * Evaluates a student in inference mode.
     *
     * @param student the student
     * @param dataset the dataset
     * @param view the view the student sees (occluded, normally)
     * @param task the task
     * @return the per-image result
     * @throws IOException if the dataset cannot be read
     * @throws TranslateException if the dataset cannot be batched
     */
    public static EvaluationResult evaluate(
            Student student, Dataset dataset, View view, Task task)
            throws IOException, TranslateException {
        BlockStudent.initialize(student);
        try (NDManager manager = student.getManager().newSubManager()) {
            ParameterStore store = new ParameterStore(manager, false);
            return evaluate(
                    images ->
                            student.getBlock()
                                    .forward(store, new NDList(images), false)
                                    .head(),
                    dataset,
                    view,
                    task,
                    manager);
        }
    }

    /**
     * Evaluates a teacher.
     *
     * @param teacher the teacher
     * @param dataset the dataset
     * @param view the view the teacher sees (clean, or occluded to measure the loss under
     *     occlusion)
     * @param task the task
     * @return the per-image result
     * @throws IOException if the dataset cannot be read
     * @throws TranslateException if the dataset cannot be batched
     */
    public static EvaluationResult evaluate(
            Teacher teacher, Dataset dataset, View view, Task task)
            throws IOException, TranslateException {
        try (NDManager manager = NDManager.newBaseManager()) {
            return evaluate(
                    images -> teacher.predict(images).getPrediction(),
                    dataset,
                    view,
                    task,
                    manager);
        }
    }

    /**
     * Evaluates any function from images to predictions.
     *
     * @param predict maps images {@code (B, C, H, W)} to predictions {@code (B, N)} or {@code (B,
     *     1)}
     * @param dataset the dataset
     * @param view the view to feed
     * @param task the task
     * @param manager the manager batches are created in
     * @return the per-image result
     * @throws IOException if the dataset cannot be read
     * @throws TranslateException if the dataset cannot be batched
     */
    public static EvaluationResult evaluate(
            Function<NDArray, NDArray> predict,
            Dataset dataset,
            View view,
            Task task,
            NDManager manager)
            throws IOException, TranslateException {
        Accumulator accumulator = new Accumulator(task);
        for (Batch batch : dataset.getData(manager)) {
            try (batch) {
                StopRequest.throwIfRequested();
                NDArray prediction = predict.apply(BatchLayout.images(batch, view));
                accumulator.add(prediction, BatchLayout.target(batch), BatchLayout.indices(batch));
            }
        }
        return accumulator.result();
    }

    /** Collects per-image predictions batch by batch. */
    static final class Accumulator {

        private final Task task;
        private long[] indices = new long[256];
        private float[] targets = new float[256];
        private float[] predictions = new float[256];
        private int size;

        Accumulator(Task task) {
            this.task = task;
        }

        void add(NDArray prediction, NDArray target, NDArray index) {
            long batch = prediction.getShape().get(0);
            float[] predicted = toValues(prediction, batch, "prediction");
            float[] truth = toValues(target, batch, "target");
            long[] ids = index.toType(DataType.INT64, false).toLongArray();
            ensureCapacity(size + (int) batch);
            System.arraycopy(ids, 0, indices, size, (int) batch);
            System.arraycopy(truth, 0, targets, size, (int) batch);
            System.arraycopy(predicted, 0, predictions, size, (int) batch);
            size += (int) batch;
        }

        private float[] toValues(NDArray array, long batch, String what) {
            if (task.isClassification() && array.getShape().dimension() == 2) {
                return array.argMax(1).toType(DataType.FLOAT32, false).toFloatArray();
            }
            if (array.getShape().size() != batch) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "%s %s must hold one value per image for %s",
                                what, Checks.shape(array.getShape()), task));
            }
            return array.toType(DataType.FLOAT32, false).toFloatArray();
        }

        private void ensureCapacity(int needed) {
            if (needed > indices.length) {
                int capacity = Math.max(needed, indices.length * 2);
                indices = java.util.Arrays.copyOf(indices, capacity);
                targets = java.util.Arrays.copyOf(targets, capacity);
                predictions = java.util.Arrays.copyOf(predictions, capacity);
            }
        }

        EvaluationResult result() {
            return new EvaluationResult(
                    task,
                    java.util.Arrays.copyOf(indices, size),
                    java.util.Arrays.copyOf(targets, size),
                    java.util.Arrays.copyOf(predictions, size));
        }
    }
}
