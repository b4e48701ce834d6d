package io.distill4j.losses.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.distill4j.core.BindingContext;
import io.distill4j.core.DistillationInput;
import io.distill4j.core.LossTerms;
import io.distill4j.core.ModelOutput;
import io.distill4j.core.OutputSpec;
import io.distill4j.core.Task;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

final class TripletLossTest {

    private static ModelOutput output(NDManager m, NDArray embedding) {
        return new ModelOutput(m.zeros(new Shape(embedding.getShape().get(0), 3)), embedding, Map.of());
    }

    private static BindingContext context(Task task, long student, long teacher) {
        return new BindingContext(
                task,
                new Shape(1, 8, 8),
                new OutputSpec(new Shape(task.outputSize()), new Shape(student), Map.of()),
                Optional.of(new OutputSpec(new Shape(task.outputSize()), new Shape(teacher), Map.of())));
    }

    @Test
    void tripletConfig_badValues() {
        TripletConfig d = TripletConfig.defaults();
        assertThatThrownBy(() -> d.withMargin(-0.5f))
                .hasMessage("margin must be finite and > 0, was -0.5");
        assertThatThrownBy(() -> d.withMargin(0f)).hasMessage("margin must be finite and > 0, was 0.0");
        assertThatThrownBy(() -> d.withNegativeThreshold(-1))
                .hasMessage("negative_threshold must be finite and >= 0, was -1.0");
        assertThatThrownBy(() -> d.withNegativeThreshold(Double.POSITIVE_INFINITY))
                .hasMessage("negative_threshold must be finite and >= 0, was Infinity");
    }

    @Test
    void tripletConfig_defaultsAndCopies() {
        TripletConfig d = TripletConfig.defaults();
        assertThat(d)
                .isEqualTo(
                        new TripletConfig(
                                0.2f,
                                Distance.SQUARED_EUCLIDEAN,
                                true,
                                Negatives.STUDENT,
                                Mining.SEMI_HARD,
                                OptionalDouble.empty()));
        TripletConfig c =
                d.withDistance(Distance.COSINE)
                        .withNormalize(false)
                        .withNegatives(Negatives.BOTH)
                        .withMining(Mining.ALL)
                        .withNegativeThreshold(5);
        assertThat(c.isRegression()).isTrue();
        assertThat(new TripletLoss(c))
                .hasToString(
                        "Triplet(margin=0.2, distance=cosine, normalize=false, negatives=both,"
                                + " mining=all, negative_threshold=5.0)");
        assertThat(c.withClassTargets().isRegression()).isFalse();
    }

    @Test
    void bind_taskAndThresholdMismatch_refused() {
        TripletLoss classes = new TripletLoss(TripletConfig.defaults());
        TripletLoss values = new TripletLoss(TripletConfig.defaults().withNegativeThreshold(5));
        assertThatThrownBy(() -> classes.bind(context(Task.regression(), 4, 4)))
                .hasMessage(
                        "TripletLoss needs negative_threshold for a regression task: image j is a"
                                + " negative of image i when |y_j - y_i| > negative_threshold");
        assertThatThrownBy(() -> values.bind(context(Task.classification(3), 4, 4)))
                .hasMessage(
                        "TripletLoss has negative_threshold=5.0, which is for regression targets,"
                                + " but the task is classification(3 classes); leave it unset");
        assertThatThrownBy(() -> classes.bind(context(Task.classification(3), 4, 6)))
                .hasMessage(
                        "student embedding (4) and teacher embedding (6) must have the same shape"
                                + " (D)");
        classes.bind(context(Task.classification(3), 4, 4));
        values.bind(context(Task.regression(), 4, 4));
    }

    @Test
    void compute_mismatchedEmbeddingsOrTargets_namesShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            TripletLoss loss = new TripletLoss(TripletConfig.defaults());
            DistillationInput wrongEmbedding =
                    DistillationInput.of(
                            m.zeros(new Shape(4)),
                            output(m, m.ones(new Shape(4, 5))),
                            output(m, m.ones(new Shape(4, 6))));
            assertThatThrownBy(() -> loss.compute(wrongEmbedding))
                    .hasMessage(
                            "student embedding (4, 5) and teacher embedding (4, 6) must have the"
                                    + " same shape (batch, D)");
            DistillationInput wrongTargets =
                    DistillationInput.of(
                            m.zeros(new Shape(3)),
                            output(m, m.ones(new Shape(4, 5))),
                            output(m, m.ones(new Shape(4, 5))));
            assertThatThrownBy(() -> loss.compute(wrongTargets))
                    .hasMessage(
                            "targets (3) must be class indices (4) or class distributions (4, N)"
                                    + " for 4 embeddings");
        }
    }

    @Test
    void compute_handExample_hardestAndAllAndSemiHard() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 1-D embeddings: anchors a = [0, 1, 3], positives p = [0.5, 1, 3], classes [0, 0, 1].
            NDArray a = m.create(new float[] {0, 1, 3}, new Shape(3, 1));
            NDArray p = m.create(new float[] {0.5f, 1, 3}, new Shape(3, 1));
            DistillationInput in =
                    DistillationInput.of(m.create(new float[] {0, 0, 1}), output(m, a), output(m, p));
            TripletConfig c =
                    TripletConfig.defaults()
                            .withNormalize(false)
                            .withDistance(Distance.EUCLIDEAN)
                            .withMargin(1f)
                            .withMining(Mining.HARDEST);
            // Student negatives: anchor 0 -> n = a2 = 3: max(0, 0.5 - 3 + 1) = 0;
            // anchor 1 -> n = 3: max(0, 0 - 2 + 1) = 0; anchor 2 -> nearest of {0, 1} is 1:
            // max(0, 0 - 2 + 1) = 0. Teacher negatives: anchor 2 -> nearest of p0, p1 is 1.
            assertThat(new TripletLoss(c).compute(in).total().getFloat()).isCloseTo(0f, within(1e-6f));
            // Margin 3: anchor 0: 0.5 - 3 + 3 = 0.5; anchor 1: 0 - 2 + 3 = 1; anchor 2: 0 - 2 + 3 = 1.
            assertThat(new TripletLoss(c.withMargin(3f)).compute(in).total().getFloat())
                    .isCloseTo(2.5f / 3, within(1e-5f));
            // All: anchor 2 averages n = 0 (3 - 3 + 0 = 0) and n = 1 (1): 0.5.
            assertThat(
                            new TripletLoss(c.withMargin(3f).withMining(Mining.ALL))
                                    .compute(in)
                                    .total()
                                    .getFloat())
                    .isCloseTo((0.5f + 1f + 0.5f) / 3, within(1e-5f));
            // Semi-hard, margin 2.5: anchor 2 (d_ap = 0) has d = 2 in (0, 2.5) -> n = 1, hinge 0.5;
            // anchor 0 (d_ap = 0.5): d = 3 not < 3 -> falls back to hardest, hinge 0;
            // anchor 1 (d_ap = 0): d = 2 in (0, 2.5): hinge 0.5.
            LossTerms semi =
                    new TripletLoss(c.withMargin(2.5f).withMining(Mining.SEMI_HARD).withNegatives(Negatives.BOTH))
                            .compute(in);
            assertThat(semi.terms()).containsOnlyKeys("triplet.student", "triplet.teacher");
            assertThat(semi.terms().get("triplet.student").getFloat()).isCloseTo(1f / 3, within(1e-5f));
        }
    }

    @Test
    void compute_identicalAnchorAndPositive_euclideanGradientFinite() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2, 1, 2, 5, 5}, new Shape(3, 2));
            NDArray p = a.duplicate();
            a.setRequiresGradient(true);
            TripletConfig c =
                    TripletConfig.defaults()
                            .withNormalize(false)
                            .withDistance(Distance.EUCLIDEAN)
                            .withMargin(10f)
                            .withMining(Mining.ALL);
            // Images 0 and 1 are identical and of different classes: zero distances everywhere.
            DistillationInput in =
                    DistillationInput.of(m.create(new float[] {0, 1, 1}), output(m, a), output(m, p));
            try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
                g.backward(new TripletLoss(c).compute(in).total());
            }
            float[] grad = a.getGradient().toFloatArray();
            for (float v : grad) {
                assertThat(v).isFinite();
            }
        }
    }

    @Test
    void compute_zeroEmbeddingNormalized_noNaN() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {0, 0, 1, 0, 0, 1}, new Shape(3, 2));
            NDArray p = m.create(new float[] {1, 1, 1, 0, 0, 1}, new Shape(3, 2));
            a.setRequiresGradient(true);
            DistillationInput in =
                    DistillationInput.of(m.create(new float[] {0, 1, 2}), output(m, a), output(m, p));
            NDArray total;
            try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
                total = new TripletLoss(TripletConfig.defaults().withMining(Mining.ALL)).compute(in).total();
                g.backward(total);
            }
            assertThat(total.getFloat()).isFinite();
            for (float v : a.getGradient().toFloatArray()) {
                assertThat(v).isFinite();
            }
        }
    }

    @Test
    void compute_teacherNegatives_noGradientToTeacherAndOnlyAnchorsMove() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(6, 4));
            NDArray p = m.randomNormal(new Shape(6, 4));
            a.setRequiresGradient(true);
            p.setRequiresGradient(true);
            DistillationInput in =
                    DistillationInput.of(
                            m.create(new float[] {0, 0, 1, 1, 2, 2}), output(m, a), output(m, p));
            try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
                g.backward(
                        new TripletLoss(
                                        TripletConfig.defaults()
                                                .withNegatives(Negatives.TEACHER)
                                                .withMargin(5f))
                                .compute(in)
                                .total());
            }
            assertThat(p.getGradient().abs().sum().getFloat()).isZero();
            assertThat(a.getGradient().abs().sum().getFloat()).isPositive();
        }
    }
}
