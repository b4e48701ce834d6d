package io.distill4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

final class TaskLossTest {

    private static final float[][] LOGITS = {{2.0f, -1.0f, 0.5f}, {-0.3f, 0.8f, 3.0f}};

    /** Cross-entropy written out in double precision, independently of the NDArray code. */
    private static double referenceCrossEntropy(float[][] logits, double[][] targets) {
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (float v : logits[i]) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (float v : logits[i]) {
                sum += Math.exp(v - max);
            }
            double logZ = max + Math.log(sum);
            for (int c = 0; c < logits[i].length; c++) {
                total -= targets[i][c] * (logits[i][c] - logZ);
            }
        }
        return total / logits.length;
    }

    @Test
    void crossEntropy_classIndices_matchesDefinition() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = manager.create(LOGITS);
            NDArray target = manager.create(new float[] {0, 2});
            double expected =
                    referenceCrossEntropy(LOGITS, new double[][] {{1, 0, 0}, {0, 0, 1}});
            assertThat(TaskLoss.crossEntropy(logits, target).getFloat())
                    .isCloseTo((float) expected, within(1e-6f));
        }
    }

    @Test
    void crossEntropy_distributions_matchesDefinition() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = manager.create(LOGITS);
            float[][] soft = {{0.5f, 0.25f, 0.25f}, {0.1f, 0.2f, 0.7f}};
            double expected =
                    referenceCrossEntropy(
                            LOGITS, new double[][] {{0.5, 0.25, 0.25}, {0.1, 0.2, 0.7}});
            assertThat(TaskLoss.crossEntropy(logits, manager.create(soft)).getFloat())
                    .isCloseTo((float) expected, within(1e-6f));
        }
    }

    @Test
    void meanAbsoluteError_columnPredictions_matchesDefinition() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray prediction = manager.create(new float[] {30, 41, 8}, new Shape(3, 1));
            NDArray target = manager.create(new float[] {25, 45, 8});
            assertThat(TaskLoss.meanAbsoluteError(prediction, target).getFloat())
                    .isCloseTo(3f, within(1e-6f));
        }
    }

    @Test
    void crossEntropy_wrongTargetShape_namesShapes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = manager.create(LOGITS);
            NDArray target = manager.create(new float[] {0, 1, 2});
            assertThatThrownBy(() -> TaskLoss.crossEntropy(logits, target))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "targets (3) must be class indices (2) or distributions (2, 3) for"
                                    + " logits (2, 3)");
        }
    }
}
