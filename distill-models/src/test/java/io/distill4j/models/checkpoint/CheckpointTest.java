package io.distill4j.models.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.distill4j.core.BlockTeacher;
import io.distill4j.core.Distiller;
import io.distill4j.core.Task;
import io.distill4j.core.TaskLoss;
import io.distill4j.models.DistillModel;
import io.distill4j.models.ModelStudent;
import io.distill4j.models.ModelTeacher;
import io.distill4j.models.NetworkBlock;
import io.distill4j.models.Normalization;
import io.distill4j.models.SmallCnn;
import io.distill4j.models.TorchScriptModel;
import io.distill4j.models.TorchWeights;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class CheckpointTest {

    private static final List<String> EMOTIONS =
            List.of("neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear");

    @TempDir Path dir;

    private static Path fixture(String resource) {
        try {
            return Path.of(CheckpointTest.class.getResource("/fixtures/" + resource).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static NetworkBlock smallCnn(Task task) {
        return SmallCnn.builder()
                .optWidths(8, 16, 32, 48)
                .optEmbeddingSize(16)
                .setInputShape(1, 48, 48)
                .setTask(task)
                .optNormalization(Normalization.of(new float[] {0.5f}, new float[] {0.25f}))
                .build();
    }

    /** The small-cnn reference weights, with the FER+ class names and a normalization. */
    private static ModelStudent student() throws Exception {
        return TorchWeights.loadStudent(
                smallCnn(Task.classification(EMOTIONS)),
                fixture("reference/small-cnn-slim.npz"));
    }

    private static NDList infer(DistillModel model, NDArray images) {
        return model.getBlock()
                .forward(new ParameterStore(images.getManager(), false), new NDList(images), false);
    }

    private static void assertSameOutputs(DistillModel a, DistillModel b, NDArray images) {
        NDList x = infer(a, images);
        NDList y = infer(b, images);
        assertThat(y.size()).isEqualTo(x.size());
        for (int i = 0; i < x.size(); i++) {
            assertThat(y.get(i).getShape()).isEqualTo(x.get(i).getShape());
            assertThat(y.get(i).toByteArray()).as("output " + i).isEqualTo(x.get(i).toByteArray());
        }
    }

    private static void train(ModelStudent student, NDManager manager, Shape image, int classes)
            throws Exception {
        int n = 16;
        NDArray clean = manager.randomUniform(0, 1, new Shape(n).addAll(image));
        NDArray occluded = clean.duplicate();
        occluded.set(new NDIndex(":, :, :" + image.get(1) / 2 + ", :"), 0f);
        ArrayDataset data =
                new ArrayDataset.Builder()
                        .setData(clean, occluded)
                        .optLabels(
                                manager.arange(0, n, 1, DataType.FLOAT32).mod(classes),
                                manager.arange(0, n, 1, DataType.INT64))
                        .setSampling(8, false)
                        .build();
        Distiller.builder()
                .setTask(student.getDescriptor().task())
                .setStudent(student)
                .setLoss(TaskLoss.crossEntropy())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).build())
                .optEpochs(1)
                .build()
                .fit(data);
    }

    @ParameterizedTest
    @ValueSource(strings = {"student", "teacher"})
    void saveThenLoad_trainedStudent_bitIdentical(String as) throws Exception {
        try (ModelStudent student = student(); NDManager manager = NDManager.newBaseManager()) {
            train(student, manager, new Shape(1, 48, 48), 7);
            CheckpointManifest saved = Checkpoint.save(student, dir, "fer-student");
            Checkpoint.Loader loader =
                    Checkpoint.loader(dir, "fer-student")
                            .optArchitecture("small-cnn")
                            .optInputShape(new Shape(1, 48, 48))
                            .optTask(Task.classification(EMOTIONS));
            try (DistillModel loaded =
                    as.equals("student") ? loader.loadStudent() : loader.loadTeacher()) {
                assertThat(loaded.getDescriptor()).isEqualTo(student.getDescriptor());
                assertThat(BlockTeacher.parameterDigest(loaded.getBlock()))
                        .isEqualTo(BlockTeacher.parameterDigest(student.getBlock()));
                assertSameOutputs(
                        student, loaded, manager.randomUniform(0, 1, new Shape(3, 1, 48, 48)));
                assertThat(saved.parameterCount()).isEqualTo(loaded.getSpec().parameterCount());
                boolean trainable = loaded instanceof ModelStudent;
                for (Pair<String, Parameter> p : loaded.getBlock().getParameters()) {
                    Parameter.Type type = p.getValue().getType();
                    boolean statistic =
                            type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR;
                    assertThat(p.getValue().requiresGradient())
                            .as(p.getKey())
                            .isEqualTo(trainable && !statistic);
                }
            }
        }
    }

    @Test
    void saveThenLoad_resnet_bitIdentical() throws Exception {
        NetworkBlock block =
                io.distill4j.models.Architectures.builder("resnet50")
                        .optOption("baseWidth", "4")
                        .setInputShape(3, 36, 44)
                        .setTask(Task.classification(10))
                        .build();
        try (ModelTeacher teacher =
                        TorchWeights.loadTeacher(block, fixture("reference/resnet50-slim.npz"));
                NDManager manager = NDManager.newBaseManager()) {
            Checkpoint.save(teacher, dir, "resnet");
            try (ModelTeacher loaded = Checkpoint.loader(dir, "resnet").loadTeacher()) {
                assertSameOutputs(teacher, loaded, manager.randomUniform(0, 1, new Shape(2, 3, 36, 44)));
            }
        }
    }

    @Test
    void saveThenLoad_trainedTorchScriptStudent_bitIdentical() throws Exception {
        try (ModelStudent student =
                        TorchScriptModel.builder()
                                .setModelPath(fixture("torchscript/tiny_net.pt"))
                                .setInputShape(1, 12, 12)
                                .optFeatureNames(List.of("feat_a", "feat_b"))
                                .buildStudent();
                NDManager manager = NDManager.newBaseManager()) {
            train(student, manager, new Shape(1, 12, 12), 3);
            CheckpointManifest saved = Checkpoint.save(student, dir, "tiny");
            assertThat(saved.parameters().file()).isEqualTo("tiny.pt");
            assertThat(saved.parameters().format()).isEqualTo("torchscript");
            assertThat(saved.parameters().sha256())
                    .isNotEqualTo(TorchScriptModel.sha256(fixture("torchscript/tiny_net.pt")));
            try (ModelStudent loaded =
                    Checkpoint.loader(dir, "tiny").optArchitecture("torchscript").loadStudent()) {
                assertThat(loaded.getFeatureNames()).containsExactly("feat_a", "feat_b");
                assertSameOutputs(student, loaded, manager.randomUniform(0, 1, new Shape(2, 1, 12, 12)));
            }
        }
    }

    @Test
    void save_writesManifest() throws Exception {
        try (ModelStudent student = student()) {
            Checkpoint.save(student, dir, "fer-student");
        }
        JsonObject json =
                JsonParser.parseString(Files.readString(dir.resolve("fer-student.json")))
                        .getAsJsonObject();
        assertThat(json.get("format").getAsString()).isEqualTo("distill4j-checkpoint");
        assertThat(json.get("formatVersion").getAsInt()).isEqualTo(1);
        assertThat(json.get("libraryVersion").getAsString()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(json.get("architecture").getAsString()).isEqualTo("small-cnn");
        assertThat(json.get("inputShape").toString()).isEqualTo("[1,48,48]");
        assertThat(json.getAsJsonObject("task").toString())
                .isEqualTo(
                        "{\"type\":\"classification\",\"classNames\":[\"neutral\",\"happiness\","
                                + "\"surprise\",\"sadness\",\"anger\",\"disgust\",\"fear\"]}");
        assertThat(json.getAsJsonObject("normalization").toString())
                .isEqualTo("{\"mean\":[0.5],\"std\":[0.25]}");
        assertThat(json.getAsJsonObject("options").toString())
                .isEqualTo("{\"dropout\":\"0.25\",\"embeddingSize\":\"16\",\"widths\":\"8,16,32,48\"}");
        assertThat(json.get("featureNames").toString())
                .isEqualTo("[\"block1\",\"block2\",\"block3\",\"block4\"]");
        assertThat(json.getAsJsonObject("outputs").get("embedding").toString()).isEqualTo("[16]");
        assertThat(json.get("parameterCount").getAsLong()).isEqualTo(20767);
        JsonObject parameters = json.getAsJsonObject("parameters");
        Path params = dir.resolve("fer-student.params");
        assertThat(parameters.get("file").getAsString()).isEqualTo("fer-student.params");
        assertThat(parameters.get("format").getAsString()).isEqualTo("djl-block");
        assertThat(parameters.get("bytes").getAsLong()).isEqualTo(Files.size(params));
        assertThat(parameters.get("sha256").getAsString()).isEqualTo(TorchScriptModel.sha256(params));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("fer-student.json", "fer-student.params");
        }
    }

    @Test
    void saveThenLoad_extraBlock_adapterComesBack() throws Exception {
        try (ModelStudent student = student()) {
            Block adapter = Conv2d.builder().setFilters(4).setKernelShape(new Shape(1, 1)).build();
            adapter.initialize(student.getManager(), DataType.FLOAT32, new Shape(1, 48, 6, 6));
            CheckpointManifest saved =
                    Checkpoint.saver(dir, "with-adapter").addBlock("hint-adapter", adapter).save(student);
            assertThat(saved.block("hint-adapter").orElseThrow().parameterShapes())
                    .containsEntry("weight", new Shape(4, 48, 1, 1))
                    .containsEntry("bias", new Shape(4));

            Block fresh = Conv2d.builder().setFilters(4).setKernelShape(new Shape(1, 1)).build();
            try (ModelStudent loaded =
                    Checkpoint.loader(dir, "with-adapter").addBlock("hint-adapter", fresh).loadStudent()) {
                assertThat(fresh.isInitialized()).isTrue();
                assertThat(BlockTeacher.parameterDigest(fresh))
                        .isEqualTo(BlockTeacher.parameterDigest(adapter));
                assertThat(fresh.getParameters().get("weight").getArray().getManager())
                        .isSameAs(loaded.getManager());
                assertThat(fresh.getParameters().get("weight").requiresGradient()).isTrue();
            }
            Block other = Conv2d.builder().setFilters(4).setKernelShape(new Shape(1, 1)).build();
            assertThatThrownBy(
                            () ->
                                    Checkpoint.loader(dir, "with-adapter")
                                            .addBlock("regressor", other)
                                            .loadStudent())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "checkpoint "
                                    + dir.resolve("with-adapter.json")
                                    + " has no block 'regressor'; it has [hint-adapter]");
        }
    }

    @Test
    void load_mismatchedRequest_refusedNamingBoth() throws Exception {
        try (ModelStudent student = student()) {
            Checkpoint.save(student, dir, "s");
        }
        Path manifest = dir.resolve("s.json");
        assertThatThrownBy(() -> Checkpoint.loader(dir, "s").optArchitecture("resnet50").loadStudent())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checkpoint " + manifest + " holds a small-cnn model, but resnet50 was requested");
        assertThatThrownBy(
                        () -> Checkpoint.loader(dir, "s").optInputShape(new Shape(3, 48, 48)).loadStudent())
                .hasMessage("checkpoint " + manifest + " takes 1x48x48 inputs, but 3x48x48 was requested");
        assertThatThrownBy(
                        () -> Checkpoint.loader(dir, "s").optTask(Task.classification(8)).loadStudent())
                .hasMessage(
                        "checkpoint "
                                + manifest
                                + " was trained for classification(7 classes) "
                                + EMOTIONS
                                + ", but classification(8 classes) [0, 1, 2, 3, 4, 5, 6, 7] was"
                                + " requested");
        assertThatThrownBy(() -> Checkpoint.loader(dir, "s").optTask(Task.regression()).loadTeacher())
                .hasMessage(
                        "checkpoint "
                                + manifest
                                + " was trained for classification(7 classes) "
                                + EMOTIONS
                                + ", but regression was requested");
        List<String> renamed = new java.util.ArrayList<>(EMOTIONS);
        renamed.set(0, "calm");
        assertThatThrownBy(
                        () -> Checkpoint.loader(dir, "s").optTask(Task.classification(renamed)).loadStudent())
                .isInstanceOf(IllegalArgumentException.class);
        // Default class names ask only for the number of classes.
        try (ModelStudent loaded = Checkpoint.loader(dir, "s").optTask(Task.classification(7)).loadStudent()) {
            assertThat(loaded.getDescriptor().task().classNames()).isEqualTo(EMOTIONS);
        }
    }

    @Test
    void load_corruptParameters_refusedWithPath() throws Exception {
        try (ModelStudent student = student()) {
            Checkpoint.save(student, dir, "s");
        }
        Path params = dir.resolve("s.params");
        byte[] bytes = Files.readAllBytes(params);
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x01;
        Files.write(params, flipped);
        assertThatThrownBy(() -> Checkpoint.loader(dir, "s").loadStudent())
                .isInstanceOf(MalformedModelException.class)
                .hasMessageStartingWith(
                        "parameters file " + params + " is corrupt or was replaced: its SHA-256 is ")
                .hasMessageEndingWith(
                        ", but its manifest says " + sha(bytes));

        Files.write(params, Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> Checkpoint.loader(dir, "s").loadTeacher())
                .isInstanceOf(MalformedModelException.class)
                .hasMessage(
                        "parameters file "
                                + params
                                + " has "
                                + (bytes.length - 100)
                                + " bytes, but its manifest says "
                                + bytes.length
                                + ": it is truncated or was replaced");

        Files.delete(params);
        assertThatThrownBy(() -> Checkpoint.loader(dir, "s").loadTeacher())
                .isInstanceOf(IOException.class)
                .hasMessage(
                        "parameters file "
                                + params
                                + " named by checkpoint "
                                + dir.resolve("s.json")
                                + " does not exist");
    }

    /** A file that matches a forged manifest still never reaches a native call unchecked. */
    @Test
    void load_truncatedFileWithForgedManifest_refusedWithPath() throws Exception {
        try (ModelStudent student = student()) {
            Checkpoint.save(student, dir, "s");
        }
        Path params = dir.resolve("s.params");
        byte[] bytes = Files.readAllBytes(params);
        byte[] cut = Arrays.copyOf(bytes, bytes.length * 2 / 3);
        Files.write(params, cut);
        forge(dir.resolve("s.json"), cut);
        assertThatThrownBy(() -> Checkpoint.loader(dir, "s").loadStudent())
                .isInstanceOf(MalformedModelException.class)
                .hasMessageStartingWith(
                        "parameters file " + params + " cannot be read as the model's parameters: ");
    }

    @Test
    void load_foreignParametersWithForgedManifest_refusedNamingTheParameter() throws Exception {
        try (ModelStudent student = student()) {
            Checkpoint.save(student, dir, "s");
        }
        NetworkBlock other =
                SmallCnn.builder()
                        .optWidths(8, 16, 32, 64)
                        .optEmbeddingSize(16)
                        .setInputShape(1, 48, 48)
                        .setTask(Task.classification(7))
                        .build();
        try (ModelStudent foreign = ModelStudent.create(other)) {
            Checkpoint.save(foreign, dir, "foreign");
        }
        Path params = dir.resolve("s.params");
        byte[] bytes = Files.readAllBytes(dir.resolve("foreign.params"));
        Files.write(params, bytes);
        forge(dir.resolve("s.json"), bytes);
        assertThatThrownBy(() -> Checkpoint.loader(dir, "s").loadStudent())
                .isInstanceOf(MalformedModelException.class)
                .hasMessageStartingWith("parameters file " + params + " does not fit small-cnn 1x48x48")
                .hasMessageEndingWith(": conv4.weight is (64, 32, 3, 3) there but (48, 32, 3, 3) in the model");
    }

    @Test
    void readManifest_invalid_refusedWithPath() throws Exception {
        Path manifest = dir.resolve("bad.json");
        Files.writeString(manifest, "{ not json");
        assertThatThrownBy(() -> Checkpoint.readManifest(manifest))
                .isInstanceOf(MalformedModelException.class)
                .hasMessageStartingWith("checkpoint manifest " + manifest + " is invalid: ");
        try (ModelStudent student = student()) {
            Checkpoint.save(student, dir, "s");
        }
        String json = Files.readString(dir.resolve("s.json"));
        Files.writeString(manifest, json.replace("\"formatVersion\": 1", "\"formatVersion\": 2"));
        assertThatThrownBy(() -> Checkpoint.readManifest(manifest))
                .hasMessage(
                        "checkpoint manifest "
                                + manifest
                                + " is invalid: formatVersion is 2; this library (0.1.0-SNAPSHOT)"
                                + " reads version 1");
        Files.writeString(manifest, json.replace("\"architecture\": \"small-cnn\",", ""));
        assertThatThrownBy(() -> Checkpoint.readManifest(manifest))
                .hasMessage("checkpoint manifest " + manifest + " is invalid: missing 'architecture'");
        Files.writeString(manifest, json.replace("\"file\": \"s.params\"", "\"file\": \"../s.params\""));
        assertThatThrownBy(() -> Checkpoint.readManifest(manifest))
                .hasMessage(
                        "checkpoint manifest "
                                + manifest
                                + " is invalid: a checkpoint file must be a plain file name in the"
                                + " manifest's directory, was '../s.params'");
        Path absent = dir.resolve("absent.json");
        assertThatThrownBy(() -> Checkpoint.readManifest(absent))
                .isInstanceOf(IOException.class)
                .hasMessage("checkpoint manifest " + absent + " does not exist or is not a file");
    }

    @Test
    void saver_badName_refused() {
        assertThatThrownBy(() -> Checkpoint.saver(dir, "../up"))
                .hasMessage(
                        "checkpoint name must be letters, digits, '_', '-' and inner dots, was"
                                + " '../up'");
    }

    private static String sha(byte[] bytes) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void forge(Path manifest, byte[] params) throws Exception {
        JsonObject json =
                JsonParser.parseString(Files.readString(manifest, StandardCharsets.UTF_8))
                        .getAsJsonObject();
        JsonObject p = json.getAsJsonObject("parameters");
        p.addProperty("bytes", params.length);
        p.addProperty("sha256", sha(params));
        Files.writeString(manifest, json.toString(), StandardCharsets.UTF_8);
    }
}
