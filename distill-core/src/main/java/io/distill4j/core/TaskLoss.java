package io.distill4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The supervised loss on the ground truth alone: cross-entropy for classification, mean absolute
 * error for regression. It is the fine-tuning baseline of the paper, the loss that trains the
 * teacher, and the task term of every combination.
 *
 * <p>Cross-entropy: \( \mathrm{CE}(s, y) = -\frac{1}{B} \sum_i \log \mathrm{softmax}(s_i)_{y_i}
 * \) for class indices, and \( -\frac{1}{B} \sum_i \sum_c y_{ic} \log \mathrm{softmax}(s_i)_c \)
 * for class distributions (FER+ soft labels); the same as PyTorch's {@code F.cross_entropy} with
 * mean reduction. L1: \( \frac{1}{B} \sum_i |s_i - y_i| \), PyTorch's {@code F.l1_loss}.
 */
public final class TaskLoss extends AbstractDistillationLoss {

    private final boolean classification;

    private TaskLoss(String name, boolean classification) {
        super(name);
        this.classification = classification;
    }

    /**
     * Returns softmax cross-entropy on logits, for class indices or class distributions.
     *
     * @return the loss, named {@code CrossEntropy}
     */
    public static TaskLoss crossEntropy() {
        return new TaskLoss("CrossEntropy", true);
    }

    /**
     * Returns the mean absolute error, for regression.
     *
     * @return the loss, named {@code L1}
     */
    public static TaskLoss l1() {
        return new TaskLoss("L1", false);
    }

    /**
     * Returns the usual loss of a task: cross-entropy for classification, L1 for regression.
     *
     * @param task the task
     * @return the loss
     */
    public static TaskLoss forTask(Task task) {
        return task.isClassification() ? crossEntropy() : l1();
    }

    /**
     * Returns whether this is the classification (cross-entropy) loss.
     *
     * @return true for cross-entropy
     */
    public boolean isClassification() {
        return classification;
    }

    /** {@inheritDoc} */
    @Override
    public boolean requiresTeacher() {
        return false;
    }

    /** {@inheritDoc} */
    @Override
    public void bind(BindingContext context) {
        if (context.task().isClassification() != classification) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s does not fit a %s task; use TaskLoss.forTask(task)",
                            getName(), context.task()));
        }
    }

    /** {@inheritDoc} */
    @Override
    public LossTerms compute(DistillationInput input) {
        NDArray prediction = input.getStudent().getPrediction();
        NDArray value =
                classification
                        ? crossEntropy(prediction, input.getTarget())
                        : meanAbsoluteError(prediction, input.getTarget());
        return LossTerms.of(getName(), value);
    }

    /**
     * Computes mean softmax cross-entropy of logits {@code (B, N)} against class indices {@code
     * (B)} or class distributions {@code (B, N)}.
     *
     * @param logits the logits
     * @param target the targets
     * @return the scalar loss
     */
    public static NDArray crossEntropy(NDArray logits, NDArray target) {
        Shape shape = logits.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "logits must be (batch, classes), was %s", Checks.shape(shape)));
        }
        NDArray logProbabilities = logits.logSoftmax(1);
        NDArray weights;
        if (target.getShape().equals(shape)) {
            weights = target.toType(logits.getDataType(), false);
        } else if (target.getShape().size() == shape.get(0)) {
            weights =
                    target.reshape(shape.get(0))
                            .toType(DataType.INT64, false)
                            .oneHot((int) shape.get(1), logits.getDataType());
        } else {
            throw new IllegalArgumentException(
                    Checks.format(
                            "targets %s must be class indices (%d) or distributions %s for logits"
                                    + " %s",
                            Checks.shape(target.getShape()),
                            shape.get(0),
                            Checks.shape(shape),
                            Checks.shape(shape)));
        }
        return logProbabilities.mul(weights).sum(new int[] {1}).neg().mean();
    }

    /**
     * Computes the mean absolute error of predictions {@code (B, 1)} or {@code (B)} against
     * targets of {@code B} values.
     *
     * @param prediction the predictions
     * @param target the targets
     * @return the scalar loss
     */
    public static NDArray meanAbsoluteError(NDArray prediction, NDArray target) {
        long batch = prediction.getShape().get(0);
        if (prediction.getShape().size() != batch || target.getShape().size() != batch) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "regression predictions %s and targets %s must hold one value per"
                                    + " image",
                            Checks.shape(prediction.getShape()),
                            Checks.shape(target.getShape())));
        }
        NDArray p = prediction.reshape(batch);
        NDArray t = target.reshape(batch).toType(p.getDataType(), false);
        return p.sub(t).abs().mean();
    }
}
