package io.distill4j.data.utkface;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.core.Checks;
import io.distill4j.core.Task;
import io.distill4j.data.DataFiles;
import io.distill4j.data.DatasetFormatException;
import io.distill4j.data.FaceAttribute;
import io.distill4j.data.FaceDataSource;
import io.distill4j.data.FaceImage;
import io.distill4j.data.FaceSplit;
import io.distill4j.data.ImageStamps;
import io.distill4j.data.LoadReport;
import io.distill4j.data.OnBadRecord;
import io.distill4j.data.RecordIssue;
import io.distill4j.data.Seeds;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * UTKFace: face images labelled by their file names, {@code [age]_[gender]_[race]_[date&time].jpg}
 * or the aligned {@code .jpg.chip.jpg} form, for age (a regression, 0-116) or gender (0 male, 1
 * female).
 *
 * <p>The root folder is searched up to four levels deep (the distributed archives unpack to {@code
 * UTKFace/} or {@code crop_part1/}) for {@code .jpg} files; other files are not read and are
 * counted in the report's notes. Names are parsed by {@link UtkFaceName}: the known malformed names
 * of the real set are repaired, kept and listed in {@link LoadReport#repaired()}; any other bad
 * name, or an unreadable image, fails the load or, with {@link OnBadRecord#SKIP}, is skipped and
 * reported. Images are decoded when read, never held; the splits' {@link FaceSplit#imageShape()}
 * is the first image's size, in RGB. A truncated or damaged image is never decoded into a partly
 * blank face ({@link FaceImage#decode}): under {@link OnBadRecord#SKIP} every image's header and
 * end are checked at load (by default) and bad ones skipped; otherwise the read fails naming it.
 *
 * <p>Provenance and re-reads: each image is stamped with its size and time while the folder is
 * walked ({@link ImageStamps}; no extra file access), the stamps' digest is in {@link
 * #provenance()}, and every read checks the image against its stamp, failing with its path if it
 * changed since the load.
 *
 * <p>No official split exists, so the adapter makes one: within each stratum (gender x age decade,
 * ages 80 and over together), images are sorted by path, shuffled with a generator seeded by {@code
 * (seed, stratum)}, and the first {@code round(n * test)} go to the test set, the next {@code
 * round(n * validation)} to the validation set, the rest to the training set. The split is written
 * to a file ({@code utkface-split-seed<seed>.csv} in the root, or {@link Builder#optSplitFile}) and
 * read back by later runs, so runs share it; a split file made with another seed or other
 * fractions, or that does not list every image, is an error.
 */
public final class UtkFace implements FaceDataSource {

    /** The gender class names, in label order. */
    public static final List<String> GENDER_NAMES = List.of("male", "female");

    /** The race names, in code order. */
    public static final List<String> RACE_NAMES =
            List.of("White", "Black", "Asian", "Indian", "Others");

    /**
     * The size the aligned images are distributed at, {@code (3, 200, 200)}: the splits' {@link
     * FaceSplit#imageShape()} when the first image's header cannot be read.
     */
    public static final Shape IMAGE_SHAPE = new Shape(3, 200, 200);

    private static final String SPLIT_HEADER = "# distill4j utkface split";

    private final Task task;
    private final FaceAttribute attribute;
    private final Map<Usage, UtkSplit> splits;
    private final LoadReport report;
    private final Duration loadTime;
    private final Map<String, String> provenance;

    private UtkFace(
            FaceAttribute attribute,
            Map<Usage, UtkSplit> splits,
            LoadReport report,
            Duration loadTime,
            Map<String, String> provenance) {
        this.attribute = attribute;
        this.task =
                attribute == FaceAttribute.AGE
                        ? Task.regression()
                        : Task.classification(GENDER_NAMES);
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

    /**
     * Returns the default split file name for a seed.
     *
     * @param seed the seed
     * @return {@code utkface-split-seed<seed>.csv}
     */
    public static String defaultSplitFileName(long seed) {
        return "utkface-split-seed" + seed + ".csv";
    }

    /**
     * Returns the stratum of an image: gender and age decade (80 and over together).
     *
     * @param gender 0 or 1
     * @param age the age
     * @return the stratum key
     */
    public static int stratum(int gender, int age) {
        return gender * 100 + Math.min(age / 10, 8);
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "utkface";
    }

    /** {@inheritDoc} */
    @Override
    public Task task() {
        return task;
    }

    /**
     * Returns the attribute the targets are.
     *
     * @return age or gender
     */
    public FaceAttribute attribute() {
        return attribute;
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
                "UtkFace[%s, train=%d, validation=%d, test=%d]",
                attribute.optionName(),
                splits.get(Usage.TRAIN).size(),
                splits.get(Usage.VALIDATION).size(),
                splits.get(Usage.TEST).size());
    }

    /** One image's labels and stamp. */
    private record Entry(Path file, String relative, int age, int gender, ImageStamps.Stamp stamp) {}

    /** Configures and loads {@link UtkFace}. */
    public static final class Builder {

        private Path root;
        private FaceAttribute attribute;
        private Long seed;
        private float validationFraction = -1;
        private float testFraction = -1;
        private Path splitFile;
        private OnBadRecord onBadRecord;
        private Boolean verifyImages;

        private Builder() {}

        /**
         * Sets the folder holding the images (searched up to four levels deep).
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
         * Sets what the targets are: {@link FaceAttribute#AGE} (the default) or {@link
         * FaceAttribute#GENDER}.
         *
         * @param newAttribute the attribute
         * @return this builder
         */
        public Builder optAttribute(FaceAttribute newAttribute) {
            Objects.requireNonNull(newAttribute, "attribute");
            if (attribute != null) {
                throw new IllegalStateException("attribute was already set to " + attribute);
            }
            if (newAttribute == FaceAttribute.EXPRESSION) {
                throw new IllegalArgumentException(
                        "attribute must be age or gender for utkface, was expression");
            }
            this.attribute = newAttribute;
            return this;
        }

        /**
         * Sets the split seed; the default is 42.
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
         * Sets the fractions of each stratum that go to the validation and test sets; the defaults
         * are 0.1 and 0.1.
         *
         * @param validation the validation fraction, in [0, 1)
         * @param test the test fraction, in [0, 1), with {@code validation + test < 1}
         * @return this builder
         */
        public Builder optFractions(float validation, float test) {
            if (validationFraction >= 0) {
                throw new IllegalStateException("fractions were already set");
            }
            checkFractions(validation, test);
            this.validationFraction = validation;
            this.testFraction = test;
            return this;
        }

        /**
         * Sets the split file; the default is {@code utkface-split-seed<seed>.csv} in the root. An
         * existing file is read, a missing one is written.
         *
         * @param file the file
         * @return this builder
         */
        public Builder optSplitFile(Path file) {
            Objects.requireNonNull(file, "file");
            if (splitFile != null) {
                throw new IllegalStateException("split file was already set to " + splitFile);
            }
            this.splitFile = file;
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
         * Sets whether every image's header is read at load time, so that unreadable images are
         * found then rather than when training reaches them; the default is true under {@link
         * OnBadRecord#SKIP} (so they can be skipped) and false under {@link OnBadRecord#FAIL}.
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
         * Finds and parses the images and makes or reads the split.
         *
         * @return the data set
         * @throws FileNotFoundException if the root is not a folder or holds no {@code .jpg}
         * @throws DatasetFormatException for a bad name or image under {@link OnBadRecord#FAIL}, or
         *     a split file that does not match
         * @throws IOException if reading or writing fails
         */
        public UtkFace load() throws IOException {
            if (root == null) {
                throw new IllegalStateException("setRoot(...) must be called before load()");
            }
            if (validationFraction < 0) {
                validationFraction = 0.1f;
                testFraction = 0.1f;
            }
            return new Loader(this).load();
        }
    }

    static void checkFractions(float validation, float test) {
        if (!(validation >= 0 && validation < 1)) {
            throw new IllegalArgumentException(
                    Checks.format("validation fraction must be in [0, 1), was %s", validation));
        }
        if (!(test >= 0 && test < 1)) {
            throw new IllegalArgumentException(
                    Checks.format("test fraction must be in [0, 1), was %s", test));
        }
        if (validation + test >= 1) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "validation + test fractions must be < 1, were %s + %s",
                            validation, test));
        }
    }

    /** Finds, parses and splits. */
    private static final class Loader {

        private final Path root;
        private final FaceAttribute attribute;
        private final long seed;
        private final float validation;
        private final float test;
        private final Path splitFile;
        private final boolean verify;
        private final LoadReport.Builder report;

        Loader(Builder b) {
            this.root = b.root;
            this.attribute = b.attribute == null ? FaceAttribute.AGE : b.attribute;
            this.seed = b.seed == null ? 42 : b.seed;
            this.validation = b.validationFraction;
            this.test = b.testFraction;
            this.splitFile =
                    b.splitFile == null ? root.resolve(defaultSplitFileName(seed)) : b.splitFile;
            OnBadRecord policy = b.onBadRecord == null ? OnBadRecord.FAIL : b.onBadRecord;
            this.verify = b.verifyImages == null ? policy == OnBadRecord.SKIP : b.verifyImages;
            this.report = LoadReport.builder(policy);
        }

        UtkFace load() throws IOException {
            long start = System.nanoTime();
            if (!Files.isDirectory(root)) {
                throw new FileNotFoundException(
                        Checks.format("utkface root %s is not a folder", root));
            }
            // The walk's own attributes give every file's stamp (size, time): no extra stat.
            Map<Path, ImageStamps.Stamp> stamps = new HashMap<>();
            List<Path> files;
            try (Stream<Path> walk =
                    Files.find(
                            root,
                            4,
                            (path, attributes) -> {
                                if (!attributes.isRegularFile()) {
                                    return false;
                                }
                                stamps.put(path, ImageStamps.of(attributes));
                                return true;
                            })) {
                files = walk.sorted().toList();
            }
            List<Entry> entries = new ArrayList<>();
            int jpgs = 0;
            List<Path> ignored = new ArrayList<>();
            Path split = splitFile.toAbsolutePath().normalize();
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!name.toLowerCase(Locale.ROOT).endsWith(".jpg")) {
                    if (!file.toAbsolutePath().normalize().equals(split)) {
                        ignored.add(file);
                    }
                    continue;
                }
                jpgs++;
                Entry entry = parse(file, name, stamps.get(file));
                if (entry != null) {
                    entries.add(entry);
                }
            }
            if (!ignored.isEmpty()) {
                report.note(
                        Checks.format(
                                "ignored %d file(s) that are not .jpg images (first: %s)",
                                ignored.size(), ignored.get(0)));
            }
            if (jpgs == 0) {
                throw new FileNotFoundException(
                        Checks.format(
                                "utkface needs [age]_[gender]_[race]_[date&time].jpg(.chip.jpg)"
                                        + " images in %s, but no .jpg file was found",
                                root));
            }
            if (entries.isEmpty()) {
                throw new IOException(
                        Checks.format(
                                "utkface found %d .jpg file(s) in %s but all were skipped as bad",
                                jpgs, root));
            }
            Map<String, Usage> assignment;
            String splitSource;
            if (Files.exists(splitFile)) {
                assignment = readSplit(entries);
                splitSource = "read";
            } else {
                assignment = makeSplit(entries);
                writeSplit(entries, assignment);
                splitSource = "written";
            }
            Map<Usage, List<Entry>> members = new EnumMap<>(Usage.class);
            for (Usage u : Usage.values()) {
                members.put(u, new ArrayList<>());
            }
            for (Entry e : entries) {
                Usage u = assignment.get(e.relative());
                if (u != null) {
                    members.get(u).add(e);
                }
            }
            Map<Usage, UtkSplit> splits = new EnumMap<>(Usage.class);
            Task task =
                    attribute == FaceAttribute.AGE
                            ? Task.regression()
                            : Task.classification(GENDER_NAMES);
            Shape shape =
                    DataFiles.imageSize(entries.get(0).file())
                            .map(hw -> new Shape(3, hw[0], hw[1]))
                            .orElse(IMAGE_SHAPE);
            members.forEach(
                    (u, list) -> splits.put(u, new UtkSplit(u, task, attribute, shape, list)));
            Map<String, String> provenance = new LinkedHashMap<>();
            provenance.put("dataset", "utkface");
            provenance.put("root", root.toString());
            provenance.put("attribute", attribute.optionName());
            provenance.put("seed", Long.toString(seed));
            provenance.put("split file", splitFile + " (" + splitSource + ")");
            provenance.put("split file sha256", sha256(splitFile));
            provenance.put("validation fraction", Float.toString(validation));
            provenance.put("test fraction", Float.toString(test));
            provenance.put("images", Integer.toString(entries.size()));
            ImageStamps.Recorder all = ImageStamps.recorder();
            entries.forEach(e -> all.add(e.relative(), e.stamp()));
            provenance.put("images stamp sha256", all.hex());
            provenance.put("bad records skipped", Integer.toString(report.skippedCount()));
            return new UtkFace(
                    attribute,
                    Collections.unmodifiableMap(splits),
                    report.build(),
                    Duration.ofNanos(System.nanoTime() - start),
                    Collections.unmodifiableMap(provenance));
        }

        private static String sha256(Path file) throws IOException {
            java.security.MessageDigest digest = DataFiles.sha256();
            digest.update(Files.readAllBytes(file));
            return DataFiles.hex(digest);
        }

        private String relative(Path file) {
            return root.relativize(file).toString().replace('\\', '/');
        }

        private Entry parse(Path file, String name, ImageStamps.Stamp stamp)
                throws DatasetFormatException {
            UtkFaceName parsed;
            try {
                parsed = UtkFaceName.parse(name);
            } catch (IllegalArgumentException e) {
                report.bad(
                        new DatasetFormatException(
                                file.toString(), 0, "bad UTKFace file name: " + e.getMessage()));
                return null;
            }
            if (verify) {
                java.util.Optional<String> problem = DataFiles.imageProblem(file);
                if (problem.isPresent()) {
                    report.bad(new DatasetFormatException(file.toString(), 0, problem.get()));
                    return null;
                }
            }
            for (String repair : parsed.repairs()) {
                report.repaired(new RecordIssue(file.toString(), 0, repair));
            }
            return new Entry(file, relative(file), parsed.age(), parsed.gender(), stamp);
        }

        private Map<String, Usage> makeSplit(List<Entry> entries) {
            Map<Integer, List<Entry>> strata = new TreeMap<>();
            for (Entry e : entries) {
                strata.computeIfAbsent(stratum(e.gender(), e.age()), k -> new ArrayList<>()).add(e);
            }
            Map<String, Usage> assignment = new HashMap<>();
            strata.forEach(
                    (key, list) -> {
                        List<Entry> order = new ArrayList<>(list);
                        order.sort((a, b) -> a.relative().compareTo(b.relative()));
                        SplittableRandom random = new SplittableRandom(Seeds.mix(seed, key));
                        for (int i = order.size() - 1; i > 0; i--) {
                            Collections.swap(order, i, random.nextInt(i + 1));
                        }
                        int n = order.size();
                        int nTest = Math.round(n * test);
                        int nValidation = Math.min(n - nTest, Math.round(n * validation));
                        for (int i = 0; i < n; i++) {
                            Usage u =
                                    i < nTest
                                            ? Usage.TEST
                                            : i < nTest + nValidation
                                                    ? Usage.VALIDATION
                                                    : Usage.TRAIN;
                            assignment.put(order.get(i).relative(), u);
                        }
                    });
            return assignment;
        }

        private String describeSettings() {
            return Checks.format("seed=%d; validation=%s; test=%s", seed, validation, test);
        }

        private void writeSplit(List<Entry> entries, Map<String, Usage> assignment)
                throws IOException {
            Path parent = splitFile.toAbsolutePath().getParent();
            Path temp;
            try {
                temp = Files.createTempFile(parent, "utkface-split", ".tmp");
            } catch (IOException e) {
                throw new IOException(
                        Checks.format(
                                "cannot write the split file %s (%s); choose a writable place"
                                        + " with optSplitFile",
                                splitFile, e.getMessage()),
                        e);
            }
            try (Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                w.write(
                        SPLIT_HEADER
                                + "; "
                                + describeSettings()
                                + "; stratified by gender and age decade\n");
                w.write("file,split\n");
                for (Entry e : entries) {
                    w.write(e.relative());
                    w.write(',');
                    w.write(usageName(assignment.get(e.relative())));
                    w.write('\n');
                }
            }
            Files.move(temp, splitFile, StandardCopyOption.REPLACE_EXISTING);
        }

        private Map<String, Usage> readSplit(List<Entry> entries) throws IOException {
            List<String> lines = Files.readAllLines(splitFile, StandardCharsets.UTF_8);
            String name = splitFile.toString();
            if (lines.isEmpty() || !lines.get(0).startsWith(SPLIT_HEADER)) {
                throw new DatasetFormatException(
                        name,
                        1,
                        "not a distill4j UTKFace split file: it must start with '"
                                + SPLIT_HEADER
                                + "'");
            }
            if (!lines.get(0).contains("; " + describeSettings() + ";")) {
                throw new DatasetFormatException(
                        name,
                        1,
                        Checks.format(
                                "the split was made with other settings (%s) than this run's"
                                        + " (%s); delete the file to make a new split, or choose"
                                        + " another with optSplitFile",
                                lines.get(0)
                                        .substring(SPLIT_HEADER.length())
                                        .replaceFirst("^[;\\s]+", ""),
                                describeSettings()));
            }
            Map<String, Entry> known = new HashMap<>();
            entries.forEach(e -> known.put(e.relative(), e));
            Map<String, Usage> assignment = new HashMap<>();
            for (int i = 2; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    continue;
                }
                int comma = line.lastIndexOf(',');
                Usage usage = comma < 0 ? null : parseUsage(line.substring(comma + 1).trim());
                if (usage == null) {
                    throw new DatasetFormatException(
                            name,
                            i + 1,
                            Checks.format(
                                    "expected 'file,split' with split train, validation or"
                                            + " test, was '%s'",
                                    line));
                }
                String file = line.substring(0, comma);
                if (!known.containsKey(file)) {
                    Path path = root.resolve(file);
                    if (!Files.exists(path)) {
                        report.bad(
                                new DatasetFormatException(
                                        name,
                                        i + 1,
                                        Checks.format("listed image %s not found", path)));
                    }
                    // an existing file that is not known was reported as bad already
                    continue;
                }
                if (assignment.put(file, usage) != null) {
                    throw new DatasetFormatException(
                            name, i + 1, Checks.format("%s is listed twice", file));
                }
            }
            List<String> missing = new ArrayList<>();
            for (Entry e : entries) {
                if (!assignment.containsKey(e.relative())) {
                    missing.add(e.relative());
                }
            }
            if (!missing.isEmpty()) {
                throw new DatasetFormatException(
                        name,
                        0,
                        Checks.format(
                                "%d image(s) under %s are not in the split file (first: %s);"
                                        + " delete it to make a new split",
                                missing.size(), root, missing.get(0)));
            }
            return assignment;
        }
    }

    static String usageName(Usage usage) {
        return usage.name().toLowerCase(Locale.ROOT);
    }

    static Usage parseUsage(String text) {
        for (Usage u : Usage.values()) {
            if (usageName(u).equals(text)) {
                return u;
            }
        }
        return null;
    }

    /** One split: paths and labels; images decoded when read. */
    private static final class UtkSplit implements FaceSplit {

        private final Usage usage;
        private final Task task;
        private final FaceAttribute attribute;
        private final Shape shape;
        private final Path[] files;
        private final String[] names;
        private final int[] ages;
        private final int[] genders;
        private final ImageStamps stamps;

        UtkSplit(
                Usage usage, Task task, FaceAttribute attribute, Shape shape, List<Entry> entries) {
            this.usage = usage;
            this.shape = shape;
            this.task = task;
            this.attribute = attribute;
            int n = entries.size();
            files = new Path[n];
            names = new String[n];
            ages = new int[n];
            genders = new int[n];
            ImageStamps.Recorder recorder = ImageStamps.recorder();
            for (int i = 0; i < n; i++) {
                Entry e = entries.get(i);
                files[i] = e.file();
                names[i] = e.relative();
                ages[i] = e.age();
                genders[i] = e.gender();
                recorder.add(e.relative(), e.stamp());
            }
            stamps = recorder.build();
        }

        @Override
        public Usage usage() {
            return usage;
        }

        @Override
        public Task task() {
            return task;
        }

        @Override
        public int size() {
            return files.length;
        }

        @Override
        public Shape imageShape() {
            return shape;
        }

        @Override
        public FaceImage image(int index) throws IOException {
            int i = FaceSplit.checkIndex(index, files.length);
            return FaceImage.decode(stamps.read(i, files[i]), files[i].toString());
        }

        @Override
        public float[] target(int index) {
            int i = FaceSplit.checkIndex(index, files.length);
            return new float[] {attribute == FaceAttribute.AGE ? ages[i] : genders[i]};
        }

        @Override
        public int classIndex(int index) {
            if (attribute == FaceAttribute.AGE) {
                throw new IllegalStateException("the age task is a regression and has no classes");
            }
            return genders[FaceSplit.checkIndex(index, files.length)];
        }

        @Override
        public String describe(int index) {
            return names[FaceSplit.checkIndex(index, files.length)];
        }
    }
}
