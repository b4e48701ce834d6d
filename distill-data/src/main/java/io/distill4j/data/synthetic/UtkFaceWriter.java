package io.distill4j.data.synthetic;

import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.core.Checks;
import io.distill4j.data.FaceImage;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import javax.imageio.ImageIO;

/**
 * Writes synthetic faces as UTKFace-style JPEG files named {@code
 * [age]_[gender]_[race]_[date&time].jpg.chip.jpg}, so that {@code UtkFace} reads them like the real
 * data.
 *
 * <p>Face {@code i} is {@link SyntheticFaces#face(long, Usage, int)} of the training split with the
 * same seed, drawn at the chosen size, tinted to skin-like RGB ({@code (v, 0.93 v, 0.85 v)}) and
 * saved by {@code javax.imageio}'s JPEG writer. Date-times are distinct, from 2017-01-09 on. With
 * {@link Builder#optMalformedNames(boolean)}, the first five files get the five kinds of malformed
 * names the real set contains: three without the race field, one with a space before {@code .jpg},
 * one without the dot before {@code jpg.chip.jpg}.
 */
public final class UtkFaceWriter {

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT);

    private UtkFaceWriter() {}

    /**
     * Returns a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the file name of a face in the well-formed aligned form.
     *
     * @param face the face
     * @param index its position, which makes the date-time unique
     * @return {@code [age]_[gender]_[race]_[date&time].jpg.chip.jpg}
     */
    public static String fileName(SyntheticFace face, int index) {
        return Checks.format(
                "%d_%d_%d_%s.jpg.chip.jpg", face.age(), face.gender(), face.race(), stamp(index));
    }

    private static String stamp(int index) {
        LocalDateTime t = LocalDateTime.of(2017, 1, 9, 14, 0).plusSeconds(17L * index);
        return t.format(STAMP) + String.format(Locale.ROOT, "%03d", (index * 37) % 1000);
    }

    /** Configures and writes the files. */
    public static final class Builder {

        private Path directory;
        private int count = 500;
        private long seed = 42;
        private int imageSize = 64;
        private boolean malformed;

        private Builder() {}

        /**
         * Sets the folder to write into (created if needed).
         *
         * @param folder the folder
         * @return this builder
         */
        public Builder setDirectory(Path folder) {
            this.directory = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /**
         * Sets the number of images; the default is 500.
         *
         * @param newCount the count, at least 1
         * @return this builder
         */
        public Builder optCount(int newCount) {
            this.count = Checks.positive("count", newCount);
            return this;
        }

        /**
         * Sets the seed; the default is 42.
         *
         * @param newSeed the seed
         * @return this builder
         */
        public Builder optSeed(long newSeed) {
            this.seed = newSeed;
            return this;
        }

        /**
         * Sets the image side; the default is 64 (the real aligned crops are 200).
         *
         * @param size the side, in [16, 1024]
         * @return this builder
         */
        public Builder optImageSize(int size) {
            if (size < 16 || size > 1024) {
                throw new IllegalArgumentException(
                        Checks.format("image size must be in [16, 1024], was %d", size));
            }
            this.imageSize = size;
            return this;
        }

        /**
         * Sets whether the first five files get the real set's malformed names; the default is
         * false.
         *
         * @param include whether to include them
         * @return this builder
         */
        public Builder optMalformedNames(boolean include) {
            this.malformed = include;
            return this;
        }

        /**
         * Writes the images.
         *
         * @return the files written, in face order
         * @throws IOException if writing fails
         */
        public List<Path> write() throws IOException {
            if (directory == null) {
                throw new IllegalStateException("setDirectory(...) must be called before write()");
            }
            if (malformed && count < 5) {
                throw new IllegalArgumentException(
                        Checks.format("count must be >= 5 with malformed names, was %d", count));
            }
            Files.createDirectories(directory);
            List<Path> written = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                SyntheticFace face = SyntheticFaces.face(seed, Usage.TRAIN, i);
                String name = fileName(face, i);
                if (malformed && i < 5) {
                    String prefix = face.age() + "_" + face.gender() + "_";
                    switch (i) {
                        case 0:
                        case 1:
                        case 2:
                            name = prefix + stamp(i) + ".jpg.chip.jpg";
                            break;
                        case 3:
                            name = prefix + face.race() + "_" + stamp(i) + " .jpg.chip.jpg";
                            break;
                        default:
                            name = prefix + face.race() + "_" + stamp(i) + "jpg.chip.jpg";
                            break;
                    }
                }
                Path file = directory.resolve(name);
                if (!ImageIO.write(toRgb(face.render(imageSize)), "jpg", file.toFile())) {
                    throw new IOException("no JPEG writer is available in this Java runtime");
                }
                written.add(file);
            }
            return written;
        }
    }

    private static BufferedImage toRgb(FaceImage grey) {
        int w = grey.width();
        int h = grey.height();
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float v = grey.get(0, y, x);
                int r = Math.round(v * 255f);
                int g = Math.round(v * 0.93f * 255f);
                int b = Math.round(v * 0.85f * 255f);
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }
}
