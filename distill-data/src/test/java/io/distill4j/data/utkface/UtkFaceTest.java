package io.distill4j.data.utkface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.core.Task;
import io.distill4j.data.DatasetFormatException;
import io.distill4j.data.FaceAttribute;
import io.distill4j.data.FaceImage;
import io.distill4j.data.FaceSplit;
import io.distill4j.data.ImageStamps;
import io.distill4j.data.OnBadRecord;
import io.distill4j.data.RecordIssue;
import io.distill4j.data.synthetic.UtkFaceWriter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

final class UtkFaceTest {

    @TempDir Path root;

    private List<Path> writeFaces(int count) throws IOException {
        return UtkFaceWriter.builder()
                .setDirectory(root.resolve("UTKFace"))
                .optCount(count)
                .optImageSize(32)
                .optSeed(3)
                .optMalformedNames(true)
                .write();
    }

    private static Map<String, Usage> assignment(UtkFace utk) {
        Map<String, Usage> out = new HashMap<>();
        for (Usage u : Usage.values()) {
            FaceSplit split = utk.split(u);
            for (int i = 0; i < split.size(); i++) {
                out.put(split.describe(i), u);
            }
        }
        return out;
    }

    @Test
    void load_malformedNames_areKeptAndReportedAsRepaired() throws IOException {
        List<Path> files = writeFaces(60);
        UtkFace utk = UtkFace.builder().setRoot(root).load();

        int total = 0;
        for (Usage u : Usage.values()) {
            total += utk.split(u).size();
        }
        assertThat(total).isEqualTo(60);
        assertThat(utk.report().skipped()).isEmpty();
        assertThat(utk.report().repaired())
                .containsExactlyInAnyOrder(
                        new RecordIssue(files.get(0).toString(), 0, UtkFaceName.NO_RACE),
                        new RecordIssue(files.get(1).toString(), 0, UtkFaceName.NO_RACE),
                        new RecordIssue(files.get(2).toString(), 0, UtkFaceName.NO_RACE),
                        new RecordIssue(files.get(3).toString(), 0, UtkFaceName.SPACE),
                        new RecordIssue(files.get(4).toString(), 0, UtkFaceName.NO_DOT));
        assertThat(files.get(3).getFileName().toString()).contains(" .jpg.chip.jpg");
        assertThat(files.get(4).getFileName().toString())
                .endsWith("jpg.chip.jpg")
                .doesNotContain(".jpg.chip");
        assertThat(utk.task()).isEqualTo(Task.regression());
    }

    @Test
    void load_targetsComeFromTheNames() throws IOException {
        writeFaces(30);
        UtkFace age = UtkFace.builder().setRoot(root).load();
        UtkFace gender = UtkFace.builder().setRoot(root).optAttribute(FaceAttribute.GENDER).load();
        FaceSplit train = age.split(Usage.TRAIN);
        for (int i = 0; i < train.size(); i++) {
            UtkFaceName name =
                    UtkFaceName.parse(Path.of(train.describe(i)).getFileName().toString());
            assertThat(train.target(i)).containsExactly((float) name.age());
        }
        FaceSplit g = gender.split(Usage.TRAIN);
        for (int i = 0; i < g.size(); i++) {
            UtkFaceName name = UtkFaceName.parse(Path.of(g.describe(i)).getFileName().toString());
            assertThat(g.classIndex(i)).isEqualTo(name.gender());
        }
        assertThat(gender.task().classNames()).containsExactly("male", "female");
        assertThat(train.imageShape()).isEqualTo(new ai.djl.ndarray.types.Shape(3, 32, 32));
        FaceImage image = train.image(0);
        assertThat(image.channels()).isEqualTo(3);
        assertThat(image.height()).isEqualTo(32);
    }

    @Test
    void load_split_isStratifiedSavedAndReadBack() throws IOException {
        writeFaces(300);
        UtkFace first = UtkFace.builder().setRoot(root).optSeed(7).load();
        Path splitFile = root.resolve("utkface-split-seed7.csv");
        assertThat(splitFile).exists();
        assertThat(first.provenance().get("split file")).endsWith("(written)");
        List<String> lines = Files.readAllLines(splitFile);
        assertThat(lines.get(0))
                .isEqualTo(
                        "# distill4j utkface split; seed=7; validation=0.1; test=0.1; stratified"
                                + " by gender and age decade");
        assertThat(lines.get(1)).isEqualTo("file,split");
        assertThat(lines).hasSize(302);

        // per stratum: round(n * 0.1) test, round(n * 0.1) validation
        Map<Integer, int[]> strata = new HashMap<>();
        Map<String, Usage> assigned = assignment(first);
        assigned.forEach(
                (file, usage) -> {
                    UtkFaceName n = UtkFaceName.parse(Path.of(file).getFileName().toString());
                    int[] c =
                            strata.computeIfAbsent(
                                    UtkFace.stratum(n.gender(), n.age()), k -> new int[3]);
                    c[usage == Usage.TRAIN ? 0 : usage == Usage.VALIDATION ? 1 : 2]++;
                });
        assertThat(strata.size()).isGreaterThan(5);
        strata.forEach(
                (key, c) -> {
                    int n = c[0] + c[1] + c[2];
                    assertThat(c[2]).as("test of stratum %d", key).isEqualTo(Math.round(n * 0.1f));
                    assertThat(c[1])
                            .as("validation of stratum %d", key)
                            .isEqualTo(Math.round(n * 0.1f));
                });

        UtkFace second = UtkFace.builder().setRoot(root).optSeed(7).load();
        assertThat(second.provenance().get("split file")).endsWith("(read)");
        assertThat(assignment(second)).isEqualTo(assigned);

        // a different seed makes a different split in another file
        UtkFace other = UtkFace.builder().setRoot(root).optSeed(8).load();
        assertThat(assignment(other)).isNotEqualTo(assigned);
        assertThat(root.resolve("utkface-split-seed8.csv")).exists();
    }

    @Test
    void load_splitFileWithOtherSettings_failsSayingWhatToDo() throws IOException {
        writeFaces(20);
        Path file = root.resolve("shared.csv");
        UtkFace.builder().setRoot(root).optSplitFile(file).load();
        assertThatThrownBy(
                        () ->
                                UtkFace.builder()
                                        .setRoot(root)
                                        .optSplitFile(file)
                                        .optFractions(0.2f, 0.1f)
                                        .load())
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(
                        file
                                + " line 1: the split was made with other settings (seed=42;"
                                + " validation=0.1; test=0.1; stratified by gender and age decade)"
                                + " than this run's (seed=42; validation=0.2; test=0.1); delete the"
                                + " file to make a new split, or choose another with"
                                + " optSplitFile");
    }

    @Test
    void load_imageMissingFromSplitFile_fails() throws IOException {
        writeFaces(20);
        UtkFace.builder().setRoot(root).load();
        UtkFaceWriter.builder().setDirectory(root.resolve("more")).optCount(1).optSeed(99).write();
        assertThatThrownBy(() -> UtkFace.builder().setRoot(root).load())
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("1 image(s) under " + root + " are not in the split file")
                .hasMessageEndingWith("; delete it to make a new split");
    }

    @Test
    void load_badNamesAndUnreadableImages_failOrAreSkipped() throws IOException {
        writeFaces(20);
        Path dir = root.resolve("UTKFace");
        Path badAge =
                Files.copy(
                        Files.list(dir).sorted().findFirst().orElseThrow(),
                        dir.resolve("130_0_0_20170101000000000.jpg.chip.jpg"));
        Path garbage = Files.writeString(dir.resolve("30_1_0_20170101000000001.jpg.chip.jpg"), "x");
        Path notes = Files.writeString(root.resolve("README.txt"), "not an image");

        assertThatThrownBy(() -> UtkFace.builder().setRoot(root).load())
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(badAge + ": bad UTKFace file name: age must be in [0, 116], was 130");

        UtkFace skipped = UtkFace.builder().setRoot(root).optOnBadRecord(OnBadRecord.SKIP).load();
        assertThat(skipped.report().skipped())
                .containsExactlyInAnyOrder(
                        new RecordIssue(
                                badAge.toString(),
                                0,
                                "bad UTKFace file name: age must be in [0, 116], was 130"),
                        new RecordIssue(
                                garbage.toString(),
                                0,
                                "unreadable image: not a JPEG, PNG, BMP or GIF file"));
        assertThat(skipped.report().notes())
                .containsExactly(
                        "ignored 1 file(s) that are not .jpg images (first: " + notes + ")");
        int total = 0;
        for (Usage u : Usage.values()) {
            total += skipped.split(u).size();
        }
        assertThat(total).isEqualTo(20);
    }

    @Test
    void image_unreadableUnderFail_failsWhenReadNamingThePath() throws IOException {
        Files.createDirectories(root);
        Path garbage =
                Files.writeString(root.resolve("30_1_0_20170101000000001.jpg.chip.jpg"), "x");
        UtkFace utk = UtkFace.builder().setRoot(root).optFractions(0f, 0f).load();
        assertThat(utk.split(Usage.TRAIN).size()).isEqualTo(1);
        assertThatThrownBy(() -> utk.split(Usage.TRAIN).image(0))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(garbage + ": unreadable image: not a JPEG, PNG, BMP or GIF file");
    }

    @Test
    void load_noImages_failsNamingTheFolder() throws IOException {
        Files.writeString(root.resolve("a.txt"), "x");
        assertThatThrownBy(() -> UtkFace.builder().setRoot(root).load())
                .isInstanceOf(FileNotFoundException.class)
                .hasMessage(
                        "utkface needs [age]_[gender]_[race]_[date&time].jpg(.chip.jpg) images in "
                                + root
                                + ", but no .jpg file was found");
    }

    @Test
    void builder_expressionOrBadFractions_fail() {
        assertThatThrownBy(() -> UtkFace.builder().optAttribute(FaceAttribute.EXPRESSION))
                .hasMessage("attribute must be age or gender for utkface, was expression");
        assertThatThrownBy(() -> UtkFace.builder().optFractions(0.6f, 0.5f))
                .hasMessage("validation + test fractions must be < 1, were 0.6 + 0.5");
    }

    /** Dates every file back, as files unpacked from an archive are. */
    private void unpacked() throws IOException {
        try (var files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(file, FileTime.fromMillis(1_500_000_000_000L));
            }
        }
    }

    private static void changeOneByte(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
    }

    @Test
    void provenance_oneByteOfAnImageOrTheSplitFile_changesIt() throws IOException {
        List<Path> files = writeFaces(30);
        UtkFace.builder().setRoot(root).load(); // writes the split file
        unpacked();
        Map<String, String> before = UtkFace.builder().setRoot(root).load().provenance();
        assertThat(UtkFace.builder().setRoot(root).load().provenance()).isEqualTo(before);

        changeOneByte(files.get(7), 100);
        Map<String, String> image = UtkFace.builder().setRoot(root).load().provenance();
        assertThat(image.get("images stamp sha256")).isNotEqualTo(before.get("images stamp sha256"));

        Path split = root.resolve(UtkFace.defaultSplitFileName(42));
        changeOneByte(split, Files.readString(split).indexOf("stratified"));
        Map<String, String> splitChanged = UtkFace.builder().setRoot(root).load().provenance();
        assertThat(splitChanged.get("split file sha256"))
                .isNotEqualTo(image.get("split file sha256"));
    }

    @Test
    void image_changedAfterLoad_failsNamingIt() throws IOException {
        writeFaces(10);
        unpacked();
        FaceSplit train =
                UtkFace.builder().setRoot(root).optFractions(0f, 0f).load().split(Usage.TRAIN);
        Path file = root.resolve("UTKFace").resolve(train.describe(3).substring("UTKFace/".length()));
        var loaded = ImageStamps.stat(file).orElseThrow();
        Files.write(file, Files.readAllBytes(file), java.nio.file.StandardOpenOption.APPEND);
        var now = ImageStamps.stat(file).orElseThrow();
        assertThatThrownBy(() -> train.image(3))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(
                        file
                                + ": the image changed since the data set was loaded (now "
                                + now
                                + "; at load "
                                + loaded
                                + "); rerun to load the data set again");
    }

    @Test
    void truncatedJpeg_skippedAtLoadUnderSkip_refusedWhenReadUnderFail() throws IOException {
        List<Path> files = writeFaces(12);
        Path cut = files.get(5);
        byte[] bytes = Files.readAllBytes(cut);
        // Cut in the middle of the compressed image data, after the start-of-scan marker: what
        // javax.imageio would decode "successfully" with its lower part grey.
        int scan = 0;
        while (!(bytes[scan] == (byte) 0xFF && bytes[scan + 1] == (byte) 0xDA)) {
            scan++;
        }
        Files.write(cut, java.util.Arrays.copyOf(bytes, (scan + bytes.length) / 2));

        UtkFace skipped =
                UtkFace.builder()
                        .setRoot(root)
                        .optOnBadRecord(OnBadRecord.SKIP)
                        .optSplitFile(root.resolve("skip-split.csv"))
                        .load();
        assertThat(skipped.report().skipped())
                .containsExactly(
                        new RecordIssue(
                                cut.toString(),
                                0,
                                "truncated or damaged image, refused rather than read with blank"
                                        + " parts (the decoder said: Truncated File - Missing EOI"
                                        + " marker; Corrupt JPEG data: premature end of data"
                                        + " segment)"));
        assertThat(skipped.provenance()).containsEntry("bad records skipped", "1");

        UtkFace failing = UtkFace.builder().setRoot(root).optFractions(0f, 0f).load();
        FaceSplit train = failing.split(Usage.TRAIN);
        int index = -1;
        for (int i = 0; i < train.size(); i++) {
            if (root.resolve(train.describe(i)).equals(cut)) {
                index = i;
            }
        }
        int at = index;
        assertThatThrownBy(() -> train.image(at))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(
                        cut
                                + ": truncated or damaged image, refused rather than read with"
                                + " blank parts (the decoder said: Truncated File - Missing EOI"
                                + " marker; Corrupt JPEG data: premature end of data segment)");
    }
}
