package io.distill4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distill report} over real {@code compare} folders: two seeds run apart with the same
 * teacher merge; folders that differ in data, teacher or protocol are refused in one line.
 */
final class ReportCommandTest {

    @TempDir static Path dir;

    private static Path first;
    private static Path second;

    /**
     * Tiny compare runs: synthetic faces, a small network (or the loaded teacher's), one epoch;
     * {@code extra} options replace the defaults (options may be given once).
     */
    private static Cli compare(Path out, String... extra) {
        List<String> given = List.of(extra);
        List<String> args = new ArrayList<>(List.of("compare", "--out", out.toString()));
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("--dataset", "synthetic");
        defaults.put("--synthetic-size", "120");
        defaults.put("--epochs", "1");
        defaults.put("--batch-size", "32");
        defaults.put("--strategies", "finetune,kd");
        if (!given.contains("--teacher")) {
            // A loaded teacher brings its architecture; these options would be refused.
            defaults.put("--model-option", "widths=8,16");
            defaults.put("--teacher-epochs", "1");
        }
        defaults.forEach(
                (option, value) -> {
                    if (!given.contains(option)) {
                        args.add(option);
                        args.add(value);
                    }
                });
        args.addAll(given);
        return Cli.run(args.toArray(new String[0]));
    }

    @BeforeAll
    static void runTwoSeeds() {
        first = dir.resolve("seed1");
        Cli a = compare(first, "--seed", "1");
        assertThat(a.status).as(a.err).isZero();
        second = dir.resolve("seed2");
        Cli b =
                compare(
                        second,
                        "--seed",
                        "2",
                        "--teacher",
                        first.resolve("teacher/best.json").toString());
        assertThat(b.status).as(b.err).isZero();
    }

    private static Cli report(Path out, Path... folders) {
        List<String> args =
                new ArrayList<>(
                        List.of("report", "--out", out.toString(), "--bootstrap-rounds", "1000"));
        for (Path f : folders) {
            args.add(f.toString());
        }
        return Cli.run(args.toArray(new String[0]));
    }

    private static Path copy(Path from, String name) throws Exception {
        Path to = dir.resolve(name);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().endsWith(".params")) {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }

    private static void edit(Path file, String from, String to) throws Exception {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to), StandardCharsets.UTF_8);
    }

    @Test
    void report_twoSeedsRunApart_mergesThem() throws Exception {
        Path out = dir.resolve("merged");
        Cli cli = report(out, first, second);
        assertThat(cli.status).as(cli.err).isZero();
        String table = Files.readString(out.resolve("results.md"), StandardCharsets.UTF_8);
        String kd = table.lines().filter(l -> l.startsWith("| kd |")).findFirst().orElseThrow();
        String seed1 = Files.readString(first.resolve("results.md"), StandardCharsets.UTF_8);
        String seed2 = Files.readString(second.resolve("results.md"), StandardCharsets.UTF_8);
        // The per-seed accuracies of each folder, side by side, with one test per seed.
        assertThat(kd)
                .contains("1: " + perSeed(seed1, "| kd |", 1))
                .contains("2: " + perSeed(seed2, "| kd |", 2));
        assertThat(table)
                .contains("- seeds: 1..2")
                .contains("- merged from: " + first + ", " + second)
                .contains("paired bootstrap over the 12 test images (1,000 rounds, seed 1)")
                // The teacher rows are taken once, from the first folder.
                .contains("| teacher (clean) |");
        assertThat(
                        table.lines()
                                .filter(l -> l.startsWith("| teacher (clean) |"))
                                .findFirst()
                                .orElseThrow())
                .doesNotContain("±");
        for (String file :
                List.of(
                        "results.json",
                        "config.json",
                        "metric.png",
                        "difference.png",
                        "teacher.png",
                        "confusion-kd.png",
                        "validation-curves.png",
                        "predictions/kd-seed2.csv",
                        "runs/kd-seed2/result.json")) {
            assertThat(out.resolve(file)).as(file).exists();
        }
        // Training curves come along: 2 models x 2 seeds x 1 epoch.
        assertThat(Files.readAllLines(out.resolve("curves.csv"))).hasSize(1 + 4);
        JsonObject config =
                JsonParser.parseString(Files.readString(out.resolve("config.json")))
                        .getAsJsonObject();
        assertThat(config.get("command").getAsString()).isEqualTo("report");
        assertThat(config.has("seed")).isFalse();

        // A merged folder merges again, and merging a folder with itself in parts keeps runs once.
        Cli again = report(dir.resolve("merged-again"), out, second);
        assertThat(again.status).as(again.err).isZero();
        assertThat(
                        Files.readString(dir.resolve("merged-again/results.md"))
                                .lines()
                                .filter(l -> l.startsWith("| kd |"))
                                .findFirst()
                                .orElseThrow())
                .isEqualTo(kd);
    }

    /** The accuracy of a row at a seed, from a results.md table. */
    private static String perSeed(String table, String row, int seed) {
        String line = table.lines().filter(l -> l.startsWith(row)).findFirst().orElseThrow();
        int at = line.indexOf(seed + ": ");
        return line.substring(at + 3, line.indexOf(' ', at + 3)).replace(",", "").replace("|", "");
    }

    @Test
    void report_otherProtocol_isRefused() {
        Path other = dir.resolve("epochs2");
        Cli run =
                compare(
                        other,
                        "--seed",
                        "2",
                        "--epochs",
                        "2",
                        "--teacher",
                        first.resolve("teacher/best.json").toString());
        assertThat(run.status).as(run.err).isZero();
        Cli cli = report(dir.resolve("r-protocol"), first, other);
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.lines().toList()).hasSize(1);
        assertThat(cli.err.trim())
                .isEqualTo(
                        "distill: cannot merge: "
                                + first
                                + " and "
                                + other
                                + " differ in their"
                                + " protocol: --epochs is '1' in the first and '2' in the second");
    }

    @Test
    void report_otherData_isRefused() {
        Path other = dir.resolve("data43");
        Cli run =
                compare(
                        other,
                        "--seed",
                        "2",
                        "--data-seed",
                        "43",
                        "--teacher",
                        first.resolve("teacher/best.json").toString());
        assertThat(run.status).as(run.err).isZero();
        Cli cli = report(dir.resolve("r-data"), first, other);
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.trim())
                .isEqualTo(
                        "distill: cannot merge: "
                                + first
                                + " and "
                                + other
                                + " differ in their"
                                + " data: 'seed' is '42' in the first and '43' in the second");
    }

    @Test
    void report_otherTeacher_isRefused() {
        // Seed 2 without --teacher trains a teacher of its own.
        Path other = dir.resolve("own-teacher");
        Cli run = compare(other, "--seed", "2");
        assertThat(run.status).as(run.err).isZero();
        Cli cli = report(dir.resolve("r-teacher"), first, other);
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.lines().toList()).hasSize(1);
        assertThat(cli.err)
                .startsWith(
                        "distill: cannot merge: "
                                + first
                                + " and "
                                + other
                                + " have different teachers (parameter SHA-256 ")
                .contains("train the teacher once and pass the same --teacher to every compare");
    }

    @Test
    void report_sameRunWithOtherPredictions_isRefused() throws Exception {
        Path other = copy(second, "tampered");
        Path file = other.resolve("predictions/kd-seed2.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        String[] f = lines.get(1).split(",");
        int prediction = (Integer.parseInt(f[2]) + 1) % 7;
        lines.set(
                1,
                f[0]
                        + ","
                        + f[1]
                        + ","
                        + prediction
                        + ","
                        + (f[1].equals(Integer.toString(prediction)) ? 1 : 0));
        Files.write(file, lines);
        Cli cli = report(dir.resolve("r-tampered"), second, other);
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.trim())
                .isEqualTo(
                        "distill: cannot merge: kd seed 2 is in "
                                + second
                                + " and in "
                                + other
                                + " with different predictions");
    }

    @Test
    void report_notACompareFolder_isRefused() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Cli cli = report(dir.resolve("r-empty"), first, empty);
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.trim())
                .isEqualTo(
                        "distill: "
                                + empty
                                + " has no config.json: give output folders of distill compare");

        Path old = copy(second, "old-format");
        edit(old.resolve("results.json"), "\"provenance\"", "\"was_provenance\"");
        Cli older = report(dir.resolve("r-old"), first, old);
        assertThat(older.status).isEqualTo(2);
        assertThat(older.err.trim())
                .isEqualTo(
                        "distill: "
                                + old.resolve("results.json")
                                + " has no provenance (written by an"
                                + " older distill): rerun the same compare there, it reuses every"
                                + " finished run and rewrites it");
    }

    @Test
    void report_badArguments_areRefused() {
        Cli twice = report(dir.resolve("r-twice"), first, first);
        assertThat(twice.status).isEqualTo(2);
        assertThat(twice.err.trim()).isEqualTo("distill: " + first + " is given twice");

        Cli into = report(first, first, second);
        assertThat(into.status).isEqualTo(2);
        assertThat(into.err.trim())
                .isEqualTo(
                        "distill: --out "
                                + first
                                + " is one of the folders to merge: write the report elsewhere");

        Cli none = Cli.run("report");
        assertThat(none.status).isEqualTo(2);
        assertThat(none.err.lines().toList()).hasSize(1);
    }
}
