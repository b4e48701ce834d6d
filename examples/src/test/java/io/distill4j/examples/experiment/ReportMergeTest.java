package io.distill4j.examples.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distill4j.core.EvaluationResult;
import io.distill4j.core.Task;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Merging hand-made report folders: no training, so every field can be set as needed. */
final class ReportMergeTest {

    private static final Task AGE = Task.regression();
    private static final PairedBootstrap FEW = new PairedBootstrap(500, 1, 0.95);

    private static EvaluationResult ages(float shift) {
        long[] indices = {3, 1, 2, 0};
        float[] targets = {21.5f, 34f, 8f, 60.25f};
        float[] predictions = new float[4];
        for (int i = 0; i < 4; i++) {
            predictions[i] = targets[i] + shift * (i + 1) / 3f;
        }
        return new EvaluationResult(AGE, indices, targets, predictions);
    }

    /** A compare folder of one seed, with the given root in the provenance and in config.json. */
    private static Path folder(Path dir, int seed, String root, String epochs) throws Exception {
        Comparison c = new Comparison(AGE, "fine-tuning");
        c.addReference(new RunResult(Experiment.TEACHER_CLEAN, 1, ages(0.5f), Optional.empty(), 0));
        c.add(new RunResult("fine-tuning", seed, ages(3 + seed), Optional.empty(), 0));
        c.add(new RunResult("kd", seed, ages(2 + seed), Optional.empty(), 0));
        Provenance provenance =
                new Provenance(
                        Map.of("dataset", "utkface", "root", root, "split file sha256", "ab12"),
                        "f00d");
        ReportWriter.write(
                dir,
                c,
                "Age",
                Map.of("occlusion", "surgical-mask", "seeds", "" + seed),
                Optional.of(provenance));
        Files.writeString(
                dir.resolve("config.json"),
                "{\"command\": \"compare\", \"root\": \""
                        + root
                        + "\", \"seed\": "
                        + seed
                        + ", \"epochs\": "
                        + epochs
                        + ", \"dataset\": \"utkface\"}",
                StandardCharsets.UTF_8);
        return dir;
    }

    @Test
    void merge_otherRootSameContent_mergesRegression(@TempDir Path dir) throws Exception {
        Path a = folder(dir.resolve("a"), 1, "/data/utk", "5");
        Path b = folder(dir.resolve("b"), 2, "/mnt/other/utk", "5");
        ReportMerge.Merged merged = ReportMerge.merge(List.of(a, b), FEW);
        Comparison c = merged.comparison();
        assertThat(c.getRuns().keySet()).containsExactly("teacher (clean)", "fine-tuning", "kd");
        assertThat(c.getRuns().get("kd")).extracting(RunResult::seed).containsExactly(1, 2);
        // Regression values survive the CSV exactly.
        assertThat(c.getRuns().get("kd").get(1).test().predictions())
                .containsExactly(ages(4).predictions());
        assertThat(merged.details())
                .containsEntry("seeds", "1..2")
                .containsEntry("occlusion", "surgical-mask");
        assertThat(merged.config()).containsEntry("epochs", "5").doesNotContainKey("seed");
        Path out = dir.resolve("merged");
        String markdown = ReportMerge.write(merged, out);
        assertThat(markdown).contains("| kd | ").contains("1: ").contains("2: ");
        assertThat(Files.readString(out.resolve("config.json")))
                .contains("\"command\": \"report\"");
    }

    @Test
    void merge_otherContentOrOptions_isRefused(@TempDir Path dir) throws Exception {
        Path a = folder(dir.resolve("a"), 1, "/data/utk", "5");
        Path epochs = folder(dir.resolve("b"), 2, "/data/utk", "6");
        assertThatThrownBy(() -> ReportMerge.merge(List.of(a, epochs), FEW))
                .hasMessage(
                        "cannot merge: "
                                + a
                                + " and "
                                + epochs
                                + " differ in their protocol:"
                                + " --epochs is '5' in the first and '6' in the second");
        Path split = folder(dir.resolve("c"), 2, "/data/utk", "5");
        Path results = split.resolve("results.json");
        Files.writeString(results, Files.readString(results).replace("\"ab12\"", "\"cd34\""));
        assertThatThrownBy(() -> ReportMerge.merge(List.of(a, split), FEW))
                .hasMessage(
                        "cannot merge: "
                                + a
                                + " and "
                                + split
                                + " differ in their data:"
                                + " 'split file sha256' is 'ab12' in the first and 'cd34' in the"
                                + " second");
    }

    @Test
    void merge_otherImageStamps_saysHowToCopy(@TempDir Path dir) throws Exception {
        Path a = folder(dir.resolve("a"), 1, "/data/utk", "5");
        Path b = folder(dir.resolve("b"), 2, "/data/utk", "5");
        for (Path f : List.of(a, b)) {
            Path results = f.resolve("results.json");
            String stamp = f == a ? "1111" : "2222";
            Files.writeString(
                    results,
                    Files.readString(results)
                            .replace(
                                    "\"dataset\": \"utkface\"",
                                    "\"dataset\": \"utkface\", \"images stamp sha256\": \""
                                            + stamp
                                            + "\""));
        }
        assertThatThrownBy(() -> ReportMerge.merge(List.of(a, b), FEW))
                .hasMessage(
                        "cannot merge: "
                                + a
                                + " and "
                                + b
                                + " differ in their data: 'images"
                                + " stamp sha256' is '1111' in the first and '2222' in the second"
                                + " (the images' sizes or modification times differ: copies of the"
                                + " data keep them with cp -p or rsync -a)");
    }

    @Test
    void predictions_badRecord_namesFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("p.csv");
        Files.writeString(file, "index,target,prediction,abs_error\n0,21.5,22.0,0.5\n1,x,3,2\n");
        assertThatThrownBy(() -> ReportMerge.predictions(file, AGE))
                .hasMessage(file + ":3: bad record '1,x,3,2' (For input string: \"x\")");
        Files.writeString(file, "index,target,prediction,correct\n");
        assertThatThrownBy(() -> ReportMerge.predictions(file, AGE))
                .hasMessage(
                        file
                                + ":1: expected the header index,target,prediction,abs_error, was"
                                + " index,target,prediction,correct");
    }

    @Test
    void isLocation_pathsButNotHashes() {
        assertThat(ReportMerge.isLocation("root")).isTrue();
        assertThat(ReportMerge.isLocation("label file")).isTrue();
        assertThat(ReportMerge.isLocation("label file sha256")).isFalse();
        assertThat(ReportMerge.isLocation("rows")).isFalse();
    }

    @Test
    void seedList_runsOfSeeds() {
        assertThat(ReportMerge.seedList(new TreeSet<>(List.of(1, 2, 3, 5, 7, 8))))
                .isEqualTo("1..3, 5, 7..8");
        assertThat(ReportMerge.seedList(new TreeSet<>(List.of(4)))).isEqualTo("4");
    }
}
