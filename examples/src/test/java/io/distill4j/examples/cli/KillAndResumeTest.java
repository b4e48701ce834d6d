package io.distill4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@code distill compare} with SIGKILL at several moments (in the middle of a resume file's
 * write, and in the middle of an epoch's steps, of the teacher and of a student), restarts it each
 * time with the same options, and checks that the final weights and every metric are
 * bit-identical to those of an uninterrupted run.
 *
 * <p>The child JVMs pause {@value #PAUSE_MS} ms halfway through every resume-file write (a
 * crash-test property of the library), so that a kill a moment after an epoch's line lands inside
 * the write.
 */
final class KillAndResumeTest {

    private static final int PAUSE_MS = 1500;

    private static List<String> args(Path out) {
        return List.of(
                "compare",
                "--dataset", "synthetic",
                "--synthetic-size", "3200",
                "--model-option", "widths=8,16",
                "--teacher-epochs", "3",
                "--epochs", "3",
                "--batch-size", "32",
                "--optimizer", "sgd",
                "--nesterov",
                "--weight-decay", "5e-4",
                "--schedule", "one-cycle",
                "--lr", "0.05",
                "--strategies", "finetune,kd",
                "--out", out.toString());
    }

    private static ChildCli child(Path out, boolean pause) throws IOException {
        return new ChildCli(
                args(out),
                pause ? List.of("-Ddistill4j.test.resumeWritePauseMillis=" + PAUSE_MS) : List.of());
    }

    @Test
    void compare_killedDuringWritesAndSteps_resumesBitForBit(@TempDir Path dir) throws Exception {
        Path straight = dir.resolve("straight");
        try (ChildCli child = child(straight, false)) {
            assertThat(child.finish()).as(child.seen.toString()).isZero();
        }

        Path cut = dir.resolve("cut");
        StringBuilder log = new StringBuilder();
        // 1. In the middle of writing the teacher's state after epoch 1: no state yet.
        try (ChildCli child = child(cut, true)) {
            child.awaitLine("teacher epoch 1/3");
            child.killAfter(PAUSE_MS / 3);
            log.append(child.seen);
        }
        assertThat(cut.resolve("teacher/resume.state")).doesNotExist();
        assertThat(cut.resolve("teacher/resume.state.tmp")).exists();
        // 2. In the middle of the teacher's third epoch: the state of epoch 2 is on disk.
        try (ChildCli child = child(cut, true)) {
            child.awaitLine("teacher epoch 2/3");
            child.killAfter(PAUSE_MS + 400);
            log.append(child.seen);
            assertThat(child.seen.toString()).doesNotContain("teacher epoch 3/3");
        }
        // 3. In the middle of writing the kd student's state after its epoch 2.
        try (ChildCli child = child(cut, true)) {
            child.awaitLine("teacher: resuming after epoch 2 of 3");
            child.awaitLine("kd seed 1 epoch 2/3");
            child.killAfter(PAUSE_MS / 3);
            log.append(child.seen);
        }
        // 4. In the middle of the kd student's third epoch.
        try (ChildCli child = child(cut, true)) {
            child.awaitLine("kd seed 1: resuming after epoch 1 of 3");
            child.awaitLine("kd seed 1 epoch 2/3");
            child.killAfter(PAUSE_MS + 300);
            log.append(child.seen);
        }
        try (ChildCli child = child(cut, false)) {
            int status = child.finish();
            log.append(child.seen);
            assertThat(status).as(log.toString()).isZero();
            assertThat(child.seen.toString()).contains("kd seed 1: resuming after epoch 2 of 3");
        }

        // Every checkpoint's weights, byte for byte.
        List<Path> params;
        try (Stream<Path> files = Files.walk(straight)) {
            params =
                    files.filter(p -> p.toString().endsWith(".params"))
                            .map(straight::relativize)
                            .sorted()
                            .toList();
        }
        assertThat(params)
                .contains(
                        Path.of("teacher/best.params"),
                        Path.of("runs/kd-seed1/last.params"),
                        Path.of("runs/fine-tuning-seed1/best.params"));
        for (Path p : params) {
            assertThat(Files.readAllBytes(cut.resolve(p)))
                    .as(p.toString())
                    .isEqualTo(Files.readAllBytes(straight.resolve(p)));
        }
        // Every per-image prediction and every epoch's losses and validation metric.
        try (Stream<Path> files = Files.list(straight.resolve("predictions"))) {
            for (Path p : files.toList()) {
                assertThat(Files.readString(cut.resolve("predictions").resolve(p.getFileName())))
                        .as(p.toString())
                        .isEqualTo(Files.readString(p));
            }
        }
        for (String run : List.of("kd-seed1", "fine-tuning-seed1")) {
            assertThat(withoutTimes(cut.resolve("runs").resolve(run).resolve("result.json")))
                    .as(run)
                    .isEqualTo(withoutTimes(straight.resolve("runs").resolve(run).resolve("result.json")));
        }
    }

    /** A result file without its wall-clock fields (train_seconds, each epoch's timings). */
    private static JsonElement withoutTimes(Path file) throws IOException {
        JsonElement root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        strip(root);
        return root;
    }

    private static void strip(JsonElement element) {
        if (element.isJsonObject()) {
            JsonObject object = element.getAsJsonObject();
            for (String key : new ArrayList<>(object.keySet())) {
                String k = key.toLowerCase(java.util.Locale.ROOT);
                if (k.contains("second") || k.contains("timing") || k.contains("time")) {
                    object.remove(key);
                } else {
                    strip(object.get(key));
                }
            }
        } else if (element.isJsonArray()) {
            element.getAsJsonArray().forEach(KillAndResumeTest::strip);
        }
    }
}
