package io.distill4j.data.fer;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.core.Checks;
import io.distill4j.core.Task;
import io.distill4j.data.DataFiles;
import io.distill4j.data.DatasetFormatException;
import io.distill4j.data.FaceDataSource;
import io.distill4j.data.FaceImage;
import io.distill4j.data.FaceSplit;
import io.distill4j.data.LoadReport;
import io.distill4j.data.OnBadRecord;
import io.distill4j.data.csv.CsvReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * FER+: the FER2013 faces with the FER+ crowd labels, as distributed.
 *
 * <p>Reads {@code fer2013.csv} ({@code emotion,pixels,Usage}: 2,304 space-separated grey values per
 * 48x48 image, row-major) together with {@code fer2013new.csv} ({@code Usage,Image
 * name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF}, ten votes per
 * row, the same rows in the same order; older copies lack the {@code Image name} column). Both
 * files are read in one streaming pass; only the kept images' pixels are held, as one byte each
 * (about 83 MB for all 35,887 rows). Columns are found by their header names, so their order does
 * not matter. The files may use LF or CRLF line endings, start with a UTF-8 byte-order mark and
 * quote fields.
 *
 * <p>Splits: {@code Training} is the training set, {@code PublicTest} the validation set and {@code
 * PrivateTest} the test set. Rows with an empty {@code Image name} are not images (FER+'s own
 * generator skips them) and are excluded, as are the rows the {@linkplain FerLabelMode label mode}
 * leaves out; the {@link LoadReport} counts both per split and reason.
 *
 * <p>Bad records (a wrong number of fields or pixels, a non-numeric value, an unknown {@code
 * Usage}, a {@code Usage} that differs between the two files) stop the load with a {@link
 * DatasetFormatException} naming the file and line, or, with {@link OnBadRecord#SKIP}, are skipped
 * (both files' rows) and listed in the report. Files of different lengths always stop the load.
 *
 * <p>Provenance: the SHA-256 of both files, computed on the bytes as the one pass reads them (no
 * second read), the label mode and the number of bad records skipped.
 *
 * <pre>{@code
 * FerPlus fer = FerPlus.builder().setRoot(Path.of("data/ferplus")).load();
 * FaceSplit train = fer.split(Usage.TRAIN);
 * }</pre>
 */
public final class FerPlus implements FaceDataSource {

    /** The image file's name. */
    public static final String IMAGE_FILE = "fer2013.csv";

    /** The FER+ label file's name. */
    public static final String LABEL_FILE = "fer2013new.csv";

    /** The image side in pixels. */
    public static final int IMAGE_SIZE = 48;

    /** The number of grey values per image. */
    public static final int PIXELS = IMAGE_SIZE * IMAGE_SIZE;

    /** The number of expression classes. */
    public static final int NUM_CLASSES = 8;

    /** The classes, in label order (the order of the label file's vote columns). */
    public static final List<String> CLASS_NAMES =
            List.of(
                    "neutral",
                    "happiness",
                    "surprise",
                    "sadness",
                    "anger",
                    "disgust",
                    "fear",
                    "contempt");

    /** The label file's vote columns: the eight emotions, then {@code unknown} and {@code NF}. */
    public static final List<String> VOTE_COLUMNS = voteColumns();

    /** Exclusion reason: a row with an empty image name. */
    public static final String NO_IMAGE_NAME = "no image name (not an image in FER+)";

    /** Exclusion reason (majority): no class holds more than half of the votes. */
    public static final String NO_MAJORITY =
            "no class holds more than half of the votes left after dropping single votes";

    /** Exclusion reason (majority): the majority class is {@code unknown}. */
    public static final String MAJORITY_UNKNOWN = "the majority class is unknown";

    /** Exclusion reason (majority): the majority class is {@code NF}, not a face. */
    public static final String MAJORITY_NOT_FACE = "the majority class is NF (not a face)";

    /** Exclusion reason (probability): the top vote count is for {@code unknown} or {@code NF}. */
    public static final String TOP_NOT_EMOTION = "the most voted class is unknown or NF";

    /** Exclusion reason (probability): no votes for any of the eight emotions. */
    public static final String NO_EMOTION_VOTES = "no votes for any of the eight emotions";

    private static final Task TASK = Task.classification(CLASS_NAMES);

    private final Map<Usage, FerSplit> splits;
    private final LoadReport report;
    private final Duration loadTime;
    private final Map<String, String> provenance;

    private FerPlus(
            Map<Usage, FerSplit> splits,
            LoadReport report,
            Duration loadTime,
            Map<String, String> provenance) {
        this.splits = splits;
        this.report = report;
        this.loadTime = loadTime;
        this.provenance = provenance;
    }

    private static List<String> voteColumns() {
        List<String> names = new ArrayList<>(CLASS_NAMES);
        names.add("unknown");
        names.add("NF");
        return List.copyOf(names);
    }

    /**
     * Returns a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Applies the FER+ majority rule to one row's ten votes.
     *
     * @param votes the vote counts in {@link #VOTE_COLUMNS} order
     * @return the class (0-7), or empty when the row is left out
     */
    public static OptionalInt majority(int[] votes) {
        int outcome = majorityOutcome(votes);
        return outcome >= 0 ? OptionalInt.of(outcome) : OptionalInt.empty();
    }

    /**
     * Returns the majority class, or -1 (no majority), -2 (unknown) or -3 (NF).
     *
     * @param votes the ten vote counts
     * @return the outcome
     */
    static int majorityOutcome(int[] votes) {
        checkVotes(votes);
        int sum = 0;
        int best = 0;
        int bestIndex = -1;
        for (int i = 0; i < votes.length; i++) {
            int v = votes[i] <= 1 ? 0 : votes[i];
            sum += v;
            if (v > best) {
                best = v;
                bestIndex = i;
            }
        }
        if (sum == 0 || 2 * best <= sum) {
            return -1;
        }
        if (bestIndex == NUM_CLASSES) {
            return -2;
        }
        if (bestIndex == NUM_CLASSES + 1) {
            return -3;
        }
        return bestIndex;
    }

    /**
     * Applies the {@code probability} mode to one row's ten votes.
     *
     * @param votes the vote counts in {@link #VOTE_COLUMNS} order
     * @return the distribution over the eight emotions, or empty when the row is left out
     */
    public static Optional<float[]> probability(int[] votes) {
        checkVotes(votes);
        int emotions = 0;
        int bestEmotion = 0;
        for (int i = 0; i < NUM_CLASSES; i++) {
            emotions += votes[i];
            bestEmotion = Math.max(bestEmotion, votes[i]);
        }
        if (emotions == 0 || Math.max(votes[NUM_CLASSES], votes[NUM_CLASSES + 1]) > bestEmotion) {
            return Optional.empty();
        }
        float[] p = new float[NUM_CLASSES];
        for (int i = 0; i < NUM_CLASSES; i++) {
            p[i] = (float) votes[i] / emotions;
        }
        return Optional.of(p);
    }

    private static void checkVotes(int[] votes) {
        Objects.requireNonNull(votes, "votes");
        if (votes.length != NUM_CLASSES + 2) {
            throw new IllegalArgumentException(
                    Checks.format("votes must hold 10 counts, was %d", votes.length));
        }
        for (int v : votes) {
            if (v < 0) {
                throw new IllegalArgumentException(
                        Checks.format("votes must be >= 0, was %s", Arrays.toString(votes)));
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "ferplus";
    }

    /** {@inheritDoc} */
    @Override
    public Task task() {
        return TASK;
    }

    /** {@inheritDoc} */
    @Override
    public FaceSplit split(Usage usage) {
        return splits.get(Objects.requireNonNull(usage, "usage"));
    }

    /** {@inheritDoc} */
    @Override
    public LoadReport report() {
        return report;
    }

    /** {@inheritDoc} */
    @Override
    public Duration loadTime() {
        return loadTime;
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, String> provenance() {
        return provenance;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format(
                "FerPlus[train=%d, validation=%d, test=%d, %s]",
                splits.get(Usage.TRAIN).size(),
                splits.get(Usage.VALIDATION).size(),
                splits.get(Usage.TEST).size(),
                provenance.get("label mode"));
    }

    /** Configures and loads {@link FerPlus}. */
    public static final class Builder {

        private Path imageFile;
        private Path labelFile;
        private Path root;
        private FerLabelMode labelMode;
        private OnBadRecord onBadRecord;

        private Builder() {}

        /**
         * Sets the folder holding {@code fer2013.csv} and {@code fer2013new.csv}.
         *
         * @param root the folder
         * @return this builder
         */
        public Builder setRoot(Path root) {
            this.root = once(this.root, Objects.requireNonNull(root, "root"), "root");
            return this;
        }

        /**
         * Sets the image file explicitly (instead of {@code root/fer2013.csv}).
         *
         * @param file the file
         * @return this builder
         */
        public Builder optImageFile(Path file) {
            this.imageFile =
                    once(this.imageFile, Objects.requireNonNull(file, "file"), "imageFile");
            return this;
        }

        /**
         * Sets the label file explicitly (instead of {@code root/fer2013new.csv}).
         *
         * @param file the file
         * @return this builder
         */
        public Builder optLabelFile(Path file) {
            this.labelFile =
                    once(this.labelFile, Objects.requireNonNull(file, "file"), "labelFile");
            return this;
        }

        /**
         * Sets the label mode; the default is {@link FerLabelMode#MAJORITY}.
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder optLabelMode(FerLabelMode mode) {
            this.labelMode =
                    once(this.labelMode, Objects.requireNonNull(mode, "mode"), "labelMode");
            return this;
        }

        /**
         * Sets what happens to bad records; the default is {@link OnBadRecord#FAIL}.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder optOnBadRecord(OnBadRecord policy) {
            this.onBadRecord =
                    once(this.onBadRecord, Objects.requireNonNull(policy, "policy"), "onBadRecord");
            return this;
        }

        /**
         * Reads both files.
         *
         * @return the data set
         * @throws java.io.FileNotFoundException if a file is missing (the message names it)
         * @throws DatasetFormatException for a bad record under {@link OnBadRecord#FAIL}, or for
         *     files that cannot be paired (different lengths, missing columns)
         * @throws IOException if reading fails
         */
        public FerPlus load() throws IOException {
            Path images = imageFile;
            Path labels = labelFile;
            if (images == null || labels == null) {
                if (root == null) {
                    throw new IllegalStateException(
                            "setRoot(...) or both optImageFile(...) and optLabelFile(...) must be"
                                    + " called before load()");
                }
            }
            if (images == null) {
                images = DataFiles.require("ferplus", root, IMAGE_FILE);
            }
            if (labels == null) {
                labels = DataFiles.require("ferplus", root, LABEL_FILE);
            }
            FerLabelMode mode = labelMode == null ? FerLabelMode.MAJORITY : labelMode;
            OnBadRecord policy = onBadRecord == null ? OnBadRecord.FAIL : onBadRecord;
            return new Loader(images, labels, mode, policy).load();
        }
    }

    static <T> T once(T current, T value, String name) {
        if (current != null) {
            throw new IllegalStateException(name + " was already set to " + current);
        }
        return value;
    }

    /** The one-pass reader of both files. */
    private static final class Loader {

        private final Path imageFile;
        private final Path labelFile;
        private final String imageName;
        private final String labelName;
        private final FerLabelMode mode;
        private final LoadReport.Builder report;
        private final Map<Usage, SplitBuilder> builders = new EnumMap<>(Usage.class);

        private int emotionColumn;
        private int pixelsColumn;
        private int usageColumn;
        private int imageFields;
        private int labelUsageColumn;
        private int nameColumn = -1;
        private final int[] voteColumns = new int[NUM_CLASSES + 2];
        private int labelFields;

        Loader(Path imageFile, Path labelFile, FerLabelMode mode, OnBadRecord policy) {
            this.imageFile = imageFile;
            this.labelFile = labelFile;
            this.imageName = imageFile.toString();
            this.labelName = labelFile.toString();
            this.mode = mode;
            this.report = LoadReport.builder(policy);
            for (Usage usage : Usage.values()) {
                builders.put(usage, new SplitBuilder(usage, mode));
            }
        }

        FerPlus load() throws IOException {
            long start = System.nanoTime();
            MessageDigest digest = DataFiles.sha256();
            MessageDigest imageDigest = DataFiles.sha256();
            long rows = 0;
            try (InputStream imageStream =
                            new DigestInputStream(Files.newInputStream(imageFile), imageDigest);
                    CsvReader images = new CsvReader(imageStream, imageName, 1 << 20);
                    InputStream labelStream =
                            new DigestInputStream(Files.newInputStream(labelFile), digest);
                    CsvReader labels = new CsvReader(labelStream, labelName)) {
                readImageHeader(images);
                readLabelHeader(labels);
                byte[] pixels = new byte[PIXELS];
                int[] votes = new int[NUM_CLASSES + 2];
                while (true) {
                    boolean hasImage = images.next();
                    boolean hasLabel = labels.next();
                    if (!hasImage && !hasLabel) {
                        break;
                    }
                    if (hasImage != hasLabel) {
                        throw lengthMismatch(hasImage, rows, images, labels);
                    }
                    rows++;
                    try {
                        Usage usage = parseImageRow(images, pixels);
                        String name = parseLabelRow(labels, usage, images.line(), votes);
                        accept(usage, name, pixels, votes, images.line());
                    } catch (DatasetFormatException e) {
                        report.bad(e);
                    }
                }
            }
            Map<Usage, FerSplit> splits = new EnumMap<>(Usage.class);
            builders.forEach((u, b) -> splits.put(u, b.build()));
            Map<String, String> provenance = new LinkedHashMap<>();
            provenance.put("dataset", "ferplus");
            provenance.put("image file", imageName);
            provenance.put("image file sha256", DataFiles.hex(imageDigest));
            provenance.put("label file", labelName);
            provenance.put("label file sha256", DataFiles.hex(digest));
            provenance.put("label mode", mode.optionName());
            provenance.put("rows", Long.toString(rows));
            provenance.put("bad records skipped", Integer.toString(report.skippedCount()));
            return new FerPlus(
                    Map.copyOf(splits),
                    report.build(),
                    Duration.ofNanos(System.nanoTime() - start),
                    java.util.Collections.unmodifiableMap(provenance));
        }

        private DatasetFormatException lengthMismatch(
                boolean hasImage, long rows, CsvReader images, CsvReader labels) {
            CsvReader longer = hasImage ? images : labels;
            String shorter = hasImage ? labelName : imageName;
            return new DatasetFormatException(
                    longer.source(),
                    longer.line(),
                    Checks.format(
                            "%s ends after %d rows but this file goes on; both files must hold"
                                    + " the same rows in the same order",
                            shorter, rows));
        }

        private void readImageHeader(CsvReader images) throws IOException {
            if (!images.next()) {
                throw new DatasetFormatException(imageName, 0, "the file is empty");
            }
            List<String> header = trimmed(images.fields());
            emotionColumn = indexOf(header, "emotion");
            pixelsColumn = indexOf(header, "pixels");
            usageColumn = indexOf(header, "Usage");
            imageFields = header.size();
            if (emotionColumn < 0 || pixelsColumn < 0 || usageColumn < 0) {
                throw new DatasetFormatException(
                        imageName,
                        images.line(),
                        Checks.format(
                                "the header must name the columns emotion, pixels and Usage, was"
                                        + " %s",
                                header));
            }
        }

        private void readLabelHeader(CsvReader labels) throws IOException {
            if (!labels.next()) {
                throw new DatasetFormatException(labelName, 0, "the file is empty");
            }
            List<String> header = trimmed(labels.fields());
            labelFields = header.size();
            labelUsageColumn = indexOf(header, "Usage");
            nameColumn = indexOf(header, "Image name");
            List<String> missing = new ArrayList<>();
            if (labelUsageColumn < 0) {
                missing.add("Usage");
            }
            for (int i = 0; i < VOTE_COLUMNS.size(); i++) {
                voteColumns[i] = indexOf(header, VOTE_COLUMNS.get(i));
                if (voteColumns[i] < 0) {
                    missing.add(VOTE_COLUMNS.get(i));
                }
            }
            if (!missing.isEmpty()) {
                throw new DatasetFormatException(
                        labelName,
                        labels.line(),
                        Checks.format(
                                "the header lacks the column(s) %s; expected Usage, Image name"
                                        + " (optional) and %s, was %s",
                                missing, VOTE_COLUMNS, header));
            }
        }

        private static List<String> trimmed(List<String> fields) {
            List<String> out = new ArrayList<>(fields.size());
            fields.forEach(f -> out.add(f.trim()));
            return out;
        }

        private static int indexOf(List<String> header, String name) {
            for (int i = 0; i < header.size(); i++) {
                if (header.get(i).equalsIgnoreCase(name)) {
                    return i;
                }
            }
            return -1;
        }

        private Usage parseImageRow(CsvReader r, byte[] pixels) throws DatasetFormatException {
            if (r.size() != imageFields) {
                throw new DatasetFormatException(
                        imageName,
                        r.line(),
                        Checks.format(
                                "expected %d fields (emotion, pixels, Usage), found %d",
                                imageFields, r.size()));
            }
            Usage usage = parseUsage(r, usageColumn, imageName);
            int emotion = r.getInt(emotionColumn, "emotion");
            if (emotion < 0 || emotion > 6) {
                throw new DatasetFormatException(
                        imageName,
                        r.line(),
                        Checks.format("emotion must be in [0, 6], was %d", emotion));
            }
            String problem =
                    parsePixels(r.buffer(), r.start(pixelsColumn), r.end(pixelsColumn), pixels);
            if (problem != null) {
                throw new DatasetFormatException(imageName, r.line(), problem);
            }
            return usage;
        }

        private String parseLabelRow(CsvReader r, Usage imageUsage, long imageLine, int[] votes)
                throws DatasetFormatException {
            if (r.size() != labelFields) {
                throw new DatasetFormatException(
                        labelName,
                        r.line(),
                        Checks.format("expected %d fields, found %d", labelFields, r.size()));
            }
            Usage usage = parseUsage(r, labelUsageColumn, labelName);
            if (usage != imageUsage) {
                throw new DatasetFormatException(
                        labelName,
                        r.line(),
                        Checks.format(
                                "Usage %s differs from %s line %d (%s); both files must hold the"
                                        + " same rows in the same order",
                                r.get(labelUsageColumn).trim(),
                                imageName,
                                imageLine,
                                usageName(imageUsage)));
            }
            for (int i = 0; i < votes.length; i++) {
                votes[i] = r.getInt(voteColumns[i], VOTE_COLUMNS.get(i));
                if (votes[i] < 0) {
                    throw new DatasetFormatException(
                            labelName,
                            r.line(),
                            Checks.format(
                                    "%s must be a vote count >= 0, was %d",
                                    VOTE_COLUMNS.get(i), votes[i]));
                }
            }
            return nameColumn < 0 ? "" : r.get(nameColumn).trim();
        }

        private static Usage parseUsage(CsvReader r, int column, String file)
                throws DatasetFormatException {
            String text = r.get(column).trim();
            switch (text) {
                case "Training":
                    return Usage.TRAIN;
                case "PublicTest":
                    return Usage.VALIDATION;
                case "PrivateTest":
                    return Usage.TEST;
                default:
                    throw new DatasetFormatException(
                            file,
                            r.line(),
                            Checks.format(
                                    "unknown Usage '%s', expected Training, PublicTest or"
                                            + " PrivateTest",
                                    CsvReader.abbreviate(text)));
            }
        }

        private void accept(Usage usage, String name, byte[] pixels, int[] votes, long line) {
            if (nameColumn >= 0 && name.isEmpty()) {
                report.exclude(usage, NO_IMAGE_NAME);
                return;
            }
            SplitBuilder split = builders.get(usage);
            if (mode == FerLabelMode.MAJORITY) {
                int outcome = majorityOutcome(votes);
                if (outcome >= 0) {
                    split.add(pixels, outcome, null, line, name);
                } else {
                    report.exclude(
                            usage,
                            outcome == -1
                                    ? NO_MAJORITY
                                    : outcome == -2 ? MAJORITY_UNKNOWN : MAJORITY_NOT_FACE);
                }
            } else {
                Optional<float[]> p = probability(votes);
                if (p.isPresent()) {
                    split.add(pixels, argMax(p.get()), p.get(), line, name);
                } else {
                    int emotions = 0;
                    for (int i = 0; i < NUM_CLASSES; i++) {
                        emotions += votes[i];
                    }
                    report.exclude(usage, emotions == 0 ? NO_EMOTION_VOTES : TOP_NOT_EMOTION);
                }
            }
        }
    }

    static String usageName(Usage usage) {
        switch (usage) {
            case TRAIN:
                return "Training";
            case VALIDATION:
                return "PublicTest";
            default:
                return "PrivateTest";
        }
    }

    static int argMax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Parses 2,304 space-separated integers in [0, 255].
     *
     * @return null on success, else what was wrong
     */
    static String parsePixels(byte[] b, int from, int to, byte[] out) {
        int count = 0;
        int v = -1;
        for (int k = from; k < to; k++) {
            int c = b[k];
            int d = c - '0';
            if (d >= 0 && d <= 9) {
                v = v < 0 ? d : v * 10 + d;
                if (v > 255) {
                    return Checks.format(
                            "pixel %d is greater than 255; pixels must be integers in [0, 255]",
                            count + 1);
                }
            } else if (c == ' ' || c == '\t') {
                if (v >= 0) {
                    if (count < out.length) {
                        out[count] = (byte) v;
                    }
                    count++;
                    v = -1;
                }
            } else {
                return Checks.format(
                        "pixel %d is not a number (found '%s'); pixels must be integers in [0,"
                                + " 255] separated by spaces",
                        count + 1, printable(c));
            }
        }
        if (v >= 0) {
            if (count < out.length) {
                out[count] = (byte) v;
            }
            count++;
        }
        if (count != out.length) {
            return Checks.format("expected %d pixel values, found %d", out.length, count);
        }
        return null;
    }

    private static String printable(int c) {
        int u = c & 0xFF;
        return u >= 0x20 && u < 0x7F
                ? Character.toString((char) u)
                : String.format(Locale.ROOT, "0x%02X", u);
    }

    /** Accumulates one split's kept rows. */
    private static final class SplitBuilder {

        private final Usage usage;
        private final FerLabelMode mode;
        private final List<byte[]> pixels = new ArrayList<>();
        private int[] labels = new int[1024];
        private float[] distributions;
        private int[] lines = new int[1024];
        private final List<String> names = new ArrayList<>();

        SplitBuilder(Usage usage, FerLabelMode mode) {
            this.usage = usage;
            this.mode = mode;
            this.distributions =
                    mode == FerLabelMode.PROBABILITY ? new float[1024 * NUM_CLASSES] : null;
        }

        void add(byte[] image, int label, float[] distribution, long line, String name) {
            int n = pixels.size();
            if (n == labels.length) {
                labels = Arrays.copyOf(labels, n * 2);
                lines = Arrays.copyOf(lines, n * 2);
                if (distributions != null) {
                    distributions = Arrays.copyOf(distributions, n * 2 * NUM_CLASSES);
                }
            }
            pixels.add(image.clone());
            labels[n] = label;
            lines[n] = (int) Math.min(Integer.MAX_VALUE, line);
            if (distributions != null) {
                System.arraycopy(distribution, 0, distributions, n * NUM_CLASSES, NUM_CLASSES);
            }
            names.add(name);
        }

        FerSplit build() {
            int n = pixels.size();
            return new FerSplit(
                    usage,
                    mode,
                    pixels.toArray(new byte[0][]),
                    Arrays.copyOf(labels, n),
                    distributions == null ? null : Arrays.copyOf(distributions, n * NUM_CLASSES),
                    Arrays.copyOf(lines, n),
                    names.toArray(new String[0]));
        }
    }

    /** One loaded split: pixels as bytes, decoded to floats on demand. */
    private static final class FerSplit implements FaceSplit {

        private final Usage usage;
        private final FerLabelMode mode;
        private final byte[][] pixels;
        private final int[] labels;
        private final float[] distributions;
        private final int[] lines;
        private final String[] names;

        FerSplit(
                Usage usage,
                FerLabelMode mode,
                byte[][] pixels,
                int[] labels,
                float[] distributions,
                int[] lines,
                String[] names) {
            this.usage = usage;
            this.mode = mode;
            this.pixels = pixels;
            this.labels = labels;
            this.distributions = distributions;
            this.lines = lines;
            this.names = names;
        }

        @Override
        public Usage usage() {
            return usage;
        }

        @Override
        public Task task() {
            return TASK;
        }

        @Override
        public int size() {
            return pixels.length;
        }

        @Override
        public Shape imageShape() {
            return new Shape(1, IMAGE_SIZE, IMAGE_SIZE);
        }

        @Override
        public FaceImage image(int index) {
            FaceSplit.checkIndex(index, pixels.length);
            return FaceImage.fromGreyBytes(IMAGE_SIZE, IMAGE_SIZE, pixels[index]);
        }

        @Override
        public float[] target(int index) {
            FaceSplit.checkIndex(index, pixels.length);
            if (mode == FerLabelMode.PROBABILITY) {
                return Arrays.copyOfRange(
                        distributions, index * NUM_CLASSES, (index + 1) * NUM_CLASSES);
            }
            return new float[] {labels[index]};
        }

        @Override
        public int classIndex(int index) {
            FaceSplit.checkIndex(index, pixels.length);
            return labels[index];
        }

        @Override
        public boolean softLabels() {
            return mode == FerLabelMode.PROBABILITY;
        }

        @Override
        public String describe(int index) {
            FaceSplit.checkIndex(index, pixels.length);
            return names[index].isEmpty()
                    ? Checks.format("%s line %d", IMAGE_FILE, lines[index])
                    : Checks.format("%s line %d (%s)", IMAGE_FILE, lines[index], names[index]);
        }

        @Override
        public String toString() {
            return Checks.format("FerPlus %s split, %d images", usageName(usage), size());
        }
    }
}
