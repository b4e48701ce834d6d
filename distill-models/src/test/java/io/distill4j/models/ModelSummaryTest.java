package io.distill4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import io.distill4j.core.Task;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ModelSummaryTest {

    @Test
    void render_resnet50_printsParameterLine() {
        ModelSummary summary = ModelSummary.of("resnet50", InputShapes.parse("3x224x224"), 1000);
        List<String> lines = summary.render().lines().toList();
        assertThat(lines)
                .contains(
                        "parameters: 25557032",
                        "model: resnet50",
                        "input: 3x224x224",
                        "task: classification(1000 classes)",
                        "prediction: (1000)",
                        "embedding: 2048",
                        "features: stage1 (256, 56, 56), stage2 (512, 28, 28), stage3 (1024, 14,"
                                + " 14), stage4 (2048, 7, 7)",
                        "smallest input: 3x17x17");
        assertThat(lines.stream().filter(l -> l.startsWith("parameters: "))).hasSize(1);
        assertThat(summary.getParameterCount()).isEqualTo(25_557_032L);
    }

    @Test
    void rows_layersWithShapesAndCounts() {
        ModelSummary summary = ModelSummary.of("resnet18", new Shape(3, 224, 224), 1000);
        List<ModelSummary.Row> rows = summary.getRows();
        assertThat(rows.get(0))
                .isEqualTo(
                        new ModelSummary.Row(
                                "conv1", 0, "Conv2d 64, 7x7/2, pad 3, no bias", new Shape(64, 112, 112), 9408, ""));
        assertThat(rows)
                .contains(
                        new ModelSummary.Row(
                                "maxpool", 0, "MaxPool 3x3/2, pad 1", new Shape(64, 56, 56), 0, ""),
                        new ModelSummary.Row(
                                "layer2.0",
                                1,
                                "BasicBlock 128, stride 2, downsample",
                                new Shape(128, 28, 28),
                                230_144,
                                ""),
                        new ModelSummary.Row(
                                "avgpool", 0, "GlobalAvgPool", new Shape(512), 0, "embedding"),
                        new ModelSummary.Row("fc", 0, "Linear 1000", new Shape(1000), 513_000, "prediction"));
        assertThat(rows.stream().filter(r -> r.name().equals("layer4")).findFirst().orElseThrow().output())
                .isEqualTo("feature stage4");
        long top = rows.stream().filter(r -> r.depth() == 0).mapToLong(ModelSummary.Row::parameters).sum();
        long inner = rows.stream().filter(r -> r.depth() == 1).mapToLong(ModelSummary.Row::parameters).sum();
        long stages =
                rows.stream()
                        .filter(r -> r.depth() == 0 && r.name().startsWith("layer"))
                        .mapToLong(ModelSummary.Row::parameters)
                        .sum();
        assertThat(top).isEqualTo(11_689_512L);
        assertThat(inner).isEqualTo(stages);
    }

    @Test
    void of_vggFace_countsTheIdentities() {
        ModelSummary summary = ModelSummary.of("vgg-face", new Shape(3, 224, 224), 2622);
        assertThat(summary.render().lines()).contains("parameters: 145002878", "embedding: 4096");
        assertThat(summary.getRows())
                .contains(
                        new ModelSummary.Row(
                                "pool5", 0, "MaxPool 2x2/2", new Shape(512, 7, 7), 0, "feature conv5"),
                        new ModelSummary.Row(
                                "relu7", 0, "ReLU", new Shape(4096), 0, "embedding"));
    }

    @Test
    void of_oneClass_isRegression() {
        ModelSummary summary = ModelSummary.of("small-cnn", new Shape(1, 48, 48), 1);
        assertThat(summary.getSpec().descriptor().task()).isEqualTo(Task.regression());
        assertThat(summary.render().lines()).contains("prediction: (1)", "task: regression");
    }

    @Test
    void of_noClasses_refused() {
        assertThatThrownBy(() -> ModelSummary.of("small-cnn", new Shape(1, 48, 48), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("numClasses must be >= 2, or 1 for a regression output, was 0");
    }

    @Test
    void of_tooSmall_refused() {
        assertThatThrownBy(() -> ModelSummary.of("vgg-f", InputShapes.parse("3x16x16"), 8))
                .hasMessage(
                        "input 3x16x16 is too small for vgg-f: the smallest input that works is"
                                + " 3x55x55 (height and width >= 55)");
    }

    @Test
    void of_initializedBlock_sameSummary() {
        NetworkBlock block =
                SmallCnn.builder().setInputShape(1, 48, 48).setTask(Task.classification(8)).build();
        String before = ModelSummary.of(block).render();
        try (ModelStudent student = ModelStudent.create(block)) {
            assertThat(ModelSummary.of((NetworkBlock) student.getBlock()).render()).isEqualTo(before);
            assertThat(before.lines()).contains("parameters: 422248");
        }
    }
}
