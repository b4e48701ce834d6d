package io.distill4j.examples.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.distill4j.examples.experiment.PairedBootstrap.Interval;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

final class PairedBootstrapTest {

    private static JsonObject golden;

    @BeforeAll
    static void load() throws Exception {
        try (Reader reader =
                new InputStreamReader(
                        Objects.requireNonNull(
                                PairedBootstrapTest.class.getResourceAsStream(
                                        "/golden/bootstrap.json")),
                        StandardCharsets.UTF_8)) {
            golden = JsonParser.parseReader(reader).getAsJsonObject();
        }
    }

    private static double[][] matrix(JsonArray array) {
        double[][] m = new double[array.size()][];
        for (int i = 0; i < m.length; i++) {
            JsonArray row = array.get(i).getAsJsonArray();
            m[i] = new double[row.size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = row.get(j).getAsDouble();
            }
        }
        return m;
    }

    private static int[][] indices(JsonArray array) {
        int[][] m = new int[array.size()][];
        for (int i = 0; i < m.length; i++) {
            JsonArray row = array.get(i).getAsJsonArray();
            m[i] = new int[row.size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = row.get(j).getAsInt();
            }
        }
        return m;
    }

    /** Mean over seeds of plus minus the mean over seeds of minus, per image. */
    private static double[] perImage(double[][] plus, double[][] minus) {
        double[] v = new double[plus[0].length];
        for (double[] seed : plus) {
            for (int i = 0; i < v.length; i++) {
                v[i] += seed[i] / plus.length;
            }
        }
        for (double[] seed : minus) {
            for (int i = 0; i < v.length; i++) {
                v[i] -= seed[i] / minus.length;
            }
        }
        return v;
    }

    @Test
    void intervals_numpyResamples_matchNumpy() {
        int cases = 0;
        for (JsonElement e : golden.getAsJsonArray("bootstrap")) {
            JsonObject c = e.getAsJsonObject();
            String name = c.get("name").getAsString();
            double[][] baseline = matrix(c.getAsJsonArray("baseline"));
            double[][] model = matrix(c.getAsJsonArray("model"));
            int[][] resamples = indices(c.getAsJsonArray("resamples"));
            Iterator<int[]> source = List.of(resamples).iterator();
            List<Interval> intervals =
                    PairedBootstrap.intervals(
                            List.of(perImage(model, baseline), perImage(model, new double[0][])),
                            source::next,
                            resamples.length,
                            c.get("level").getAsDouble());
            assertThat(source.hasNext()).isFalse();
            JsonArray diff = c.getAsJsonArray("difference_interval");
            JsonArray mean = c.getAsJsonArray("model_interval");
            assertThat(intervals.get(0).lower())
                    .as(name)
                    .isCloseTo(diff.get(0).getAsDouble(), within(1e-12));
            assertThat(intervals.get(0).upper())
                    .as(name)
                    .isCloseTo(diff.get(1).getAsDouble(), within(1e-12));
            assertThat(intervals.get(1).lower())
                    .as(name)
                    .isCloseTo(mean.get(0).getAsDouble(), within(1e-12));
            assertThat(intervals.get(1).upper())
                    .as(name)
                    .isCloseTo(mean.get(1).getAsDouble(), within(1e-12));
            double point = 0;
            for (double v : perImage(model, baseline)) {
                point += v;
            }
            assertThat(point / baseline[0].length)
                    .as(name)
                    .isCloseTo(c.get("difference").getAsDouble(), within(1e-12));
            cases++;
        }
        assertThat(cases).isEqualTo(3);
    }

    @Test
    void resampler_sameSeed_sameResamples() {
        PairedBootstrap.Resampler a = new PairedBootstrap.Resampler(50, 11);
        PairedBootstrap.Resampler b = new PairedBootstrap.Resampler(50, 11);
        PairedBootstrap.Resampler other = new PairedBootstrap.Resampler(50, 12);
        boolean differs = false;
        for (int round = 0; round < 20; round++) {
            int[] x = a.get();
            assertThat(b.get()).isEqualTo(x);
            differs |= !java.util.Arrays.equals(other.get(), x);
            assertThat(java.util.Arrays.stream(x).boxed().toList())
                    .allSatisfy(i -> assertThat(i).isBetween(0, 49));
        }
        assertThat(differs).isTrue();
    }

    @Test
    void resampler_drawsEveryPositionAboutEquallyOften() {
        PairedBootstrap.Resampler resampler = new PairedBootstrap.Resampler(10, 3);
        int[] counts = new int[10];
        for (int round = 0; round < 2000; round++) {
            for (int i : resampler.get()) {
                counts[i]++;
            }
        }
        // 20,000 draws, 2,000 expected per position; the standard deviation is about 42.
        assertThat(java.util.Arrays.stream(counts).boxed().toList())
                .allSatisfy(n -> assertThat(n).isBetween(1800, 2200));
    }

    @Test
    void intervals_sameSeed_sameIntervals() {
        double[] values = new double[40];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i * 7) % 3 == 0 ? 1 : 0;
        }
        List<Interval> a = new PairedBootstrap(1000, 5, 0.95).intervals(List.of(values));
        List<Interval> b = new PairedBootstrap(1000, 5, 0.95).intervals(List.of(values));
        List<Interval> c = new PairedBootstrap(1000, 6, 0.95).intervals(List.of(values));
        assertThat(a).isEqualTo(b);
        assertThat(c).isNotEqualTo(a);
        // The interval holds the mean, and a 0/1 mean stays in [0, 1].
        double mean = java.util.Arrays.stream(values).average().orElseThrow();
        assertThat(a.get(0).lower()).isLessThan(mean).isGreaterThanOrEqualTo(0);
        assertThat(a.get(0).upper()).isGreaterThan(mean).isLessThanOrEqualTo(1);
    }

    @Test
    void intervals_sharedResample_pairsTheVectors() {
        // Two identical vectors and their difference: the same resample for both gives a
        // difference of exactly 0 in every round, so the interval is [0, 0].
        double[] x = new double[30];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 4;
        }
        double[] zero = new double[30];
        List<double[]> vectors = new ArrayList<>(List.of(x, x, zero));
        List<Interval> intervals = PairedBootstrap.defaults().intervals(vectors);
        assertThat(intervals.get(0)).isEqualTo(intervals.get(1));
        assertThat(intervals.get(2)).isEqualTo(new Interval(0, 0));
    }

    @Test
    void pairedBootstrap_badArguments() {
        assertThatThrownBy(() -> new PairedBootstrap(10, 1, 0.95))
                .hasMessage("bootstrap rounds must be >= 100, was 10");
        assertThatThrownBy(() -> new PairedBootstrap(1000, 1, 1.0))
                .hasMessage("confidence level must be in (0, 1), was 1.0");
        assertThatThrownBy(
                        () ->
                                PairedBootstrap.defaults()
                                        .intervals(List.of(new double[3], new double[4])))
                .hasMessage("every per-image vector must cover the same images: 3 and 4 values");
    }
}
