package io.distill4j.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.distill4j.core.BlockStudent;
import io.distill4j.core.BlockTeacher;
import io.distill4j.core.DistillationLoss;
import io.distill4j.core.Distiller;
import io.distill4j.core.EpochResult;
import io.distill4j.core.Task;
import io.distill4j.core.TrainingHistory;
import io.distill4j.core.testing.PairedData;
import io.distill4j.core.testing.TinyNet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Strategies built by name train a student through the {@link Distiller}, for classification and
 * for regression (the synthetic classes 0, 1, 2 read as values), each term logged by name.
 */
final class RegistryDistillationTest {

    private static TrainingHistory distill(Task task, int outputs, String name, Map<String, String> params)
            throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                BlockStudent teacherModel =
                        BlockStudent.of(new TinyNet(4, 8, outputs), PairedData.IMAGE, TinyNet.FEATURES).initialize();
                BlockTeacher teacher = BlockTeacher.of(teacherModel);
                BlockStudent student =
                        BlockStudent.of(new TinyNet(4, 8, outputs), PairedData.IMAGE, TinyNet.FEATURES)) {
            DistillationLoss loss = DistillationLossRegistry.defaults().create(name, task, params);
            return Distiller.builder()
                    .setTask(task)
                    .setStudent(student)
                    .optTeacher(teacher)
                    .setLoss(loss)
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
                    .optEpochs(4)
                    .optSeed(11)
                    .build()
                    .fit(PairedData.create(manager, 96, 2, 16, true));
        }
    }

    private static void assertTermsAddUp(TrainingHistory history, List<String> terms) {
        for (EpochResult e : history.epochs()) {
            assertThat(e.trainTerms()).containsKeys(terms.toArray(new String[0]));
            double sum = terms.stream().mapToDouble(t -> e.trainTerms().get(t)).sum();
            assertThat(sum).isCloseTo(e.trainLoss(), within(1e-4 * Math.max(1, e.trainLoss())));
        }
    }

    @Test
    void fit_taskPlusTriplet_classification_lossFalls() throws Exception {
        TrainingHistory history =
                distill(
                        Task.classification(PairedData.CLASSES),
                        PairedData.CLASSES,
                        "task+triplet",
                        Map.of("weights", "1,1", "mining", "hardest", "margin", "0.5"));
        double[] losses = history.trainLosses();
        assertThat(losses[losses.length - 1]).isLessThan(losses[0]);
        assertTermsAddUp(history, List.of("CrossEntropy", "TripletLoss"));
    }

    @Test
    void fit_kdRegressionPlusTriplet_regression_lossFalls() throws Exception {
        TrainingHistory history =
                distill(
                        Task.regression(),
                        1,
                        "kd-regression+triplet",
                        Map.of("norm", "l2", "negative_threshold", "0.5", "negatives", "both", "weights", "1,0.5"));
        double[] losses = history.trainLosses();
        assertThat(losses[losses.length - 1]).isLessThan(losses[0]);
        assertTermsAddUp(history, List.of("KdRegressionLoss", "TripletLoss"));
    }
}
