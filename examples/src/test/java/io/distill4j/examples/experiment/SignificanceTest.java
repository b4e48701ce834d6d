package io.distill4j.examples.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.distill4j.core.EvaluationResult;
import io.distill4j.core.Task;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

final class SignificanceTest {

    private static JsonObject golden;

    @BeforeAll
    static void load() throws Exception {
        try (Reader reader =
                new InputStreamReader(
                        Objects.requireNonNull(
                                SignificanceTest.class.getResourceAsStream(
                                        "/golden/significance.json")),
                        StandardCharsets.UTF_8)) {
            golden = JsonParser.parseReader(reader).getAsJsonObject();
        }
    }

    private static double[] doubles(JsonArray array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).getAsDouble();
        }
        return values;
    }

    private static boolean[] booleans(JsonArray array) {
        boolean[] values = new boolean[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).getAsBoolean();
        }
        return values;
    }

    @Test
    void mcnemarExact_handComputedCase() {
        // b = 2, c = 8: p = 2 * P(X <= 2), X ~ Binomial(10, 1/2) = 2 * (1 + 10 + 45) / 1024.
        boolean[] baseline = new boolean[30];
        boolean[] model = new boolean[30];
        for (int i = 0; i < 20; i++) {
            baseline[i] = true;
            model[i] = i < 18;
        }
        for (int i = 20; i < 30; i++) {
            model[i] = i < 28;
        }
        Significance.McNemar result = Significance.mcnemarExact(baseline, model);
        assertThat(result.baselineOnly()).isEqualTo(2);
        assertThat(result.modelOnly()).isEqualTo(8);
        assertThat(result.pValue()).isCloseTo(112.0 / 1024, within(1e-15));
    }

    @Test
    void mcnemarExact_matchesScipy() {
        for (JsonElement e : golden.getAsJsonArray("mcnemar")) {
            JsonObject c = e.getAsJsonObject();
            Significance.McNemar result =
                    Significance.mcnemarExact(
                            booleans(c.getAsJsonArray("baseline")),
                            booleans(c.getAsJsonArray("model")));
            assertThat(result.baselineOnly()).isEqualTo(c.get("b").getAsInt());
            assertThat(result.modelOnly()).isEqualTo(c.get("c").getAsInt());
            double expected = c.get("pvalue").getAsDouble();
            assertThat(result.pValue()).as(c.get("name").getAsString()).isCloseTo(expected, within(expected * 1e-9));
        }
    }

    @Test
    void wilcoxonSignedRank_matchesScipy() {
        int cases = 0;
        for (JsonElement e : golden.getAsJsonArray("wilcoxon")) {
            JsonObject c = e.getAsJsonObject();
            Significance.Wilcoxon result =
                    Significance.wilcoxonSignedRank(
                            doubles(c.getAsJsonArray("baseline")), doubles(c.getAsJsonArray("model")));
            double expected = c.get("pvalue").getAsDouble();
            assertThat(result.exact()).isEqualTo(c.get("mode").getAsString().equals("exact"));
            assertThat(result.pValue())
                    .as(c.get("name").getAsString())
                    .isCloseTo(expected, within(expected * 1e-7));
            cases++;
        }
        assertThat(cases).isEqualTo(3);
    }

    @Test
    void pairedTTest_matchesScipy() {
        int cases = 0;
        for (JsonElement e : golden.getAsJsonArray("ttest")) {
            JsonObject c = e.getAsJsonObject();
            String name = c.get("name").getAsString();
            Significance.TTest result =
                    Significance.pairedTTest(
                            doubles(c.getAsJsonArray("baseline")), doubles(c.getAsJsonArray("model")));
            assertThat(result.degreesOfFreedom()).as(name).isEqualTo(c.get("df").getAsInt());
            if (c.get("pvalue").isJsonNull()) {
                assertThat(result.pValue()).as(name).isNaN();
                assertThat(result.statistic()).as(name).isNaN();
            } else {
                double expected = c.get("pvalue").getAsDouble();
                assertThat(result.pValue()).as(name).isCloseTo(expected, within(expected * 1e-9));
                double t = c.get("statistic").getAsDouble();
                if (Double.isInfinite(t)) {
                    assertThat(result.statistic()).as(name).isEqualTo(t);
                } else {
                    assertThat(result.statistic()).as(name).isCloseTo(t, within(Math.abs(t) * 1e-9));
                }
            }
            cases++;
        }
        assertThat(cases).isEqualTo(6);
    }

    @Test
    void pairedTTest_onePair_isRefused() {
        assertThatThrownBy(() -> Significance.pairedTTest(new double[] {1}, new double[] {2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a paired t-test needs at least 2 pairs, was 1");
    }

    @Test
    void holm_matchesTheIndependentReference() {
        int cases = 0;
        for (JsonElement e : golden.getAsJsonArray("holm")) {
            JsonObject c = e.getAsJsonObject();
            double[] adjusted = Significance.holm(doubles(c.getAsJsonArray("pvalues")));
            double[] expected = doubles(c.getAsJsonArray("adjusted"));
            assertThat(adjusted).as(c.get("name").getAsString()).containsExactly(expected, within(1e-15));
            cases++;
        }
        assertThat(cases).isEqualTo(4);
    }

    @Test
    void holm_nanStaysOutOfTheFamily() {
        // m = 2 without the NaN: 0.01 -> 0.02, 0.04 -> max(0.02, 0.04).
        assertThat(Significance.holm(new double[] {0.04, Double.NaN, 0.01}))
                .containsExactly(0.04, Double.NaN, 0.02);
    }

    @Test
    void mcnemarExact_tinyPValue_keepsItsValue() {
        // b = 1, c = 200: p = 2 * (1 + 201) / 2^201, about 1.3e-58; 1 - CDF would give 0.
        boolean[] baseline = new boolean[201];
        boolean[] model = new boolean[201];
        baseline[0] = true;
        for (int i = 1; i < 201; i++) {
            model[i] = true;
        }
        double expected = 2 * 202 * Math.pow(2, -201);
        assertThat(Significance.mcnemarExact(baseline, model).pValue())
                .isCloseTo(expected, within(expected * 1e-9));
    }

    @Test
    void mcnemarExact_noDiscordantImage_isOne() {
        boolean[] same = {true, false, true};
        assertThat(Significance.mcnemarExact(same, same).pValue()).isEqualTo(1.0);
    }

    @Test
    void alignTo_reordersByIndex() {
        Task task = Task.classification(2);
        EvaluationResult baseline =
                new EvaluationResult(task, new long[] {4, 7, 9}, new float[] {0, 1, 1}, new float[] {0, 0, 1});
        EvaluationResult model =
                new EvaluationResult(task, new long[] {9, 4, 7}, new float[] {1, 0, 1}, new float[] {0, 1, 1});
        EvaluationResult aligned = Significance.alignTo(baseline, model);
        assertThat(aligned.indices()).containsExactly(4, 7, 9);
        assertThat(aligned.predictions()).containsExactly(1, 1, 0);
        EvaluationResult other =
                new EvaluationResult(task, new long[] {9, 4, 8}, new float[] {1, 0, 1}, new float[] {0, 1, 1});
        assertThatThrownBy(() -> Significance.alignTo(baseline, other))
                .hasMessage("paired tests need the same test images: image 7 is missing");
    }
}
