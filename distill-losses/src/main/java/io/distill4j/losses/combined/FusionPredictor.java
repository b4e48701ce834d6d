package io.distill4j.losses.combined;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import io.distill4j.core.BatchLayout;
import io.distill4j.core.Checks;
import io.distill4j.core.Evaluation;
import io.distill4j.core.EvaluationResult;
import io.distill4j.core.OwnedArrays;
import io.distill4j.core.StopRequest;
import io.distill4j.core.Student;
import io.distill4j.core.Task;
import io.distill4j.core.View;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The paper's late fusion of distilled students (Georgescu et al., 2022, <a
 * href="https://arxiv.org/abs/2111.10561">arXiv:2111.10561</a>): the embeddings of a student
 * trained with knowledge distillation and of a student trained with the triplet loss are each
 * L2-normalized and concatenated, and a linear model fitted on the training set's concatenated
 * embeddings predicts from them, as one model.
 *
 * <p>\[ x = \big[\, e_A / \|e_A\| ;\ e_B / \|e_B\| \,\big], \qquad \hat y = W x + b \] with a
 * multinomial logistic regression (softmax) classifier for classification, fitted by L-BFGS, or a
 * ridge regressor for regression (age), solved in closed form; both in double precision and
 * deterministic ({@link LinearHead}, {@link FusionOptions}).
 *
 * <p>Use it after two distillation runs, when the two students' errors differ: the linear model
 * learns how much to trust each embedding. The students are only read (inference mode, no
 * gradient); they must outlive the predictor.
 *
 * <pre>{@code
 * FusionPredictor fusion = FusionPredictor.fit(kdStudent, tripletStudent, train, task, FusionOptions.defaults());
 * EvaluationResult result = fusion.evaluate(test);   // occluded view
 * NDArray logits = fusion.predict(images);           // (B, N), in the images' manager
 * }</pre>
 */
public final class FusionPredictor {

    private static final double NORMALIZE_EPSILON = 1e-12;

    private final List<Student> students;
    private final Task task;
    private final FusionOptions options;
    private final LinearHead head;

    private FusionPredictor(
            List<Student> students, Task task, FusionOptions options, LinearHead head) {
        this.students = students;
        this.task = task;
        this.options = options;
        this.head = head;
    }

    /**
     * Fits the linear model on two students' embeddings of a training set.
     *
     * @param first the first student (knowledge distillation, in the paper)
     * @param second the second student (triplet loss, in the paper)
     * @param train the training set, paired-view layout; every sample is read once
     * @param task the task
     * @param options the view, the penalty and the solver's limits
     * @return the predictor
     * @throws IOException if the dataset cannot be read
     * @throws TranslateException if the dataset cannot be batched
     */
    public static FusionPredictor fit(
            Student first, Student second, Dataset train, Task task, FusionOptions options)
            throws IOException, TranslateException {
        return fit(List.of(first, second), train, task, options);
    }

    /**
     * Fits the linear model on the concatenated embeddings of any number of students.
     *
     * @param students the students, at least one, with initialized (trained) blocks
     * @param train the training set, paired-view layout
     * @param task the task
     * @param options the view, the penalty and the solver's limits
     * @return the predictor
     * @throws IOException if the dataset cannot be read
     * @throws TranslateException if the dataset cannot be batched
     * @throws IllegalArgumentException for an uninitialized student, a target that does not fit
     *     the task, or an empty dataset
     */
    public static FusionPredictor fit(
            List<? extends Student> students, Dataset train, Task task, FusionOptions options)
            throws IOException, TranslateException {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(options, "options");
        List<Student> list = List.copyOf(students);
        if (list.isEmpty()) {
            throw new IllegalArgumentException("fusion needs at least one student");
        }
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).getBlock().isInitialized()) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "student %d has no parameters yet; fuse trained students", i));
            }
        }
        List<double[]> features = new ArrayList<>();
        List<double[]> targets = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Batch batch : train.getData(manager)) {
                try (batch) {
                    StopRequest.throwIfRequested();
                    NDArray images = BatchLayout.images(batch, options.view());
                    double[][] x = fuse(list, images);
                    double[][] y = targets(BatchLayout.target(batch), x.length, task);
                    for (int i = 0; i < x.length; i++) {
                        features.add(x[i]);
                        targets.add(y[i]);
                    }
                }
            }
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException("the training set yielded no sample");
        }
        double[][] x = features.toArray(new double[0][]);
        LinearHead head;
        if (task.isClassification()) {
            head =
                    LinearHead.fitClassifier(
                            x,
                            targets.toArray(new double[0][]),
                            options.l2(),
                            options.maxIterations(),
                            options.tolerance());
        } else {
            double[] y = new double[targets.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = targets.get(i)[0];
            }
            head = LinearHead.fitRegressor(x, y, options.l2());
        }
        return new FusionPredictor(list, task, options, head);
    }

    /**
     * Predicts from images: class logits {@code (B, N)} or values {@code (B, 1)}, float32, in the
     * images' manager.
     *
     * @param images the images {@code (B, C, H, W)}, in the view the predictor was fitted on
     * @return the predictions
     */
    public NDArray predict(NDArray images) {
        double[][] x = fuse(students, images);
        int k = head.outputSize();
        float[] out = new float[x.length * k];
        for (int i = 0; i < x.length; i++) {
            double[] s = head.scores(x[i]);
            for (int c = 0; c < k; c++) {
                out[i * k + c] = (float) s[c];
            }
        }
        return OwnedArrays.of(images.getManager(), out, new Shape(x.length, k));
    }

    /**
     * Evaluates on a dataset, in the view the predictor was fitted on.
     *
     * @param dataset the dataset, paired-view layout, each sample visited once
     * @return the per-image result
     * @throws IOException if the dataset cannot be read
     * @throws TranslateException if the dataset cannot be batched
     */
    public EvaluationResult evaluate(Dataset dataset) throws IOException, TranslateException {
        return evaluate(dataset, options.view());
    }

    /**
     * Evaluates on a dataset, in a given view.
     *
     * @param dataset the dataset, paired-view layout, each sample visited once
     * @param view the view to predict from
     * @return the per-image result
     * @throws IOException if the dataset cannot be read
     * @throws TranslateException if the dataset cannot be batched
     */
    public EvaluationResult evaluate(Dataset dataset, View view)
            throws IOException, TranslateException {
        try (NDManager manager = NDManager.newBaseManager()) {
            return Evaluation.evaluate(this::predict, dataset, view, task, manager);
        }
    }

    /**
     * Returns the fitted linear model.
     *
     * @return the model
     */
    public LinearHead getHead() {
        return head;
    }

    /**
     * Returns the task.
     *
     * @return the task
     */
    public Task getTask() {
        return task;
    }

    /**
     * Returns the options it was fitted with.
     *
     * @return the options
     */
    public FusionOptions getOptions() {
        return options;
    }

    /**
     * Returns the fused features of a batch: each student's embedding divided by its L2 norm,
     * concatenated in student order.
     *
     * @param students the students
     * @param images the images
     * @return one row per image
     */
    static double[][] fuse(List<Student> students, NDArray images) {
        int batch = Math.toIntExact(images.getShape().get(0));
        List<float[]> parts = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        int total = 0;
        try (NDManager manager = images.getManager().newSubManager()) {
            // Every intermediate array lands in the scoped manager; the images go back after.
            manager.tempAttachAll(images);
            for (Student student : students) {
                NDArray embedding =
                        student.getBlock()
                                .forward(
                                        new ParameterStore(manager, false),
                                        new NDList(images),
                                        false)
                                .get(1);
                Shape shape = embedding.getShape();
                if (shape.dimension() != 2 || shape.get(0) != batch) {
                    throw new IllegalArgumentException(
                            Checks.format(
                                    "a student's embedding must be (batch, D), was %s for %d"
                                            + " images",
                                    Checks.shape(shape), batch));
                }
                parts.add(embedding.toType(DataType.FLOAT32, false).toFloatArray());
                sizes.add(Math.toIntExact(shape.get(1)));
                total += Math.toIntExact(shape.get(1));
            }
        }
        double[][] x = new double[batch][total];
        for (int i = 0; i < batch; i++) {
            int offset = 0;
            for (int p = 0; p < parts.size(); p++) {
                int d = sizes.get(p);
                double norm = 0;
                for (int j = 0; j < d; j++) {
                    double v = parts.get(p)[i * d + j];
                    norm += v * v;
                }
                norm = Math.max(Math.sqrt(norm), NORMALIZE_EPSILON);
                for (int j = 0; j < d; j++) {
                    x[i][offset + j] = parts.get(p)[i * d + j] / norm;
                }
                offset += d;
            }
        }
        return x;
    }

    private static double[][] targets(NDArray target, int batch, Task task) {
        Shape shape = target.getShape();
        float[] values = target.toType(DataType.FLOAT32, false).toFloatArray();
        double[][] y = new double[batch][];
        if (!task.isClassification()) {
            if (values.length != batch) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "regression targets %s must hold one value per image",
                                Checks.shape(shape)));
            }
            for (int i = 0; i < batch; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new IllegalArgumentException(
                            Checks.format("target %d is not finite: %s", i, values[i]));
                }
                y[i] = new double[] {values[i]};
            }
            return y;
        }
        int n = task.numClasses();
        if (values.length == batch) {
            for (int i = 0; i < batch; i++) {
                int c = (int) values[i];
                if (c != values[i] || c < 0 || c >= n) {
                    throw new IllegalArgumentException(
                            Checks.format(
                                    "class target %s must be an integer in [0, %d)", values[i], n));
                }
                y[i] = new double[n];
                y[i][c] = 1;
            }
        } else if (values.length == batch * n) {
            for (int i = 0; i < batch; i++) {
                y[i] = new double[n];
                for (int c = 0; c < n; c++) {
                    y[i][c] = values[i * n + c];
                }
            }
        } else {
            throw new IllegalArgumentException(
                    Checks.format(
                            "targets %s must be class indices (%d) or distributions (%d, %d)",
                            Checks.shape(shape), batch, batch, n));
        }
        return y;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format("FusionPredictor{%d students, %s, %s}", students.size(), task, head);
    }
}
