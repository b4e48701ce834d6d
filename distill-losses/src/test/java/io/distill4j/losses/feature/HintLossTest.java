package io.distill4j.losses.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import io.distill4j.core.BindingContext;
import io.distill4j.core.DistillationInput;
import io.distill4j.core.FeatureAdapter;
import io.distill4j.core.ModelOutput;
import io.distill4j.core.OutputSpec;
import io.distill4j.core.Task;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class HintLossTest {

    private static BindingContext context(Shape student, Shape teacher) {
        return new BindingContext(
                Task.classification(3),
                new Shape(1, 8, 8),
                new OutputSpec(new Shape(3), new Shape(4), Map.of("conv", student)),
                Optional.of(new OutputSpec(new Shape(3), new Shape(4), Map.of("conv", teacher))));
    }

    private static HintLoss bound(Shape student, Shape teacher) {
        HintLoss loss = new HintLoss(HintConfig.of("conv"));
        loss.bind(context(student, teacher));
        return loss;
    }

    @Test
    void hintConfig_blankNames_refused() {
        assertThatThrownBy(() -> new HintConfig(" ", "conv", AdapterMode.AUTO))
                .hasMessage("feature names must not be blank, were ' ' and 'conv'");
    }

    @Test
    void bind_equalShapes_noAdapterUnlessAlways() {
        assertThat(bound(new Shape(4, 8, 8), new Shape(4, 8, 8)).getAdapters()).isEmpty();
        HintLoss always = new HintLoss(HintConfig.of("conv").withAdapter(AdapterMode.ALWAYS));
        always.bind(context(new Shape(4, 8, 8), new Shape(4, 8, 8)));
        assertThat(always.getAdapters()).singleElement().extracting(FeatureAdapter::block).isInstanceOf(Conv2d.class);
    }

    @Test
    void bind_channelsDiffer_conv1x1Adapter() {
        HintLoss loss = bound(new Shape(4, 8, 8), new Shape(16, 8, 8));
        FeatureAdapter adapter = loss.getAdapters().get(0);
        assertThat(adapter.studentFeature()).isEqualTo("conv");
        assertThat(adapter.outputName()).isEqualTo("hint:conv->conv").isEqualTo(loss.adaptedFeatureName());
        assertThat(loss.adapterParameterCount()).isZero();
        try (NDManager m = NDManager.newBaseManager()) {
            adapter.block().initialize(m, DataType.FLOAT32, new Shape(1, 4, 8, 8));
            // 4 * 16 weights + 16 biases.
            assertThat(loss.adapterParameterCount()).isEqualTo(80);
            NDArray out =
                    adapter.block()
                            .forward(new ParameterStore(m, false), new NDList(m.zeros(new Shape(2, 4, 8, 8))), false)
                            .singletonOrThrow();
            assertThat(out.getShape()).isEqualTo(new Shape(2, 16, 8, 8));
        }
    }

    @Test
    void bind_studentMapLarger_poolsThenProjects() {
        HintLoss loss = bound(new Shape(4, 8, 8), new Shape(6, 4, 2));
        Block block = loss.getAdapters().get(0).block();
        assertThat(block).isInstanceOf(SequentialBlock.class);
        assertThat(outputShape(block, new Shape(2, 4, 8, 8))).isEqualTo(new Shape(2, 6, 4, 2));
    }

    @Test
    void bind_teacherMapLarger_poolsTheTeacher() {
        HintLoss loss = bound(new Shape(4, 4, 4), new Shape(6, 8, 8));
        Block block = loss.getAdapters().get(0).block();
        try (NDManager m = NDManager.newBaseManager()) {
            block.initialize(m, DataType.FLOAT32, new Shape(1, 4, 4, 4));
            NDArray studentFeature = m.randomNormal(new Shape(2, 4, 4, 4));
            NDArray adapted =
                    block.forward(new ParameterStore(m, false), new NDList(studentFeature), false)
                            .singletonOrThrow();
            NDArray teacher = m.randomNormal(new Shape(2, 6, 8, 8));
            ModelOutput s =
                    new ModelOutput(m.zeros(new Shape(2, 3)), m.zeros(new Shape(2, 4)), Map.of("conv", studentFeature))
                            .withFeature(loss.adaptedFeatureName(), adapted);
            ModelOutput t =
                    new ModelOutput(m.zeros(new Shape(2, 3)), m.zeros(new Shape(2, 4)), Map.of("conv", teacher));
            float value = loss.compute(DistillationInput.of(m.zeros(new Shape(2)), s, t)).total().getFloat();
            NDArray pooled = teacher.reshape(2, 6, 4, 2, 4, 2).mean(new int[] {5}).mean(new int[] {3});
            float expected = adapted.sub(pooled).square().mean().getFloat();
            assertThat(value).isCloseTo(expected, within(1e-5f));
        }
    }

    @Test
    void bind_vectors_linearAdapter() {
        HintLoss loss = bound(new Shape(5), new Shape(7));
        Block block = loss.getAdapters().get(0).block();
        assertThat(block).isInstanceOf(Linear.class);
        assertThat(outputShape(block, new Shape(3, 5))).isEqualTo(new Shape(3, 7));
    }

    @Test
    void bind_incompatibleShapes_namesBoth() {
        assertThatThrownBy(() -> bound(new Shape(4, 7, 7), new Shape(4, 3, 3)))
                .hasMessage(
                        "student feature 'conv' (4, 7, 7) and teacher feature 'conv' (4, 3, 3) have"
                                + " spatial sizes that cannot be pooled to one another: one must be"
                                + " an integer multiple of the other in height and width");
        assertThatThrownBy(() -> bound(new Shape(4, 8, 8), new Shape(16)))
                .hasMessage(
                        "student feature 'conv' (4, 8, 8) and teacher feature 'conv' (16) must both"
                                + " be vectors (D) or both be maps (C, H, W)");
        HintLoss none = new HintLoss(HintConfig.of("conv").withAdapter(AdapterMode.NONE));
        assertThatThrownBy(() -> none.bind(context(new Shape(4, 8, 8), new Shape(8, 8, 8))))
                .hasMessage(
                        "student feature 'conv' (4, 8, 8) and teacher feature 'conv' (8, 8, 8) must"
                                + " have the same shape with adapter=none; use adapter=auto to"
                                + " learn a projection");
    }

    @Test
    void bind_unknownFeature_listsKnownOnes() {
        HintLoss loss = new HintLoss(HintConfig.of("conv").withTeacherFeature("block3"));
        assertThatThrownBy(() -> loss.bind(context(new Shape(4, 8, 8), new Shape(4, 8, 8))))
                .hasMessage("the teacher has no feature named 'block3'; its features: [conv]");
    }

    @Test
    void bind_sameShapesTwice_keepsTheAdapter() {
        HintLoss loss = bound(new Shape(4, 8, 8), new Shape(16, 8, 8));
        Block first = loss.getAdapters().get(0).block();
        loss.bind(context(new Shape(4, 8, 8), new Shape(16, 8, 8)));
        assertThat(loss.getAdapters().get(0).block()).isSameAs(first);
        loss.bind(context(new Shape(4, 8, 8), new Shape(8, 8, 8)));
        assertThat(loss.getAdapters().get(0).block()).isNotSameAs(first);
    }

    @Test
    void compute_adaptedFeatureMissing_explains() {
        HintLoss loss = bound(new Shape(4, 8, 8), new Shape(16, 8, 8));
        try (NDManager m = NDManager.newBaseManager()) {
            ModelOutput s = new ModelOutput(m.zeros(new Shape(2, 3)), m.zeros(new Shape(2, 4)), Map.of("conv", m.zeros(new Shape(2, 4, 8, 8))));
            ModelOutput t = new ModelOutput(m.zeros(new Shape(2, 3)), m.zeros(new Shape(2, 4)), Map.of("conv", m.zeros(new Shape(2, 16, 8, 8))));
            assertThatThrownBy(() -> loss.compute(DistillationInput.of(m.zeros(new Shape(2)), s, t)))
                    .hasMessage(
                            "the student output has no adapted feature 'hint:conv->conv' (found"
                                    + " [conv]); the Distiller adds it when it trains with this"
                                    + " loss's adapters");
        }
    }

    @Test
    void compute_unboundDifferentShapes_namesBoth() {
        HintLoss loss = new HintLoss(HintConfig.of("conv"));
        try (NDManager m = NDManager.newBaseManager()) {
            ModelOutput s = new ModelOutput(m.zeros(new Shape(2, 3)), m.zeros(new Shape(2, 4)), Map.of("conv", m.zeros(new Shape(2, 4, 8, 8))));
            ModelOutput t = new ModelOutput(m.zeros(new Shape(2, 3)), m.zeros(new Shape(2, 4)), Map.of("conv", m.zeros(new Shape(2, 16, 8, 8))));
            assertThatThrownBy(() -> loss.compute(DistillationInput.of(m.zeros(new Shape(2)), s, t)))
                    .hasMessage(
                            "student feature 'conv' (2, 4, 8, 8) and teacher feature 'conv' (2, 16, 8,"
                                    + " 8) must have the same shape; bind the loss (the Distiller"
                                    + " does) to get an adapter");
        }
    }

    @Test
    void toString_namesFeaturesAndMode() {
        assertThat(new HintLoss(new HintConfig("a", "b", AdapterMode.ALWAYS)))
                .hasToString("Hint(a->b, adapter=always)");
        assertThat(new HintLoss(HintConfig.of("conv")).getAdapters()).isEqualTo(List.of());
    }

    private static Shape outputShape(Block block, Shape input) {
        try (NDManager m = NDManager.newBaseManager()) {
            if (!block.isInitialized()) {
                block.initialize(m, DataType.FLOAT32, new Shape(1).addAll(input.slice(1)));
            }
            return block.forward(new ParameterStore(m, false), new NDList(m.zeros(input)), false)
                    .singletonOrThrow()
                    .getShape();
        }
    }
}
