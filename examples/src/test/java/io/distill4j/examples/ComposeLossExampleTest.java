package io.distill4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.distill4j.core.EpochResult;
import io.distill4j.losses.combined.CombinedDistillationLoss;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs {@link ComposeLossExample} on 384 small faces (a few seconds on two idle cores). */
final class ComposeLossExampleTest {

    private static final ComposeLossExample.Settings TINY =
            new ComposeLossExample.Settings(
                    384, 32, List.of(16, 32, 32), List.of(16, 16, 16), 32, 1, 3, 7);

    @Test
    void compose_weightsAndComponents_asWritten() {
        CombinedDistillationLoss loss = ComposeLossExample.compose();

        assertThat(loss.getComponents())
                .extracting(CombinedDistillationLoss.Component::name)
                .containsExactly("KdLogitsLoss", "TripletLoss", "HintLoss");
        assertThat(loss.getComponents())
                .extracting(CombinedDistillationLoss.Component::weight)
                .containsExactly(0.5f, 1.0f, 0.1f);
        assertThat(loss.requiresTeacher()).isTrue();
    }

    @Test
    void run_tinySettings_logsEveryTermAndLearns() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ComposeLossExample.Result result =
                ComposeLossExample.run(TINY, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);

        List<EpochResult> epochs = result.history().epochs();
        assertThat(epochs).hasSize(3);
        for (EpochResult epoch : epochs) {
            double kd = epoch.trainTerms().get("KdLogitsLoss");
            double triplet = epoch.trainTerms().get("TripletLoss");
            double hint = epoch.trainTerms().get("HintLoss");
            assertThat(kd).isPositive();
            assertThat(triplet).isPositive();
            assertThat(hint).isPositive();
            // The weighted terms add up to the total the optimizer minimized.
            assertThat(kd + triplet + hint)
                    .isCloseTo(epoch.trainLoss(), within(1e-4 * epoch.trainLoss()));
        }
        double[] losses = result.history().trainLosses();
        assertThat(losses[2]).isLessThan(losses[0]);
        // The student's block2 has 16 channels, the teacher's 32: a 1x1 convolution adapts them
        // (16 x 32 weights + 32 biases), created and trained by the Distiller.
        assertThat(result.loss().getAdapters()).hasSize(1);
        assertThat(result.adapterParameters()).isEqualTo(16 * 32 + 32);
        assertThat(result.teacherUnchanged()).isTrue();
        assertThat(printed)
                .contains("composed loss: 0.5*KdLogits(T=4.0, alpha=0.5) + 1.0*")
                .contains("trainable adapter parameters added by the loss: 544")
                .containsPattern(
                        "student epoch 3: CombinedDistillationLoss [0-9.]+ KdLogitsLoss [0-9.]+"
                                + " TripletLoss [0-9.]+ HintLoss [0-9.]+");
    }

    @Test
    void settings_oneBlock_isRejected() {
        assertThatThrownBy(
                        () ->
                                new ComposeLossExample.Settings(
                                        10, 32, List.of(16), List.of(16, 16), 8, 1, 1, 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "teacherWidths and studentWidths need at least 2 blocks (the hint reads"
                                + " block2), were [16] and [16, 16]");
    }
}
