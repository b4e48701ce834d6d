package io.distill4j.losses.logits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.distill4j.core.BindingContext;
import io.distill4j.core.DistillationInput;
import io.distill4j.core.LossTerms;
import io.distill4j.core.ModelOutput;
import io.distill4j.core.OutputSpec;
import io.distill4j.core.Task;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class KdRegressionLossTest {

    private static OutputSpec spec(long... prediction) {
        return new OutputSpec(new Shape(prediction), new Shape(4), Map.of());
    }

    @Test
    void kdRegressionConfig_alphaOutOfRange() {
        assertThatThrownBy(() -> new KdRegressionConfig(1.5f, Norm.L1))
                .hasMessage("alpha must be in [0, 1], was 1.5");
        assertThatThrownBy(() -> new KdRegressionConfig(-0.1f, Norm.L2))
                .hasMessage("alpha must be in [0, 1], was -0.1");
    }

    @Test
    void kdLogitsConfig_badValues() {
        assertThatThrownBy(() -> new KdLogitsConfig(-1f, 0.5f))
                .hasMessage("temperature must be finite and > 0, was -1.0");
        assertThatThrownBy(() -> new KdLogitsConfig(0f, 0.5f))
                .hasMessage("temperature must be finite and > 0, was 0.0");
        assertThatThrownBy(() -> new KdLogitsConfig(Float.NaN, 0.5f))
                .hasMessage("temperature must be finite and > 0, was NaN");
        assertThatThrownBy(() -> new KdLogitsConfig(4f, 1.5f))
                .hasMessage("alpha must be in [0, 1], was 1.5");
    }

    @Test
    void compute_handValues_matchFormula() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelOutput s =
                    new ModelOutput(
                            m.create(new float[] {30, 42}, new Shape(2, 1)),
                            m.zeros(new Shape(2, 1)),
                            Map.of());
            ModelOutput t =
                    new ModelOutput(
                            m.create(new float[] {28, 45}, new Shape(2, 1)),
                            m.zeros(new Shape(2, 1)),
                            Map.of());
            DistillationInput in = DistillationInput.of(m.create(new float[] {25, 40}), s, t);
            // L1: task (|5| + |2|) / 2 = 3.5, teacher (|2| + |3|) / 2 = 2.5.
            LossTerms l1 = new KdRegressionLoss(new KdRegressionConfig(0.25f, Norm.L1)).compute(in);
            assertThat(l1.terms().get("task").getFloat()).isCloseTo(0.75f * 3.5f, within(1e-6f));
            assertThat(l1.terms().get("teacher").getFloat()).isCloseTo(0.25f * 2.5f, within(1e-6f));
            assertThat(l1.total().getFloat()).isCloseTo(0.75f * 3.5f + 0.25f * 2.5f, within(1e-6f));
            // L2: plain mean of squares, (25 + 4) / 2 and (4 + 9) / 2, not half of it.
            LossTerms l2 = new KdRegressionLoss(new KdRegressionConfig(0.5f, Norm.L2)).compute(in);
            assertThat(l2.total().getFloat()).isCloseTo(0.5f * 14.5f + 0.5f * 6.5f, within(1e-5f));
        }
    }

    @Test
    void compute_mismatchedBatch_namesAllShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            ModelOutput s = new ModelOutput(m.zeros(new Shape(3, 1)), m.zeros(new Shape(3, 2)), Map.of());
            ModelOutput t = new ModelOutput(m.zeros(new Shape(2, 1)), m.zeros(new Shape(2, 2)), Map.of());
            DistillationInput in = DistillationInput.of(m.zeros(new Shape(3)), s, t);
            assertThatThrownBy(() -> new KdRegressionLoss(KdRegressionConfig.defaults()).compute(in))
                    .hasMessage(
                            "teacher predictions must be (batch) or (batch, 1) with the same batch:"
                                    + " student predictions (3, 1), teacher predictions (2, 1),"
                                    + " targets (3)");
        }
    }

    @Test
    void bind_classificationTaskOrLogits_refused() {
        KdRegressionLoss loss = new KdRegressionLoss(KdRegressionConfig.defaults());
        assertThatThrownBy(
                        () ->
                                loss.bind(
                                        new BindingContext(
                                                Task.classification(3),
                                                new Shape(1, 8, 8),
                                                spec(3),
                                                Optional.of(spec(3)))))
                .hasMessage(
                        "KdRegressionLoss needs a regression task, was classification(3 classes);"
                                + " use KdLogitsLoss for classification");
        assertThatThrownBy(
                        () ->
                                loss.bind(
                                        new BindingContext(
                                                Task.regression(),
                                                new Shape(1, 8, 8),
                                                spec(1),
                                                Optional.of(spec(2)))))
                .hasMessage(
                        "student predictions (1) and teacher predictions (2) must hold one value"
                                + " per image");
        assertThatThrownBy(
                        () ->
                                loss.bind(
                                        new BindingContext(
                                                Task.regression(),
                                                new Shape(1, 8, 8),
                                                spec(1),
                                                Optional.empty())))
                .hasMessage("KdRegressionLoss needs a teacher; give the trainer one");
    }

    @Test
    void toString_namesTheParameters() {
        assertThat(new KdRegressionLoss(new KdRegressionConfig(0.3f, Norm.L2)))
                .hasToString("KdRegression(alpha=0.3, norm=l2)");
    }
}
