package io.distill4j.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.MalformedModelException;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.distill4j.core.BlockTeacher;
import io.distill4j.core.Distiller;
import io.distill4j.core.ModelOutput;
import io.distill4j.core.Task;
import io.distill4j.core.TaskLoss;
import io.distill4j.core.TrainingHistory;
import io.distill4j.core.View;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TorchScript models written by tools/models/make_fixtures.py, loaded through DJL. */
final class TorchScriptModelTest {

    private static final JsonObject FIXTURE = Fixtures.json("torchscript/tiny_net.json");
    private static final Path TINY = Fixtures.path("torchscript/tiny_net.pt");
    private static final Path LOGITS = Fixtures.path("torchscript/tiny_logits.pt");
    private static final List<String> FEATURES = List.of("feat_a", "feat_b");

    @TempDir Path dir;

    private static TorchScriptModel.Builder tiny() {
        return TorchScriptModel.builder()
                .setModelPath(TINY)
                .setInputShape(1, 12, 12)
                .optFeatureNames(FEATURES);
    }

    @Test
    void buildTeacher_tracedTuple_matchesPyTorch() throws Exception {
        try (ModelTeacher teacher = tiny().buildTeacher();
                NDManager manager = NDManager.newBaseManager()) {
            NDArray input = Fixtures.tensor(manager, FIXTURE.getAsJsonObject("input"));
            ModelOutput out = teacher.predict(input);
            JsonArray expected = FIXTURE.getAsJsonArray("outputs");
            List<NDArray> actual =
                    List.of(
                            out.getPrediction(),
                            out.getEmbedding(),
                            out.getFeature("feat_a"),
                            out.getFeature("feat_b"));
            for (int i = 0; i < actual.size(); i++) {
                Fixtures.assertClose(
                        "output " + i,
                        actual.get(i),
                        Fixtures.tensor(manager, expected.get(i).getAsJsonObject()),
                        1e-5f,
                        0);
            }
            assertThat(teacher.getDescriptor().architecture()).isEqualTo("torchscript");
            assertThat(teacher.getDescriptor().task()).isEqualTo(Task.classification(3));
            assertThat(teacher.getSpec().outputs().embedding()).isEqualTo(new Shape(6));
            assertThat(teacher.getSpec().outputs().features())
                    .containsEntry("feat_a", new Shape(4, 12, 12))
                    .containsEntry("feat_b", new Shape(8, 6, 6));
        }
    }

    @Test
    void buildTeacher_scriptedLogitsOnly_embeddingIsTheLogits() throws Exception {
        try (ModelTeacher teacher =
                        TorchScriptModel.builder()
                                .setModelPath(LOGITS)
                                .setInputShape(1, 12, 12)
                                .buildTeacher();
                NDManager manager = NDManager.newBaseManager()) {
            NDArray input = Fixtures.tensor(manager, FIXTURE.getAsJsonObject("input"));
            ModelOutput out = teacher.predict(input);
            NDArray expected =
                    Fixtures.tensor(manager, FIXTURE.getAsJsonArray("outputs").get(0).getAsJsonObject());
            Fixtures.assertClose("logits", out.getPrediction(), expected, 1e-5f, 0);
            Fixtures.assertIdentical("embedding", out.getEmbedding(), out.getPrediction());
            assertThat(out.getFeatures()).isEmpty();
            assertThat(((TorchScriptBlock) teacher.getBlock()).isLogitsOnly()).isTrue();
        }
    }

    @Test
    void buildTeacher_cannotBeUnfrozen() throws Exception {
        try (ModelTeacher teacher = tiny().buildTeacher();
                NDManager manager = NDManager.newBaseManager()) {
            // What PtModel.newTrainer does to a loaded model: the teacher's parameters were loaded
            // in inference mode, so PyTorch refuses, and the next pass freezes them again.
            assertThatThrownBy(() -> teacher.getBlock().freezeParameters(false))
                    .isInstanceOf(EngineException.class)
                    .hasMessageContaining("inference tensor");
            teacher.predict(manager.zeros(new Shape(2, 1, 12, 12)));
            for (Pair<String, Parameter> p : teacher.getBlock().getParameters()) {
                assertThat(p.getValue().requiresGradient()).as(p.getKey()).isFalse();
            }
        }
    }

    @Test
    void buildTeacher_sha256Checked() throws Exception {
        String sha = FIXTURE.getAsJsonObject("sha256").get("tiny_net.pt").getAsString();
        assertThat(TorchScriptModel.sha256(TINY)).isEqualTo(sha);
        try (ModelTeacher teacher = tiny().optSha256(sha.toUpperCase(java.util.Locale.ROOT)).buildTeacher()) {
            assertThat(teacher.getFeatureNames()).isEqualTo(FEATURES);
        }
        String wrong = "0".repeat(64);
        assertThatThrownBy(() -> tiny().optSha256(wrong).buildTeacher())
                .isInstanceOf(MalformedModelException.class)
                .hasMessage(
                        "TorchScript file "
                                + TINY.toAbsolutePath()
                                + " has SHA-256 "
                                + sha
                                + ", but "
                                + wrong
                                + " was expected");
    }

    @Test
    void buildTeacher_truncatedFile_refusedWithPath() throws Exception {
        byte[] bytes = Files.readAllBytes(TINY);
        Path file = dir.resolve("truncated.pt");
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> tiny().setModelPath(file).buildTeacher())
                .isInstanceOf(MalformedModelException.class)
                .hasMessageStartingWith(
                        "TorchScript file "
                                + file
                                + " is not an intact TorchScript archive (a zip file written by"
                                + " torch.jit.save)");
    }

    @Test
    void buildTeacher_corruptByte_refusedWithPath() throws Exception {
        byte[] bytes = Files.readAllBytes(TINY);
        // Flip a byte inside the first entry's data (after its 30-byte header and name).
        int at = 30 + (bytes[26] & 0xff) + (bytes[28] & 0xff) + 2;
        bytes[at] ^= 0x5a;
        Path file = dir.resolve("corrupt.pt");
        Files.write(file, bytes);
        assertThatThrownBy(() -> tiny().setModelPath(file).buildTeacher())
                .isInstanceOf(MalformedModelException.class)
                .hasMessageStartingWith("TorchScript file " + file + " is corrupt: entry ")
                .hasMessageEndingWith(" does not match its checksum");
    }

    @Test
    void buildTeacher_notAZip_refusedWithPath() throws Exception {
        Path file = dir.resolve("garbage.pt");
        Files.write(file, "not a model".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> tiny().setModelPath(file).buildTeacher())
                .isInstanceOf(MalformedModelException.class)
                .hasMessageStartingWith("TorchScript file " + file + " is not an intact");
    }

    @Test
    void buildTeacher_torchSaveArchive_refusedWithAdvice() throws Exception {
        Path file = dir.resolve("state_dict.pt");
        try (OutputStream out = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            zip.write(new byte[] {(byte) 0x80, 2, '}', '.'});
            zip.closeEntry();
        }
        assertThatThrownBy(() -> tiny().setModelPath(file).buildTeacher())
                .isInstanceOf(MalformedModelException.class)
                .hasMessage(
                        file
                                + " holds no TorchScript code: it looks like torch.save(...) output"
                                + " (a state_dict or pickled module); export the model with"
                                + " torch.jit.trace(model, example).save(path) or"
                                + " torch.jit.script(model).save(path)");
    }

    @Test
    void buildTeacher_missingFile_refusedWithPath() {
        Path file = dir.resolve("absent.pt");
        assertThatThrownBy(() -> tiny().setModelPath(file).buildTeacher())
                .isInstanceOf(IOException.class)
                .hasMessage("TorchScript file " + file + " does not exist or is not a file");
    }

    @Test
    void buildTeacher_featureCountMismatch_refused() {
        assertThatThrownBy(() -> tiny().optFeatureNames(List.of("only")).buildTeacher())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "the TorchScript model "
                                + TINY.toAbsolutePath()
                                + " returns 4 arrays [(2, 3), (2, 6), (2, 4, 12, 12), (2, 8, 6, 6)];"
                                + " expected (logits, embedding) and the 1 named features [only],"
                                + " or the logits alone");
    }

    @Test
    void buildTeacher_logitsOnlyWithFeatures_refused() {
        assertThatThrownBy(
                        () ->
                                TorchScriptModel.builder()
                                        .setModelPath(LOGITS)
                                        .setInputShape(1, 12, 12)
                                        .optFeatureNames(FEATURES)
                                        .buildTeacher())
                .hasMessage(
                        "the TorchScript model "
                                + LOGITS.toAbsolutePath()
                                + " returns only logits (2, 3), so it has no features, but features"
                                + " [feat_a, feat_b] were named");
    }

    @Test
    void buildTeacher_wrongInputShape_refusedBeforeUse() {
        assertThatThrownBy(() -> tiny().setInputShape(3, 12, 12).buildTeacher())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "the TorchScript model "
                                + TINY.toAbsolutePath()
                                + " fails on a batch of shape (2, 3, 12, 12): ");
    }

    @Test
    void buildTeacher_taskMismatch_refused() {
        assertThatThrownBy(() -> tiny().optTask(Task.classification(8)).buildTeacher())
                .hasMessage(
                        "the TorchScript model "
                                + TINY.toAbsolutePath()
                                + " predicts 3 values per image, but the task classification(8"
                                + " classes) needs 8");
    }

    @Test
    void predict_wrongShape_refusedInJava() throws Exception {
        try (ModelTeacher teacher = tiny().buildTeacher();
                NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> teacher.predict(manager.zeros(new Shape(2, 1, 16, 16))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "the TorchScript model expects images (B, 1, 12, 12), was (2, 1, 16,"
                                    + " 16)");
        }
    }

    @Test
    void copyOf_teacher_givesIdenticalOutputs() throws Exception {
        try (ModelTeacher teacher = tiny().buildTeacher();
                ModelStudent student = ModelStudent.copyOf(teacher);
                NDManager manager = NDManager.newBaseManager()) {
            NDArray input = Fixtures.tensor(manager, FIXTURE.getAsJsonObject("input"));
            ModelOutput expected = teacher.predict(input);
            try (BlockTeacher frozen = BlockTeacher.of(student)) {
                ModelOutput actual = frozen.predict(input);
                Fixtures.assertIdentical("prediction", actual.getPrediction(), expected.getPrediction());
                Fixtures.assertIdentical("feat_b", actual.getFeature("feat_b"), expected.getFeature("feat_b"));
            }
        }
    }

    /** The largest difference between a first training pass after loading and PyTorch's eval output. */
    private static float firstTrainingPassMinusEval(Path file) throws Exception {
        try (ModelStudent student = tiny().setModelPath(file).buildStudent();
                NDManager manager = NDManager.newBaseManager()) {
            NDArray input = Fixtures.tensor(manager, FIXTURE.getAsJsonObject("input"));
            NDArray training =
                    student.getBlock()
                            .forward(new ParameterStore(manager, false), new NDList(input), true)
                            .get(2);
            NDArray eval =
                    Fixtures.tensor(manager, FIXTURE.getAsJsonArray("outputs").get(2).getAsJsonObject());
            return training.sub(eval).abs().max().getFloat();
        }
    }

    @Test
    void buildStudent_scripted_firstTrainingPassRunsInTrainingMode() throws Exception {
        // Batch statistics in training mode, running statistics in inference mode: a module left
        // in inference mode by the loader would give PyTorch's eval output.
        assertThat(firstTrainingPassMinusEval(Fixtures.path("torchscript/tiny_net_scripted.pt")))
                .isGreaterThan(1e-2f);
    }

    @Test
    void buildStudent_traced_keepsTheModeItWasTracedIn() throws Exception {
        // torch.jit.trace records eval-mode batch normalization as constants (documented).
        assertThat(firstTrainingPassMinusEval(TINY)).isLessThan(1e-5f);
    }

    @Test
    void buildStudent_trainedByDistiller_updatesWeightsNotTheTeacher() throws Exception {
        try (ModelTeacher teacher = tiny().buildTeacher();
                ModelStudent student = tiny().buildStudent();
                NDManager manager = NDManager.newBaseManager()) {
            String teacherBefore = BlockTeacher.parameterDigest(teacher.getBlock());
            String studentBefore = BlockTeacher.parameterDigest(student.getBlock());
            assertThat(studentBefore).isEqualTo(teacherBefore);

            int n = 16;
            // Seeded data and a modest step: the check is that weights move, not how far.
            ai.djl.engine.Engine.getInstance().setRandomSeed(11);
            NDArray clean = manager.randomUniform(0, 1, new Shape(n, 1, 12, 12));
            NDArray occluded = clean.duplicate();
            occluded.set(new ai.djl.ndarray.index.NDIndex(":, :, :6, :"), 0f);
            NDArray target = manager.arange(0, n, 1, DataType.FLOAT32).mod(3);
            NDArray index = manager.arange(0, n, 1, DataType.INT64);
            ArrayDataset train =
                    new ArrayDataset.Builder()
                            .setData(clean, occluded)
                            .optLabels(target, index)
                            .setSampling(8, false)
                            .build();
            Distiller distiller =
                    Distiller.builder()
                            .setTask(Task.classification(3))
                            .setStudent(student)
                            .optTeacher(teacher)
                            .setLoss(TaskLoss.crossEntropy())
                            .optStudentView(View.OCCLUDED)
                            .optOptimizer(
                                    Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).build())
                            .optEpochs(2)
                            .optSeed(3)
                            .build();
            TrainingHistory history = distiller.fit(train);

            assertThat(history.epochs()).hasSize(2);
            assertThat(BlockTeacher.parameterDigest(student.getBlock())).isNotEqualTo(studentBefore);
            assertThat(BlockTeacher.parameterDigest(teacher.getBlock())).isEqualTo(teacherBefore);
            for (Pair<String, Parameter> p : teacher.getBlock().getParameters()) {
                assertThat(p.getValue().requiresGradient()).as(p.getKey()).isFalse();
            }
        }
    }
}
