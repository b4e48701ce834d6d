package io.distill4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.distill4j.core.BlockTeacher;
import io.distill4j.core.Distiller;
import io.distill4j.core.ModelOutput;
import io.distill4j.core.Task;
import io.distill4j.core.TaskLoss;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class ModelStudentTest {

    /** The small-cnn reference: trained-looking weights and batch-normalization statistics. */
    private static ModelTeacher referenceTeacher() throws Exception {
        NetworkBlock block =
                TorchReferenceTest.build(Fixtures.json("reference/small-cnn-slim.json"));
        return TorchWeights.loadTeacher(block, Fixtures.path("reference/small-cnn-slim.npz"));
    }

    private static NDList infer(Block block, NDArray images) {
        return block.forward(new ParameterStore(images.getManager(), false), new NDList(images), false);
    }

    private static ArrayDataset pairs(NDManager manager, int n, Shape image, int classes) {
        NDArray clean = manager.randomUniform(0, 1, new Shape(n).addAll(image));
        NDArray occluded = clean.duplicate();
        occluded.set(new NDIndex(":, :, :" + image.get(1) / 2 + ", :"), 0f);
        return new ArrayDataset.Builder()
                .setData(clean, occluded)
                .optLabels(
                        manager.arange(0, n, 1, DataType.FLOAT32).mod(classes),
                        manager.arange(0, n, 1, DataType.INT64))
                .setSampling(8, false)
                .build();
    }

    @Test
    void copyOf_teacher_givesTheTeachersOutputsBitForBit() throws Exception {
        try (ModelTeacher teacher = referenceTeacher();
                ModelStudent student = ModelStudent.copyOf(teacher);
                NDManager manager = NDManager.newBaseManager()) {
            assertThat(student.getDescriptor()).isEqualTo(teacher.getDescriptor());
            assertThat(BlockTeacher.parameterDigest(student.getBlock()))
                    .isEqualTo(teacher.getFingerprint());
            assertThat(student.getManager()).isNotSameAs(teacher.getManager());
            NDArray images = Fixtures.npz(manager, "reference/small-cnn-slim.io.npz").get("input");
            ModelOutput expected = teacher.predict(images);
            ModelOutput actual =
                    ModelOutput.fromNDList(infer(student.getBlock(), images), student.getFeatureNames());
            Fixtures.assertIdentical("prediction", actual.getPrediction(), expected.getPrediction());
            Fixtures.assertIdentical("embedding", actual.getEmbedding(), expected.getEmbedding());
            for (String feature : student.getFeatureNames()) {
                Fixtures.assertIdentical(feature, actual.getFeature(feature), expected.getFeature(feature));
            }
            // Trainable: every weight and bias (not the running statistics) records gradients.
            for (Pair<String, Parameter> p : student.getBlock().getParameters()) {
                boolean statistic =
                        p.getValue().getType() == Parameter.Type.RUNNING_MEAN
                                || p.getValue().getType() == Parameter.Type.RUNNING_VAR;
                assertThat(p.getValue().requiresGradient()).as(p.getKey()).isEqualTo(!statistic);
                assertThat(p.getValue().getArray().hasGradient()).as(p.getKey()).isEqualTo(!statistic);
            }
        }
    }

    @Test
    void copyOf_trainingTheStudent_leavesTheTeacherUnchanged() throws Exception {
        try (ModelTeacher teacher = referenceTeacher();
                ModelStudent student = ModelStudent.copyOf(teacher);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray images = manager.randomUniform(0, 1, new Shape(4, 1, 48, 48));
            NDArray before = teacher.predict(images).getPrediction().duplicate();
            String teacherDigest = BlockTeacher.parameterDigest(teacher.getBlock());
            String studentDigest = BlockTeacher.parameterDigest(student.getBlock());

            Distiller.builder()
                    .setTask(teacher.getDescriptor().task())
                    .setStudent(student)
                    .optTeacher(teacher)
                    .setLoss(TaskLoss.crossEntropy())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).build())
                    .optEpochs(1)
                    .optSeed(7)
                    .build()
                    .fit(pairs(manager, 16, new Shape(1, 48, 48), 7));

            // Weights and batch-normalization statistics both moved in the student.
            assertThat(BlockTeacher.parameterDigest(student.getBlock())).isNotEqualTo(studentDigest);
            assertThat(BlockTeacher.parameterDigest(teacher.getBlock())).isEqualTo(teacherDigest);
            Fixtures.assertIdentical("teacher prediction", teacher.predict(images).getPrediction(), before);
            Map<String, Parameter> s = ((NetworkBlock) student.getBlock()).getTorchParameters();
            Map<String, Parameter> t = ((NetworkBlock) teacher.getBlock()).getTorchParameters();
            assertThat(s.get("bn1.running_mean").getArray().toFloatArray())
                    .isNotEqualTo(t.get("bn1.running_mean").getArray().toFloatArray());
        }
    }

    @Test
    void forTeacher_otherArchitecture_trainsAgainstTheTeacher() throws Exception {
        try (ModelTeacher teacher = referenceTeacher();
                ModelStudent student =
                        ModelStudent.forTeacher(
                                teacher, SmallCnn.builder().optWidths(16, 32).optEmbeddingSize(8));
                NDManager manager = NDManager.newBaseManager()) {
            assertThat(student.getInputShape()).isEqualTo(teacher.getInputShape());
            assertThat(student.getSpec().embeddingSize()).isEqualTo(8);
            assertThat(student.getFeatureNames()).containsExactly("block1", "block2");
            Distiller distiller =
                    Distiller.builder()
                            .setTask(teacher.getDescriptor().task())
                            .setStudent(student)
                            .optTeacher(teacher)
                            .setLoss(TaskLoss.crossEntropy())
                            .optEpochs(1)
                            .build();
            assertThat(distiller.getTeacherSpec().orElseThrow().feature("block2"))
                    .isEqualTo(new Shape(16, 12, 12));
            assertThat(distiller.getStudentSpec().feature("block2")).isEqualTo(new Shape(32, 24, 24));
            assertThat(distiller.fit(pairs(manager, 8, new Shape(1, 48, 48), 7)).epochs()).hasSize(1);
        }
    }

    @Test
    void modelTeacher_refreezesAfterUnfreezing() {
        NetworkBlock block =
                SmallCnn.builder()
                        .optWidths(4, 8)
                        .setInputShape(1, 16, 16)
                        .setTask(Task.classification(2))
                        .build();
        try (ModelTeacher teacher = ModelTeacher.create(block);
                NDManager manager = NDManager.newBaseManager()) {
            // What PtModel.newTrainer does to a loaded model.
            teacher.getBlock().freezeParameters(false);
            teacher.predict(manager.zeros(new Shape(2, 1, 16, 16)));
            for (Pair<String, Parameter> p : teacher.getBlock().getParameters()) {
                assertThat(p.getValue().requiresGradient()).as(p.getKey()).isFalse();
            }
        }
    }

    @Test
    void create_initializedBlock_refused() {
        NetworkBlock block =
                SmallCnn.builder().setInputShape(1, 16, 16).setTask(Task.regression()).build();
        try (ModelStudent first = ModelStudent.create(block)) {
            assertThat(first.getBlock()).isSameAs(block);
            assertThatThrownBy(() -> ModelStudent.create(block))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "the block is already initialized; build a new block (a block's"
                                    + " parameters belong to one model)");
        }
    }

    @Test
    void forward_wrongInputShape_refusedInJava() {
        NetworkBlock block =
                ResNet.builder()
                        .setNumLayers(18)
                        .optBaseWidth(4)
                        .setInputShape(3, 32, 32)
                        .setTask(Task.classification(5))
                        .build();
        try (ModelTeacher teacher = ModelTeacher.create(block);
                NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> teacher.predict(manager.zeros(new Shape(2, 1, 32, 32))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("resnet18 expects images (B, 3, 32, 32), was (2, 1, 32, 32)");
        }
    }

    @Test
    void normalization_isAppliedFirst() {
        Normalization normalization =
                Normalization.of(new float[] {0.5f, 0.25f, 0.75f}, new float[] {0.5f, 2f, 0.1f});
        NetworkBlock plain =
                SmallCnn.builder().optWidths(4, 8).setInputShape(3, 16, 16).setTask(Task.regression()).build();
        try (ModelTeacher reference = ModelTeacher.create(plain);
                NDManager manager = NDManager.newBaseManager()) {
            ModelDescriptor d = plain.getDescriptor();
            NetworkBlock normalized =
                    Architectures.build(
                            new ModelDescriptor(
                                    d.architecture(),
                                    d.inputShape(),
                                    d.task(),
                                    normalization,
                                    d.options(),
                                    d.featureNames()));
            NDArray images = manager.randomUniform(0, 1, new Shape(2, 3, 16, 16));
            NDArray mean = manager.create(new float[] {0.5f, 0.25f, 0.75f}, new Shape(1, 3, 1, 1));
            NDArray std = manager.create(new float[] {0.5f, 2f, 0.1f}, new Shape(1, 3, 1, 1));
            // The same weights, once with the normalization inside the model, once applied by hand.
            try (NDManager params = NDManager.newBaseManager()) {
                Params.copyInto(reference.getBlock(), normalized, params, d.inputShape());
                NDArray byModel = infer(normalized, images).head();
                NDArray byHand = reference.predict(images.sub(mean).div(std)).getPrediction();
                Fixtures.assertClose("prediction", byModel, byHand, 1e-6f, 1e-6f);
                assertThat(byModel.getShape()).isEqualTo(new Shape(2, 1));
            }
        }
    }
}
