package io.distill4j.losses.logits;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.distill4j.core.AbstractDistillationLoss;
import io.distill4j.core.BindingContext;
import io.distill4j.core.Checks;
import io.distill4j.core.DistillationInput;
import io.distill4j.core.LossTerms;
import io.distill4j.core.OutputSpec;
import io.distill4j.core.Scalars;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Knowledge distillation for regression (age estimation): the student, looking at the occluded
 * face, regresses both the true value and the teacher's prediction on the clean face.
 *
 * <p>\[ L = (1 - \alpha)\, \frac{1}{B} \sum_i |s_i - y_i|^p + \alpha\, \frac{1}{B} \sum_i |s_i -
 * t_i|^p \] with {@code s} the student's predictions, {@code t} the teacher's (constants), {@code
 * y} the true values and {@code p} 1 ({@link Norm#L1}, PyTorch's {@code F.l1_loss}) or 2 ({@link
 * Norm#L2}, {@code F.mse_loss}: the plain mean of squares, not half of it). This is the regression
 * form of Hinton et al.'s knowledge distillation (2015, <a
 * href="https://arxiv.org/abs/1503.02531">arXiv:1503.02531</a>) that Georgescu et al. (2022) use
 * for age on UTKFace: there are no class probabilities to soften, so the teacher's value itself is
 * the soft target.
 *
 * <p>Use it for a regression task with a teacher whose clean-face predictions are better than the
 * occluded student's; {@code alpha = 0} is plain fine-tuning with the chosen norm.
 *
 * <pre>{@code
 * DistillationLoss kd = DistillationLosses.kdRegression(new KdRegressionConfig(0.5f, Norm.L1));
 * }</pre>
 *
 * <p>Predictions may be {@code (B, 1)} or {@code (B)}; targets {@code (B)} or {@code (B, 1)}.
 * Terms logged: {@code task} (weighted by {@code 1 - alpha}) and {@code teacher} (weighted by
 * {@code alpha}).
 */
public final class KdRegressionLoss extends AbstractDistillationLoss {

    private final KdRegressionConfig config;

    /**
     * Creates the loss.
     *
     * @param config alpha and the norm
     */
    public KdRegressionLoss(KdRegressionConfig config) {
        super("KdRegressionLoss");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Returns the configuration.
     *
     * @return the configuration
     */
    public KdRegressionConfig getConfig() {
        return config;
    }

    /** {@inheritDoc} */
    @Override
    public boolean requiresTeacher() {
        return true;
    }

    /** {@inheritDoc} */
    @Override
    public void bind(BindingContext context) {
        if (context.task().isClassification()) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s needs a regression task, was %s; use KdLogitsLoss for"
                                    + " classification",
                            getName(), context.task()));
        }
        OutputSpec teacher = context.requireTeacher(getName());
        if (context.student().prediction().size() != 1 || teacher.prediction().size() != 1) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "student predictions %s and teacher predictions %s must hold one value"
                                    + " per image",
                            Checks.shape(context.student().prediction()),
                            Checks.shape(teacher.prediction())));
        }
    }

    /** {@inheritDoc} */
    @Override
    public LossTerms compute(DistillationInput input) {
        NDArray student = input.getStudent().getPrediction();
        NDArray teacher = input.requireTeacher(getName()).getPrediction();
        NDArray target = input.getTarget();
        long batch = student.getShape().get(0);
        checkValues("student predictions", student.getShape(), batch, student, teacher, target);
        checkValues("teacher predictions", teacher.getShape(), batch, student, teacher, target);
        checkValues("targets", target.getShape(), batch, student, teacher, target);
        NDArray s = student.reshape(batch);
        NDArray t = teacher.stopGradient().reshape(batch).toType(s.getDataType(), false);
        NDArray y = target.reshape(batch).toType(s.getDataType(), false);
        float alpha = config.alpha();
        NDArray task = Scalars.mul(error(s.sub(y)), 1 - alpha);
        NDArray distill = Scalars.mul(error(s.sub(t)), alpha);
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("task", task);
        terms.put("teacher", distill);
        return new LossTerms(task.add(distill), terms);
    }

    private NDArray error(NDArray difference) {
        return (config.norm() == Norm.L1 ? difference.abs() : difference.square()).mean();
    }

    private static void checkValues(
            String what, Shape shape, long batch, NDArray s, NDArray t, NDArray y) {
        boolean ok =
                shape.dimension() >= 1
                        && shape.dimension() <= 2
                        && shape.get(0) == batch
                        && shape.size() == batch;
        if (!ok) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s must be (batch) or (batch, 1) with the same batch: student"
                                    + " predictions %s, teacher predictions %s, targets %s",
                            what,
                            Checks.shape(s.getShape()),
                            Checks.shape(t.getShape()),
                            Checks.shape(y.getShape())));
        }
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format(
                "KdRegression(alpha=%s, norm=%s)", config.alpha(), config.norm().optionName());
    }
}
