package io.distill4j.data.synthetic;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.core.Checks;
import io.distill4j.core.Task;
import io.distill4j.data.FaceAttribute;
import io.distill4j.data.FaceDataSource;
import io.distill4j.data.FaceImage;
import io.distill4j.data.FaceSplit;
import io.distill4j.data.LoadReport;
import io.distill4j.data.OnBadRecord;
import io.distill4j.data.Seeds;
import io.distill4j.data.fer.FerPlus;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Synthetic faces as an in-memory data source (name {@code synthetic}): no files, no download.
 *
 * <p>Sample {@code i} of a split is {@link SyntheticFace#sample(long)} with a seed derived from
 * {@code (seed, split, i)}, so every split is reproducible and independent of the others; images
 * are drawn when read (about a few hundred microseconds each at 48x48), only the labels are held.
 * The task follows the {@linkplain Builder#optAttribute attribute}: the eight FER+ expressions (the
 * target is the face's true class), the age (regression) or the gender ({@code male}, {@code
 * female}).
 *
 * <pre>{@code
 * SyntheticFaces faces = SyntheticFaces.builder().optSizes(4000, 500, 500).optSeed(7).build();
 * }</pre>
 */
public final class SyntheticFaces implements FaceDataSource {

    /** The gender class names, in label order. */
    public static final List<String> GENDER_NAMES = List.of("male", "female");

    private final long seed;
    private final FaceAttribute attribute;
    private final int imageSize;
    private final Task task;
    private final Map<Usage, SyntheticSplit> splits;
    private final Duration loadTime;
    private final Map<String, String> provenance;

    private SyntheticFaces(Builder builder) {
        long start = System.nanoTime();
        this.seed = builder.seed;
        this.attribute = builder.attribute == null ? FaceAttribute.EXPRESSION : builder.attribute;
        this.imageSize = builder.imageSize == 0 ? SyntheticFace.BASE_SIZE : builder.imageSize;
        this.task = taskOf(attribute);
        Map<Usage, SyntheticSplit> map = new EnumMap<>(Usage.class);
        map.put(Usage.TRAIN, new SyntheticSplit(Usage.TRAIN, builder.sizes[0]));
        map.put(Usage.VALIDATION, new SyntheticSplit(Usage.VALIDATION, builder.sizes[1]));
        map.put(Usage.TEST, new SyntheticSplit(Usage.TEST, builder.sizes[2]));
        this.splits = Collections.unmodifiableMap(map);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("dataset", "synthetic");
        p.put("seed", Long.toString(seed));
        p.put("attribute", attribute.optionName());
        p.put("image size", Integer.toString(imageSize));
        p.put(
                "sizes",
                Checks.format("%d/%d/%d", builder.sizes[0], builder.sizes[1], builder.sizes[2]));
        this.provenance = Collections.unmodifiableMap(p);
        this.loadTime = Duration.ofNanos(System.nanoTime() - start);
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
     * Returns the task a face attribute gives.
     *
     * @param attribute the attribute
     * @return classification over {@link FerPlus#CLASS_NAMES} or {@link #GENDER_NAMES}, or
     *     regression for age
     */
    public static Task taskOf(FaceAttribute attribute) {
        switch (Objects.requireNonNull(attribute, "attribute")) {
            case AGE:
                return Task.regression();
            case GENDER:
                return Task.classification(GENDER_NAMES);
            default:
                return Task.classification(FerPlus.CLASS_NAMES);
        }
    }

    /**
     * Returns the face at a position of a split.
     *
     * @param seed the data set seed
     * @param usage the split
     * @param index the position
     * @return the face
     */
    public static SyntheticFace face(long seed, Usage usage, int index) {
        return SyntheticFace.sample(Seeds.mix(seed, usage.ordinal(), index));
    }

    /** {@inheritDoc} */
    @Override
    public String name() {
        return "synthetic";
    }

    /** {@inheritDoc} */
    @Override
    public Task task() {
        return task;
    }

    /** {@inheritDoc} */
    @Override
    public FaceSplit split(Usage usage) {
        return splits.get(Objects.requireNonNull(usage, "usage"));
    }

    /**
     * Returns an empty report: generated faces have no bad records.
     *
     * @return the report
     */
    @Override
    public LoadReport report() {
        return LoadReport.empty(OnBadRecord.FAIL);
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
        return "SyntheticFaces" + provenance;
    }

    /** One split: labels held, images drawn on demand. */
    private final class SyntheticSplit implements FaceSplit {

        private final Usage usage;
        private final SyntheticFace[] faces;

        SyntheticSplit(Usage usage, int size) {
            this.usage = usage;
            this.faces = new SyntheticFace[size];
            for (int i = 0; i < size; i++) {
                faces[i] = face(seed, usage, i);
            }
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
            return faces.length;
        }

        @Override
        public Shape imageShape() {
            return new Shape(1, imageSize, imageSize);
        }

        @Override
        public FaceImage image(int index) {
            return faces[FaceSplit.checkIndex(index, faces.length)].render(imageSize);
        }

        @Override
        public float[] target(int index) {
            SyntheticFace f = faces[FaceSplit.checkIndex(index, faces.length)];
            switch (attribute) {
                case AGE:
                    return new float[] {f.age()};
                case GENDER:
                    return new float[] {f.gender()};
                default:
                    return new float[] {f.expression()};
            }
        }

        @Override
        public int classIndex(int index) {
            if (!task.isClassification()) {
                throw new IllegalStateException("the age task is a regression and has no classes");
            }
            return (int) target(index)[0];
        }

        @Override
        public String describe(int index) {
            SyntheticFace f = faces[FaceSplit.checkIndex(index, faces.length)];
            return Checks.format(
                    "synthetic %s #%d (%s, age %d, %s)",
                    usage.name().toLowerCase(java.util.Locale.ROOT),
                    index,
                    FerPlus.CLASS_NAMES.get(f.expression()),
                    f.age(),
                    GENDER_NAMES.get(f.gender()));
        }
    }

    /** Configures {@link SyntheticFaces}. */
    public static final class Builder {

        private long seed = 42;
        private boolean seedSet;
        private FaceAttribute attribute;
        private int imageSize;
        private int[] sizes;

        private Builder() {}

        /**
         * Sets the seed; the default is 42.
         *
         * @param newSeed the seed
         * @return this builder
         */
        public Builder optSeed(long newSeed) {
            if (seedSet) {
                throw new IllegalStateException(Checks.format("seed was already set to %d", seed));
            }
            this.seed = newSeed;
            this.seedSet = true;
            return this;
        }

        /**
         * Sets what the targets are; the default is {@link FaceAttribute#EXPRESSION}.
         *
         * @param newAttribute the attribute
         * @return this builder
         */
        public Builder optAttribute(FaceAttribute newAttribute) {
            Objects.requireNonNull(newAttribute, "attribute");
            if (attribute != null) {
                throw new IllegalStateException("attribute was already set to " + attribute);
            }
            this.attribute = newAttribute;
            return this;
        }

        /**
         * Sets the image side; the default is 48.
         *
         * @param size the side in pixels, in [16, 1024]
         * @return this builder
         */
        public Builder optImageSize(int size) {
            if (imageSize != 0) {
                throw new IllegalStateException(
                        Checks.format("image size was already set to %d", imageSize));
            }
            if (size < 16 || size > 1024) {
                throw new IllegalArgumentException(
                        Checks.format("image size must be in [16, 1024], was %d", size));
            }
            this.imageSize = size;
            return this;
        }

        /**
         * Sets the split sizes; the default is 4000 / 500 / 500.
         *
         * @param train the training set size, at least 1
         * @param validation the validation set size, at least 0
         * @param test the test set size, at least 0
         * @return this builder
         */
        public Builder optSizes(int train, int validation, int test) {
            if (sizes != null) {
                throw new IllegalStateException("sizes were already set");
            }
            Checks.positive("train", train);
            if (validation < 0 || test < 0) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "validation and test sizes must be >= 0, were %d and %d",
                                validation, test));
            }
            this.sizes = new int[] {train, validation, test};
            return this;
        }

        /**
         * Creates the data source (labels only; images are drawn when read).
         *
         * @return the data source
         */
        public SyntheticFaces build() {
            if (sizes == null) {
                sizes = new int[] {4000, 500, 500};
            }
            return new SyntheticFaces(this);
        }
    }
}
