package io.distill4j.data.synthetic;

import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.core.Checks;
import io.distill4j.data.FaceImage;
import io.distill4j.data.Seeds;
import io.distill4j.data.fer.FerPlus;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Writes synthetic faces as FER+ files, {@code fer2013.csv} and {@code fer2013new.csv}, in the
 * exact distributed format, so that {@link FerPlus} reads them like the real data.
 *
 * <p>Rows come in split order (Training, PublicTest, PrivateTest), as in the real file. The named
 * row at position {@code i} of a split is {@link SyntheticFaces#face(long, Usage, int)} with the
 * same seed (so it matches the in-memory {@code synthetic} source), its {@code emotion} the FER2013
 * code of its expression (contempt, which FER2013 lacks, is written as 0, Angry), its image name
 * {@code ferNNNNNNN.png} numbered by row, and its votes {@link SyntheticFace#votes()}, so the
 * majority rule drops some rows and the probability mode spreads others. A seeded fraction of rows
 * have an empty image name, a non-face image and all ten votes for {@code NF}, like the rows FER+
 * marks as not images. Files use LF line endings and no byte-order mark.
 */
public final class FerPlusWriter {

    /** FER2013's 7-class code of each FER+ class (contempt has none and becomes 0, Angry). */
    private static final int[] FER2013_CODE = {6, 3, 5, 4, 0, 1, 2, 0};

    private static final List<Usage> ORDER = List.of(Usage.TRAIN, Usage.VALIDATION, Usage.TEST);

    private FerPlusWriter() {}

    /**
     * Returns a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What was written.
     *
     * @param imageFile the {@code fer2013.csv} written
     * @param labelFile the {@code fer2013new.csv} written
     * @param rows the number of rows per split
     * @param unnamed the number of rows with an empty image name per split
     */
    public record Summary(
            Path imageFile, Path labelFile, Map<Usage, Integer> rows, Map<Usage, Integer> unnamed) {

        /**
         * Copies the maps.
         *
         * @param imageFile the image file
         * @param labelFile the label file
         * @param rows the rows per split
         * @param unnamed the unnamed rows per split
         */
        public Summary {
            Objects.requireNonNull(imageFile, "imageFile");
            Objects.requireNonNull(labelFile, "labelFile");
            rows = Collections.unmodifiableMap(new EnumMap<>(rows));
            unnamed = Collections.unmodifiableMap(new EnumMap<>(unnamed));
        }

        /**
         * Returns the total number of rows.
         *
         * @return the sum over splits
         */
        public int totalRows() {
            return rows.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** Configures and writes the files. */
    public static final class Builder {

        private Path directory;
        private int[] sizes = {2000, 250, 250};
        private long seed = 42;
        private float unnamedFraction = 0.005f;
        private boolean imageNames = true;

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
         * Sets the number of rows per split; the default is 2000 / 250 / 250 (the real file has
         * 28,709 / 3,589 / 3,589).
         *
         * @param train the Training rows
         * @param validation the PublicTest rows
         * @param test the PrivateTest rows
         * @return this builder
         */
        public Builder optSizes(int train, int validation, int test) {
            if (train < 0 || validation < 0 || test < 0) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "sizes must be >= 0, were %d, %d, %d", train, validation, test));
            }
            this.sizes = new int[] {train, validation, test};
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
         * Sets the fraction of rows with an empty image name; the default is 0.005 (the real file
         * has 173 of 35,887, about 0.0048).
         *
         * @param fraction the fraction, in [0, 1]
         * @return this builder
         */
        public Builder optUnnamedFraction(float fraction) {
            this.unnamedFraction = Checks.inRange("unnamedFraction", fraction, 0f, 1f);
            return this;
        }

        /**
         * Sets whether the label file has the {@code Image name} column; the default is true (false
         * writes the older format, in which no row is marked as not an image).
         *
         * @param withNames whether to write image names
         * @return this builder
         */
        public Builder optImageNames(boolean withNames) {
            this.imageNames = withNames;
            return this;
        }

        /**
         * Writes {@code fer2013.csv} and {@code fer2013new.csv}.
         *
         * @return what was written
         * @throws IOException if writing fails
         */
        public Summary write() throws IOException {
            if (directory == null) {
                throw new IllegalStateException("setDirectory(...) must be called before write()");
            }
            Files.createDirectories(directory);
            Path images = directory.resolve(FerPlus.IMAGE_FILE);
            Path labels = directory.resolve(FerPlus.LABEL_FILE);
            Map<Usage, Integer> rows = new EnumMap<>(Usage.class);
            Map<Usage, Integer> unnamed = new EnumMap<>(Usage.class);
            try (OutputStream img =
                            new BufferedOutputStream(Files.newOutputStream(images), 1 << 20);
                    OutputStream lab =
                            new BufferedOutputStream(Files.newOutputStream(labels), 1 << 16)) {
                ascii(img, "emotion,pixels,Usage\n");
                ascii(
                        lab,
                        imageNames
                                ? "Usage,Image name,"
                                        + String.join(",", FerPlus.VOTE_COLUMNS)
                                        + "\n"
                                : "Usage," + String.join(",", FerPlus.VOTE_COLUMNS) + "\n");
                byte[] line = new byte[FerPlus.PIXELS * 4 + 64];
                int row = 0;
                for (int s = 0; s < ORDER.size(); s++) {
                    Usage usage = ORDER.get(s);
                    String usageName = s == 0 ? "Training" : s == 1 ? "PublicTest" : "PrivateTest";
                    int blank = 0;
                    for (int i = 0; i < sizes[s]; i++, row++) {
                        SplittableRandom r =
                                new SplittableRandom(Seeds.mix(seed, 0xFE5, usage.ordinal(), i));
                        boolean noName = imageNames && r.nextDouble() < unnamedFraction;
                        FaceImage image;
                        int emotion;
                        int[] votes;
                        if (noName) {
                            blank++;
                            image = nonFace(r);
                            emotion = r.nextInt(7);
                            votes = new int[FerPlus.NUM_CLASSES + 2];
                            votes[FerPlus.NUM_CLASSES + 1] = 10;
                        } else {
                            SyntheticFace face = SyntheticFaces.face(seed, usage, i);
                            image = face.render(FerPlus.IMAGE_SIZE);
                            emotion = FER2013_CODE[face.expression()];
                            votes = face.votes();
                        }
                        int n = 0;
                        n = digits(line, n, emotion);
                        line[n++] = ',';
                        float[] p = image.pixels();
                        for (int k = 0; k < p.length; k++) {
                            if (k > 0) {
                                line[n++] = ' ';
                            }
                            n = digits(line, n, Math.round(p[k] * 255f));
                        }
                        line[n++] = ',';
                        for (int k = 0; k < usageName.length(); k++) {
                            line[n++] = (byte) usageName.charAt(k);
                        }
                        line[n++] = '\n';
                        img.write(line, 0, n);
                        StringBuilder sb = new StringBuilder(usageName);
                        if (imageNames) {
                            sb.append(',');
                            if (!noName) {
                                sb.append(String.format(java.util.Locale.ROOT, "fer%07d.png", row));
                            }
                        }
                        for (int v : votes) {
                            sb.append(',').append(v);
                        }
                        sb.append('\n');
                        ascii(lab, sb.toString());
                    }
                    rows.put(usage, sizes[s]);
                    unnamed.put(usage, blank);
                }
            }
            return new Summary(images, labels, rows, unnamed);
        }
    }

    /** A smooth random blotch pattern: not a face. */
    private static FaceImage nonFace(SplittableRandom r) {
        int size = FerPlus.IMAGE_SIZE;
        float[] p = new float[size * size];
        float fx = 0.05f + 0.3f * (float) r.nextDouble();
        float fy = 0.05f + 0.3f * (float) r.nextDouble();
        float phase = (float) (r.nextDouble() * Math.PI * 2);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                float v =
                        0.5f
                                + 0.35f * (float) Math.sin(fx * x + fy * y + phase)
                                + 0.1f * (float) (r.nextDouble() - 0.5);
                p[y * size + x] = Math.max(0f, Math.min(1f, v));
            }
        }
        return FaceImage.of(1, size, size, p);
    }

    private static int digits(byte[] out, int n, int v) {
        if (v >= 100) {
            out[n++] = (byte) ('0' + v / 100);
            out[n++] = (byte) ('0' + (v / 10) % 10);
        } else if (v >= 10) {
            out[n++] = (byte) ('0' + v / 10);
        }
        out[n++] = (byte) ('0' + v % 10);
        return n;
    }

    private static void ascii(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
    }
}
