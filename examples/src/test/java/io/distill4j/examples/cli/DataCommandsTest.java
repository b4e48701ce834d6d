package io.distill4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class DataCommandsTest {

    @Test
    void stats_synthetic_endsWithSplitSizes() {
        Cli cli = Cli.run("stats", "--dataset", "synthetic", "--synthetic-size", "200");
        assertThat(cli.status).as(cli.err).isZero();
        List<String> lines = cli.out.lines().toList();
        assertThat(lines.subList(lines.size() - 3, lines.size()))
                .containsExactly("train: 200", "validation: 20", "test: 20");
    }

    @Test
    void stats_missingRoot_exitsTwoWithOneLine() {
        Cli cli = Cli.run("stats", "--dataset", "ferplus");
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.lines().toList())
                .containsExactly(
                        "distill: missing --root: give the folder that holds the ferplus files"
                                + " (fer2013.csv and fer2013new.csv), or use --dataset synthetic");
    }

    @Test
    void stats_folderWithoutFiles_namesTheMissingFile(@TempDir Path empty) {
        Cli cli = Cli.run("stats", "--dataset", "ferplus", "--root", empty.toString());
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.lines().toList()).hasSize(1);
        assertThat(cli.err).contains("fer2013.csv").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void stats_unknownDataset_listsKnown() {
        Cli cli = Cli.run("stats", "--dataset", "celeba");
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.trim())
                .isEqualTo(
                        "distill: unknown --dataset 'celeba'; use one of ferplus, affectnet,"
                                + " utkface, synthetic");
    }

    @Test
    void stats_verbose_printsStackTrace() {
        Cli cli = Cli.run("stats", "--dataset", "ferplus", "--verbose");
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err).contains("\tat ");
    }

    @Test
    void show_synthetic_writesGrid(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("grid.png");
        Cli cli =
                Cli.run(
                        "show",
                        "--dataset",
                        "synthetic",
                        "--synthetic-size",
                        "50",
                        "--occlusion",
                        "vr-headset",
                        "--out",
                        png.toString());
        assertThat(cli.status).as(cli.err).isZero();
        assertThat(Files.exists(png)).isTrue();
        assertThat(ImageIO.read(png.toFile()).getWidth()).isGreaterThan(100);
        assertThat(cli.out).contains("16 clean/occluded pairs");
    }

    @Test
    void generate_ferplus_isReadByTheRealAdapter(@TempDir Path dir) {
        Cli generate =
                Cli.run("generate", "--format", "ferplus", "--out", dir.toString(), "--size", "100");
        assertThat(generate.status).as(generate.err).isZero();
        assertThat(generate.out)
                .contains("fer2013.csv")
                .contains("(100 rows: 80 Training, 10 PublicTest, 10 PrivateTest)");
        assertThat(lines(dir.resolve("fer2013.csv"))).isEqualTo(101); // the header and 100 rows
        assertThat(lines(dir.resolve("fer2013new.csv"))).isEqualTo(101);
        Cli stats = Cli.run("stats", "--dataset", "ferplus", "--root", dir.toString());
        assertThat(stats.status).as(stats.err).isZero();
        assertThat(stats.out).contains("train: ").contains("test: ");
    }

    @Test
    void generate_ferplusFullSize_splitsAsFer2013() {
        assertThat(GenerateCommand.ferPlusRows(35_887)).containsExactly(28_709, 3_589, 3_589);
        assertThat(GenerateCommand.ferPlusRows(3)).containsExactly(1, 1, 1);
    }

    @Test
    void generate_ferplusTooSmall_exitsTwo(@TempDir Path dir) {
        Cli cli =
                Cli.run("generate", "--format", "ferplus", "--out", dir.toString(), "--size", "2");
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.trim())
                .isEqualTo(
                        "distill: --size must be >= 3 for ferplus (a row for each of Training,"
                                + " PublicTest and PrivateTest), was 2");
    }

    private static long lines(Path file) {
        try (Stream<String> s = Files.lines(file)) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void generate_unknownFormat_exitsTwo(@TempDir Path dir) {
        Cli cli = Cli.run("generate", "--format", "celeba", "--out", dir.toString());
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.trim()).isEqualTo("distill: --format must be ferplus or utkface, was 'celeba'");
    }

    @Test
    void unknownOption_exitsTwoWithHelpHint() {
        Cli cli = Cli.run("stats", "--bogus");
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.trim()).isEqualTo("distill: Unknown option: '--bogus' (see: distill stats --help)");
    }
}
