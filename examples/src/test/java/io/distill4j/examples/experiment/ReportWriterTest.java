package io.distill4j.examples.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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

    /** 20 images; the first {@code right} are predicted correctly. */
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
                            e + 1, losses[e], Map.of("ce", losses[e]), Optional.of(result(10 + e)), 20, t));
        }
        return Optional.of(new TrainingHistory(TASK, epochs));
    }

    @Test
    void write_comparison_writesTableCsvJsonAndCharts(@TempDir Path out) throws Exception {
        Comparison comparison = new Comparison(TASK, "fine-tuning");
        comparison.add(new RunResult("teacher (occluded)", 0, result(8), Optional.empty(), 0));
        comparison.add(new RunResult("fine-tuning", 1, result(12), history(0.9, 0.5), 1));
        comparison.add(new RunResult("fine-tuning", 2, result(14), history(0.8, 0.4), 1));
        comparison.add(new RunResult("kd", 1, result(18), history(1.0, 0.6), 1));
        comparison.add(new RunResult("kd", 2, result(16), history(1.1, 0.7), 1));

        String markdown =
                ReportWriter.write(out, comparison, "Synthetic", Map.of("occlusion", "vr-headset"));

        List<Comparison.Row> rows = comparison.rows();
        assertThat(rows).extracting(Comparison.Row::model)
                .containsExactly("teacher (occluded)", "fine-tuning", "kd");
        Comparison.Row kd = rows.get(2);
        assertThat(kd.mean()).isCloseTo(0.85, within(1e-12));
        assertThat(kd.std()).isCloseTo(Math.sqrt(0.005), within(1e-12));
        // Seed 1: fine-tuning right on 0..11, kd on 0..17: b = 0, c = 6, p = 2 / 64.
        assertThat(kd.perSeed().get(0).pValue()).isCloseTo(2.0 / 64, within(1e-15));
        // Seed 2: 0..13 against 0..15: b = 0, c = 2, p = 2 / 4.
        assertThat(kd.perSeed().get(1).pValue()).isCloseTo(0.5, within(1e-15));
        // Pooled: c = 6 + 2 = 8 discordant images, all for kd: p = 2 / 256.
        assertThat(kd.pooled().orElseThrow().pValue()).isCloseTo(2.0 / 256, within(1e-15));
        // The teacher was evaluated once: it is paired with each seed of the baseline.
        // Seed 1: fine-tuning right on 0..11, teacher on 0..7: b = 4, c = 0, p = 2 / 16.
        assertThat(rows.get(0).perSeed()).extracting(Comparison.PairedTest::seed).containsExactly(1, 2);
        assertThat(rows.get(0).perSeed().get(0).pValue()).isCloseTo(2.0 / 16, within(1e-15));

        assertThat(markdown)
                .contains("| Model | Accuracy (%) (mean ± std) | Per seed | p vs fine-tuning (pooled) | p per seed |")
                .contains("| kd | 85.00 ± 7.07 | 1: 90.00, 2: 80.00 | 0.0078 | 1: 0.0313, 2: 0.5000 |")
                // Evaluated once: no "± 0.00" that would read as a measured spread.
                .contains("| teacher (occluded) | 40.00 | 0: 40.00 |")
                .contains("- occlusion: vr-headset");
        assertThat(out.resolve("results.md")).hasContent(markdown);
        assertThat(Files.readString(out.resolve("results.json"))).contains("\"p_value\"");
        List<String> predictions =
                Files.readAllLines(out.resolve("predictions").resolve("kd-seed1.csv"));
        assertThat(predictions).hasSize(21).startsWith("index,target,prediction,correct");
        assertThat(predictions.get(1)).isEqualTo("0,0,0,1");
        List<String> curves = Files.readAllLines(out.resolve("curves.csv"));
        assertThat(curves.get(0)).isEqualTo("model,seed,epoch,train_loss,validation_metric,images_per_second,term:ce");
        assertThat(curves).hasSize(1 + 8);
        for (String png : List.of("metric.png", "loss-curves.png", "validation-curves.png")) {
            assertThat(ImageIO.read(out.resolve(png).toFile()).getWidth()).as(png).isEqualTo(900);
        }
    }

    @Test
    void slug_makesFileNames() {
        assertThat(ReportWriter.slug("teacher (clean)")).isEqualTo("teacher-clean");
        assertThat(ReportWriter.slug("kd+triplet")).isEqualTo("kd-triplet");
    }
}
