package io.distill4j.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** A malformed or wrong fixture fails its own test with the file and the problem named. */
final class GoldenFixtureTest {

    @TempDir Path dir;

    private static JsonObject bundled(String name) throws Exception {
        Path file =
                GoldenLossTest.bundled().stream()
                        .filter(p -> p.getFileName().toString().equals(name))
                        .findFirst()
                        .orElseThrow();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(r).getAsJsonObject();
        }
    }

    private Path write(String name, JsonObject fixture) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, fixture.toString(), StandardCharsets.UTF_8);
        return file;
    }

    private Path mutated(String source, Consumer<JsonObject> change) throws Exception {
        JsonObject fixture = bundled(source);
        change.accept(fixture);
        return write("case.json", fixture);
    }

    private static void assertFails(Path file, String... fragments) {
        assertThatThrownBy(() -> GoldenFixture.read(file).check(DataType.FLOAT64))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContainingAll(fragments);
    }

    @Test
    void check_validFixture_passesInBothPrecisions() throws Exception {
        Path file = write("ok.json", bundled("kd_t4_alpha0.7.json"));
        GoldenFixture fixture = GoldenFixture.read(file);
        assertThat(fixture.check(DataType.FLOAT64).lossError()).isLessThan(1e-7);
        assertThat(fixture.check(DataType.FLOAT32).lossError()).isLessThan(1e-5);
    }

    @Test
    void read_missingKey_namesIt() throws Exception {
        assertFails(mutated("kd_t1_alpha0.5.json", f -> f.remove("expected")), ": missing key 'expected'");
        assertFails(
                mutated(
                        "kd_t1_alpha0.5.json",
                        f -> f.getAsJsonObject("expected").remove("grad")),
                ": missing key 'expected.grad'");
    }

    @Test
    void read_unknownKeyOrInput_namesIt() throws Exception {
        assertFails(
                mutated("kd_t1_alpha0.5.json", f -> f.addProperty("expcted", 1)),
                "unknown key 'expcted'");
        assertFails(
                mutated(
                        "kd_t1_alpha0.5.json",
                        f -> f.getAsJsonObject("inputs").add("student_logit", new JsonArray())),
                "unknown input 'student_logit'");
    }

    @Test
    void check_unknownLoss_listsKnownOnes() throws Exception {
        assertFails(
                mutated("kd_t1_alpha0.5.json", f -> f.addProperty("loss", "kl")),
                "unknown loss 'kl'; known: [cross-entropy, hint, kd, kd-regression, l1, task,"
                        + " triplet, weighted-sum]");
    }

    @Test
    void check_unknownOptionValue_namesParameterAndValue() throws Exception {
        assertFails(
                mutated(
                        "triplet_euclidean_raw_student_hardest.json",
                        f -> f.getAsJsonObject("params").addProperty("distance", "manhattan")),
                "distance must be one of [squared-euclidean, euclidean, cosine], was 'manhattan'");
        assertFails(
                mutated(
                        "triplet_euclidean_raw_student_hardest.json",
                        f -> f.getAsJsonObject("params").addProperty("minng", "all")),
                "unknown parameter 'minng' for triplet; accepted: [distance, margin, mining,"
                        + " negative_threshold, negatives, normalize]");
    }

    @Test
    void check_badParameterValue_namesIt() throws Exception {
        assertFails(
                mutated(
                        "kd_t1_alpha0.5.json",
                        f -> f.getAsJsonObject("params").addProperty("temperature", -1)),
                "temperature must be finite and > 0, was -1.0");
        assertFails(
                mutated(
                        "kd_t1_alpha0.5.json",
                        f -> f.getAsJsonObject("params").addProperty("alpha", 1.5)),
                "alpha must be in [0, 1], was 1.5");
        assertFails(
                mutated(
                        "triplet_cosine_raw_both_all.json",
                        f -> f.getAsJsonObject("params").addProperty("margin", -0.5)),
                "margin must be finite and > 0, was -0.5");
    }

    @Test
    void check_mismatchedShapes_namesBothShapes() throws Exception {
        Path file =
                mutated(
                        "kd_t1_alpha0.5.json",
                        f -> {
                            JsonArray rows = f.getAsJsonObject("inputs").getAsJsonArray("teacher_logits");
                            for (int i = 0; i < rows.size(); i++) {
                                rows.get(i).getAsJsonArray().add(0.5);
                            }
                        });
        assertFails(file, "student logits (7) and teacher logits (8) must have the same shape");
        assertFails(
                mutated(
                        "kd_t1_alpha0.5.json",
                        f -> f.getAsJsonObject("inputs").getAsJsonArray("labels").remove(0)),
                "inputs student_logits (batch 8) and labels (batch 7) must have the same batch"
                        + " size");
        assertFails(
                mutated(
                        "kd_t1_alpha0.5.json",
                        f ->
                                f.getAsJsonObject("inputs")
                                        .getAsJsonArray("student_logits")
                                        .get(2)
                                        .getAsJsonArray()
                                        .remove(0)),
                "inputs.student_logits is ragged: expected 7 values on axis 1 of shape (8, 7)");
    }

    @Test
    void check_missingOrExtraInputAndGradient_failsClearly() throws Exception {
        assertFails(
                mutated("kd_t1_alpha0.5.json", f -> f.getAsJsonObject("inputs").remove("teacher_logits")),
                "missing input 'teacher_logits', needed by kd");
        assertFails(
                mutated(
                        "kd_t1_alpha0.5.json",
                        f -> f.getAsJsonObject("expected").getAsJsonObject("grad").remove("student_logits")),
                "expected.grad must hold the gradient of every student input [student_logits],"
                        + " found []");
    }

    @Test
    void check_wrongLossOrGradient_reportsTheError() throws Exception {
        assertFails(
                mutated(
                        "triplet_squared-euclidean_raw_both_semi-hard.json",
                        f -> {
                            JsonObject e = f.getAsJsonObject("expected");
                            e.addProperty("loss", e.get("loss").getAsDouble() * 1.001);
                        }),
                "(float64, triplet): loss ",
                "differs from PyTorch's");
        assertFails(
                mutated(
                        "hint_vector_features.json",
                        f -> {
                            JsonArray row =
                                    f.getAsJsonObject("expected")
                                            .getAsJsonObject("grad")
                                            .getAsJsonArray("student_features")
                                            .get(0)
                                            .getAsJsonArray();
                            row.set(0, new com.google.gson.JsonPrimitive(row.get(0).getAsDouble() + 0.1));
                        }),
                "gradient of student_features differs from PyTorch's by a relative L2 error");
    }

    @Test
    void check_notJson_namesTheFile() throws Exception {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{\"loss\": \"kd\",", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> GoldenFixture.read(file))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith(file + ": cannot read the JSON");
    }

    @Test
    void golden_extraDirectory_addsOneTestPerFileAndReportsFailures() throws Throwable {
        write("extra_ok.json", bundled("kd_t4_alpha1.json"));
        JsonObject bad = bundled("kd_t4_alpha1.json");
        bad.addProperty("loss", "nope");
        write("extra_bad.json", bad);
        String old = System.getProperty(GoldenLossTest.DIR_PROPERTY);
        try {
            System.setProperty(GoldenLossTest.DIR_PROPERTY, dir.toString());
            List<DynamicTest> tests = new GoldenLossTest().golden().collect(Collectors.toList());
            List<String> names = tests.stream().map(DynamicTest::getDisplayName).toList();
            assertThat(names).contains("extra_ok.json", "extra_bad.json", "kd_t4_alpha1.json");
            assertThat(names).hasSize(GoldenLossTest.bundled().size() + 2);
            Executable ok = find(tests, "extra_ok.json");
            ok.execute();
            assertThatThrownBy(find(tests, "extra_bad.json")::execute)
                    .hasMessageContaining("extra_bad.json: unknown loss 'nope'");

            System.setProperty(GoldenLossTest.DIR_PROPERTY, dir.resolve("absent").toString());
            List<DynamicTest> missing = new GoldenLossTest().golden().collect(Collectors.toList());
            assertThatThrownBy(find(missing, GoldenLossTest.DIR_PROPERTY)::execute)
                    .hasMessageEndingWith("absent is not a directory");
        } finally {
            if (old == null) {
                System.clearProperty(GoldenLossTest.DIR_PROPERTY);
            } else {
                System.setProperty(GoldenLossTest.DIR_PROPERTY, old);
            }
        }
    }

    private static Executable find(List<DynamicTest> tests, String name) {
        return tests.stream()
                .filter(t -> t.getDisplayName().equals(name))
                .findFirst()
                .orElseThrow()
                .getExecutable();
    }
}
