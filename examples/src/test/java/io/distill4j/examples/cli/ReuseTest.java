package io.distill4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.distill4j.data.synthetic.FerPlusWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a rerun reuses: the teacher, finished runs and the disk cache of teacher outputs, only
 * when every input file and every option that changes the numbers is the same.
 */
final class ReuseTest {

    private static final Pattern CACHE =
            Pattern.compile(
                    "teacher cache: (\\d+) images computed once, (\\d+) served from the cache, 0"
                            + " uncachable \\(random crops\\); (.+) held (\\d+) records from"
                            + " earlier runs and holds (\\d+)");

    @TempDir Path dir;

    private static Cli compare(Path out, String... args) {
        List<String> all =
                new ArrayList<>(
                        List.of(
                                "compare",
                                "--model-option", "widths=8,16",
                                "--teacher-epochs", "1",
                                "--epochs", "2",
                                "--batch-size", "32",
                                "--out", out.toString()));
        all.addAll(List.of(args));
        Cli cli = Cli.run(all.toArray(new String[0]));
        assertThat(cli.status).as(cli.err).isZero();
        return cli;
    }

    @Test
    void compare_ferPlusImageFileChangedByOneByte_teacherAndRunsAreNotReused() throws Exception {
        Path root = dir.resolve("ferplus");
        FerPlusWriter.builder().setDirectory(root).optSizes(60, 12, 12).optSeed(5).write();
        Path out = dir.resolve("out");
        String[] args = {"--dataset", "ferplus", "--root", root.toString(), "--strategies", "finetune"};
        compare(out, args);
        assertThat(compare(out, args).err)
                .contains("teacher: reusing")
                .contains("fine-tuning (seed 1): reusing");

        // One pixel value of the last row of fer2013.csv (the file the key used to name only).
        Path images = root.resolve("fer2013.csv");
        String text = Files.readString(images);
        int digit = text.lastIndexOf(",PrivateTest") - 1;
        char c = text.charAt(digit);
        Files.writeString(
                images,
                text.substring(0, digit) + (c == '1' ? '2' : '1') + text.substring(digit + 1));
        Cli changed = compare(out, args);
        assertThat(changed.err)
                .doesNotContain("teacher: reusing")
                .doesNotContain("fine-tuning (seed 1): reusing")
                .contains("teacher trained in");
    }

    @Test
    void compare_diskCacheTwice_secondRunRunsNoTeacherPassAndTheFileDoesNotGrow()
            throws Exception {
        Path out = dir.resolve("out");
        String[] common = {
            "--dataset", "synthetic", "--synthetic-size", "96", "--strategies", "finetune,kd",
            "--cache", "disk"
        };
        Matcher first = cacheLine(compare(out, common).err);
        long computed = Long.parseLong(first.group(1));
        long served = Long.parseLong(first.group(2));
        assertThat(computed).isPositive();
        assertThat(first.group(4)).isEqualTo("0");
        assertThat(first.group(5)).isEqualTo(first.group(1));
        Path file = Path.of(first.group(3));
        long size = Files.size(file);

        // A student option changes: the students train again, over the same batches, with the
        // teacher and its cached outputs reused (all computed before training, in the first run).
        List<String> again = new ArrayList<>(List.of(common));
        again.addAll(List.of("--alpha", "0.3"));
        Cli second = compare(out, again.toArray(new String[0]));
        assertThat(second.err).contains("teacher: reusing").contains("kd (seed 1) trained in");
        assertThat(cacheLine(second.err).group())
                .isEqualTo(
                        "teacher cache: 0 images computed once, "
                                + served
                                + " served from the cache, 0 uncachable (random crops); "
                                + file
                                + " held "
                                + computed
                                + " records from earlier runs and holds "
                                + computed);
        assertThat(Files.size(file)).isEqualTo(size);
    }

    private static Matcher cacheLine(String err) {
        Matcher m = CACHE.matcher(err);
        assertThat(m.find()).as(err).isTrue();
        return m;
    }
}
