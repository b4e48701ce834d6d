package io.distill4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import io.distill4j.core.Task;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ArchitecturesTest {

    private static final Shape RGB224 = new Shape(3, 224, 224);

    /** Counted by tools/models/make_fixtures.py with PyTorch (torchvision's layer structure). */
    private static final JsonObject COUNTS =
            Fixtures.json("reference/param_counts.json").getAsJsonObject("counts");

    private static long count(String architecture, Shape input, Task task) {
        return Architectures.builder(architecture)
                .setInputShape(input)
                .setTask(task)
                .build()
                .getSpec()
                .parameterCount();
    }

    @Test
    void parameterCounts_equalTorchvision() {
        Task imagenet = Task.classification(1000);
        // The numbers of the issue, which are torchvision's.
        assertThat(count("resnet18", RGB224, imagenet)).isEqualTo(11_689_512L);
        assertThat(count("resnet34", RGB224, imagenet)).isEqualTo(21_797_672L);
        assertThat(count("resnet50", RGB224, imagenet)).isEqualTo(25_557_032L);
        assertThat(count("vgg-face", RGB224, imagenet)).isEqualTo(138_357_544L);
        assertThat(count("vgg-face", RGB224, Task.classification(2622))).isEqualTo(145_002_878L);
    }

    @Test
    void parameterCounts_equalPyTorchReference() {
        Task imagenet = Task.classification(1000);
        assertThat(count("resnet18", RGB224, imagenet)).isEqualTo(COUNTS.get("resnet18").getAsLong());
        // torchvision documents 44,549,160 and 60,192,808; the script asserts the same.
        assertThat(count("resnet101", RGB224, imagenet)).isEqualTo(COUNTS.get("resnet101").getAsLong());
        assertThat(count("resnet152", RGB224, imagenet)).isEqualTo(COUNTS.get("resnet152").getAsLong());
        assertThat(count("vgg-f", RGB224, imagenet)).isEqualTo(COUNTS.get("vgg-f").getAsLong());
        assertThat(count("small-cnn", new Shape(1, 48, 48), Task.classification(8)))
                .isEqualTo(COUNTS.get("small-cnn-1x48x48-8").getAsLong());
        assertThat(count("small-cnn", new Shape(1, 48, 48), Task.regression()))
                .isEqualTo(COUNTS.get("small-cnn-1x48x48-regression").getAsLong());
        assertThat(count("resnet18", new Shape(1, 48, 48), Task.classification(8)))
                .isEqualTo(COUNTS.get("resnet18-1x48x48-8").getAsLong());
        assertThat(count("resnet50", RGB224, Task.regression()))
                .isEqualTo(COUNTS.get("resnet50-3x224x224-regression").getAsLong());
        assertThat(
                        VggF.builder()
                                .optLocalResponseNorm(false)
                                .setInputShape(RGB224)
                                .setTask(imagenet)
                                .build()
                                .getSpec()
                                .parameterCount())
                .isEqualTo(COUNTS.get("vgg-f-no-lrn").getAsLong());
    }

    @Test
    void names_listsEveryArchitecture() {
        assertThat(Architectures.names())
                .containsExactly(
                        "resnet18",
                        "resnet34",
                        "resnet50",
                        "resnet101",
                        "resnet152",
                        "vgg-face",
                        "vgg-f",
                        "small-cnn");
    }

    @Test
    void builder_unknownName_listsKnownNames() {
        assertThatThrownBy(() -> Architectures.builder("resnet19"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "unknown architecture 'resnet19'; known architectures: resnet18, resnet34,"
                                + " resnet50, resnet101, resnet152, vgg-face, vgg-f, small-cnn");
    }

    @Test
    void builder_ignoresCase() {
        assertThat(Architectures.builder(" VGG-F ").getArchitecture()).isEqualTo("vgg-f");
    }

    @Test
    void build_vggFTooSmall_namesSmallestInput() {
        assertThatThrownBy(
                        () ->
                                Architectures.builder("vgg-f")
                                        .setInputShape(3, 16, 16)
                                        .setTask(Task.classification(8))
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "input 3x16x16 is too small for vgg-f: the smallest input that works is"
                                + " 3x55x55 (height and width >= 55)");
    }

    @Test
    void minimumInputSize_perArchitecture() {
        assertThat(Architectures.builder("vgg-f").getMinimumInputSize()).isEqualTo(55);
        assertThat(Architectures.builder("vgg-face").getMinimumInputSize()).isEqualTo(32);
        assertThat(Architectures.builder("resnet50").getMinimumInputSize()).isEqualTo(17);
        assertThat(Architectures.builder("small-cnn").getMinimumInputSize()).isEqualTo(8);
        assertThat(SmallCnn.builder().optWidths(8, 8).getMinimumInputSize()).isEqualTo(2);
    }

    @Test
    void build_tooSmallInOneAxis_refused() {
        assertThatThrownBy(
                        () ->
                                Architectures.builder("vgg-face")
                                        .setInputShape(3, 224, 31)
                                        .setTask(Task.classification(2))
                                        .build())
                .hasMessage(
                        "input 3x224x31 is too small for vgg-face: the smallest input that works"
                                + " is 3x32x32 (height and width >= 32)");
    }

    @Test
    void build_withoutTask_refused() {
        assertThatThrownBy(() -> Architectures.builder("small-cnn").setInputShape(1, 48, 48).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("setTask(...) must be called before build()");
    }

    @Test
    void build_resnetWithoutDepth_refused() {
        assertThatThrownBy(
                        () ->
                                ResNet.builder()
                                        .setInputShape(3, 64, 64)
                                        .setTask(Task.regression())
                                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "setNumLayers(...) must be called before build(): 18, 34, 50, 101 or 152");
    }

    @Test
    void setNumLayers_unsupported_refused() {
        assertThatThrownBy(() -> ResNet.builder().setNumLayers(20))
                .hasMessage("numLayers must be one of 18, 34, 50, 101, 152, was 20");
    }

    @Test
    void optionSetTwice_refused() {
        assertThatThrownBy(() -> SmallCnn.builder().optEmbeddingSize(64).optOption("embeddingSize", "32"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("embeddingSize was already set on this small-cnn builder");
    }

    @Test
    void optOption_unknownKey_listsKnownOptions() {
        assertThatThrownBy(() -> VggF.builder().optOption("width", "3"))
                .hasMessage(
                        "unknown option 'width' for vgg-f; known options: [baseWidth, dropout,"
                                + " fcUnits, lrn]");
    }

    @Test
    void optOption_badValue_namesRange() {
        assertThatThrownBy(() -> VggFace.builder().optOption("baseWidth", "wide"))
                .hasMessage("option baseWidth of vgg-face must be an integer in [1, 1024], was 'wide'");
        assertThatThrownBy(() -> SmallCnn.builder().optOption("dropout", "1.5"))
                .hasMessage("option dropout of small-cnn must be a number in [0, 1), was '1.5'");
        assertThatThrownBy(() -> VggF.builder().optOption("lrn", "yes"))
                .hasMessage("option lrn of vgg-f must be true or false, was 'yes'");
    }

    @Test
    void normalization_wrongChannelCount_refused() {
        assertThatThrownBy(
                        () ->
                                SmallCnn.builder()
                                        .setInputShape(1, 48, 48)
                                        .setTask(Task.classification(8))
                                        .optNormalization(Normalization.imagenet())
                                        .build())
                .hasMessage(
                        "normalization has 3 values (mean [0.485, 0.456, 0.406]) but the input has"
                                + " 1 channels; give 1 value or 1");
    }

    @Test
    void build_descriptorRoundTrip_sameBlock() {
        NetworkBlock block =
                SmallCnn.builder()
                        .optWidths(8, 16, 24)
                        .optEmbeddingSize(12)
                        .optDropout(0.1f)
                        .setInputShape(3, 20, 28)
                        .setTask(Task.classification(List.of("a", "b", "c")))
                        .optNormalization(Normalization.of(new float[] {0.5f}, new float[] {0.25f}))
                        .build();
        NetworkBlock rebuilt = Architectures.build(block.getDescriptor());
        assertThat(rebuilt.getDescriptor()).isEqualTo(block.getDescriptor());
        assertThat(rebuilt.getTorchParameters().keySet())
                .containsExactlyElementsOf(block.getTorchParameters().keySet());
        assertThat(block.getDescriptor().options())
                .containsEntry("widths", "8,16,24")
                .containsEntry("embeddingSize", "12")
                .containsEntry("dropout", "0.1");
    }

    @Test
    void spec_featureNamesAndShapes() {
        ModelSpec spec =
                Architectures.builder("resnet50")
                        .setInputShape(RGB224)
                        .setTask(Task.classification(8))
                        .build()
                        .getSpec();
        assertThat(spec.featureNames()).containsExactly("stage1", "stage2", "stage3", "stage4");
        assertThat(spec.embeddingSize()).isEqualTo(2048);
        assertThat(spec.outputs().prediction()).isEqualTo(new Shape(8));
        assertThat(spec.outputs().features())
                .containsEntry("stage1", new Shape(256, 56, 56))
                .containsEntry("stage2", new Shape(512, 28, 28))
                .containsEntry("stage3", new Shape(1024, 14, 14))
                .containsEntry("stage4", new Shape(2048, 7, 7));
    }

    @Test
    void torchParameters_useTorchvisionNames() {
        NetworkBlock block =
                Architectures.builder("resnet18")
                        .setInputShape(RGB224)
                        .setTask(Task.classification(10))
                        .build();
        assertThat(block.getTorchParameters().keySet())
                .startsWith("conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean")
                .contains("layer2.0.downsample.0.weight", "layer4.1.bn2.running_var")
                .endsWith("fc.weight", "fc.bias");
        NetworkBlock vgg =
                Architectures.builder("vgg-face")
                        .setInputShape(RGB224)
                        .setTask(Task.classification(10))
                        .build();
        assertThat(vgg.getTorchAliases())
                .containsEntry("features.0.weight", "conv1_1.weight")
                .containsEntry("features.28.bias", "conv5_3.bias")
                .containsEntry("classifier.6.weight", "fc8.weight");
    }
}
