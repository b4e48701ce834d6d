package io.distill4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

final class FaceImageTest {

    @TempDir Path dir;

    private static FaceImage ramp(int channels, int height, int width) {
        float[] p = new float[channels * height * width];
        for (int i = 0; i < p.length; i++) {
            p[i] = (i % 251) / 250f;
        }
        return FaceImage.of(channels, height, width, p);
    }

    @Test
    void of_badValues_failWithTheOffendingValue() {
        assertThatThrownBy(() -> FaceImage.of(2, 2, 2, new float[8]))
                .hasMessage("channels must be 1 or 3, was 2");
        assertThatThrownBy(() -> FaceImage.of(1, 2, 2, new float[3]))
                .hasMessage(
                        "pixels must hold channels * height * width = 4 values for (1, 2, 2), was"
                                + " 3");
        assertThatThrownBy(() -> FaceImage.of(1, 1, 2, new float[] {0f, 1.5f}))
                .hasMessage("pixel 1 must be in [0, 1], was 1.5");
        assertThatThrownBy(() -> FaceImage.of(1, 1, 1, new float[] {Float.NaN}))
                .hasMessage("pixel 0 must be in [0, 1], was NaN");
    }

    @Test
    void of_copiesItsInput() {
        float[] p = {0.5f, 0.25f};
        FaceImage image = FaceImage.of(1, 1, 2, p);
        p[0] = 0f;
        image.pixels()[1] = 0f;
        assertThat(image.get(0, 0, 0)).isEqualTo(0.5f);
        assertThat(image.get(0, 0, 1)).isEqualTo(0.25f);
    }

    @Test
    void fromGreyBytes_readsUnsignedValues() {
        FaceImage image = FaceImage.fromGreyBytes(1, 3, new byte[] {0, (byte) 128, (byte) 255});
        assertThat(image.pixels()).containsExactly(0f, 128 / 255f, 1f);
    }

    @Test
    void resize_sameAsBilinearWithHalfPixelCentres() {
        // 1x4 -> 1x2: output x samples source (x + 0.5) * 2 - 0.5 = 0.5 and 2.5
        FaceImage image = FaceImage.of(1, 1, 4, new float[] {0f, 0.2f, 0.4f, 1f});
        float[] down = image.resize(1, 2).pixels();
        assertThat(down[0]).isCloseTo(0.1f, within(1e-6f));
        assertThat(down[1]).isCloseTo(0.7f, within(1e-6f));
        // 1x2 -> 1x4: x samples 0.5 * (x + 0.5) - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25
        FaceImage up = FaceImage.of(1, 1, 2, new float[] {0f, 1f}).resize(1, 4);
        assertThat(up.pixels()).containsExactly(0f, 0.25f, 0.75f, 1f);
    }

    @Test
    void resize_movesLandmarks() {
        float[] xy = new float[136];
        xy[0] = 10;
        xy[1] = 20;
        FaceImage image = ramp(1, 40, 80).withLandmarks(Landmarks.of(xy)).resize(20, 20);
        assertThat(image.landmarks().orElseThrow().x(0)).isEqualTo(2.5f);
        assertThat(image.landmarks().orElseThrow().y(0)).isEqualTo(10f);
    }

    @Test
    void crop_outsideTheImage_isBlackAndMovesLandmarks() {
        float[] xy = new float[136];
        xy[0] = 3;
        xy[1] = 1;
        FaceImage image = ramp(1, 4, 4).withLandmarks(Landmarks.of(xy));
        FaceImage crop = image.crop(2, -1, 3, 2);
        // row -1 is outside: black; row 0 columns 2, 3 from the image, column 4 outside: black
        assertThat(crop.pixels())
                .containsExactly(0f, 0f, 0f, image.get(0, 0, 2), image.get(0, 0, 3), 0f);
        assertThat(crop.landmarks().orElseThrow().x(0)).isEqualTo(1f);
        assertThat(crop.landmarks().orElseThrow().y(0)).isEqualTo(2f);
    }

    @Test
    void flipHorizontal_mirrorsPixelsAndLandmarks() {
        FaceImage image = ramp(3, 2, 3);
        FaceImage flipped = image.flipHorizontal();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 3; x++) {
                    assertThat(flipped.get(c, y, x)).isEqualTo(image.get(c, y, 2 - x));
                }
            }
        }
        assertThat(flipped.flipHorizontal()).isEqualTo(image);
    }

    @Test
    void shift_movesContentAndBlacksTheBorder() {
        FaceImage image = ramp(1, 3, 3);
        FaceImage shifted = image.shift(1, -1);
        assertThat(shifted.get(0, 0, 0)).isZero();
        assertThat(shifted.get(0, 0, 1)).isEqualTo(image.get(0, 1, 0));
        assertThat(shifted.get(0, 1, 2)).isEqualTo(image.get(0, 2, 1));
        assertThat(shifted.get(0, 2, 1)).isZero();
        assertThat(image.shift(0, 0)).isSameAs(image);
    }

    @Test
    void toChannels_greyToRgbAndBack() {
        FaceImage grey = ramp(1, 2, 2);
        FaceImage rgb = grey.toChannels(3);
        assertThat(rgb.get(2, 1, 1)).isEqualTo(grey.get(0, 1, 1));
        FaceImage back = rgb.toChannels(1);
        for (int i = 0; i < 4; i++) {
            assertThat(back.get(0, i / 2, i % 2))
                    .isCloseTo(grey.get(0, i / 2, i % 2), within(1e-6f));
        }
        FaceImage colour = FaceImage.of(3, 1, 1, new float[] {1f, 0f, 0f});
        assertThat(colour.toChannels(1).get(0, 0, 0)).isEqualTo(0.299f);
    }

    @Test
    void read_pngRoundTripsExactly() throws IOException {
        FaceImage image =
                FaceImage.of(
                        3,
                        2,
                        2,
                        new float[] {
                            0f, 1f, 51 / 255f, 102 / 255f, 1f, 0f, 0f, 1f, 1f, 1f, 0f, 0f
                        });
        Path file = dir.resolve("x.png");
        ImageIO.write(image.toBufferedImage(), "png", file.toFile());
        assertThat(FaceImage.read(file)).isEqualTo(image);

        FaceImage grey = ramp(1, 3, 3);
        BufferedImage g = grey.toBufferedImage();
        assertThat(g.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(g, "png", dir.resolve("g.png").toFile());
        FaceImage read = FaceImage.read(dir.resolve("g.png"));
        assertThat(read.channels()).isEqualTo(1);
        assertThat(read.get(0, 2, 2)).isEqualTo(Math.round(grey.get(0, 2, 2) * 255) / 255f);
    }

    @Test
    void read_missingOrGarbage_failsNamingThePath() throws IOException {
        Path missing = dir.resolve("none.jpg");
        assertThatThrownBy(() -> FaceImage.read(missing))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(missing + ": image file not found");
        Path garbage = Files.writeString(dir.resolve("bad.jpg"), "not an image");
        assertThatThrownBy(() -> FaceImage.read(garbage))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(garbage + ": unreadable image: not a JPEG, PNG, BMP or GIF file");
        assertThat(DataFiles.imageProblem(garbage))
                .contains("unreadable image: not a JPEG, PNG, BMP or GIF file");
        assertThat(DataFiles.imageProblem(missing)).contains("image file not found");
    }

    /** A 48x48 face-like JPEG: enough compressed data after the headers to cut in the middle. */
    private static byte[] jpeg() throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ImageIO.write(ramp(3, 48, 48).toBufferedImage(), "jpg", out);
        return out.toByteArray();
    }

    private static int startOfScan(byte[] bytes) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == (byte) 0xFF && bytes[i + 1] == (byte) 0xDA) {
                return i;
            }
        }
        throw new AssertionError("no start-of-scan marker");
    }

    @Test
    void decode_jpegCutInItsImageData_isRefusedNotGreyFilled() throws IOException {
        byte[] full = jpeg();
        assertThat(FaceImage.decode(full, "face.jpg").height()).isEqualTo(48);
        byte[] cut = java.util.Arrays.copyOf(full, (startOfScan(full) + full.length) / 2);
        // What javax.imageio alone does with it: a whole image, the missing rows grey.
        BufferedImage plain = ImageIO.read(new java.io.ByteArrayInputStream(cut));
        assertThat(plain.getHeight()).isEqualTo(48);
        assertThatThrownBy(() -> FaceImage.decode(cut, "face.jpg"))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(
                        "face.jpg: truncated or damaged image, refused rather than read with blank"
                                + " parts (the decoder said: Truncated File - Missing EOI marker;"
                                + " Corrupt JPEG data: premature end of data segment)");
        Path file = Files.write(dir.resolve("cut.jpg"), cut);
        assertThat(DataFiles.imageProblem(file))
                .contains(
                        "truncated or damaged image, refused rather than read with blank parts"
                                + " (the decoder said: Truncated File - Missing EOI marker;"
                                + " Corrupt JPEG data: premature end of data segment)");
    }

    @Test
    void decode_jpegWithDataAfterItsEnd_isAccepted() throws IOException {
        byte[] full = jpeg();
        byte[] padded = java.util.Arrays.copyOf(full, full.length + 3 * DataFiles.TAIL_BYTES);
        java.util.Arrays.fill(padded, full.length, padded.length, (byte) 0x55);
        assertThat(FaceImage.decode(padded, "padded.jpg"))
                .isEqualTo(FaceImage.decode(full, "full.jpg"));
        // The end marker is not in the last bytes: the load-time check decodes to tell.
        assertThat(DataFiles.imageProblem(Files.write(dir.resolve("padded.jpg"), padded))).isEmpty();
    }

    @Test
    void decode_pngOrGifWithoutItsEnd_isRefused() throws IOException {
        FaceImage image = ramp(3, 8, 8);
        for (String format : List.of("png", "gif")) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            ImageIO.write(image.toBufferedImage(), format, out);
            byte[] full = out.toByteArray();
            assertThat(FaceImage.decode(full, "ok." + format).width()).isEqualTo(8);
            byte[] cut = java.util.Arrays.copyOf(full, full.length - 1);
            String expected =
                    format.equals("png")
                            ? "truncated image: the PNG file does not end with its IEND chunk"
                            : "truncated image: the GIF file does not end with its trailer byte 3B";
            assertThatThrownBy(() -> FaceImage.decode(cut, "cut." + format))
                    .isInstanceOf(DatasetFormatException.class)
                    .hasMessage("cut." + format + ": " + expected);
            assertThat(DataFiles.imageProblem(Files.write(dir.resolve("cut." + format), cut)))
                    .contains(expected);
        }
    }
}
