package io.distill4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.distill4j.core.EpochResult;
import io.distill4j.losses.logits.KdLogitsConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link TorchScriptTeacherExample} on the teacher that {@code
 * tools/examples/make_torchscript_teacher.py} trained in PyTorch on synthetic faces (90.8% on its
 * held-out faces), with a small student and 1,024 faces (about 15 s on two idle cores).
 */
final class TorchScriptTeacherExampleTest {

    private static final Path TEACHER = resource("torchscript/teacher.pt");
    private static final JsonObject INFO = json("torchscript/teacher.json");
    private static final TorchScriptTeacherExample.Settings TINY =
            new TorchScriptTeacherExample.Settings(
                    1024, 256, List.of(16, 32, 64), 16, 3, 2e-3f, KdLogitsConfig.defaults(), 7);

    @Test
    void run_pytorchTeacher_studentLearnsFromIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TorchScriptTeacherExample.TeacherFile file =
                new TorchScriptTeacherExample.TeacherFile(
                        TEACHER,
                        new Shape(1, 48, 48),
                        Optional.of(INFO.get("sha256").getAsString()));

        TorchScriptTeacherExample.Result result =
                TorchScriptTeacherExample.run(
                        file, TINY, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);

        // The PyTorch teacher, run by DJL on faces the Java pipeline draws (another seed than its
        // training faces), recognizes the clean ones and fails on the occluded ones.
        assertThat(result.teacherClean()).isGreaterThan(0.75);
        assertThat(result.teacherOccluded()).isLessThan(result.teacherClean() - 0.3);
        // The DJL student learned from it: lower loss, closer to the teacher's distribution.
        double[] losses = result.history().trainLosses();
        assertThat(losses).hasSize(3);
        assertThat(losses[2]).isLessThan(losses[0]);
        for (EpochResult epoch : result.history().epochs()) {
            assertThat(epoch.trainTerms()).containsKeys("KdLogitsLoss", "ce", "kl");
        }
        // (Seen: KL 1.63 -> 1.27, agreement 0.12 -> 0.23 (oneDNN capped at AVX2) or 0.22 (AVX-512),
        // after 192 steps from random weights; on a Xeon with AMX, agreement 0.12 -> 0.19 and
        // 0.20 under the AVX2 cap. At 3e-3 the evaluation swung between the two instruction
        // sets, KL 1.33 against 2.15: that rate sits at the edge of stability.)
        assertThat(result.divergenceAfter()).isLessThan(result.divergenceBefore() - 0.15);
        assertThat(result.agreementAfter()).isGreaterThan(result.agreementBefore() + 0.05);
        assertThat(result.studentOccluded()).isGreaterThan(result.teacherOccluded());
        assertThat(result.teacherUnchanged()).isTrue();
        assertThat(printed)
                .contains("teacher: ModelTeacher(")
                .contains(
                        String.format(
                                java.util.Locale.ROOT,
                                "teacher on clean faces     %.3f",
                                result.teacherClean()))
                .contains("student epoch 3: KdLogitsLoss ");
    }

    @Test
    void run_wrongSha256_refusesTheFileBeforeLoading() {
        String wrong = "0".repeat(64);
        TorchScriptTeacherExample.TeacherFile file =
                new TorchScriptTeacherExample.TeacherFile(
                        TEACHER, new Shape(1, 48, 48), Optional.of(wrong));

        assertThatThrownBy(
                        () ->
                                TorchScriptTeacherExample.run(
                                        file, TINY, new PrintStream(new ByteArrayOutputStream())))
                .isInstanceOf(MalformedModelException.class)
                .hasMessage(
                        "TorchScript file %s has SHA-256 %s, but %s was expected",
                        TEACHER.toAbsolutePath(), INFO.get("sha256").getAsString(), wrong);
    }

    @Test
    void teacherFile_twoChannels_isRejected() {
        assertThatThrownBy(
                        () ->
                                new TorchScriptTeacherExample.TeacherFile(
                                        TEACHER, new Shape(2, 48, 48), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the teacher's input must have 1 or 3 channels, was 2x48x48");
    }

    private static Path resource(String name) {
        try {
            return Path.of(TorchScriptTeacherExampleTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonObject json(String name) {
        try {
            return JsonParser.parseString(Files.readString(resource(name))).getAsJsonObject();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
