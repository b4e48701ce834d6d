package io.distill4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM ({@code kill}) and SIGINT (Ctrl-C) stop {@code distill compare} at the next batch: exit
 * status 143 and 130, a line saying so, no JVM crash report, and the same command resumes after
 * the last finished epoch.
 */
final class SignalStopTest {

    private static List<String> args(Path out) {
        return List.of(
                "compare",
                "--dataset", "synthetic",
                "--synthetic-size", "3200",
                "--model-option", "widths=8,16",
                "--teacher-epochs", "3",
                "--epochs", "2",
                "--batch-size", "32",
                "--strategies", "finetune",
                "--out", out.toString());
    }

    private static long crashReports() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("."))) {
            return files.filter(p -> p.getFileName().toString().startsWith("hs_err_pid")).count();
        }
    }

    @Test
    void compare_sigtermThenSigint_stopAtTheNextBatchAndResume(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        long reports = crashReports();
        try (ChildCli child = new ChildCli(args(out), List.of())) {
            child.awaitLine("teacher epoch 1/3");
            child.signal("TERM");
            int status = child.finish();
            String err = child.seen.toString();
            assertThat(status).as(err).isEqualTo(143);
            assertThat(err)
                    .contains("distill: SIGTERM: stopping at the next batch")
                    .contains(
                            "distill: stopped by SIGTERM; every finished epoch is saved, and the"
                                    + " same command resumes after the last of them")
                    .doesNotContain("teacher epoch 3/3")
                    .doesNotContain("A fatal error");
        }
        try (ChildCli child = new ChildCli(args(out), List.of())) {
            child.awaitLine("teacher: resuming after epoch");
            child.awaitLine("fine-tuning seed 1 epoch 1/2");
            child.signal("INT");
            int status = child.finish();
            String err = child.seen.toString();
            assertThat(status).as(err).isEqualTo(130);
            assertThat(err).contains("distill: stopped by SIGINT").doesNotContain("A fatal error");
        }
        try (ChildCli child = new ChildCli(args(out), List.of())) {
            int status = child.finish();
            String err = child.seen.toString();
            assertThat(status).as(err).isZero();
            assertThat(err).contains("fine-tuning seed 1: resuming after epoch 1 of 2");
        }
        assertThat(crashReports()).isEqualTo(reports);
    }
}
