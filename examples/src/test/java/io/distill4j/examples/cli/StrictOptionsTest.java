package io.distill4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.distill4j.data.synthetic.FerPlusWriter;
import io.distill4j.data.synthetic.UtkFaceWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Options and data that are wrong say so: exit status 2 and one line naming the option (or file
 * and line) and the accepted values, or the conflict. Every case here fails before training.
 */
final class StrictOptionsTest {

    @TempDir Path dir;

    /** Runs a command and checks it ended with status 2 and exactly this one line. */
    private static void refused(String expected, String... args) {
        Cli cli = Cli.run(args);
        assertThat(cli.status).as(cli.err).isEqualTo(2);
        assertThat(cli.err.lines().toList()).containsExactly("distill: " + expected);
    }

    @Test
    void param_misspelledKeyOfARunStrategy_listsThatStrategysKeys() {
        refused(
                "unknown --param key 'triplet.margn'; triplet accepts: [distance, margin, mining,"
                        + " negative_threshold, negatives, normalize]",
                "compare", "--param", "triplet.margn=0.3");
    }

    @Test
    void param_unknownPlainKey_listsEveryKeyTheStrategiesAccept() {
        refused(
                "unknown --param key 'margn' for the strategies being run (finetune, kd, triplet,"
                        + " kd+triplet, fusion); accepted: [alpha, distance, margin, mining,"
                        + " negative_threshold, negatives, norm, normalize, temperature], or"
                        + " <component>.<key> with a component among [kd, triplet]",
                "compare", "--param", "margn=0.3");
    }

    @Test
    void param_keyOfAStrategyNotRun_isRefused() {
        refused(
                "unknown --param key 'hint.adapter' for the strategies being run (finetune, kd);"
                        + " accepted: [alpha, norm, temperature], or <component>.<key> with a"
                        + " component among [kd]",
                "compare", "--strategies", "finetune,kd", "--param", "hint.adapter=none");
    }

    @Test
    void namedStrategyOption_noStrategyTakesIt_isRefused() {
        refused(
                "--temperature is a parameter of kd, and no strategy being run (finetune, triplet)"
                        + " has it",
                "compare", "--strategies", "finetune,triplet", "--temperature", "2");
        refused(
                "--alpha is a parameter of kd or kd-regression, and no strategy being run"
                        + " (triplet) has it",
                "distill", "--strategy", "triplet", "--alpha", "0.3");
    }

    @Test
    void weights_forAStrategyNotRun_namesTheCombinationsRun() {
        refused(
                "--weights for kd+hint, which is not among the strategies being run (finetune,"
                        + " kd+triplet); weights apply to the combinations being run: kd+triplet",
                "compare", "--strategies", "finetune,kd+triplet", "--weights", "kd+hint=1,0.5");
        refused(
                "--weights for kd, which is not a combination of losses; weights apply to the"
                        + " combinations being run: triplet",
                "compare", "--strategies", "kd,triplet,finetune", "--weights", "kd=1");
    }

    @Test
    void strategies_repeatedOrGivenTwice_areRefused() {
        refused(
                "--strategies lists finetune twice (finetune,kd,finetune); give each strategy once",
                "compare", "--strategies", "finetune,kd,finetune");
        refused(
                "--strategies was given 2 times; give it once, with every strategy in one"
                        + " comma-separated list",
                "compare", "--strategies", "finetune,kd", "--strategies", "triplet");
    }

    @Test
    void optionGivenTwice_isRefused() {
        refused(
                "option '--epochs' (<epochs>) should be specified only once (see: distill compare"
                        + " --help)",
                "compare", "--epochs", "1", "--epochs", "2");
    }

    @Test
    void scheduleAndOptimizerOptions_thatTheChoiceIgnores_areRefused() {
        refused(
                "--warmup is only used by --schedule one-cycle, but the schedule is cosine",
                "compare", "--warmup", "0.2");
        refused(
                "--warmup is only used by --schedule one-cycle, but the schedule is step",
                "compare", "--schedule", "step", "--warmup", "0.2");
        refused(
                "--step-epochs is only used by --schedule step, but the schedule is one-cycle",
                "compare", "--schedule", "one-cycle", "--step-epochs", "3");
        refused(
                "--gamma is only used by --schedule step, but the schedule is constant",
                "distill", "--schedule", "constant", "--gamma", "0.5");
        refused(
                "--momentum is only used by --optimizer sgd, but the optimizer is adam",
                "compare", "--momentum", "0.8");
        refused(
                "--nesterov is only used by --optimizer sgd, but the optimizer is adamw",
                "compare", "--optimizer", "adamw", "--nesterov");
        refused(
                "--crop-padding is only used when --augment includes crop, but it is flip",
                "compare", "--crop-padding", "2");
    }

    @Test
    void teacherOptions_withALoadedTeacher_orStudentOptionsInTrainTeacher_areRefused() {
        refused(
                "--teacher-epochs is not used with --teacher: the teacher is loaded, not trained",
                "compare", "--teacher", "t.json", "--teacher-epochs", "3");
        refused(
                "--model is not used with --teacher: the students take the loaded teacher's"
                        + " architecture",
                "distill", "--teacher", "t.json", "--model", "resnet18");
        refused(
                "--epochs is not used by train-teacher, which trains only the teacher: use"
                        + " --teacher-epochs",
                "train-teacher", "--epochs", "5");
        refused(
                "--margin is not used by train-teacher, which trains only the teacher",
                "train-teacher", "--margin", "0.3");
        refused(
                "--lr is not used by train-teacher when --teacher-lr is given",
                "train-teacher", "--lr", "0.01", "--teacher-lr", "0.02");
    }

    @Test
    void dataOptions_thatTheDataSetIgnores_areRefused() throws Exception {
        FerPlusWriter.builder().setDirectory(dir).optSizes(20, 4, 4).write();
        String root = dir.toString();
        refused(
                "--label-mode is only used by --dataset ferplus, but the data set is synthetic",
                "stats", "--label-mode", "probability");
        refused(
                "--synthetic-size is only used by --dataset synthetic, but the data set is"
                        + " ferplus",
                "stats", "--dataset", "ferplus", "--root", root, "--synthetic-size", "10");
        refused(
                "--data-seed is not used by --dataset ferplus, whose splits are fixed (Training,"
                        + " PublicTest, PrivateTest)",
                "compare", "--dataset", "ferplus", "--root", root, "--data-seed", "7");
        refused(
                "--split-file is only used by --dataset utkface, but the data set is ferplus",
                "show", "--dataset", "ferplus", "--root", root, "--split-file", "s.csv");
        refused(
                "--root is not used by --dataset synthetic, whose faces are generated in memory",
                "compare", "--root", root);
        refused(
                "--occlusion is not used by stats, which counts the faces as loaded; see them"
                        + " occluded with show",
                "stats", "--occlusion", "vr-headset");
    }

    @Test
    void configFile_ignoredOption_isRefusedNamingTheFile() throws Exception {
        Path config =
                Files.writeString(
                        dir.resolve("c.json"),
                        "{\"schedule\": \"cosine\", \"warmup\": 0.2}",
                        StandardCharsets.UTF_8);
        refused(
                "--warmup is only used by --schedule one-cycle, but the schedule is cosine (set in"
                        + " --config "
                        + config
                        + ")",
                "compare", "--config", config.toString());
    }

    @Test
    void badRecord_exitsTwoWithFileAndLine() throws Exception {
        FerPlusWriter.builder().setDirectory(dir).optSizes(20, 4, 4).write();
        Path images = dir.resolve("fer2013.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(images));
        // Line 3: drop the last pixel value.
        String row = lines.get(2);
        int comma = row.lastIndexOf(',');
        String pixels = row.substring(0, comma);
        lines.set(2, pixels.substring(0, pixels.lastIndexOf(' ')) + row.substring(comma));
        Files.write(images, lines);
        refused(
                images + " line 3: expected 2304 pixel values, found 2303",
                "compare", "--dataset", "ferplus", "--root", dir.toString());
    }

    @Test
    void truncatedImage_exitsTwoNamingIt_orIsSkippedAndCounted() throws Exception {
        Path root = dir.resolve("utk");
        List<Path> files =
                UtkFaceWriter.builder().setDirectory(root).optCount(60).optSeed(2).optImageSize(48).write();
        Path cut = files.get(9);
        byte[] bytes = Files.readAllBytes(cut);
        int scan = 0;
        while (!(bytes[scan] == (byte) 0xFF && bytes[scan + 1] == (byte) 0xDA)) {
            scan++;
        }
        Files.write(cut, Arrays.copyOf(bytes, (scan + bytes.length) / 2));
        String damaged =
                cut
                        + ": truncated or damaged image, refused rather than read with blank parts"
                        + " (the decoder said: Truncated File - Missing EOI marker; Corrupt JPEG"
                        + " data: premature end of data segment)";
        List<String> run =
                List.of(
                        "compare", "--dataset", "utkface", "--root", root.toString(),
                        "--task", "gender", "--image-size", "48", "--strategies", "finetune",
                        "--model-option", "widths=8,16", "--teacher-epochs", "1", "--epochs", "1",
                        "--batch-size", "16", "--out", dir.resolve("out").toString());
        // The image is found bad when training first reads it, not as a grey-bottomed face.
        refused(damaged, run.toArray(new String[0]));

        List<String> skip = new ArrayList<>(run);
        skip.set(skip.indexOf("--out") + 1, dir.resolve("skip").toString());
        skip.addAll(List.of("--on-bad-record", "skip", "--split-file", dir.resolve("s.csv").toString()));
        Cli skipped = Cli.run(skip.toArray(new String[0]));
        assertThat(skipped.status).as(skipped.err).isZero();
        assertThat(skipped.err.lines().toList())
                .contains(
                        "data: skipped 1 bad record(s) or image(s) (--on-bad-record skip; distill"
                                + " stats lists them); first: "
                                + damaged);
    }
}
