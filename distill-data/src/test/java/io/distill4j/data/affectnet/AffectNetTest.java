package io.distill4j.data.affectnet;

import static io.distill4j.data.TestFiles.f;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.data.DatasetFormatException;
import io.distill4j.data.FaceImage;
import io.distill4j.data.FaceSplit;
import io.distill4j.data.Landmarks;
import io.distill4j.data.OnBadRecord;
import io.distill4j.data.PairedView;
import io.distill4j.data.PairedViewDataset;
import io.distill4j.data.TestFiles;
import io.distill4j.data.occlusion.OcclusionTest;
import io.distill4j.data.occlusion.Occlusions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import javax.imageio.ImageIO;

final class AffectNetTest {

    private static final String HEADER =
            "subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,"
                    + "expression,valence,arousal";

    @TempDir Path root;

    private Path images() {
        return root.resolve(AffectNet.IMAGE_FOLDER);
    }

    private Path lists() {
        return root.resolve(AffectNet.LIST_FOLDER);
    }

    /** Writes an 80x60 RGB PNG with a pattern depending on k. */
    private String image(int k) throws IOException {
        float[] p = new float[3 * 60 * 80];
        for (int i = 0; i < p.length; i++) {
            p[i] = ((i * 3 + k * 11) % 256) / 255f;
        }
        String relative = f("%d/img_%d.png", k % 3, k);
        Path file = images().resolve(relative);
        Files.createDirectories(file.getParent());
        ImageIO.write(FaceImage.of(3, 60, 80, p).toBufferedImage(), "png", file.toFile());
        return relative;
    }

    /** The test face's landmarks, scaled by 0.4 into the box at (10, 5). */
    private static Landmarks landmarks() {
        return OcclusionTest.frontal().transform(0.4f, 0.4f, 10, 5);
    }

    private static String landmarkField() {
        StringJoiner j = new StringJoiner(";");
        for (float v : landmarks().toArray()) {
            j.add(Float.toString(v));
        }
        return j.toString();
    }

    private String row(int k, int expression, boolean withLandmarks) throws IOException {
        return f(
                "%s,10,5,40,40,%s,%d,0.25,-0.5",
                image(k), withLandmarks ? landmarkField() : "", expression);
    }

    private void writeLists(List<String> extraTraining) throws IOException {
        List<String> training = new ArrayList<>(List.of(HEADER));
        for (int k = 0; k < 40; k++) {
            training.add(row(k, k % 8, k % 2 == 0));
        }
        training.add(row(40, 8, false));
        training.add(row(41, 9, false));
        training.add(row(42, 10, false));
        training.addAll(extraTraining);
        TestFiles.write(lists().resolve(AffectNet.TRAINING_FILE), training, "\n", false);
        List<String> validation = new ArrayList<>(List.of(HEADER));
        for (int k = 0; k < 8; k++) {
            // quoted landmarks, CRLF and a byte-order mark
            validation.add(
                    f("%s,10,5,40,40,\"%s\",%d,0.1,0.2", image(100 + k), landmarkField(), k));
        }
        validation.add(row(108, 9, false));
        TestFiles.write(lists().resolve(AffectNet.VALIDATION_FILE), validation, "\r\n", true);
    }

    private static List<String> describe(FaceSplit split) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < split.size(); i++) {
            out.add(split.describe(i));
        }
        return out;
    }

    @Test
    void load_eightClassProtocolWithSeededStratifiedHoldOut() throws IOException {
        writeLists(List.of());
        AffectNet net = AffectNet.builder().setRoot(root).optValidationFraction(0.2f).load();

        assertThat(net.split(Usage.TRAIN).size()).isEqualTo(32);
        assertThat(net.split(Usage.VALIDATION).size()).isEqualTo(8);
        assertThat(net.split(Usage.VALIDATION).classCounts()).containsOnly(1L);
        assertThat(net.split(Usage.TRAIN).classCounts()).containsOnly(4L);
        assertThat(net.split(Usage.TEST).size()).isEqualTo(8);
        for (int i = 0; i < 8; i++) {
            assertThat(net.split(Usage.TEST).classIndex(i)).isEqualTo(i);
            assertThat(net.split(Usage.TEST).describe(i))
                    .isEqualTo(f("validation.csv line %d", i + 2));
        }
        assertThat(net.report().excluded(Usage.TRAIN))
                .containsExactly(
                        Map.entry("expression 8 (None) is not one of the 8 classes", 1L),
                        Map.entry("expression 9 (Uncertain) is not one of the 8 classes", 1L),
                        Map.entry("expression 10 (No-Face) is not one of the 8 classes", 1L));
        assertThat(net.report().excluded(Usage.TEST))
                .containsExactly(
                        Map.entry("expression 9 (Uncertain) is not one of the 8 classes", 1L));

        AffectNet again = AffectNet.builder().setRoot(root).optValidationFraction(0.2f).load();
        assertThat(describe(again.split(Usage.VALIDATION)))
                .isEqualTo(describe(net.split(Usage.VALIDATION)));
        AffectNet otherSeed =
                AffectNet.builder().setRoot(root).optValidationFraction(0.2f).optSeed(1).load();
        assertThat(describe(otherSeed.split(Usage.VALIDATION)))
                .isNotEqualTo(describe(net.split(Usage.VALIDATION)));
        assertThat(net.provenance()).containsKeys("training file sha256", "validation file sha256");
    }

    @Test
    void image_isCroppedByTheFaceBoxWithLandmarksMoved() throws IOException {
        writeLists(List.of());
        AffectNet net = AffectNet.builder().setRoot(root).optValidationFraction(0f).load();
        FaceSplit train = net.split(Usage.TRAIN);
        // no hold-out: training index k is row k
        FaceImage crop = train.image(2);
        FaceImage full = FaceImage.read(images().resolve("2/img_2.png"));
        assertThat(crop).isEqualTo(full.withLandmarks(landmarks()).crop(10, 5, 40, 40));
        assertThat(crop.height()).isEqualTo(40);
        assertThat(crop.landmarks().orElseThrow().x(0)).isEqualTo(landmarks().x(0) - 10);
        assertThat(train.image(1).landmarks()).isEmpty();
        // the test split's quoted landmark fields read the same
        assertThat(net.split(Usage.TEST).image(3).landmarks())
                .contains(crop.landmarks().orElseThrow());
    }

    @Test
    void vrHeadset_followsTheLandmarksOfTheCrop() throws IOException {
        writeLists(List.of());
        AffectNet net = AffectNet.builder().setRoot(root).optValidationFraction(0f).load();
        PairedViewDataset ds =
                PairedViewDataset.builder()
                        .setSource(net.split(Usage.TRAIN))
                        .optOcclusion(Occlusions.vrHeadset())
                        .optImageSize(100, 100)
                        .setSampling(4, false)
                        .build();
        PairedView view = ds.view(0);
        // the 40x40 crop is enlarged 2.5x: the face's landmarks are back at the test face's
        // coordinates, eyes at y = 40 (hidden), mouth at y = 75 (visible)
        assertThat(view.occluded().get(0, 40, 35)).isZero();
        assertThat(view.occluded().get(1, 40, 65)).isZero();
        assertThat(view.occluded().get(2, 75, 50)).isEqualTo(view.clean().get(2, 75, 50));
        assertThat(view.occluded().get(0, 10, 50)).isEqualTo(view.clean().get(0, 10, 50));
        // a row without landmarks gets the upper-half headset
        PairedView plain = ds.view(1);
        assertThat(plain.occluded().get(0, 10, 50)).isZero();
        assertThat(plain.occluded().get(0, 49, 50)).isZero();
        assertThat(plain.occluded().get(0, 50, 50)).isEqualTo(plain.clean().get(0, 50, 50));
    }

    @Test
    void load_badRows_failNamingFileAndLine() throws IOException {
        String missing = f("9/missing.png,10,5,40,40,,1,0,0");
        writeLists(List.of(missing));
        String training = lists().resolve(AffectNet.TRAINING_FILE).toString();
        assertThatThrownBy(() -> AffectNet.builder().setRoot(root).load())
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(
                        training
                                + " line 45: image file not found: "
                                + images().resolve("9/missing.png"));
    }

    @Test
    void load_skip_countsEveryKindOfBadRow() throws IOException {
        String img = image(200);
        writeLists(
                List.of(
                        f("%s,10,5,40,40,1;2;3,1,0,0", img),
                        f("%s,ten,5,40,40,,1,0,0", img),
                        f("%s,10,5,0,40,,1,0,0", img),
                        f("%s,10,5,40,40,,11,0,0", img),
                        f("%s,10,5,40,40,,1,0", img),
                        f("%s,10,5,40,40,,1,x,0", img)));
        String training = lists().resolve(AffectNet.TRAINING_FILE).toString();
        AffectNet net = AffectNet.builder().setRoot(root).optOnBadRecord(OnBadRecord.SKIP).load();
        assertThat(net.report().skipped())
                .extracting(Object::toString)
                .containsExactly(
                        training
                                + " line 45: facial_landmarks must hold 136 values (68 points as"
                                + " x;y), found 3",
                        training + " line 46: face_x must be a number, was 'ten'",
                        training
                                + " line 47: face_width and face_height must be > 0, were 0 and"
                                + " 40",
                        training + " line 48: expression must be in [0, 10], was 11",
                        training + " line 49: expected 9 fields, found 8",
                        training + " line 50: valence must be a number, was 'x'");
        assertThat(net.split(Usage.TRAIN).size() + net.split(Usage.VALIDATION).size())
                .isEqualTo(40);
    }

    @Test
    void load_verifyImages_findsUnreadableImages() throws IOException {
        writeLists(List.of("0/broken.png,10,5,40,40,,1,0,0"));
        Files.writeString(images().resolve("0/broken.png"), "not a png");
        AffectNet lazy = AffectNet.builder().setRoot(root).optValidationFraction(0f).load();
        assertThat(lazy.split(Usage.TRAIN).size()).isEqualTo(41);
        assertThatThrownBy(() -> lazy.split(Usage.TRAIN).image(40))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(
                        images().resolve("0/broken.png")
                                + ": unreadable image: not a JPEG, PNG, BMP or GIF file");
        AffectNet verified =
                AffectNet.builder()
                        .setRoot(root)
                        .optVerifyImages(true)
                        .optOnBadRecord(OnBadRecord.SKIP)
                        .load();
        assertThat(verified.report().skipped()).hasSize(1);
        assertThat(verified.report().skipped().get(0).reason())
                .isEqualTo(
                        "unreadable image: not a JPEG, PNG, BMP or GIF file: "
                                + images().resolve("0/broken.png"));
    }

    @Test
    void load_missingFileList_failsNamingIt() throws IOException {
        Files.createDirectories(lists());
        assertThatThrownBy(() -> AffectNet.builder().setRoot(root).load())
                .isInstanceOf(FileNotFoundException.class)
                .hasMessage(
                        "affectnet needs Manually_Annotated_file_lists/training.csv in "
                                + root
                                + ", but "
                                + lists().resolve("training.csv")
                                + " was not found");
    }

    /** Dates a file back, as files unpacked from an archive are, so a later write moves its time. */
    private static void unpacked(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_500_000_000_000L));
    }

    /** Flips one byte in place: same size, new content. */
    private static void changeOneByte(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
    }

    private void unpackAll() throws IOException {
        try (var files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                unpacked(file);
            }
        }
    }

    @Test
    void provenance_oneByteOfAnyInputFile_changesIt() throws IOException {
        writeLists(List.of());
        unpackAll();
        Map<String, String> before = AffectNet.builder().setRoot(root).load().provenance();
        assertThat(AffectNet.builder().setRoot(root).load().provenance()).isEqualTo(before);
        Path training = lists().resolve(AffectNet.TRAINING_FILE);
        Path validation = lists().resolve(AffectNet.VALIDATION_FILE);
        // A valence digit in each file list ("0.25" -> "0.24"), then one byte of two images.
        List<Path> inputs =
                List.of(training, validation, images().resolve("1/img_1.png"), images().resolve("1/img_100.png"));
        List<Long> positions =
                List.of(
                        (long) Files.readString(training).indexOf("0.25") + 3,
                        (long) Files.readString(validation).indexOf("0.1,0.2") + 2,
                        200L,
                        200L);
        Map<String, String> previous = before;
        for (int i = 0; i < inputs.size(); i++) {
            changeOneByte(inputs.get(i), positions.get(i));
            Map<String, String> now = AffectNet.builder().setRoot(root).load().provenance();
            assertThat(now).as(inputs.get(i).toString()).isNotEqualTo(previous);
            previous = now;
        }
    }

    @Test
    void image_changedAfterLoad_failsNamingIt() throws IOException {
        writeLists(List.of());
        unpackAll();
        AffectNet net = AffectNet.builder().setRoot(root).optValidationFraction(0f).load();
        FaceSplit train = net.split(Usage.TRAIN);
        train.image(1);
        Path image = images().resolve("1/img_1.png");
        var loaded = io.distill4j.data.ImageStamps.stat(image).orElseThrow();
        changeOneByte(image, 200);
        var now = io.distill4j.data.ImageStamps.stat(image).orElseThrow();
        assertThatThrownBy(() -> train.image(1))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(
                        image
                                + ": the image changed since the data set was loaded (now "
                                + now
                                + "; at load "
                                + loaded
                                + "); rerun to load the data set again");
    }

    @Test
    void image_sameSizeAndTimeButNewContent_caughtByTheChecksumOfTheFirstRead()
            throws IOException {
        writeLists(List.of());
        unpackAll();
        FaceSplit train =
                AffectNet.builder().setRoot(root).optValidationFraction(0f).load().split(Usage.TRAIN);
        train.image(1);
        Path image = images().resolve("1/img_1.png");
        FileTime time = Files.getLastModifiedTime(image);
        changeOneByte(image, 200);
        Files.setLastModifiedTime(image, time);
        assertThatThrownBy(() -> train.image(1))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(
                        image
                                + ": the image's content changed since this run first read it,"
                                + " though its size and time did not; rerun to load the data set"
                                + " again");
    }

    @Test
    void image_fileListChangedAfterLoad_failsNamingItAndTheLine() throws IOException {
        writeLists(List.of());
        unpackAll();
        FaceSplit train =
                AffectNet.builder().setRoot(root).optValidationFraction(0f).load().split(Usage.TRAIN);
        Path training = lists().resolve(AffectNet.TRAINING_FILE);
        var loaded = io.distill4j.data.ImageStamps.stat(training).orElseThrow();
        Files.writeString(
                training, Files.readString(training).replace("0/img_0.png", "0/img_3.png"));
        var now = io.distill4j.data.ImageStamps.stat(training).orElseThrow();
        assertThatThrownBy(() -> train.image(0))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(
                        training
                                + " line 2: the file list changed since the data set was loaded"
                                + " (now "
                                + now
                                + "; at load "
                                + loaded
                                + "); rerun to load it again");
    }

    @Test
    void load_skip_truncatedImageIsSkippedAtLoadNotDecodedHalfBlank() throws IOException {
        writeLists(List.of());
        Path image = images().resolve("1/img_1.png");
        byte[] bytes = Files.readAllBytes(image);
        Files.write(image, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        String training = lists().resolve(AffectNet.TRAINING_FILE).toString();
        AffectNet net = AffectNet.builder().setRoot(root).optOnBadRecord(OnBadRecord.SKIP).load();
        assertThat(net.report().skipped())
                .extracting(Object::toString)
                .containsExactly(
                        training
                                + " line 3: truncated image: the PNG file does not end with its"
                                + " IEND chunk: "
                                + image);
        assertThat(net.provenance()).containsEntry("bad records skipped", "1");
        AffectNet failing = AffectNet.builder().setRoot(root).optValidationFraction(0f).load();
        assertThatThrownBy(() -> failing.split(Usage.TRAIN).image(1))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(
                        image + ": truncated image: the PNG file does not end with its IEND chunk");
    }
}
