package io.distill4j.data.fer;

import static io.distill4j.data.TestFiles.f;
import static io.distill4j.data.TestFiles.pixels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.data.DatasetFormatException;
import io.distill4j.data.FaceImage;
import io.distill4j.data.FaceSplit;
import io.distill4j.data.LoadReport;
import io.distill4j.data.OnBadRecord;
import io.distill4j.data.RecordIssue;
import io.distill4j.data.TestFiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

final class FerPlusTest {

    /**
     * The hand-written rows: Usage, image name, the ten votes. The expected outcomes are derived by
     * hand in the comments (majority: votes <= 1 become 0; kept when the top class holds more than
     * half of what remains and is an emotion).
     */
    private static final String[][] ROWS = {
        // 1: 4,0,0,0,3,2 after dropping -> sum 9, top 4, 8 <= 9 -> no majority.
        //    probability: emotions 4,0,0,1,3,2 (sum 10) -> kept, class neutral
        {"Training", "fer0000000.png", "4,0,0,1,3,2,0,0,0,0"},
        // 2: 6 neutral, 4 unknown -> 12 > 10 -> neutral. probability: neutral 1.0
        {"Training", "fer0000001.png", "6,0,0,0,0,0,0,0,4,0"},
        // 3: 10 happiness -> happiness. probability: happiness 1.0
        {"Training", "fer0000002.png", "0,10,0,0,0,0,0,0,0,0"},
        // 4: no image name -> excluded in both modes
        {"Training", "", "0,0,0,0,0,0,0,0,0,10"},
        // 5: every vote 1 -> all dropped -> no majority. probability: 1/8 each, class neutral
        {"Training", "fer0000004.png", "1,1,1,1,1,1,1,1,1,1"},
        // 6: unknown 7 of 10 -> majority unknown. probability: no emotion votes
        {"Training", "fer0000005.png", "0,0,0,0,0,0,0,0,7,3"},
        // 7: NF 8 of 10 -> majority NF. probability: top is NF
        {"Training", "fer0000006.png", "2,0,0,0,0,0,0,0,0,8"},
        // 8: 3,..,2,0,4 after dropping -> sum 9, top 4 -> no majority. probability: NF 4 > 3
        {"Training", "fer0000007.png", "3,0,0,0,0,0,0,2,1,4"},
        // 9: fear 1 dropped -> contempt 5 of 9 -> contempt (without the drop 5 of 10 would not
        //    be a majority). probability: fear 1/6, contempt 5/6
        {"PublicTest", "fer0000008.png", "0,0,0,0,0,0,1,5,0,4"},
        // 10: 5 surprise, 5 fear -> tie -> no majority. probability: 0.5/0.5, class surprise
        {"PublicTest", "fer0000009.png", "0,0,5,0,0,0,5,0,0,0"},
        // 11: 2,2,2,2 after dropping the 1s -> sum 8, top 2 -> no majority.
        //     probability: anger..contempt 1/4 each, class anger
        {"PrivateTest", "fer0000010.png", "0,0,0,0,2,2,2,2,1,1"},
        // 12: disgust 6 of 10 -> disgust. probability: disgust 1.0
        {"PrivateTest", "fer0000011.png", "0,0,0,0,0,6,0,0,0,4"},
        // 13: no image name -> excluded (old format: happiness 3 of 3 -> happiness)
        {"PrivateTest", "", "0,3,0,0,0,0,0,0,0,0"},
    };

    private static final String IMAGE_HEADER = "emotion,pixels,Usage";
    private static final String LABEL_HEADER =
            "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,"
                    + "unknown,NF";

    @TempDir Path dir;

    private Path write(String eol, boolean bom, boolean quoted, boolean imageNames)
            throws IOException {
        List<String> images = new ArrayList<>(List.of(IMAGE_HEADER));
        List<String> labels =
                new ArrayList<>(
                        List.of(
                                imageNames
                                        ? LABEL_HEADER
                                        : LABEL_HEADER.replace("Image name,", "")));
        for (int i = 0; i < ROWS.length; i++) {
            String[] r = ROWS[i];
            images.add(
                    quoted
                            ? f("%d,\"%s\",%s", i % 7, pixels(i), r[0])
                            : f("%d,%s,%s", i % 7, pixels(i), r[0]));
            String name = quoted ? "\"" + r[1] + "\"" : r[1];
            labels.add(imageNames ? r[0] + "," + name + "," + r[2] : r[0] + "," + r[2]);
        }
        TestFiles.write(dir.resolve(FerPlus.IMAGE_FILE), images, eol, bom);
        TestFiles.write(dir.resolve(FerPlus.LABEL_FILE), labels, eol, bom);
        return dir;
    }

    private static int[] sizes(FerPlus fer) {
        return new int[] {
            fer.split(Usage.TRAIN).size(),
            fer.split(Usage.VALIDATION).size(),
            fer.split(Usage.TEST).size()
        };
    }

    private static List<Integer> labels(FaceSplit split) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < split.size(); i++) {
            out.add(split.classIndex(i));
            assertThat(split.target(i)).containsExactly((float) split.classIndex(i));
        }
        return out;
    }

    @Test
    void load_majority_givesTheCountsTheRuleImplies() throws IOException {
        FerPlus fer = FerPlus.builder().setRoot(write("\n", false, false, true)).load();

        assertThat(sizes(fer)).containsExactly(2, 1, 1);
        assertThat(labels(fer.split(Usage.TRAIN))).containsExactly(0, 1);
        assertThat(labels(fer.split(Usage.VALIDATION))).containsExactly(7);
        assertThat(labels(fer.split(Usage.TEST))).containsExactly(5);
        LoadReport report = fer.report();
        assertThat(report.skipped()).isEmpty();
        assertThat(report.excluded(Usage.TRAIN))
                .containsExactly(
                        Map.entry(FerPlus.NO_MAJORITY, 3L),
                        Map.entry(FerPlus.NO_IMAGE_NAME, 1L),
                        Map.entry(FerPlus.MAJORITY_UNKNOWN, 1L),
                        Map.entry(FerPlus.MAJORITY_NOT_FACE, 1L));
        assertThat(report.excluded(Usage.VALIDATION))
                .containsExactly(Map.entry(FerPlus.NO_MAJORITY, 1L));
        assertThat(report.excluded(Usage.TEST))
                .containsExactly(
                        Map.entry(FerPlus.NO_MAJORITY, 1L), Map.entry(FerPlus.NO_IMAGE_NAME, 1L));
        assertThat(fer.task().classNames()).isEqualTo(FerPlus.CLASS_NAMES);
        assertThat(fer.provenance())
                .containsEntry("label mode", "majority")
                .containsEntry("rows", "13");
    }

    @Test
    void load_crlfBomAndQuotedFields_givesTheSameResult() throws IOException {
        FerPlus fer = FerPlus.builder().setRoot(write("\r\n", true, true, true)).load();

        assertThat(sizes(fer)).containsExactly(2, 1, 1);
        assertThat(labels(fer.split(Usage.TRAIN))).containsExactly(0, 1);
        assertThat(fer.report().excludedCount(Usage.TRAIN)).isEqualTo(6);
        // the second kept training image is row 3 (index 2): pixel j is (2 * 7 + j) % 256 / 255
        FaceImage image = fer.split(Usage.TRAIN).image(1);
        assertThat(image.channels()).isEqualTo(1);
        assertThat(image.height()).isEqualTo(48);
        assertThat(image.get(0, 0, 0)).isEqualTo(14 / 255f);
        assertThat(image.get(0, 47, 47)).isEqualTo(((14 + 2303) % 256) / 255f);
        assertThat(fer.split(Usage.TRAIN).describe(1))
                .isEqualTo("fer2013.csv line 4 (fer0000002.png)");
    }

    @Test
    void load_probability_givesTheVoteDistributions() throws IOException {
        FerPlus fer =
                FerPlus.builder()
                        .setRoot(write("\n", false, false, true))
                        .optLabelMode(FerLabelMode.PROBABILITY)
                        .load();

        assertThat(sizes(fer)).containsExactly(4, 2, 2);
        FaceSplit train = fer.split(Usage.TRAIN);
        assertThat(train.softLabels()).isTrue();
        assertThat(train.target(0)).containsExactly(0.4f, 0f, 0f, 0.1f, 0.3f, 0.2f, 0f, 0f);
        assertThat(train.target(1)).containsExactly(1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
        assertThat(train.target(3)).containsOnly(0.125f);
        assertThat(train.classIndex(3)).isZero();
        FaceSplit validation = fer.split(Usage.VALIDATION);
        assertThat(validation.target(0)[6]).isCloseTo(1f / 6, within(1e-7f));
        assertThat(validation.target(0)[7]).isCloseTo(5f / 6, within(1e-7f));
        assertThat(validation.classIndex(0)).isEqualTo(7);
        assertThat(validation.classIndex(1)).isEqualTo(2);
        assertThat(fer.split(Usage.TEST).classIndex(0)).isEqualTo(4);
        assertThat(fer.report().excluded(Usage.TRAIN))
                .containsExactly(
                        Map.entry(FerPlus.NO_IMAGE_NAME, 1L),
                        Map.entry(FerPlus.NO_EMOTION_VOTES, 1L),
                        Map.entry(FerPlus.TOP_NOT_EMOTION, 2L));
        assertThat(fer.report().excluded(Usage.TEST))
                .containsExactly(Map.entry(FerPlus.NO_IMAGE_NAME, 1L));
    }

    @Test
    void load_olderLabelFileWithoutImageNames_keepsUnnamedRows() throws IOException {
        FerPlus fer = FerPlus.builder().setRoot(write("\n", false, false, false)).load();

        // row 4 (NF 10) is now excluded as NF, row 13 (happiness 3 of 3) is kept
        assertThat(sizes(fer)).containsExactly(2, 1, 2);
        assertThat(labels(fer.split(Usage.TEST))).containsExactly(5, 1);
        assertThat(fer.report().excluded(Usage.TRAIN))
                .containsEntry(FerPlus.MAJORITY_NOT_FACE, 2L)
                .doesNotContainKey(FerPlus.NO_IMAGE_NAME);
        assertThat(fer.split(Usage.TEST).describe(1)).isEqualTo("fer2013.csv line 14");
    }

    @Test
    void majority_examples() {
        assertThat(FerPlus.majority(new int[] {0, 0, 0, 0, 0, 0, 1, 5, 0, 4})).hasValue(7);
        assertThat(FerPlus.majority(new int[] {5, 5, 0, 0, 0, 0, 0, 0, 0, 0})).isEmpty();
        assertThat(FerPlus.majority(new int[] {2, 0, 0, 0, 0, 0, 0, 0, 0, 1})).hasValue(0);
        assertThatThrownBy(() -> FerPlus.majority(new int[] {1, 2}))
                .hasMessage("votes must hold 10 counts, was 2");
    }

    private Path writeWith(int badRow, String imageLine, String labelLine) throws IOException {
        List<String> images = new ArrayList<>(List.of(IMAGE_HEADER));
        List<String> labels = new ArrayList<>(List.of(LABEL_HEADER));
        for (int i = 0; i < 4; i++) {
            images.add(
                    i == badRow && imageLine != null ? imageLine : f("0,%s,Training", pixels(i)));
            labels.add(
                    i == badRow && labelLine != null
                            ? labelLine
                            : f("Training,fer%07d.png,0,10,0,0,0,0,0,0,0,0", i));
        }
        TestFiles.write(dir.resolve(FerPlus.IMAGE_FILE), images, "\n", false);
        TestFiles.write(dir.resolve(FerPlus.LABEL_FILE), labels, "\n", false);
        return dir;
    }

    private String image() {
        return dir.resolve(FerPlus.IMAGE_FILE).toString();
    }

    private String label() {
        return dir.resolve(FerPlus.LABEL_FILE).toString();
    }

    @Test
    void load_wrongPixelCount_failsNamingFileAndLine() throws IOException {
        writeWith(1, f("0,%s,Training", pixels(1, 2303)), null);
        assertThatThrownBy(() -> FerPlus.builder().setRoot(dir).load())
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(image() + " line 3: expected 2304 pixel values, found 2303");
    }

    @Test
    void load_nonNumericPixel_failsNamingFileAndLine() throws IOException {
        writeWith(2, f("0,%s 12a,Training", pixels(2, 2303)), null);
        assertThatThrownBy(() -> FerPlus.builder().setRoot(dir).load())
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(
                        image()
                                + " line 4: pixel 2304 is not a number (found 'a'); pixels must be"
                                + " integers in [0, 255] separated by spaces");
    }

    @Test
    void load_pixelAbove255_failsNamingTheValuePosition() throws IOException {
        writeWith(0, f("0,256 %s,Training", pixels(0, 2303)), null);
        assertThatThrownBy(() -> FerPlus.builder().setRoot(dir).load())
                .hasMessage(
                        image()
                                + " line 2: pixel 1 is greater than 255; pixels must be integers"
                                + " in [0, 255]");
    }

    @Test
    void load_unknownUsage_failsNamingTheValue() throws IOException {
        writeWith(3, f("0,%s,Train", pixels(3)), null);
        assertThatThrownBy(() -> FerPlus.builder().setRoot(dir).load())
                .hasMessage(
                        image()
                                + " line 5: unknown Usage 'Train', expected Training, PublicTest"
                                + " or PrivateTest");
    }

    @Test
    void load_badEmotion_failsNamingTheRange() throws IOException {
        writeWith(0, f("7,%s,Training", pixels(0)), null);
        assertThatThrownBy(() -> FerPlus.builder().setRoot(dir).load())
                .hasMessage(image() + " line 2: emotion must be in [0, 6], was 7");
    }

    @Test
    void load_nonNumericVote_failsNamingTheLabelFile() throws IOException {
        writeWith(1, null, "Training,fer0000001.png,0,x,0,0,0,0,0,0,0,0");
        assertThatThrownBy(() -> FerPlus.builder().setRoot(dir).load())
                .hasMessage(label() + " line 3: happiness must be an integer, was 'x'");
    }

    @Test
    void load_usageDiffersBetweenFiles_fails() throws IOException {
        writeWith(1, null, "PublicTest,fer0000001.png,0,10,0,0,0,0,0,0,0,0");
        assertThatThrownBy(() -> FerPlus.builder().setRoot(dir).load())
                .hasMessage(
                        label()
                                + " line 3: Usage PublicTest differs from "
                                + image()
                                + " line 3 (Training); both files must hold the same rows in the"
                                + " same order");
    }

    @Test
    void load_wrongFieldCount_fails() throws IOException {
        writeWith(1, null, "Training,fer0000001.png,0,10,0,0,0,0,0,0,0");
        assertThatThrownBy(() -> FerPlus.builder().setRoot(dir).load())
                .hasMessage(label() + " line 3: expected 12 fields, found 11");
    }

    @Test
    void load_skip_skipsCountsAndReportsBadRows() throws IOException {
        List<String> images = new ArrayList<>(List.of(IMAGE_HEADER));
        List<String> labels = new ArrayList<>(List.of(LABEL_HEADER));
        for (int i = 0; i < 6; i++) {
            images.add(
                    i == 1
                            ? f("0,%s,Training", pixels(i, 2300))
                            : i == 4
                                    ? f("0,%s,Validation", pixels(i))
                                    : f("0,%s,Training", pixels(i)));
            labels.add(
                    i == 2
                            ? f("Training,fer%07d.png,0,ten,0,0,0,0,0,0,0,0", i)
                            : i == 4
                                    ? f("Validation,fer%07d.png,0,10,0,0,0,0,0,0,0,0", i)
                                    : f("Training,fer%07d.png,0,10,0,0,0,0,0,0,0,0", i));
        }
        TestFiles.write(dir.resolve(FerPlus.IMAGE_FILE), images, "\r\n", true);
        TestFiles.write(dir.resolve(FerPlus.LABEL_FILE), labels, "\r\n", true);

        FerPlus fer = FerPlus.builder().setRoot(dir).optOnBadRecord(OnBadRecord.SKIP).load();

        assertThat(sizes(fer)).containsExactly(3, 0, 0);
        assertThat(fer.report().skipped())
                .containsExactly(
                        new RecordIssue(image(), 3, "expected 2304 pixel values, found 2300"),
                        new RecordIssue(label(), 4, "happiness must be an integer, was 'ten'"),
                        new RecordIssue(
                                image(),
                                6,
                                "unknown Usage 'Validation', expected Training, PublicTest or"
                                        + " PrivateTest"));
        assertThat(fer.split(Usage.TRAIN).describe(2))
                .isEqualTo("fer2013.csv line 7 (fer0000005.png)");
    }

    @Test
    void load_filesOfDifferentLength_failsEvenWhenSkipping() throws IOException {
        writeWith(-1, null, null);
        List<String> shorter = new ArrayList<>(List.of(LABEL_HEADER));
        for (int i = 0; i < 3; i++) {
            shorter.add(f("Training,fer%07d.png,0,10,0,0,0,0,0,0,0,0", i));
        }
        TestFiles.write(dir.resolve(FerPlus.LABEL_FILE), shorter, "\n", false);
        assertThatThrownBy(
                        () ->
                                FerPlus.builder()
                                        .setRoot(dir)
                                        .optOnBadRecord(OnBadRecord.SKIP)
                                        .load())
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(
                        image()
                                + " line 5: "
                                + label()
                                + " ends after 3 rows but this file goes on; both files must hold"
                                + " the same rows in the same order");
    }

    @Test
    void load_missingColumn_failsNamingIt() throws IOException {
        writeWith(-1, null, null);
        TestFiles.write(
                dir.resolve(FerPlus.LABEL_FILE),
                List.of("Usage,Image name,neutral,happiness", "Training,a.png,1,2"),
                "\n",
                false);
        assertThatThrownBy(() -> FerPlus.builder().setRoot(dir).load())
                .hasMessageStartingWith(
                        label()
                                + " line 1: the header lacks the column(s) [surprise, sadness,"
                                + " anger, disgust, fear, contempt, unknown, NF]");
    }

    @Test
    void load_missingFile_failsNamingIt() throws IOException {
        writeWith(-1, null, null);
        java.nio.file.Files.delete(dir.resolve(FerPlus.LABEL_FILE));
        assertThatThrownBy(() -> FerPlus.builder().setRoot(dir).load())
                .isInstanceOf(FileNotFoundException.class)
                .hasMessage(
                        "ferplus needs fer2013new.csv in "
                                + dir
                                + ", but "
                                + label()
                                + " was not found");
    }

    @Test
    void builder_optionSetTwice_fails() {
        assertThatThrownBy(
                        () ->
                                FerPlus.builder()
                                        .optLabelMode(FerLabelMode.MAJORITY)
                                        .optLabelMode(FerLabelMode.PROBABILITY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("labelMode was already set to MAJORITY");
        assertThatThrownBy(() -> FerPlus.builder().load())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void labelMode_parse() {
        assertThat(FerLabelMode.parse(" Probability ")).isEqualTo(FerLabelMode.PROBABILITY);
        assertThatThrownBy(() -> FerLabelMode.parse("soft"))
                .hasMessage("label mode must be majority or probability, was 'soft'");
    }

    @Test
    void provenance_oneByteOfEitherFile_changesIt() throws IOException {
        write("\n", false, false, true);
        Map<String, String> before = FerPlus.builder().setRoot(dir).load().provenance();
        assertThat(FerPlus.builder().setRoot(dir).load().provenance()).isEqualTo(before);

        // One pixel digit of the last row: "...,PrivateTest" keeps its shape.
        Path images = dir.resolve(FerPlus.IMAGE_FILE);
        String text = java.nio.file.Files.readString(images);
        int digit = text.lastIndexOf(",PrivateTest") - 1;
        char c = text.charAt(digit);
        java.nio.file.Files.writeString(
                images, text.substring(0, digit) + (c == '1' ? '2' : '1') + text.substring(digit + 1));
        Map<String, String> imageChanged = FerPlus.builder().setRoot(dir).load().provenance();
        assertThat(imageChanged.get("image file sha256"))
                .isNotEqualTo(before.get("image file sha256"));
        assertThat(imageChanged.get("label file sha256")).isEqualTo(before.get("label file sha256"));

        // One letter of an image name in the label file.
        Path labels = dir.resolve(FerPlus.LABEL_FILE);
        java.nio.file.Files.writeString(
                labels,
                java.nio.file.Files.readString(labels).replace("fer0000011.png", "fer0000011.pnG"));
        Map<String, String> labelChanged = FerPlus.builder().setRoot(dir).load().provenance();
        assertThat(labelChanged.get("label file sha256"))
                .isNotEqualTo(imageChanged.get("label file sha256"));
        assertThat(labelChanged.get("image file sha256"))
                .isEqualTo(imageChanged.get("image file sha256"));
    }
}
