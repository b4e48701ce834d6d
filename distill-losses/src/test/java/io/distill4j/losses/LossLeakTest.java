package io.distill4j.losses;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.distill4j.core.DistillationInput;
import io.distill4j.core.DistillationLoss;
import io.distill4j.core.ModelOutput;
import io.distill4j.core.Task;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No strategy leaves arrays behind on a long-lived manager: with the inputs attached to a scoped
 * manager for each step, the long-lived manager holds as many arrays after 5 steps as after 1.
 */
final class LossLeakTest {

    @Test
    void compute_everyStrategy_noArrayLeftOnTheInputsManager() {
        DistillationLossRegistry registry = DistillationLossRegistry.defaults();
        Task classes = Task.classification(3);
        Task values = Task.regression();
        List<Object[]> cases =
                List.of(
                        new Object[] {"kd", classes, Map.of()},
                        new Object[] {"task", classes, Map.of()},
                        new Object[] {"kd-regression", values, Map.of("norm", "l2")},
                        new Object[] {"hint", classes, Map.of("feature", "conv")},
                        new Object[] {"triplet", classes, Map.of("mining", "semi-hard", "negatives", "both")},
                        new Object[] {"triplet", classes, Map.of("mining", "hardest", "distance", "euclidean")},
                        new Object[] {"triplet", classes, Map.of("mining", "all", "distance", "cosine")},
                        new Object[] {"triplet", values, Map.of("negative_threshold", "0.5")},
                        new Object[] {"task+kd+triplet+hint", classes, Map.of("feature", "conv")});
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            Map<String, String> params = (Map<String, String>) c[2];
            Task task = (Task) c[1];
            DistillationLoss loss = registry.create((String) c[0], task, params);
            try (NDManager manager = NDManager.newBaseManager()) {
                int outputs = task.outputSize();
                NDArray studentPrediction = manager.randomNormal(new Shape(6, outputs));
                NDArray studentEmbedding = manager.randomNormal(new Shape(6, 4));
                NDArray studentFeature = manager.randomNormal(new Shape(6, 2, 3, 3));
                NDArray[] inputs = {
                    studentPrediction,
                    studentEmbedding,
                    studentFeature,
                    manager.randomNormal(new Shape(6, outputs)),
                    manager.randomNormal(new Shape(6, 4)),
                    manager.randomNormal(new Shape(6, 2, 3, 3)),
                    manager.create(new float[] {0, 1, 2, 0, 1, 2})
                };
                for (int i = 0; i < 3; i++) {
                    inputs[i].setRequiresGradient(true);
                }
                DistillationInput input =
                        DistillationInput.of(
                                inputs[6],
                                new ModelOutput(inputs[0], inputs[1], Map.of("conv", inputs[2])),
                                new ModelOutput(inputs[3], inputs[4], Map.of("conv", inputs[5])));
                int afterFirst = 0;
                for (int step = 1; step <= 5; step++) {
                    try (NDManager scope = manager.newSubManager()) {
                        scope.tempAttachAll(inputs);
                        try (GradientCollector g = Engine.getInstance().newGradientCollector()) {
                            g.backward(loss.compute(input).total());
                        }
                    }
                    if (step == 1) {
                        afterFirst = manager.getManagedArrays().size();
                    }
                }
                assertThat(manager.getManagedArrays().size()).as("%s %s", c[0], params).isEqualTo(afterFirst);
            }
        }
    }
}
