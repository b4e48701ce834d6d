package io.distill4j.losses.feature;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.distill4j.core.BlockStudent;
import io.distill4j.core.BlockTeacher;
import io.distill4j.core.Distiller;
import io.distill4j.core.EpochResult;
import io.distill4j.core.Task;
import io.distill4j.core.TaskLoss;
import io.distill4j.core.TrainingHistory;
import io.distill4j.core.testing.PairedData;
import io.distill4j.core.testing.TinyNet;
import io.distill4j.losses.combined.CombinedDistillationLoss;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hint adapter trains with the student: the optimizer sees its gradient every step, updates its
 * weights, and the gradient is zeroed in between (it does not accumulate).
 */
final class HintDistillationTest {

    /** SGD that records, for one parameter, the gradient and the weight it is handed. */
    private static final class RecordingSgd extends Optimizer {
        private final Optimizer delegate;
        private final String watched;
        final List<Float> gradientNorms = new ArrayList<>();
        final List<float[]> weights = new ArrayList<>();

        RecordingSgd(String watched) {
            super(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)));
            this.delegate = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).build();
            this.watched = watched;
        }

        @Override
        public void update(String parameterId, NDArray weight, NDArray grad) {
            if (parameterId.equals(watched)) {
                gradientNorms.add(grad.norm().getFloat());
                weights.add(weight.toFloatArray());
            }
            delegate.update(parameterId, weight, grad);
        }
    }

    @Test
    void fit_hintAdapter_updatedByOptimizerGradientNotAccumulated() throws Exception {
        Task task = Task.classification(PairedData.CLASSES);
        try (NDManager manager = NDManager.newBaseManager();
                BlockStudent teacherModel =
                        BlockStudent.of(new TinyNet(8, 8, PairedData.CLASSES), PairedData.IMAGE, TinyNet.FEATURES).initialize();
                BlockTeacher teacher = BlockTeacher.of(teacherModel);
                BlockStudent student =
                        BlockStudent.of(new TinyNet(4, 8, PairedData.CLASSES), PairedData.IMAGE, TinyNet.FEATURES)) {
            HintLoss hint = new HintLoss(HintConfig.of("conv"));
            CombinedDistillationLoss loss =
                    CombinedDistillationLoss.builder()
                            .add(1f, TaskLoss.crossEntropy())
                            .add(1f, hint)
                            .build();
            // The distiller binds the loss (creating the adapter) and initializes the adapter.
            Distiller.Builder builder =
                    Distiller.builder().setTask(task).setStudent(student).optTeacher(teacher).setLoss(loss).optEpochs(2).optSeed(3);
            // Bind once now to learn the adapter's weight id; binding again keeps the adapter.
            Distiller probe = builder.optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).build()).build();
            Block adapter = hint.getAdapters().get(0).block();
            assertThat(adapter).isInstanceOf(Conv2d.class);
            assertThat(probe.getLoss()).isSameAs(loss);
            Parameter weight = adapter.getParameters().get("weight");
            float[] initial = weight.getArray().toFloatArray();

            RecordingSgd optimizer = new RecordingSgd(weight.getId());
            TrainingHistory history =
                    builder.optOptimizer(optimizer).build().fit(PairedData.create(manager, 96, 1, 16, true));

            // 96 images in batches of 16, 2 epochs: the optimizer saw the adapter 12 times.
            assertThat(optimizer.gradientNorms).hasSize(12);
            for (int i = 1; i < optimizer.weights.size(); i++) {
                assertThat(optimizer.weights.get(i)).as("step %d", i).isNotEqualTo(optimizer.weights.get(i - 1));
            }
            assertThat(weight.getArray().toFloatArray()).isNotEqualTo(initial);
            float first = optimizer.gradientNorms.get(0);
            assertThat(first).isPositive();
            // Accumulated gradients would grow about linearly with the step (12x by the end).
            for (float g : optimizer.gradientNorms) {
                assertThat(g).isLessThan(2 * first);
            }
            // Logged under the component names, adding up to the total.
            for (EpochResult e : history.epochs()) {
                assertThat(e.trainTerms()).containsKeys("CrossEntropy", "HintLoss");
                assertThat(e.trainTerms().get("CrossEntropy") + e.trainTerms().get("HintLoss"))
                        .isCloseTo(e.trainLoss(), org.assertj.core.api.Assertions.within(1e-5));
            }
            // The trained adapter lives in the student's manager and saves and loads.
            assertThat(weight.getArray().getManager().isOpen()).isTrue();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            adapter.saveParameters(new DataOutputStream(bytes));
            Conv2d copy = Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(8).build();
            copy.initialize(manager, DataType.FLOAT32, new Shape(1, 4, 8, 8));
            copy.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertThat(copy.getParameters().get("weight").getArray().toFloatArray())
                    .containsExactly(weight.getArray().toFloatArray());
        }
    }
}
