package io.distill4j.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.distill4j.core.ModelOutput;
import io.distill4j.core.OutputSpec;
import io.distill4j.core.Task;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every architecture runs forward at its smallest input and at 3x224x224, on the CPU. */
final class ForwardPassTest {

    static Stream<Arguments> architectures() {
        return Stream.of(
                Arguments.of("resnet18", 1000, 11_689_512L),
                Arguments.of("resnet34", 1000, 21_797_672L),
                Arguments.of("resnet50", 1000, 25_557_032L),
                Arguments.of("vgg-face", 2622, 145_002_878L),
                Arguments.of("vgg-f", 1000, -1L),
                Arguments.of("small-cnn", 8, -1L));
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void forward_rgb224_givesDeclaredShapes(String architecture, int classes, long parameters) {
        NetworkBlock block =
                Architectures.builder(architecture)
                        .setInputShape(3, 224, 224)
                        .setTask(Task.classification(classes))
                        .build();
        try (ModelTeacher teacher = ModelTeacher.create(block);
                NDManager manager = NDManager.newBaseManager()) {
            if (parameters > 0) {
                // Counted on the initialized DJL block itself.
                assertThat(teacher.getSpec().parameterCount()).isEqualTo(parameters);
            }
            NDArray images = manager.randomUniform(0, 1, new Shape(1, 3, 224, 224));
            ModelOutput out = teacher.predict(images);
            checkShapes(out, block.getSpec().outputs(), 1);
            assertThat(out.getPrediction().getShape()).isEqualTo(new Shape(1, classes));
            assertThat(out.getPrediction().isInfinite().any().getBoolean()).isFalse();
            assertThat(out.getPrediction().isNaN().any().getBoolean()).isFalse();
        }
    }

    /**
     * A forward pass releases its intermediate arrays as it goes (Layers.release): what stays in
     * the batch's manager afterwards is the returned outputs and a few per-layer handles, not the
     * hundreds of activations of a resnet18 (the input is not closed).
     */
    @Test
    void forward_resnet18_leavesOnlyItsOutputsOpen() {
        NetworkBlock block =
                Architectures.builder("resnet18")
                        .setInputShape(1, 48, 48)
                        .setTask(Task.classification(8))
                        .build();
        try (ModelStudent student = ModelStudent.create(block);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray images = manager.randomUniform(0, 1, new Shape(4, 1, 48, 48));
            for (boolean training : new boolean[] {true, false}) {
                try (NDManager batch = manager.newSubManager()) {
                    batch.tempAttachAll(images); // the layers' arrays are made in the input's manager
                    NDList out =
                            student.getBlock()
                                    .forward(
                                            new ParameterStore(batch, false),
                                            new NDList(images),
                                            training);
                    long open =
                            batch.getManagedArrays().stream().filter(a -> !a.isReleased()).count();
                    // prediction, embedding and 4 stage features
                    assertThat(out).hasSize(6);
                    assertThat(open).as("open arrays, training %s", training).isLessThan(20);
                    assertThat(images.isReleased()).isFalse();
                    out.forEach(a -> assertThat(a.isReleased()).isFalse());
                }
            }
        }
    }

    static Stream<Arguments> allArchitectures() {
        return Stream.concat(
                architectures(),
                Stream.of(Arguments.of("resnet101", 1000, -1L), Arguments.of("resnet152", 1000, -1L)));
    }

    @ParameterizedTest
    @MethodSource("allArchitectures")
    void forward_smallestInput_trainingAndInference(String architecture, int classes, long ignored) {
        int size = Architectures.builder(architecture).getMinimumInputSize();
        NetworkBlock block =
                Architectures.builder(architecture)
                        .setInputShape(3, size, size)
                        .setTask(Task.regression())
                        .build();
        try (ModelStudent student = ModelStudent.create(block);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray images = manager.randomUniform(0, 1, new Shape(2, 3, size, size));
            OutputSpec spec = block.getSpec().outputs();
            for (boolean training : new boolean[] {true, false}) {
                NDList out =
                        student.getBlock()
                                .forward(new ParameterStore(manager, false), new NDList(images), training);
                ModelOutput output = ModelOutput.fromNDList(out, block.getFeatureNames());
                checkShapes(output, spec, 2);
                assertThat(output.getPrediction().getShape()).isEqualTo(new Shape(2, 1));
            }
        }
    }

    private static void checkShapes(ModelOutput out, OutputSpec spec, long batch) {
        assertThat(OutputSpec.of(out)).isEqualTo(spec);
        assertThat(out.batchSize()).isEqualTo(batch);
    }
}
