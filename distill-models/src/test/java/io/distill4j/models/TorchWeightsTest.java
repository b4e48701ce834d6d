package io.distill4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.types.Shape;
import io.distill4j.core.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TorchWeightsTest {

    private static final Path RESNET18 = Fixtures.path("reference/resnet18-slim.npz");

    @TempDir Path dir;

    private static NetworkBlock resnet(int layers, int baseWidth) {
        return ResNet.builder()
                .setNumLayers(layers)
                .optBaseWidth(baseWidth)
                .setInputShape(3, 40, 40)
                .setTask(Task.classification(10))
                .build();
    }

    @Test
    void expectedShapes_torchNamesInOrder() {
        Map<String, Shape> shapes = TorchWeights.expectedShapes(resnet(18, 4));
        assertThat(shapes).hasSize(102);
        assertThat(shapes.keySet()).startsWith("conv1.weight", "bn1.weight");
        assertThat(shapes)
                .containsEntry("conv1.weight", new Shape(4, 3, 7, 7))
                .containsEntry("layer2.0.downsample.0.weight", new Shape(8, 4, 1, 1))
                .containsEntry("fc.weight", new Shape(10, 32));
    }

    @Test
    void load_otherDepth_listsMissingAndUnexpected() {
        assertThatThrownBy(() -> TorchWeights.loadTeacher(resnet(34, 4), RESNET18))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "weights file " + RESNET18 + " does not fit resnet34 (resnet34 3x40x40")
                .hasMessageContaining("; 80 missing: layer1.2.conv1.weight, layer1.2.bn1.weight,")
                .hasMessageNotContaining("unexpected");
    }

    @Test
    void load_otherWidth_listsWrongShapes() {
        assertThatThrownBy(() -> TorchWeights.loadStudent(resnet(18, 8), RESNET18))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "; 101 wrong: conv1.weight is (4, 3, 7, 7) in the file but (8, 3, 7, 7) in"
                                + " the model, ");
    }

    @Test
    void load_unexpectedEntries_listed() {
        NetworkBlock smaller =
                ResNet.builder()
                        .setNumLayers(18)
                        .optBaseWidth(4)
                        .setInputShape(3, 40, 40)
                        .setTask(Task.classification(10))
                        .build();
        // resnet50's file into resnet18: different blocks entirely.
        assertThatThrownBy(
                        () -> TorchWeights.loadTeacher(smaller, Fixtures.path("reference/resnet50-slim.npz")))
                .hasMessageContaining(" unexpected: layer1.0.conv3.weight, ");
    }

    @Test
    void load_notAnArchive_refusedWithPath() throws IOException {
        Path file = dir.resolve("weights.npz");
        Files.writeString(file, "PK this is not a zip file", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> TorchWeights.loadTeacher(resnet(18, 4), file))
                .isInstanceOf(MalformedModelException.class)
                .hasMessage(
                        "weights file "
                                + file
                                + " holds no arrays; write it with np.savez(path, **state_dict) or"
                                + " as .safetensors");
        Files.writeString(file, "garbage that is no known format", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> TorchWeights.loadTeacher(resnet(18, 4), file))
                .isInstanceOf(MalformedModelException.class)
                .hasMessageStartingWith(
                        "weights file " + file + " cannot be read as .npz or .safetensors: ");
    }

    @Test
    void load_truncatedArchive_refusedWithPath() throws IOException {
        byte[] bytes = Files.readAllBytes(RESNET18);
        Path file = dir.resolve("truncated.npz");
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> TorchWeights.loadTeacher(resnet(18, 4), file))
                .isInstanceOf(MalformedModelException.class)
                .hasMessage(
                        "weights file "
                                + file
                                + " cannot be read as .npz or .safetensors: Malformed data");
    }

    @Test
    void load_missingFile_refusedWithPath() {
        Path file = dir.resolve("absent.npz");
        assertThatThrownBy(() -> TorchWeights.loadTeacher(resnet(18, 4), file))
                .isInstanceOf(IOException.class)
                .hasMessage("weights file " + file + " does not exist or is not a file");
    }

    @Test
    void load_refusedBlock_canStillBeLoaded() throws Exception {
        NetworkBlock block = resnet(18, 4);
        assertThatThrownBy(() -> TorchWeights.loadTeacher(block, dir.resolve("absent.npz")))
                .isInstanceOf(IOException.class);
        try (ModelTeacher teacher = TorchWeights.loadTeacher(block, RESNET18)) {
            assertThat(teacher.getSpec().parameterCount()).isEqualTo(45_102L);
        }
    }
}
