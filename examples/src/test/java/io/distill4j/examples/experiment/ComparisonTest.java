package io.distill4j.examples.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.distill4j.core.EvaluationResult;
import io.distill4j.core.Task;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class ComparisonTest {

    private static final Task TASK = Task.classification(2);

    /** 40 images of classes 0, 1, ...; the images in {@code right} are predicted correctly. */
    private static EvaluationResult result(int right, int offset) {
        long[] indices = new long[40];
        float[] targets = new float[40];
        float[] predictions = new float[40];
        for (int i = 0; i < 40; i++) {
            indices[i] = i;
            targets[i] = i % 2;
            boolean ok = ((i + offset) % 40) < right;
            predictions[i] = ok ? targets[i] : 1 - targets[i];
        }
        return new EvaluationResult(TASK, indices, targets, predictions);
    }

    private static RunResult run(String model, int seed, int right, int offset) {
        return new RunResult(model, seed, result(right, offset), Optional.empty(), 0);
    }

    /** Three seeds of fine-tuning, kd and triplet, and a teacher row. */
    private static Comparison threeSeeds() {
        Comparison c = new Comparison(TASK, "fine-tuning");
        c.addReference(run(Experiment.TEACHER_OCCLUDED, 1, 10, 0));
        int[][] right = {{24, 26, 25}, {30, 29, 33}, {25, 24, 27}};
        String[] models = {"fine-tuning", "kd", "triplet"};
        for (int seed = 1; seed <= 3; seed++) {
            for (int m = 0; m < 3; m++) {
                c.add(run(models[m], seed, right[m][seed - 1], 3 * m + seed));
            }
        }
        return c;
    }

    @Test
    void rows_threeSeeds_tTestOverSeedsWithHolm() {
        Comparison c = threeSeeds();
        List<Comparison.Row> rows = c.rows();
        assertThat(c.family()).containsExactly("kd", "triplet");
        double[] base = rows.get(1).metrics();
        double[] pValues = new double[2];
        for (int k = 0; k < 2; k++) {
            Comparison.Row row = rows.get(2 + k);
            Comparison.Versus v = row.versus().orElseThrow();
            Significance.TTest expected = Significance.pairedTTest(base, row.metrics());
            Comparison.SeedTTest t = v.tTest().orElseThrow();
            assertThat(t.test()).isEqualTo(expected);
            assertThat(v.meanDifference()).isCloseTo(expected.meanDifference(), within(1e-15));
            assertThat(v.seeds()).containsExactly(1, 2, 3);
            pValues[k] = expected.pValue();
        }
        double[] holm = Significance.holm(pValues);
        assertThat(rows.get(2).versus().orElseThrow().tTest().orElseThrow().holmPValue())
                .isEqualTo(holm[0]);
        assertThat(rows.get(3).versus().orElseThrow().tTest().orElseThrow().holmPValue())
                .isEqualTo(holm[1]);
        // Per seed, the family is the two strategies at that seed.
        for (int s = 0; s < 3; s++) {
            double kd = rows.get(2).versus().orElseThrow().perSeed().get(s).pValue();
            double triplet = rows.get(3).versus().orElseThrow().perSeed().get(s).pValue();
            double[] adjusted = Significance.holm(new double[] {kd, triplet});
            assertThat(rows.get(2).versus().orElseThrow().perSeed().get(s).holmPValue())
                    .isEqualTo(adjusted[0]);
            assertThat(rows.get(3).versus().orElseThrow().perSeed().get(s).holmPValue())
                    .isEqualTo(adjusted[1]);
        }
        assertThat(rows.get(0).versus()).isEmpty();
        // The mean's interval is around the mean.
        for (Comparison.Row row : rows) {
            assertThat(row.interval().lower()).isLessThanOrEqualTo(row.mean());
            assertThat(row.interval().upper()).isGreaterThanOrEqualTo(row.mean());
        }
    }

    @Test
    void rows_sameInputs_sameIntervals() {
        assertThat(threeSeeds().rows().get(2).versus().orElseThrow().interval())
                .isEqualTo(threeSeeds().rows().get(2).versus().orElseThrow().interval());
        Comparison other = threeSeeds().optBootstrap(new PairedBootstrap(10_000, 2, 0.95));
        assertThat(other.rows().get(2).versus().orElseThrow().interval())
                .isNotEqualTo(threeSeeds().rows().get(2).versus().orElseThrow().interval());
    }

    @Test
    void rows_seedsNotShared_areNotTested() {
        Comparison c = new Comparison(TASK, "fine-tuning");
        c.add(run("fine-tuning", 1, 20, 0));
        c.add(run("fine-tuning", 2, 22, 0));
        c.add(run("kd", 2, 25, 0));
        c.add(run("kd", 3, 25, 0));
        c.add(run("hint", 4, 25, 0));
        Comparison.Versus kd = c.rows().get(1).versus().orElseThrow();
        assertThat(kd.seeds()).containsExactly(2);
        assertThat(kd.meanDifference()).isCloseTo(3 / 40.0, within(1e-15));
        assertThat(kd.tTest()).isEmpty();
        assertThat(c.rows().get(2).versus()).isEmpty();
    }

    @Test
    void add_twiceTheSameSeedOrRole_isRefused() {
        Comparison c = new Comparison(TASK, "fine-tuning");
        c.add(run("kd", 1, 20, 0));
        assertThatThrownBy(() -> c.add(run("kd", 1, 21, 0)))
                .hasMessage("kd has two runs of seed 1");
        assertThatThrownBy(() -> c.addReference(run("kd", 2, 21, 0)))
                .hasMessage("'kd' is a compared row: add its runs with add");
        c.addReference(run("teacher (clean)", 1, 30, 0));
        assertThatThrownBy(() -> c.add(run("teacher (clean)", 2, 30, 0)))
                .hasMessage("'teacher (clean)' is a reference row: add its runs with addReference");
    }

    @Test
    void rows_otherTestImages_areRefused() {
        Comparison c = new Comparison(TASK, "fine-tuning");
        c.add(run("fine-tuning", 1, 20, 0));
        c.add(
                new RunResult(
                        "kd",
                        1,
                        new EvaluationResult(
                                TASK, new long[] {1}, new float[] {0}, new float[] {0}),
                        Optional.empty(),
                        0));
        assertThatThrownBy(c::rows)
                .hasMessage("paired tests need the same test images: 40 and 1 images");
    }

    @Test
    void formatDifference_signsAndZero() {
        Comparison c = new Comparison(TASK, "fine-tuning");
        assertThat(c.formatDifference(0.0123)).isEqualTo("+1.23");
        assertThat(c.formatDifference(-0.0123)).isEqualTo("-1.23");
        assertThat(c.formatDifference(-1e-9)).isEqualTo("0.00");
    }
}
