package io.distill4j.losses.metric;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
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
 * Triplet-loss distillation, the method of Georgescu, Duta and Ionescu, "Teacher-Student Training
 * and Triplet Loss to Reduce the Effect of Drastic Face Occlusion" (Machine Vision and
 * Applications, 2022, <a href="https://arxiv.org/abs/2111.10561">arXiv:2111.10561</a>): the
 * student's embedding of an occluded face is pulled towards the teacher's embedding of the same
 * face, clean, and pushed away from embeddings of faces with another label.
 *
 * <p>Anchor \( a_i \): the student's embedding of occluded image {@code i}. Positive \( p_i \): the
 * teacher's embedding of clean image {@code i} (a constant). Candidate negatives of {@code i}: the
 * images {@code j} of another class ({@code y_j != y_i}), or for regression targets those with
 * \( |y_j - y_i| > \theta \) ({@link TripletConfig#negativeThreshold()}); a negative's embedding is
 * the student's, the teacher's or both ({@link Negatives}). Per anchor \[ \ell_i = \max\big(0,\,
 * d(a_i, p_i) - d(a_i, n) + m\big) \] for the negative {@code n} chosen by {@link Mining} (or the
 * mean over all candidates), and \[ L = \frac{1}{|A|} \sum_{i \in A} \ell_i \] over the anchors
 * {@code A} that have at least one candidate; {@code L = 0}, with a zero gradient, when none has.
 * With {@link Negatives#BOTH}, {@code L} is the sum of the student-negative and teacher-negative
 * terms. Embeddings are optionally L2-normalized first (PyTorch's {@code F.normalize}).
 *
 * <p>The choice of negatives is not differentiated: distances are computed once with the autograd
 * graph, a detached copy decides which pairs count, and the loss gathers the hinge of those pairs
 * with a constant mask. Gradients reach the student through the anchor and, with student
 * negatives, through the negative. Class targets may be class indices {@code (B)} or class
 * distributions {@code (B, N)} (the class of an image is then the arg-max).
 *
 * <p>Use it, combined with the task loss by weight, when the student should reproduce the
 * teacher's embedding geometry rather than its class probabilities; it is the strategy of choice
 * for the regression task (age), where there are no probabilities to distill. Batches need
 * several labels for anchors to have negatives.
 *
 * <pre>{@code
 * DistillationLoss loss = CombinedDistillationLoss.builder()
 *         .add(1f, TaskLoss.crossEntropy())
 *         .add(0.5f, new TripletLoss(TripletConfig.defaults().withMining(Mining.HARDEST)))
 *         .build();
 * }</pre>
 *
 * <p>Terms logged: {@code triplet}, or {@code triplet.student} and {@code triplet.teacher} with
 * {@link Negatives#BOTH}.
 */
public final class TripletLoss extends AbstractDistillationLoss {

    /** Added under the square root of {@link Distance#EUCLIDEAN}. */
    static final double EUCLIDEAN_EPSILON = 1e-12;

    /** The smallest norm {@link Distance#COSINE} divides by. */
    static final double COSINE_EPSILON = 1e-8;

    /** The smallest norm the normalization divides by ({@code F.normalize}'s default). */
    static final double NORMALIZE_EPSILON = 1e-12;

    private final TripletConfig config;

    /**
     * Creates the loss.
     *
     * @param config the margin, distance, normalization, negatives, mining and threshold
     */
    public TripletLoss(TripletConfig config) {
        super("TripletLoss");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Returns the configuration.
     *
     * @return the configuration
     */
    public TripletConfig getConfig() {
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
        if (context.task().isClassification() && config.isRegression()) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s has negative_threshold=%s, which is for regression targets, but"
                                    + " the task is %s; leave it unset",
                            getName(),
                            config.negativeThreshold().getAsDouble(),
                            context.task()));
        }
        if (!context.task().isClassification() && !config.isRegression()) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s needs negative_threshold for a regression task: image j is a"
                                    + " negative of image i when |y_j - y_i| > negative_threshold",
                            getName()));
        }
        OutputSpec teacher = context.requireTeacher(getName());
        Shape s = context.student().embedding();
        Shape t = teacher.embedding();
        if (!s.equals(t) || s.dimension() != 1) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "student embedding %s and teacher embedding %s must have the same"
                                    + " shape (D)",
                            Checks.shape(s),
                            Checks.shape(t)));
        }
    }

    /** {@inheritDoc} */
    @Override
    public LossTerms compute(DistillationInput input) {
        NDArray anchors = input.getStudent().getEmbedding();
        NDArray positives = input.requireTeacher(getName()).getEmbedding().stopGradient();
        Shape shape = anchors.getShape();
        if (!shape.equals(positives.getShape()) || shape.dimension() != 2) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "student embedding %s and teacher embedding %s must have the same"
                                    + " shape (batch, D)",
                            Checks.shape(shape),
                            Checks.shape(positives.getShape())));
        }
        positives = positives.toType(anchors.getDataType(), false);
        NDArray candidates = candidates(input.getTarget(), shape.get(0));
        if (config.normalize()) {
            anchors = normalize(anchors);
            positives = normalize(positives);
        }
        NDArray positiveDistance = rowDistance(anchors, positives, config.distance());
        Map<String, NDArray> terms = new LinkedHashMap<>();
        NDArray total = null;
        if (config.negatives() != Negatives.TEACHER) {
            NDArray term = term(anchors, positiveDistance, anchors, candidates);
            terms.put(config.negatives() == Negatives.BOTH ? "triplet.student" : "triplet", term);
            total = term;
        }
        if (config.negatives() != Negatives.STUDENT) {
            NDArray term = term(anchors, positiveDistance, positives, candidates);
            terms.put(config.negatives() == Negatives.BOTH ? "triplet.teacher" : "triplet", term);
            total = total == null ? term : total.add(term);
        }
        return new LossTerms(total, terms);
    }

    /**
     * Returns which pairs {@code (i, j)} are candidate negatives, a boolean {@code (B, B)} array.
     */
    private NDArray candidates(NDArray target, long batch) {
        Shape shape = target.getShape();
        NDArray labels;
        if (config.isRegression()) {
            if (shape.size() != batch || shape.dimension() == 0 || shape.get(0) != batch) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "regression targets %s must hold one value per image for %d"
                                        + " embeddings",
                                Checks.shape(shape), batch));
            }
            labels = target.reshape(batch).toType(DataType.FLOAT64, false);
            NDArray gap = labels.reshape(batch, 1).sub(labels.reshape(1, batch)).abs();
            return gap.gt(config.negativeThreshold().getAsDouble());
        }
        if (shape.dimension() == 2 && shape.get(0) == batch && shape.get(1) > 1) {
            labels = target.argMax(1);
        } else if (shape.size() == batch && shape.dimension() >= 1 && shape.get(0) == batch) {
            labels = target.reshape(batch);
        } else {
            throw new IllegalArgumentException(
                    Checks.format(
                            "targets %s must be class indices (%d) or class distributions (%d, N)"
                                    + " for %d embeddings",
                            Checks.shape(shape), batch, batch, batch));
        }
        return labels.reshape(batch, 1).neq(labels.reshape(1, batch));
    }

    /**
     * Computes one triplet term: the mean, over anchors with a candidate, of the hinge of the
     * chosen negative(s) in {@code pool}.
     */
    private NDArray term(
            NDArray anchors, NDArray positiveDistance, NDArray pool, NDArray candidates) {
        long batch = anchors.getShape().get(0);
        DataType type = anchors.getDataType();
        float margin = config.margin();
        NDArray distances = pairDistance(anchors, pool, config.distance());
        NDArray hinge =
                Activation.relu(positiveDistance.reshape(batch, 1).sub(distances).add(margin));

        // Mining: on detached copies, off the differentiable path.
        NDArray d = distances.stopGradient();
        NDArray ap = positiveDistance.stopGradient().reshape(batch, 1);
        NDArray candidate = candidates.toType(type, false);
        NDArray count = candidate.sum(new int[] {1});
        NDArray active = count.gt(0).toType(type, false);
        NDArray weights;
        if (config.mining() == Mining.ALL) {
            weights = candidate.div(Scalars.maximum(count, 1).reshape(batch, 1));
        } else {
            NDArray infinity = d.getManager().full(d.getShape(), Float.POSITIVE_INFINITY, type);
            NDArray hardest = NDArrays.where(candidates, d, infinity).argMin(1);
            NDArray chosen = hardest;
            if (config.mining() == Mining.SEMI_HARD) {
                NDArray semiHard =
                        candidates.logicalAnd(d.gt(ap)).logicalAnd(d.lt(ap.add(margin)));
                NDArray hasSemiHard = semiHard.toType(type, false).sum(new int[] {1}).gt(0);
                NDArray easiest = NDArrays.where(semiHard, d, infinity).argMin(1);
                chosen = NDArrays.where(hasSemiHard, easiest, hardest);
            }
            weights = chosen.oneHot((int) batch, type).mul(active.reshape(batch, 1));
        }
        return hinge.mul(weights).sum().div(Scalars.maximum(active.sum(), 1));
    }

    private static NDArray normalize(NDArray x) {
        return x.div(Scalars.maximum(x.norm(2, new int[] {1}, true), NORMALIZE_EPSILON));
    }

    /** Distances of {@code a[i]} to {@code b[i]}: {@code (B)}. */
    static NDArray rowDistance(NDArray a, NDArray b, Distance distance) {
        switch (distance) {
            case SQUARED_EUCLIDEAN:
                return a.sub(b).square().sum(new int[] {1});
            case EUCLIDEAN:
                return a.sub(b).square().sum(new int[] {1}).add(EUCLIDEAN_EPSILON).sqrt();
            case COSINE:
                return unit(a).mul(unit(b)).sum(new int[] {1}).neg().add(1);
            default:
                throw new AssertionError(distance);
        }
    }

    /** Distances of every {@code a[i]} to every {@code b[j]}: {@code (B, M)}. */
    static NDArray pairDistance(NDArray a, NDArray b, Distance distance) {
        switch (distance) {
            case SQUARED_EUCLIDEAN:
                return squaredDifferences(a, b);
            case EUCLIDEAN:
                return squaredDifferences(a, b).add(EUCLIDEAN_EPSILON).sqrt();
            case COSINE:
                return unit(a).matMul(unit(b).transpose()).neg().add(1);
            default:
                throw new AssertionError(distance);
        }
    }

    private static NDArray squaredDifferences(NDArray a, NDArray b) {
        // |a|^2 + |b|^2 - 2 a.b, as torch.cdist computes it for more than 25 rows: one matrix
        // product instead of a (B, M, D) difference tensor, about 100 times faster at B = 128,
        // D = 512. It cancels for nearly equal vectors (an absolute error of about 1e-7 |a|^2 in
        // float32), so it is clamped at 0.
        NDArray aa = a.square().sum(new int[] {1}, true);
        NDArray bb = b.square().sum(new int[] {1}, true).transpose();
        return Scalars.maximum(aa.add(bb).sub(Scalars.mul(a.matMul(b.transpose()), 2)), 0);
    }

    private static NDArray unit(NDArray x) {
        return x.div(Scalars.maximum(x.norm(2, new int[] {1}, true), COSINE_EPSILON));
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        StringBuilder sb =
                new StringBuilder(
                        Checks.format(
                                "Triplet(margin=%s, distance=%s, normalize=%s, negatives=%s,"
                                        + " mining=%s",
                                config.margin(),
                                config.distance().optionName(),
                                config.normalize(),
                                config.negatives().optionName(),
                                config.mining().optionName()));
        config.negativeThreshold()
                .ifPresent(t -> sb.append(", negative_threshold=").append(t));
        return sb.append(')').toString();
    }
}
