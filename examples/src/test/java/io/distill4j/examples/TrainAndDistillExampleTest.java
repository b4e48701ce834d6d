package io.distill4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distill4j.core.EpochResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs {@link TrainAndDistillExample} on 1,024 small faces (about 15 s on two cores). */
final class TrainAndDistillExampleTest {

    private static final TrainAndDistillExample.Settings TINY =
            new TrainAndDistillExample.Settings(1024, 192, 32, List.of(16, 32, 64), 32, 6, 3, 7);

    @Test
    void run_tinySettings_studentBeatsTeacherOnOccludedFaces() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TrainAndDistillExample.Result result =
                TrainAndDistillExample.run(
                        TINY, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);

        // The teacher learned on clean faces, and the occlusion hurts it (the paper's premise).
        double[] teacherLosses = result.teacherHistory().trainLosses();
        assertThat(teacherLosses).hasSize(6);
        assertThat(teacherLosses[5]).isLessThan(teacherLosses[0] * 0.8);
        assertThat(result.teacherClean()).isGreaterThan(0.4);
        assertThat(result.teacherOccluded()).isLessThan(result.teacherClean() - 0.2);
        // The distilled student recovers part of the loss; distillation lowered its loss.
        assertThat(result.studentOccluded()).isGreaterThan(result.teacherOccluded() + 0.1);
        double[] studentLosses = result.studentHistory().trainLosses();
        assertThat(studentLosses).hasSize(3);
        assertThat(studentLosses[2]).isLessThan(studentLosses[0]);
        for (EpochResult epoch : result.studentHistory().epochs()) {
            assertThat(epoch.trainTerms()).containsKeys("KdLogitsLoss", "ce", "kl");
        }
        // The teacher stayed frozen; it ran once per training image, then the cache served it.
        assertThat(result.teacherUnchanged()).isTrue();
        assertThat(result.cacheMisses()).isEqualTo(1024);
        assertThat(result.cacheHits()).isEqualTo(2 * 1024);
        assertThat(printed)
                .contains(
                        String.format(
                                java.util.Locale.ROOT,
                                "teacher on occluded faces  %.3f",
                                result.teacherOccluded()))
                .contains(
                        String.format(
                                java.util.Locale.ROOT,
                                "student on occluded faces  %.3f",
                                result.studentOccluded()))
                .contains("student epoch 3: loss");
    }

    @Test
    void settings_zeroEpochs_isRejected() {
        assertThatThrownBy(
                        () ->
                                new TrainAndDistillExample.Settings(
                                        10, 10, 32, List.of(16), 8, 1, 0, 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("studentEpochs must be > 0, was 0");
    }

    @Test
    void settings_tinyImage_isRejected() {
        assertThatThrownBy(
                        () ->
                                new TrainAndDistillExample.Settings(
                                        10, 10, 8, List.of(16), 8, 1, 1, 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("imageSize must be in [16, 1024], was 8");
    }
}
