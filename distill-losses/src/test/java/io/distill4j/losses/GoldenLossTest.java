package io.distill4j.losses;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks every strategy against PyTorch: one dynamic test per JSON fixture, named after the file,
 * from the class-path folder {@code golden/} (written by {@code tools/golden/make_golden.py}) and
 * from the folder named by the system property {@value #DIR_PROPERTY}, when it is set.
 *
 * <p>Each fixture is computed twice with DJL's PyTorch engine, in float64 and in float32, and each
 * time the loss must be within a relative error of {@value GoldenFixture#LOSS_TOLERANCE} of
 * PyTorch's float64 value and each gradient within a relative L2 error of {@value
 * GoldenFixture#GRAD_TOLERANCE}.
 *
 * <pre>
 * mvn -pl distill-losses -am test -Dtest=GoldenLossTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Ddistill.golden.dir=/path/to/fixtures
 * </pre>
 */
final class GoldenLossTest {

    /** The system property naming an extra folder of fixtures. */
    static final String DIR_PROPERTY = "distill.golden.dir";

    @TestFactory
    Stream<DynamicTest> golden() throws IOException, URISyntaxException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : bundled()) {
            tests.add(test(file));
        }
        String extra = System.getProperty(DIR_PROPERTY, "").trim();
        if (!extra.isEmpty()) {
            Path dir = Path.of(extra);
            if (!Files.isDirectory(dir)) {
                tests.add(
                        DynamicTest.dynamicTest(
                                DIR_PROPERTY,
                                () -> {
                                    throw new AssertionError(
                                            DIR_PROPERTY + "=" + extra + " is not a directory");
                                }));
            } else {
                List<Path> files = jsonFiles(dir);
                if (files.isEmpty()) {
                    tests.add(
                            DynamicTest.dynamicTest(
                                    DIR_PROPERTY,
                                    () -> {
                                        throw new AssertionError(
                                                DIR_PROPERTY + "=" + extra + " holds no *.json");
                                    }));
                }
                for (Path file : files) {
                    tests.add(test(file));
                }
            }
        }
        return tests.stream();
    }

    @Test
    void bundledFixtures_coverEveryLossAndOption() throws IOException, URISyntaxException {
        List<Path> files = bundled();
        Set<String> names =
                files.stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        Set<String> losses = new TreeSet<>();
        for (Path file : files) {
            losses.add(GoldenFixture.read(file).loss());
        }
        assertThat(losses).containsExactly("hint", "kd", "kd-regression", "triplet", "weighted-sum");
        // Every combination of the triplet options, plus the special cases of the issue.
        for (String distance : List.of("squared-euclidean", "euclidean", "cosine")) {
            for (String normalize : List.of("raw", "normalized")) {
                for (String negatives : List.of("student", "teacher", "both")) {
                    for (String mining : List.of("hardest", "semi-hard", "all")) {
                        assertThat(names)
                                .contains(
                                        String.join(
                                                        "_",
                                                        "triplet",
                                                        distance,
                                                        normalize,
                                                        negatives,
                                                        mining)
                                                + ".json");
                    }
                }
            }
        }
        assertThat(names)
                .contains(
                        "triplet_no_negatives.json",
                        "kd_t1_alpha0.5.json",
                        "kd_t20_alpha0.5.json",
                        "kd_t2.5_alpha0.json",
                        "kd_t4_alpha1.json",
                        "kd_large_logits_t1.json",
                        "kd_soft_labels_t3.json",
                        "kd_regression_l1_alpha0.5.json",
                        "kd_regression_l2_alpha0.5.json");
    }

    private static DynamicTest test(Path file) {
        return DynamicTest.dynamicTest(
                file.getFileName().toString(),
                file.toUri(),
                () -> {
                    GoldenFixture fixture = GoldenFixture.read(file);
                    fixture.check(DataType.FLOAT64);
                    fixture.check(DataType.FLOAT32);
                });
    }

    static List<Path> bundled() throws IOException, URISyntaxException {
        URL url = GoldenLossTest.class.getClassLoader().getResource("golden");
        if (url == null) {
            throw new AssertionError("the class-path folder golden/ is missing");
        }
        return jsonFiles(Path.of(url.toURI()));
    }

    private static List<Path> jsonFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .collect(Collectors.toList());
        }
    }
}
