package io.distill4j.examples.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.distill4j.core.EpochResult;
import io.distill4j.core.EvaluationResult;
import io.distill4j.core.Task;
import io.distill4j.core.Timings;
import io.distill4j.core.TrainingHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ReportWriterTest {

    private static final Task TASK = Task.classification(2);

    /** 20 images of classes 0, 1, 0, 1, ...; the first {@code right} are predicted correctly. */
    private static EvaluationResult result(int right) {
        long[] indices = new long[20];
        float[] targets = new float[20];
        float[] predictions = new float[20];
        for (int i = 0; i < 20; i++) {
            indices[i] = i;
            targets[i] = i % 2;
            predictions[i] = i < right ? targets[i] : 1 - targets[i];
        }
        return new EvaluationResult(TASK, indices, targets, predictions);
    }

    private static Optional<TrainingHistory> history(double... losses) {
        Timings t = new Timings(1, 1, 1, 1, 1, 1);
        List<EpochResult> epochs = new java.util.ArrayList<>();
        for (int e = 0; e < losses.length; e++) {
            epochs.add(
                    new EpochResult(
                            e + 1,
                            losses[e],
                            Map.of("ce", losses[e]),
                            Optional.of(result(10 + e)),
                            20,
                            t));
        }
        return Optional.of(new TrainingHistory(TASK, epochs));
    }

    private static Comparison comparison() {
        Comparison comparison = new Comparison(TASK, "fine-tuning");
        comparison.addReference(
                new RunResult(Experiment.TEACHER_CLEAN, 0, result(19), Optional.empty(), 0));
        comparison.addReference(
                new RunResult(Experiment.TEACHER_OCCLUDED, 0, result(8), Optional.empty(), 0));
        comparison.add(new RunResult("fine-tuning", 1, result(12), history(0.9, 0.5), 1));
        comparison.add(new RunResult("fine-tuning", 2, result(14), history(0.8, 0.4), 1));
        comparison.add(new RunResult("kd", 1, result(18), history(1.0, 0.6), 1));
        comparison.add(new RunResult("kd", 2, result(16), history(1.1, 0.7), 1));
        comparison.add(new RunResult("triplet", 1, result(12), history(1.0, 0.8), 1));
        comparison.add(new RunResult("triplet", 2, result(15), history(1.2, 0.9), 1));
        return comparison;
    }

    @Test
    void write_comparison_writesTableCsvJsonAndCharts(@TempDir Path out) throws Exception {
        Comparison comparison = comparison();
        String markdown =
                ReportWriter.write(out, comparison, "Synthetic", Map.of("occlusion", "vr-headset"));

        List<Comparison.Row> rows = comparison.rows();
        assertThat(rows)
                .extracting(Comparison.Row::model)
                .containsExactly(
                        "teacher (clean)", "teacher (occluded)", "fine-tuning", "kd", "triplet");
        assertThat(comparison.family()).containsExactly("kd", "triplet");
        Comparison.Row kd = rows.get(3);
        assertThat(kd.mean()).isCloseTo(0.85, within(1e-12));
        assertThat(kd.std()).isCloseTo(Math.sqrt(0.005), within(1e-12));
        Comparison.Versus versus = kd.versus().orElseThrow();
        // Seed 1: 0.90 - 0.60, seed 2: 0.80 - 0.70.
        assertThat(versus.meanDifference()).isCloseTo(0.20, within(1e-12));
        // kd is never worse on an image, so no resample makes the difference negative.
        assertThat(versus.interval().lower()).isBetween(0.0, 0.20);
        assertThat(versus.interval().upper()).isBetween(0.20, 1.0);
        assertThat(versus.tTest()).isEmpty(); // two seeds
        // Seed 1: fine-tuning right on 0..11, kd on 0..17: b = 0, c = 6, p = 2 / 64; triplet:
        // no discordant image, p = 1. Holm over {kd, triplet}: 2 * 2 / 64, then max(.., 1).
        Comparison.PairedTest seed1 = versus.perSeed().get(0);
        assertThat(seed1.pValue()).isCloseTo(2.0 / 64, within(1e-15));
        assertThat(seed1.holmPValue()).isCloseTo(4.0 / 64, within(1e-15));
        // Seed 2: 0..13 against 0..15: b = 0, c = 2, p = 2 / 4; Holm: min(1, 2 * 0.5).
        assertThat(versus.perSeed().get(1).pValue()).isCloseTo(0.5, within(1e-15));
        assertThat(versus.perSeed().get(1).holmPValue()).isEqualTo(1.0);
        // The teacher is a reference row: shown, not tested.
        assertThat(rows.get(1).versus()).isEmpty();
        assertThat(rows.get(1).reference()).isTrue();
        assertThat(rows.get(2).versus()).isEmpty();

        String kdLine =
                markdown.lines().filter(l -> l.startsWith("| kd |")).findFirst().orElseThrow();
        assertThat(kdLine)
                .startsWith("| kd | 85.00 ± 7.07 | [")
                .contains("| 1: 90.00, 2: 80.00 | +20.00 [")
                .endsWith("| — | 1: 0.0313 (0.0625), 2: 0.5000 (1.0000) |");
        assertThat(markdown)
                .contains(
                        "| Model | Accuracy (%), mean ± std | 95% CI | Per seed | Δ vs fine-tuning"
                                + " (points) [95% CI] | p, t-test over seeds (Holm) | p, McNemar"
                                + " exact per seed (Holm) |")
                // Evaluated once: no "± 0.00" that would read as a measured spread.
                .contains("| teacher (occluded) | 40.00 | [")
                .contains("| fine-tuning | 65.00 ± 7.07 | [")
                .contains("| 1: 60.00, 2: 70.00 | baseline | — | — |")
                .contains(
                        "- Holm: in parentheses, Holm–Bonferroni-adjusted p-values. Family: the 2"
                                + " strategies compared with fine-tuning (kd, triplet)")
                .contains("paired bootstrap over the 20 test images (10,000 rounds, seed 1)")
                .contains("- Not tested (reference rows): teacher (clean), teacher (occluded).")
                .doesNotContain("pooled")
                .contains("- occlusion: vr-headset");
        // Per class: teacher (occluded) right on 0..7 (4 of each class's 10).
        assertThat(markdown)
                .contains(
                        "| Class | Test images | teacher (clean) | teacher (occluded) | fine-tuning"
                            + " | kd | triplet |")
                .contains("| 0 | 10 | 100.0 | 40.0 | 65.0 | 85.0 | 70.0 |")
                .contains("| 1 | 10 | 90.0 | 40.0 | 65.0 | 85.0 | 65.0 |")
                // kd, seed 1 wrong on 18 (class 0) and 19; seed 2 on 16, 18 (class 0), 17, 19.
                .contains(
                        "### kd (2 seeds)\n\n"
                            + "| true ↓ predicted → | 0 | 1 | accuracy (%) |\n"
                            + "|---|---|---|---|\n"
                            + "| 0 | 17 | 3 | 85.0 |\n"
                            + "| 1 | 3 | 17 | 85.0 |\n");
        assertThat(out.resolve("results.md")).hasContent(markdown);

        JsonObject json =
                JsonParser.parseString(Files.readString(out.resolve("results.json")))
                        .getAsJsonObject();
        assertThat(json.get("classes").toString()).isEqualTo("[\"0\",\"1\"]");
        assertThat(json.get("holm_family").toString()).isEqualTo("[\"kd\",\"triplet\"]");
        assertThat(json.getAsJsonObject("bootstrap").get("rounds").getAsInt()).isEqualTo(10_000);
        JsonObject kdJson = json.getAsJsonArray("rows").get(3).getAsJsonObject();
        assertThat(kdJson.get("model").getAsString()).isEqualTo("kd");
        assertThat(kdJson.getAsJsonObject("per_class").get("confusion").toString())
                .isEqualTo("[[17,3],[3,17]]");
        JsonObject v = kdJson.getAsJsonObject("versus_baseline");
        assertThat(v.get("mean_difference").getAsDouble()).isCloseTo(0.2, within(1e-12));
        assertThat(
                        v.getAsJsonArray("per_seed")
                                .get(0)
                                .getAsJsonObject()
                                .get("p_holm")
                                .getAsDouble())
                .isCloseTo(0.0625, within(1e-15));
        assertThat(v.has("t_test")).isFalse();
        assertThat(
                        json.getAsJsonArray("rows")
                                .get(0)
                                .getAsJsonObject()
                                .get("reference")
                                .getAsBoolean())
                .isTrue();
        assertThat(json.has("provenance")).isFalse();

        List<String> predictions =
                Files.readAllLines(out.resolve("predictions").resolve("kd-seed1.csv"));
        assertThat(predictions).hasSize(21).startsWith("index,target,prediction,correct");
        assertThat(predictions.get(1)).isEqualTo("0,0,0,1");
        List<String> curves = Files.readAllLines(out.resolve("curves.csv"));
        assertThat(curves.get(0))
                .isEqualTo(
                        "model,seed,epoch,train_loss,validation_metric,images_per_second,term:ce");
        assertThat(curves).hasSize(1 + 12);
        for (String png :
                List.of(
                        "metric.png",
                        "difference.png",
                        "teacher.png",
                        "confusion-kd.png",
                        "confusion-teacher-occluded.png",
                        "loss-curves.png",
                        "validation-curves.png")) {
            assertThat(ImageIO.read(out.resolve(png).toFile()).getWidth()).as(png).isEqualTo(900);
        }
    }

    @Test
    void write_regression_reportsWilcoxonAndDecades(@TempDir Path out) throws Exception {
        Task age = Task.regression();
        float[] targets = {5, 15, 25, 27, 35, 41, 44, 68};
        long[] indices = {0, 1, 2, 3, 4, 5, 6, 7};
        Comparison comparison = new Comparison(age, "fine-tuning");
        float[][] errors = {{1, 2, 3, 4, 5, 6, 7, 8}, {1, 1, 1, 1, 1, 1, 1, 1}};
        String[] models = {"fine-tuning", "kd"};
        for (int m = 0; m < 2; m++) {
            float[] predictions = new float[8];
            for (int i = 0; i < 8; i++) {
                predictions[i] = targets[i] + errors[m][i];
            }
            comparison.add(
                    new RunResult(
                            models[m],
                            1,
                            new EvaluationResult(age, indices, targets, predictions),
                            Optional.empty(),
                            0));
        }
        String markdown = ReportWriter.write(out, comparison, "Age", Map.of());
        assertThat(markdown)
                .contains(
                        "| Model | MAE, mean ± std | 95% CI | Per seed | Δ MAE vs fine-tuning [95%"
                            + " CI] |")
                .contains("p, Wilcoxon signed-rank per seed (Holm) |")
                .contains(
                        "- Δ: the mean over the seeds shared with fine-tuning of (model −"
                            + " fine-tuning); below 0 is better.")
                // MAE 4.5 and 1: kd minus fine-tuning = -3.5.
                .contains("| kd | 1.000 | [1.000, 1.000] | 1: 1.000 | -3.500 [")
                .contains("| Age | Test images | fine-tuning | kd |")
                .contains("| 20-29 | 2 | 3.500 | 1.000 |")
                .contains("| 60-69 | 1 | 8.000 | 1.000 |");
        assertThat(markdown).doesNotContain("| 50-59 |");
        assertThat(out.resolve("metric.png")).exists();
        assertThat(out.resolve("teacher.png")).doesNotExist();
    }

    @Test
    void markdown_oneStrategy_testsNothing() {
        // distill distill --strategy kd: the only strategy is its own baseline.
        Comparison comparison = new Comparison(TASK, "kd");
        comparison.addReference(
                new RunResult(Experiment.TEACHER_CLEAN, 1, result(19), Optional.empty(), 0));
        comparison.add(new RunResult("kd", 1, result(16), Optional.empty(), 0));
        String markdown = ReportWriter.markdown(comparison, "One", Map.of());
        assertThat(markdown)
                .contains("| 1: 80.00 | — | — | — |")
                .contains(
                        "- No row is tested: there is no strategy to compare with kd (distill"
                                + " compare runs fine-tuning and the strategies side by side).")
                .doesNotContain("baseline |")
                .doesNotContain("- Holm");
    }

    @Test
    void slug_makesFileNames() {
        assertThat(ReportWriter.slug("teacher (clean)")).isEqualTo("teacher-clean");
        assertThat(ReportWriter.slug("kd+triplet")).isEqualTo("kd-triplet");
    }

    @Test
    void formatP_smallAndMissingValues() {
        assertThat(ReportWriter.formatP(0.01234)).isEqualTo("0.0123");
        assertThat(ReportWriter.formatP(1.5e-7)).isEqualTo("1.5e-07");
        assertThat(ReportWriter.formatP(Double.NaN)).isEqualTo("—");
    }
}
