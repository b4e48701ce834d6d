package io.distill4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class DistillationInputTest {

    @Test
    void toLists_fromLists_roundTripsByName() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray target = manager.create(new float[] {1, 0});
            NDArray index = manager.create(new long[] {7, 9});
            ModelOutput student =
                    new ModelOutput(
                            manager.ones(new Shape(2, 3)),
                            manager.ones(new Shape(2, 4)),
                            Map.of("conv", manager.ones(new Shape(2, 5, 2, 2))));
            ModelOutput teacher =
                    new ModelOutput(
                            manager.zeros(new Shape(2, 3)),
                            manager.zeros(new Shape(2, 6)),
                            Map.of("conv", manager.zeros(new Shape(2, 5, 2, 2))));
            DistillationInput input =
                    DistillationInput.of(target, student, teacher).withIndices(index);

            NDList labels = input.toLabels();
            NDList predictions = input.toPredictions();
            // Shuffle the order: decoding goes by name, never by position.
            NDList shuffled = new NDList(labels.get(3), labels.get(0), labels.get(4), labels.get(2), labels.get(1));
            DistillationInput back = DistillationInput.fromLists(shuffled, predictions);

            assertThat(back.getTarget()).isSameAs(target);
            assertThat(back.getIndices()).containsSame(index);
            assertThat(back.getStudent().getEmbedding().getShape()).isEqualTo(new Shape(2, 4));
            assertThat(back.getTeacher().orElseThrow().getEmbedding().getShape())
                    .isEqualTo(new Shape(2, 6));
            assertThat(back.getTeacher().orElseThrow().getFeature("conv").getShape())
                    .isEqualTo(new Shape(2, 5, 2, 2));
            assertThat(predictions.head().getName()).isEqualTo("student.prediction");
        }
    }

    @Test
    void fromLists_unnamedArrays_explainsTheContract() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList labels = new NDList(manager.create(new float[] {1}));
            NDList predictions = new NDList(manager.ones(new Shape(1, 3)));
            assertThatThrownBy(() -> DistillationInput.fromLists(labels, predictions))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "the labels list has no array named 'target' (found [null]); build"
                                    + " the lists with DistillationInput.toLabels() and"
                                    + " toPredictions()");
        }
    }

    @Test
    void requireTeacher_withoutTeacher_namesTheLoss() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ModelOutput student =
                    new ModelOutput(
                            manager.ones(new Shape(1, 3)), manager.ones(new Shape(1, 2)), Map.of());
            DistillationInput input =
                    DistillationInput.of(manager.create(new float[] {0}), student);
            assertThatThrownBy(() -> input.requireTeacher("KdLogitsLoss"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage(
                            "KdLogitsLoss needs the teacher's outputs, but the labels carry none;"
                                    + " give the trainer a teacher");
        }
    }
}
