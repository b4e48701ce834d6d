package io.distill4j.examples.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import io.distill4j.core.EpochResult;
import io.distill4j.core.Timings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressListenerTest {

    @TempDir Path dir;

    private static EpochResult epoch(int number, double loss) {
        return new EpochResult(
                number,
                loss,
                Map.of("ce", loss),
                Optional.empty(),
                640,
                new Timings(1_000_000L, 0, 2_000_000_000L, 4_000_000_000L, 500_000_000L, 0));
    }

    @Test
    void onEpoch_severalListenersAppendToOneLogInOrder() throws IOException {
        Path log = dir.resolve("train.log");
        StringWriter console = new StringWriter();
        ProgressListener teacher =
                new ProgressListener("teacher", new PrintWriter(console), false, 10, log);
        ProgressListener student =
                new ProgressListener("kd seed 1", new PrintWriter(console), false, 10, log);

        teacher.onEpochStart(1, 2);
        teacher.onEpoch(epoch(1, 0.5));
        teacher.onEpochStart(2, 2);
        teacher.onEpoch(epoch(2, 0.25));
        student.onEpochStart(1, 1);
        student.onEpoch(epoch(1, 0.125));

        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("teacher epoch 1/2 loss 0.5000");
        assertThat(lines.get(1)).startsWith("teacher epoch 2/2 loss 0.2500");
        assertThat(lines.get(2)).startsWith("kd seed 1 epoch 1/1 loss 0.1250");
        // the log line carries the breakdown of the epoch's time; the console line does not
        assertThat(lines.get(0)).contains("backward 4.0s");
        assertThat(console.toString()).contains("teacher epoch 1/2 loss 0.5000");
        assertThat(console.toString()).doesNotContain("backward 4.0s");
    }

    @Test
    void onEpoch_withoutLogWritesOnlyTheConsole() {
        StringWriter console = new StringWriter();
        ProgressListener listener =
                new ProgressListener("teacher", new PrintWriter(console), false, 10, null);
        listener.onEpochStart(1, 1);
        listener.onEpoch(epoch(1, 0.5));
        assertThat(console.toString()).startsWith("teacher epoch 1/1 loss 0.5000");
        assertThat(dir.toFile().list()).isEmpty();
    }
}
