package io.distill4j.losses.logits;

import ai.djl.ndarray.NDArray;
import io.distill4j.core.AbstractDistillationLoss;
import io.distill4j.core.BindingContext;
import io.distill4j.core.Checks;
import io.distill4j.core.DistillationInput;
import io.distill4j.core.LossTerms;
import io.distill4j.core.OutputSpec;
import io.distill4j.core.Scalars;
import io.distill4j.core.TaskLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Knowledge distillation on logits (Hinton, Vinyals and Dean, "Distilling the Knowledge in a
 * Neural Network", 2015, <a href="https://arxiv.org/abs/1503.02531">arXiv:1503.02531</a>): the
 * student, looking at the occluded face, learns to match the teacher's softened class
 * distribution on the clean face, besides the ground truth.
 *
 * <p>\[ L = (1 - \alpha)\, \mathrm{CE}(s, y) + \alpha\, T^2\, \mathrm{KL}\big(\mathrm{softmax}(t /
 * T) \,\|\, \mathrm{softmax}(s / T)\big) \] with {@code s} the student's logits, {@code t} the
 * teacher's, {@code y} the true class (or class distribution); the KL divergence is summed over
 * classes and averaged over the batch (PyTorch's {@code F.kl_div(log_softmax(s/T),
 * softmax(t/T), reduction="batchmean")}). The \( T^2 \) factor keeps the soft term's gradient on
 * the scale of the hard term's as {@code T} grows. In the paper (Georgescu et al., 2022) this is
 * the "teacher-student" strategy for facial expressions and gender.
 *
 * <p>Use it for classification when the teacher's clean-face predictions carry information the
 * occluded view lacks; for regression (age) use the regression variant.
 *
 * <pre>{@code
 * DistillationLoss kd = new KdLogitsLoss(new KdLogitsConfig(4f, 0.5f));
 * }</pre>
 *
 * <p>Terms logged: {@code ce} (weighted by {@code 1 - alpha}) and {@code kl} (weighted by {@code
 * alpha * T^2}).
 */
public final class KdLogitsLoss extends AbstractDistillationLoss {

    private final KdLogitsConfig config;

    /**
     * Creates the loss.
     *
     * @param config the temperature and alpha
     */
    public KdLogitsLoss(KdLogitsConfig config) {
        super("KdLogitsLoss");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Returns the configuration.
     *
     * @return the configuration
     */
    public KdLogitsConfig getConfig() {
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
        if (!context.task().isClassification()) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s needs a classification task, was %s; use the regression variant",
                            getName(), context.task()));
        }
        OutputSpec teacher = context.requireTeacher(getName());
        if (!teacher.prediction().equals(context.student().prediction())) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "student logits %s and teacher logits %s must have the same shape",
                            Checks.shape(context.student().prediction()),
                            Checks.shape(teacher.prediction())));
        }
    }

    /** {@inheritDoc} */
    @Override
    public LossTerms compute(DistillationInput input) {
        NDArray student = input.getStudent().getPrediction();
        NDArray teacher = input.requireTeacher(getName()).getPrediction();
        if (!student.getShape().equals(teacher.getShape()) || student.getShape().dimension() != 2) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "student logits %s and teacher logits %s must have the same shape"
                                    + " (batch, classes)",
                            Checks.shape(student.getShape()),
                            Checks.shape(teacher.getShape())));
        }
        float t = config.temperature();
        float alpha = config.alpha();
        NDArray ce = Scalars.mul(TaskLoss.crossEntropy(student, input.getTarget()), 1 - alpha);
        NDArray kl = Scalars.mul(klDivergence(student, teacher, t), alpha * t * t);
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("ce", ce);
        terms.put("kl", kl);
        return new LossTerms(ce.add(kl), terms);
    }

    /**
     * Computes \( \frac{1}{B} \sum_i \mathrm{KL}(\mathrm{softmax}(t_i / T) \,\|\,
     * \mathrm{softmax}(s_i / T)) \) in log space, stable for large logits.
     *
     * @param student the student logits {@code (B, N)}
     * @param teacher the teacher logits {@code (B, N)}, constants
     * @param temperature the temperature
     * @return the scalar divergence
     */
    public static NDArray klDivergence(NDArray student, NDArray teacher, float temperature) {
        NDArray logStudent = Scalars.div(student, temperature).logSoftmax(1);
        NDArray logTeacher = Scalars.div(teacher.stopGradient(), temperature).logSoftmax(1);
        return logTeacher.exp().mul(logTeacher.sub(logStudent)).sum(new int[] {1}).mean();
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format(
                "KdLogits(T=%s, alpha=%s)", config.temperature(), config.alpha());
    }
}
