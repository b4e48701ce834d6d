package io.distill4j.losses.combined;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.dataset.ArrayDataset;
import io.distill4j.core.BlockStudent;
import io.distill4j.core.EvaluationResult;
import io.distill4j.core.Task;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fusion on synthetic students whose answer is known: student A's embedding tells class 0 from the
 * rest, student B's tells class 1 from class 2; only together do they classify every image.
 */
final class FusionPredictorTest {

    private static final Shape IMAGE = new Shape(1, 1, 3);
    private static final int SIZE = 60;

    /** A student whose embedding is {@code [x[channel], 1]} of the image's three values. */
    private static BlockStudent student(int channel) {
        LambdaBlock block =
                new LambdaBlock(
                        list -> {
                            NDArray x = list.singletonOrThrow();
                            long batch = x.getShape().get(0);
                            NDArray value = x.reshape(batch, 3).get(":, " + channel + ":" + (channel + 1));
                            NDArray embedding = value.concat(value.onesLike(), 1);
                            return new NDList(x.getManager().zeros(new Shape(batch, 3)), embedding);
                        });
        return BlockStudent.of(block, IMAGE, List.of()).initialize();
    }

    /** Images {@code [u, v, w]}: u = +1 for class 0, -1 otherwise; v = +1 for class 1, -1 for 2. */
    private static ArrayDataset data(NDManager m, long seed, float[] targets) {
        Random random = new Random(seed);
        float[] images = new float[SIZE * 3];
        long[] indices = new long[SIZE];
        for (int i = 0; i < SIZE; i++) {
            int c = i % 3;
            float u = (c == 0 ? 1 : -1) + 0.1f * (float) random.nextGaussian();
            float v = (c == 1 ? 1 : c == 2 ? -1 : (random.nextBoolean() ? 1 : -1)) + 0.1f * (float) random.nextGaussian();
            images[i * 3] = u;
            images[i * 3 + 1] = v;
            images[i * 3 + 2] = (float) random.nextGaussian();
            indices[i] = i;
        }
        NDArray x = m.create(images, new Shape(SIZE, 1, 1, 3));
        float[] y = new float[SIZE];
        for (int i = 0; i < SIZE; i++) {
            y[i] = targets.length == SIZE ? targets[i] : i % 3;
        }
        return new ArrayDataset.Builder()
                .setData(x, x)
                .optLabels(m.create(y), m.create(indices))
                .setSampling(16, false)
                .build();
    }

    @Test
    void fit_twoComplementaryStudents_classifyEveryImage() throws Exception {
        Task task = Task.classification(3);
        try (NDManager m = NDManager.newBaseManager();
                BlockStudent a = student(0);
                BlockStudent b = student(1)) {
            FusionPredictor fused =
                    FusionPredictor.fit(a, b, data(m, 1, new float[0]), task, FusionOptions.defaults());
            EvaluationResult test = fused.evaluate(data(m, 2, new float[0]));
            assertThat(test.size()).isEqualTo(SIZE);
            assertThat(test.metric()).isEqualTo(1.0);

            FusionPredictor onlyA =
                    FusionPredictor.fit(List.of(a), data(m, 1, new float[0]), task, FusionOptions.defaults());
            FusionPredictor onlyB =
                    FusionPredictor.fit(List.of(b), data(m, 1, new float[0]), task, FusionOptions.defaults());
            assertThat(onlyA.evaluate(data(m, 2, new float[0])).metric()).isLessThan(0.8);
            assertThat(onlyB.evaluate(data(m, 2, new float[0])).metric()).isLessThan(0.9);

            NDArray images = m.create(new float[] {1, -1, 0, -1, 1, 0, -1, -1, 0}, new Shape(3, 1, 1, 3));
            NDArray logits = fused.predict(images);
            assertThat(logits.getShape()).isEqualTo(new Shape(3, 3));
            assertThat(logits.getManager()).isSameAs(images.getManager());
            assertThat(logits.argMax(1).toLongArray()).containsExactly(0, 1, 2);
            assertThat(fused.getHead().inputSize()).isEqualTo(4);
            assertThat(fused.getHead().isClassifier()).isTrue();
        }
    }

    @Test
    void fit_regressionOnFusedFeatures_recoversTheLinearTarget() throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                BlockStudent a = student(0);
                BlockStudent b = student(1)) {
            // Targets: 10 * (first fused feature) + 5 * (third) + 20, features as the
            // predictor computes them: [u, 1] / |[u, 1]| and [v, 1] / |[v, 1]|.
            ArrayDataset probe = data(m, 3, new float[0]);
            NDArray x = probe.get(m, 0).getData().get(0);
            float[] targets = new float[SIZE];
            for (int i = 0; i < SIZE; i++) {
                float[] image = probe.get(m, i).getData().get(0).toFloatArray();
                double u = image[0] / Math.hypot(image[0], 1);
                double v = image[1] / Math.hypot(image[1], 1);
                targets[i] = (float) (10 * u + 5 * v + 20);
            }
            assertThat(x.getShape()).isEqualTo(IMAGE);
            ArrayDataset train = data(m, 3, targets);
            FusionPredictor fused =
                    FusionPredictor.fit(a, b, train, Task.regression(), FusionOptions.defaults().withL2(1e-9));
            EvaluationResult result = fused.evaluate(train);
            assertThat(result.metric()).isCloseTo(0, within(1e-3));
            assertThat(fused.getHead().isClassifier()).isFalse();
        }
    }

    @Test
    void fit_uninitializedStudentOrBadTargets_refused() throws Exception {
        try (NDManager m = NDManager.newBaseManager();
                BlockStudent untrained =
                        BlockStudent.of(Linear.builder().setUnits(2).build(), IMAGE, List.of());
                BlockStudent a = student(0)) {
            assertThatThrownBy(
                            () ->
                                    FusionPredictor.fit(
                                            a, untrained, data(m, 1, new float[0]), Task.classification(3), FusionOptions.defaults()))
                    .hasMessage("student 1 has no parameters yet; fuse trained students");
            assertThatThrownBy(
                            () ->
                                    FusionPredictor.fit(
                                            List.of(a), data(m, 1, new float[0]), Task.classification(2), FusionOptions.defaults()))
                    .hasMessage("class target 2.0 must be an integer in [0, 2)");
        }
    }
}
