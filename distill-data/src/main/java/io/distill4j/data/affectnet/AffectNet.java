package io.distill4j.data.affectnet;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.core.Checks;
import io.distill4j.core.Task;
import io.distill4j.data.DataFiles;
import io.distill4j.data.DatasetFormatException;
import io.distill4j.data.FaceDataSource;
import io.distill4j.data.FaceImage;
import io.distill4j.data.FaceSplit;
import io.distill4j.data.ImageStamps;
import io.distill4j.data.Landmarks;
import io.distill4j.data.LoadReport;
import io.distill4j.data.OnBadRecord;
import io.distill4j.data.Seeds;
import io.distill4j.data.csv.CsvReader;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * AffectNet's manually annotated images in the usual 8-class protocol, streamed from disk.
 *
 * <p>Reads {@code Manually_Annotated_file_lists/training.csv} and {@code validation.csv} (columns
 * {@code subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,
 * valence,arousal}, found by name; landmarks are 68 points as {@code x;y;x;y;...}) and the images
 * under {@code Manually_Annotated_Images/} (either folder may also be the root itself). Loading
 * validates every row and checks that its image file exists, but keeps only each kept row's byte
 * offset, line and class (13 bytes per image): when a sample is read, its row is read again from
 * disk, the image decoded and cropped by the face box (parts outside the image black), with the
 * landmarks moved into the crop. Nothing else is held in memory.
 *
 * <p>Protocol: expressions 0-7 (neutral, happy, sad, surprise, fear, disgust, anger, contempt) are
 * the classes; rows coded 8 (None), 9 (Uncertain) or 10 (No-Face) are excluded and counted. The
 * official validation set is the test set (the test set is not public), and a seeded hold-out of
 * the training set, stratified by class, is the validation set.
 *
 * <p>Bad records (a wrong number of fields, non-numeric values, a non-positive face box, a landmark
 * list that is not 68 points, an expression outside 0-10, a missing image file, and with {@link
 * Builder#optVerifyImages} an unreadable or truncated image) stop the load with an error naming the
 * file and line, or with {@link OnBadRecord#SKIP} are skipped and reported; under {@link
 * OnBadRecord#SKIP} images are verified by default, so a truncated image is skipped at load rather
 * than found in the middle of training. An image that passes these checks and still fails to
 * decode, or decodes with damage ({@link FaceImage#decode}), fails that read with an error naming
 * its path.
 *
 * <p>Provenance and re-reads: the file lists are hashed (SHA-256) while they are read, and each
 * kept image is stamped with its size and time ({@link ImageStamps}; the stat that checks it
 * exists, no extra file access); the stamps' digest is in {@link #provenance()}. Every re-read
 * checks the file list's size and time, the row's image path and class, and the image's stamp and
 * content against what was loaded, and fails naming the file if anything changed.
 */
public final class AffectNet implements FaceDataSource {

    /** The folder of the file lists. */
    public static final String LIST_FOLDER = "Manually_Annotated_file_lists";

    /** The folder of the images. */
    public static final String IMAGE_FOLDER = "Manually_Annotated_Images";

    /** The training file list. */
    public static final String TRAINING_FILE = "training.csv";

    /** The validation file list (the test set of the protocol). */
    public static final String VALIDATION_FILE = "validation.csv";

    /** The number of classes of the protocol. */
    public static final int NUM_CLASSES = 8;

    /** The class names, in code order. */
    public static final List<String> CLASS_NAMES =
            List.of("neutral", "happy", "sad", "surprise", "fear", "disgust", "anger", "contempt");

    /** The names of all expression codes 0-10. */
    public static final List<String> CODE_NAMES =
            List.of(
                    "Neutral",
                    "Happy",
                    "Sad",
                    "Surprise",
                    "Fear",
                    "Disgust",
                    "Anger",
                    "Contempt",
                    "None",
                    "Uncertain",
                    "No-Face");

    /** The shape crops are resized to unless a dataset asks for another, {@code (3, 112, 112)}. */
    public static final Shape IMAGE_SHAPE = new Shape(3, 112, 112);

    private static final List<String> COLUMNS =
            List.of(
                    "subDirectory_filePath",
                    "face_x",
                    "face_y",
                    "face_width",
                    "face_height",
                    "facial_landmarks",
                    "expression",
                    "valence",
                    "arousal");

    private static final Task TASK = Task.classification(CLASS_NAMES);

    private final Map<Usage, AffectSplit> splits;
    private final LoadReport report;
    private final Duration loadTime;
    private final Map<String, String> provenance;

    private AffectNet(
            Map<Usage, AffectSplit> splits,
            LoadReport report,
            Duration loadTime,
            Map<String, String> provenance) {
        this.splits = splits;
        this.report = report;
        this.loadTime = loadTime;
        this.provenance = provenance;
    }

    /**
     * Returns a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "affectnet";
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
                "AffectNet[train=%d, validation=%d, test=%d]",
                splits.get(Usage.TRAIN).size(),
                splits.get(Usage.VALIDATION).size(),
                splits.get(Usage.TEST).size());
    }

    /** Configures and loads {@link AffectNet}. */
    public static final class Builder {

        private Path root;
        private Long seed;
        private float validationFraction = -1;
        private OnBadRecord onBadRecord;
        private Boolean verifyImages;

        private Builder() {}

        /**
         * Sets the folder holding {@code Manually_Annotated_file_lists/} and {@code
         * Manually_Annotated_Images/} (or the two CSV files and the image tree directly).
         *
         * @param newRoot the folder
         * @return this builder
         */
        public Builder setRoot(Path newRoot) {
            Objects.requireNonNull(newRoot, "root");
            if (root != null) {
                throw new IllegalStateException("root was already set to " + root);
            }
            this.root = newRoot;
            return this;
        }

        /**
         * Sets the seed of the validation hold-out; the default is 42.
         *
         * @param newSeed the seed
         * @return this builder
         */
        public Builder optSeed(long newSeed) {
            if (seed != null) {
                throw new IllegalStateException("seed was already set to " + seed);
            }
            this.seed = newSeed;
            return this;
        }

        /**
         * Sets the fraction of each class of the training list held out for validation; the default
         * is 0.1.
         *
         * @param fraction the fraction, in [0, 1)
         * @return this builder
         */
        public Builder optValidationFraction(float fraction) {
            if (validationFraction >= 0) {
                throw new IllegalStateException("validation fraction was already set");
            }
            if (!(fraction >= 0 && fraction < 1)) {
                throw new IllegalArgumentException(
                        Checks.format("validation fraction must be in [0, 1), was %s", fraction));
            }
            this.validationFraction = fraction;
            return this;
        }

        /**
         * Sets what happens to bad records; the default is {@link OnBadRecord#FAIL}.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder optOnBadRecord(OnBadRecord policy) {
            Objects.requireNonNull(policy, "policy");
            if (onBadRecord != null) {
                throw new IllegalStateException("onBadRecord was already set to " + onBadRecord);
            }
            this.onBadRecord = policy;
            return this;
        }

        /**
         * Sets whether each image's header and end are read at load time ({@link
         * DataFiles#imageProblem}; slow for the full set: one file open per image), so unreadable
         * and truncated images are found, and under {@link OnBadRecord#SKIP} skipped, at load;
         * the default is true under {@link OnBadRecord#SKIP} and false under {@link
         * OnBadRecord#FAIL} (images are then only checked to exist, and a bad one fails when it is
         * read).
         *
         * @param verify whether to verify
         * @return this builder
         */
        public Builder optVerifyImages(boolean verify) {
            if (verifyImages != null) {
                throw new IllegalStateException("verifyImages was already set to " + verifyImages);
            }
            this.verifyImages = verify;
            return this;
        }

        /**
         * Reads and checks both file lists.
         *
         * @return the data set
         * @throws FileNotFoundException if a file list is missing (the message names it)
         * @throws DatasetFormatException for a bad record under {@link OnBadRecord#FAIL}, or a file
         *     list without the expected header
         * @throws IOException if reading fails
         */
        public AffectNet load() throws IOException {
            if (root == null) {
                throw new IllegalStateException("setRoot(...) must be called before load()");
            }
            return new Loader(this).load();
        }
    }

    /** One row's fields. */
    private record Row(
            String path, int x, int y, int width, int height, float[] landmarks, int expression) {}

    /** The column positions of a file list. */
    private record Columns(int[] index, int count) {

        int of(int column) {
            return index[column];
        }
    }

    /** Reads the file lists. */
    private static final class Loader {

        private final Path root;
        private final long seed;
        private final float validationFraction;
        private final boolean verify;
        private final LoadReport.Builder report;
        private Path imageFolder;

        Loader(Builder b) {
            this.root = b.root;
            this.seed = b.seed == null ? 42 : b.seed;
            this.validationFraction = b.validationFraction < 0 ? 0.1f : b.validationFraction;
            this.verify = b.verifyImages != null
                            ? b.verifyImages
                            : b.onBadRecord == OnBadRecord.SKIP;
            this.report =
                    LoadReport.builder(b.onBadRecord == null ? OnBadRecord.FAIL : b.onBadRecord);
        }

        AffectNet load() throws IOException {
            long start = System.nanoTime();
            Path listFolder =
                    Files.isDirectory(root.resolve(LIST_FOLDER)) ? root.resolve(LIST_FOLDER) : root;
            String prefix = listFolder.equals(root) ? "" : LIST_FOLDER + "/";
            Path training = DataFiles.require("affectnet", root, prefix + TRAINING_FILE);
            Path validation = DataFiles.require("affectnet", root, prefix + VALIDATION_FILE);
            imageFolder =
                    Files.isDirectory(root.resolve(IMAGE_FOLDER))
                            ? root.resolve(IMAGE_FOLDER)
                            : root;
            MessageDigest trainingDigest = DataFiles.sha256();
            MessageDigest validationDigest = DataFiles.sha256();
            Table train = read(training, Usage.TRAIN, trainingDigest);
            Table test = read(validation, Usage.TEST, validationDigest);

            // stratified, seeded hold-out of the training list
            boolean[] heldOut = new boolean[train.size];
            for (int c = 0; c < NUM_CLASSES; c++) {
                List<Integer> members = new ArrayList<>();
                for (int i = 0; i < train.size; i++) {
                    if (train.labels[i] == c) {
                        members.add(i);
                    }
                }
                SplittableRandom random = new SplittableRandom(Seeds.mix(seed, c));
                for (int i = members.size() - 1; i > 0; i--) {
                    Collections.swap(members, i, random.nextInt(i + 1));
                }
                int n = Math.round(members.size() * validationFraction);
                for (int i = 0; i < n; i++) {
                    heldOut[members.get(i)] = true;
                }
            }
            Map<Usage, AffectSplit> splits = new EnumMap<>(Usage.class);
            splits.put(Usage.TRAIN, train.select(Usage.TRAIN, heldOut, false, imageFolder));
            splits.put(
                    Usage.VALIDATION, train.select(Usage.VALIDATION, heldOut, true, imageFolder));
            splits.put(Usage.TEST, test.select(Usage.TEST, null, false, imageFolder));
            Map<String, String> provenance = new LinkedHashMap<>();
            provenance.put("dataset", "affectnet");
            provenance.put("root", root.toString());
            provenance.put("training file", training.toString());
            provenance.put("training file sha256", DataFiles.hex(trainingDigest));
            provenance.put("validation file", validation.toString());
            provenance.put("validation file sha256", DataFiles.hex(validationDigest));
            provenance.put("image folder", imageFolder.toString());
            provenance.put("training images", Integer.toString(train.stamps.count()));
            provenance.put("training images stamp sha256", train.stamps.hex());
            provenance.put("validation images", Integer.toString(test.stamps.count()));
            provenance.put("validation images stamp sha256", test.stamps.hex());
            provenance.put("bad records skipped", Integer.toString(report.skippedCount()));
            provenance.put("seed", Long.toString(seed));
            provenance.put("validation fraction", Float.toString(validationFraction));
            return new AffectNet(
                    Collections.unmodifiableMap(splits),
                    report.build(),
                    Duration.ofNanos(System.nanoTime() - start),
                    Collections.unmodifiableMap(provenance));
        }

        private Table read(Path file, Usage usage, MessageDigest digest) throws IOException {
            Table table = new Table(file, ImageStamps.stat(file).orElseThrow(
                    () -> new FileNotFoundException(file + " disappeared while loading")));
            String name = file.toString();
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest);
                    CsvReader r = new CsvReader(in, name, 1 << 20)) {
                if (!r.next()) {
                    throw new DatasetFormatException(name, 0, "the file is empty");
                }
                Columns columns = columns(r, name);
                table.columns = columns;
                while (r.next()) {
                    try {
                        Row row = parseRow(r, columns, name);
                        Path image = imageFolder.resolve(row.path());
                        // One stat per image, which also stamps it (size, time) for later reads.
                        Optional<ImageStamps.Stamp> stamp = ImageStamps.stat(image);
                        if (stamp.isEmpty()) {
                            throw new DatasetFormatException(
                                    name, r.line(), "image file not found: " + image);
                        }
                        if (verify) {
                            Optional<String> problem = DataFiles.imageProblem(image);
                            if (problem.isPresent()) {
                                throw new DatasetFormatException(
                                        name, r.line(), problem.get() + ": " + image);
                            }
                        }
                        if (row.expression() >= NUM_CLASSES) {
                            report.exclude(
                                    usage,
                                    Checks.format(
                                            "expression %d (%s) is not one of the 8 classes",
                                            row.expression(), CODE_NAMES.get(row.expression())));
                            continue;
                        }
                        table.add(r.offset(), r.line(), row.expression(), row.path(), stamp.get());
                    } catch (DatasetFormatException e) {
                        report.bad(e);
                    }
                }
            }
            return table;
        }
    }

    private static Columns columns(CsvReader r, String name) throws DatasetFormatException {
        List<String> header = new ArrayList<>();
        r.fields().forEach(f -> header.add(f.trim()));
        int[] index = new int[COLUMNS.size()];
        List<String> missing = new ArrayList<>();
        for (int c = 0; c < COLUMNS.size(); c++) {
            index[c] = -1;
            for (int i = 0; i < header.size(); i++) {
                if (header.get(i).equalsIgnoreCase(COLUMNS.get(c))) {
                    index[c] = i;
                }
            }
            if (index[c] < 0) {
                missing.add(COLUMNS.get(c));
            }
        }
        if (!missing.isEmpty()) {
            throw new DatasetFormatException(
                    name,
                    r.line(),
                    Checks.format(
                            "the header lacks the column(s) %s; expected %s, was %s",
                            missing, COLUMNS, header));
        }
        return new Columns(index, header.size());
    }

    private static Row parseRow(CsvReader r, Columns c, String name) throws DatasetFormatException {
        if (r.size() != c.count()) {
            throw new DatasetFormatException(
                    name,
                    r.line(),
                    Checks.format("expected %d fields, found %d", c.count(), r.size()));
        }
        String path = r.get(c.of(0)).trim();
        if (path.isEmpty()) {
            throw new DatasetFormatException(name, r.line(), "subDirectory_filePath is empty");
        }
        int x = (int) Math.round(r.getDouble(c.of(1), COLUMNS.get(1)));
        int y = (int) Math.round(r.getDouble(c.of(2), COLUMNS.get(2)));
        int width = (int) Math.round(r.getDouble(c.of(3), COLUMNS.get(3)));
        int height = (int) Math.round(r.getDouble(c.of(4), COLUMNS.get(4)));
        if (width <= 0 || height <= 0) {
            throw new DatasetFormatException(
                    name,
                    r.line(),
                    Checks.format(
                            "face_width and face_height must be > 0, were %d and %d",
                            width, height));
        }
        float[] landmarks = parseLandmarks(r.get(c.of(5)), name, r.line());
        int expression = r.getInt(c.of(6), COLUMNS.get(6));
        if (expression < 0 || expression > 10) {
            throw new DatasetFormatException(
                    name,
                    r.line(),
                    Checks.format("expression must be in [0, 10], was %d", expression));
        }
        r.getDouble(c.of(7), COLUMNS.get(7));
        r.getDouble(c.of(8), COLUMNS.get(8));
        return new Row(path, x, y, width, height, landmarks, expression);
    }

    private static float[] parseLandmarks(String text, String name, long line)
            throws DatasetFormatException {
        String t = text.trim();
        if (t.isEmpty()) {
            return null;
        }
        String[] parts = t.split(";", -1);
        int n = parts.length;
        if (n > 0 && parts[n - 1].isBlank()) {
            n--; // a trailing separator
        }
        if (n != 2 * Landmarks.SIZE) {
            throw new DatasetFormatException(
                    name,
                    line,
                    Checks.format(
                            "facial_landmarks must hold 136 values (68 points as x;y), found %d",
                            n));
        }
        float[] xy = new float[n];
        for (int i = 0; i < n; i++) {
            try {
                xy[i] = Float.parseFloat(parts[i].trim());
            } catch (NumberFormatException e) {
                xy[i] = Float.NaN;
            }
            if (!Float.isFinite(xy[i])) {
                throw new DatasetFormatException(
                        name,
                        line,
                        Checks.format(
                                "facial_landmarks value %d must be a number, was '%s'",
                                i + 1, CsvReader.abbreviate(parts[i])));
            }
        }
        return xy;
    }

    /** The kept rows of one file list: offsets, lines, classes, image paths' hashes, stamps. */
    private static final class Table {

        private final Path file;
        private final ImageStamps.Stamp fileStamp;
        private final ImageStamps.Recorder stamps = ImageStamps.recorder();
        private Columns columns;
        private long[] offsets = new long[1024];
        private int[] lines = new int[1024];
        private byte[] labels = new byte[1024];
        private int[] paths = new int[1024];
        private int size;
        private ImageStamps all;

        Table(Path file, ImageStamps.Stamp fileStamp) {
            this.file = file;
            this.fileStamp = fileStamp;
        }

        void add(long offset, long line, int label, String path, ImageStamps.Stamp stamp) {
            if (size == offsets.length) {
                offsets = Arrays.copyOf(offsets, size * 2);
                lines = Arrays.copyOf(lines, size * 2);
                labels = Arrays.copyOf(labels, size * 2);
                paths = Arrays.copyOf(paths, size * 2);
            }
            offsets[size] = offset;
            lines[size] = (int) Math.min(Integer.MAX_VALUE, line);
            labels[size] = (byte) label;
            paths[size] = path.hashCode();
            stamps.add(path, stamp);
            size++;
        }

        AffectSplit select(Usage usage, boolean[] heldOut, boolean want, Path imageFolder) {
            int n = 0;
            for (int i = 0; i < size; i++) {
                if (heldOut == null || heldOut[i] == want) {
                    n++;
                }
            }
            long[] o = new long[n];
            int[] l = new int[n];
            byte[] c = new byte[n];
            int[] p = new int[n];
            int[] rows = new int[n];
            int k = 0;
            for (int i = 0; i < size; i++) {
                if (heldOut == null || heldOut[i] == want) {
                    o[k] = offsets[i];
                    l[k] = lines[i];
                    c[k] = labels[i];
                    p[k] = paths[i];
                    rows[k] = i;
                    k++;
                }
            }
            if (all == null) {
                all = stamps.build();
            }
            return new AffectSplit(
                    usage, file, fileStamp, columns, imageFolder, o, l, c, p, all.select(rows));
        }

    }

    /**
     * One split: rows re-read and images decoded on demand, each checked against what was loaded
     * (the file list's size and time, the row's image path and class, the image's stamp).
     */
    private static final class AffectSplit implements FaceSplit {

        private final Usage usage;
        private final Path file;
        private final ImageStamps.Stamp fileStamp;
        private final Columns columns;
        private final Path imageFolder;
        private final long[] offsets;
        private final int[] lines;
        private final byte[] labels;
        private final int[] paths;
        private final ImageStamps stamps;

        AffectSplit(
                Usage usage,
                Path file,
                ImageStamps.Stamp fileStamp,
                Columns columns,
                Path imageFolder,
                long[] offsets,
                int[] lines,
                byte[] labels,
                int[] paths,
                ImageStamps stamps) {
            this.usage = usage;
            this.file = file;
            this.fileStamp = fileStamp;
            this.columns = columns;
            this.imageFolder = imageFolder;
            this.offsets = offsets;
            this.lines = lines;
            this.labels = labels;
            this.paths = paths;
            this.stamps = stamps;
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
            return offsets.length;
        }

        @Override
        public Shape imageShape() {
            return IMAGE_SHAPE;
        }

        private Row row(int i) throws IOException {
            Optional<ImageStamps.Stamp> now = ImageStamps.stat(file);
            if (now.isEmpty() || !now.get().equals(fileStamp)) {
                throw new DatasetFormatException(
                        file.toString(),
                        lines[i],
                        Checks.format(
                                "the file list changed since the data set was loaded (now %s; at"
                                        + " load %s); rerun to load it again",
                                now.map(Object::toString).orElse("gone"),
                                fileStamp));
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                    CsvReader r =
                            new CsvReader(
                                    new ChannelInputStream(channel, offsets[i]),
                                    file.toString(),
                                    4096,
                                    lines[i])) {
                if (!r.next()) {
                    throw new DatasetFormatException(
                            file.toString(), lines[i], "the row is gone: the file changed");
                }
                Row row = parseRow(r, columns, file.toString());
                if (row.path().hashCode() != paths[i] || row.expression() != labels[i]) {
                    throw new DatasetFormatException(
                            file.toString(),
                            lines[i],
                            "the row differs from the one loaded; rerun to load the file again");
                }
                return row;
            }
        }

        @Override
        public FaceImage image(int index) throws IOException {
            int i = FaceSplit.checkIndex(index, offsets.length);
            Row row = row(i);
            Path path = imageFolder.resolve(row.path());
            FaceImage image = FaceImage.decode(stamps.read(i, path), path.toString());
            if (row.landmarks() != null) {
                image = image.withLandmarks(Landmarks.of(row.landmarks()));
            }
            return image.crop(row.x(), row.y(), row.width(), row.height());
        }

        @Override
        public float[] target(int index) {
            return new float[] {labels[FaceSplit.checkIndex(index, offsets.length)]};
        }

        @Override
        public int classIndex(int index) {
            return labels[FaceSplit.checkIndex(index, offsets.length)];
        }

        @Override
        public String describe(int index) {
            int i = FaceSplit.checkIndex(index, offsets.length);
            return Checks.format("%s line %d", file.getFileName(), lines[i]);
        }
    }

    /** Reads a file from a position with positional reads (thread-safe, no shared position). */
    private static final class ChannelInputStream extends InputStream {

        private final FileChannel channel;
        private long position;

        ChannelInputStream(FileChannel channel, long position) {
            this.channel = channel;
            this.position = position;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = channel.read(ByteBuffer.wrap(b, off, len), position);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }
}
