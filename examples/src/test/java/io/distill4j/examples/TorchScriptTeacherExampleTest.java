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
        // The KL term it is trained on falls (seen: 3.97 -> 3.49 on AVX-512, 3.97 -> 3.52 under
        // the AVX2 cap; the total 5.04 -> 4.41 and 4.44).
        double klFirst = result.history().epochs().get(0).trainTerms().get("kl");
        double klLast = result.history().epochs().get(2).trainTerms().get("kl");
        assertThat(klLast).isLessThan(klFirst - 0.3);
        // On held-out faces, in inference mode, it agrees more often with the teacher. After these
        // 192 steps the held-out KL divergence and the student's own accuracy are not asserted:
        // they swing with the rate and with rounding (the instruction set). Seen on one Intel
        // Xeon (AVX-512, AMX), KL from 1.63 before, at rates 1.9e-3, 2e-3, 2.1e-3 and 1e-3: 1.18,
        // 1.70, 1.65, 1.50 on AVX-512 kernels, 1.93, 1.46, 1.53, 1.84 under the AVX2 cap, while
        // the training losses agreed to 1%; at 2e-3 on AVX-512 the student was right on 0.141 of
        // the occluded faces, the teacher on 0.164. Agreement went from 0.121 to 0.137-0.387 in
        // all eight runs.
        assertThat(result.agreementAfter()).isGreaterThan(result.agreementBefore());
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
