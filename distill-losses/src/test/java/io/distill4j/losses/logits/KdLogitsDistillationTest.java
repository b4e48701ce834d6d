package io.distill4j.losses.logits;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.distill4j.core.BlockStudent;
import io.distill4j.core.BlockTeacher;
import io.distill4j.core.Distiller;
import io.distill4j.core.EpochResult;
import io.distill4j.core.Task;
import io.distill4j.core.TaskLoss;
import io.distill4j.core.TrainingHistory;
import io.distill4j.core.View;
import io.distill4j.core.testing.PairedData;
import io.distill4j.core.testing.TinyNet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The foundation's end-to-end check, through the public API only: a teacher trained on clean
 * images, then a student trained on occluded images with Hinton knowledge distillation.
 */
final class KdLogitsDistillationTest {

    private static final Task TASK = Task.classification(PairedData.CLASSES);

    private static Optimizer adam() {
        return Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build();
    }

    private static double[] distill(
            NDManager manager, BlockTeacher teacher, int seed, Map<String, double[]> terms)
            throws Exception {
        try (BlockStudent student =
                BlockStudent.of(new TinyNet(4, 8, PairedData.CLASSES), PairedData.IMAGE, TinyNet.FEATURES)) {
            ArrayDataset train = PairedData.create(manager, 96, 1, 16, true);
            TrainingHistory history =
                    Distiller.builder()
                            .setTask(TASK)
                            .setStudent(student)
                            .optTeacher(teacher)
                            .setLoss(new KdLogitsLoss(new KdLogitsConfig(4f, 0.7f)))
                            .optOptimizer(adam())
                            .optEpochs(5)
                            .optSeed(seed)
                            .build()
                            .fit(train);
            for (EpochResult epoch : history.epochs()) {
                epoch.trainTerms().forEach((k, v) -> terms.computeIfAbsent(k, x -> new double[5])[epoch.epoch() - 1] = v);
            }
            return history.trainLosses();
        }
    }

    @Test
    void distill_kdOnOccludedView_lossFallsTeacherUntouched() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                BlockStudent teacherModel =
                        BlockStudent.of(new TinyNet(4, 8, PairedData.CLASSES), PairedData.IMAGE, TinyNet.FEATURES)) {
            Distiller.builder()
                    .setTask(TASK)
                    .setStudent(teacherModel)
                    .setLoss(TaskLoss.crossEntropy())
                    .optStudentView(View.CLEAN)
                    .optOptimizer(adam())
                    .optEpochs(5)
                    .optSeed(1)
                    .build()
                    .fit(PairedData.create(manager, 96, 1, 16, true));
            try (BlockTeacher teacher = BlockTeacher.of(teacherModel)) {
                Map<String, float[]> before = parameters(teacher);

                Map<String, double[]> terms = new LinkedHashMap<>();
                double[] losses = distill(manager, teacher, 5, terms);

                assertThat(losses[losses.length - 1]).isLessThan(losses[0] * 0.8);
                assertThat(terms).containsKeys("KdLogitsLoss", "ce", "kl");
                for (int e = 0; e < losses.length; e++) {
                    assertThat(terms.get("ce")[e] + terms.get("kl")[e])
                            .isCloseTo(losses[e], org.assertj.core.api.Assertions.within(1e-5));
                }
                Map<String, float[]> after = parameters(teacher);
                before.forEach((k, v) -> assertThat(after.get(k)).as(k).containsExactly(v));
                for (Pair<String, Parameter> p : teacher.getBlock().getParameters()) {
                    assertThat(p.getValue().getArray().hasGradient()).as(p.getKey()).isFalse();
                }

                double[] again = distill(manager, teacher, 5, new LinkedHashMap<>());
                double[] otherSeed = distill(manager, teacher, 6, new LinkedHashMap<>());
                assertThat(again).containsExactly(losses);
                assertThat(otherSeed).isNotEqualTo(losses);
            }
        }
    }

    private static Map<String, float[]> parameters(BlockTeacher teacher) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : teacher.getBlock().getParameters()) {
            values.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return values;
    }
}
