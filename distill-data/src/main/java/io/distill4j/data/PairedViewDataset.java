package io.distill4j.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.TranslateException;
import ai.djl.util.Progress;

import io.distill4j.core.BatchLayout;
import io.distill4j.core.Checks;
import io.distill4j.core.EpochAware;
import io.distill4j.core.OwnedArrays;
import io.distill4j.core.Task;
import io.distill4j.data.occlusion.Occlusion;
import io.distill4j.data.occlusion.Occlusions;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DJL dataset of paired views: every record holds a face's clean view (for the teacher) and its
 * occluded view (for the student), in the layout of {@link BatchLayout}.
 *
 * <ul>
 *   <li>data {@code [clean, occluded]}, each {@code (C, H, W)} float32 in [0, 1];
 *   <li>labels {@code [target, index, augmentation]}: the target (a float32 scalar class index, a
 *       float32 {@code (N)} class distribution for soft labels, or a float32 scalar value for
 *       regression), the sample's index in its split (int64 scalar), the augmentation code (int32
 *       scalar: {@link BatchLayout#AUGMENT_NONE}, {@link BatchLayout#AUGMENT_FLIP} or {@link
 *       BatchLayout#AUGMENT_OTHER}).
 * </ul>
 *
 * <p>For each record the source image is decoded, resized to the dataset's size and channels,
 * augmented (if asked; seeded by {@code (seed, epoch, index)}), and then occluded, so both views
 * show exactly the same face and the occluded view differs from the clean one only where the
 * occlusion hides it.
 *
 * <p>Sampling: {@code setSampling(batchSize, random)} uses a {@link SeededSampler} (the order
 * depends only on the seed and the epoch, not on DJL's global generator); {@code
 * setSampling(Sampler)} takes any sampler, such as a {@link ClassBalancedSampler}. Each call to
 * {@code getData} starts a new epoch (0, 1, 2, ...; see {@link #setEpoch(int)}); iterate one pass
 * at a time. Prefetching ({@code optPrefetchNumber}) applies when the trainer has an executor.
 *
 * <p>Arrays are created in the manager DJL passes to {@link #get(NDManager, long)} (the batch's);
 * the dataset holds no native resources and needs no closing.
 *
 * <pre>{@code
 * PairedViewDataset train = PairedViewDataset.builder()
 *         .setSource(fer.split(Usage.TRAIN))
 *         .optOcclusion(Occlusions.vrHeadset())
 *         .optAugmentation(Augmentation.defaults())
 *         .optSeed(42)
 *         .setSampling(64, true)
 *         .build();
 * }</pre>
 */
public final class PairedViewDataset extends RandomAccessDataset implements EpochAware {

    private final FaceSplit source;
    private final Occlusion occlusion;
    private final Augmentation augmentation;
    private final int channels;
    private final int height;
    private final int width;
    private final long seed;
    private final AtomicInteger nextEpoch = new AtomicInteger();
    private volatile int epoch;

    private PairedViewDataset(Builder builder) {
        super(builder);
        this.source = builder.source;
        this.occlusion = builder.occlusion;
        this.augmentation = builder.augmentation;
        this.channels = builder.channels;
        this.height = builder.height;
        this.width = builder.width;
        this.seed = builder.seed;
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
     * Computes one sample's views for the current epoch, without an engine.
     *
     * @param index the sample, {@code 0 <= index < size()}
     * @return the views, target and codes
     * @throws IOException if the image cannot be read (the message names it)
     */
    public PairedView view(long index) throws IOException {
        return view(index, epoch);
    }

    /**
     * Computes one sample's views for a given epoch, without an engine.
     *
     * @param index the sample, {@code 0 <= index < size()}
     * @param forEpoch the epoch whose augmentation to apply
     * @return the views, target and codes
     * @throws IOException if the image cannot be read (the message names it)
     */
    public PairedView view(long index, int forEpoch) throws IOException {
        int i = FaceSplit.checkIndex(index, Math.toIntExact(size()));
        FaceImage image = source.image(i).toChannels(channels).resize(height, width);
        Augmentation.Result augmented = augmentation.apply(image, seed, forEpoch, i);
        FaceImage clean = augmented.image();
        FaceImage occluded = occlusion.apply(clean);
        return new PairedView(clean, occluded, source.target(i), i, augmented.code());
    }

    /** {@inheritDoc} */
    @Override
    public Record get(NDManager manager, long index) throws IOException {
        PairedView view = view(index);
        Shape shape = new Shape(channels, height, width);
        // OwnedArrays, not manager.create: no direct buffer per image left for the collector.
        NDArray clean = OwnedArrays.of(manager, view.clean().pixels(), shape);
        NDArray occluded = OwnedArrays.of(manager, view.occluded().pixels(), shape);
        float[] target = view.target();
        NDArray targetArray =
                source.softLabels()
                        ? OwnedArrays.of(manager, target, new Shape(target.length))
                        : OwnedArrays.of(manager, target[0]);
        NDList data = new NDList(2);
        data.add(BatchLayout.DATA_CLEAN, clean);
        data.add(BatchLayout.DATA_OCCLUDED, occluded);
        NDList labels = new NDList(3);
        labels.add(BatchLayout.LABEL_TARGET, targetArray);
        labels.add(BatchLayout.LABEL_INDEX, OwnedArrays.of(manager, view.index()));
        labels.add(BatchLayout.LABEL_AUGMENTATION, OwnedArrays.of(manager, view.augmentation()));
        return new Record(data, labels);
    }

    /** {@inheritDoc} */
    @Override
    protected long availableSize() {
        return source.size();
    }

    /**
     * Does nothing: the source was loaded by its adapter.
     *
     * @param progress ignored
     */
    @Override
    public void prepare(Progress progress) {}

    private void startEpoch() {
        epoch = nextEpoch.getAndIncrement();
    }

    /**
     * Starts a pass over the data: advances the epoch, then iterates as DJL does. In DJL 0.36 every
     * {@code getData} overload ends here, so each pass advances the epoch exactly once.
     *
     * @param manager the manager batches are created in
     * @param customSampler the sampler of this pass
     * @param executorService the executor that prefetches batches, or {@code null}
     * @return the batches
     * @throws IOException if a record cannot be read
     * @throws TranslateException if a batch cannot be made
     */
    @Override
    public Iterable<Batch> getData(
            NDManager manager, Sampler customSampler, ExecutorService executorService)
            throws IOException, TranslateException {
        startEpoch();
        return super.getData(manager, customSampler, executorService);
    }

    /**
     * Returns the epoch of the current (or last) pass: the number of earlier calls to {@code
     * getData}, unless {@link #setEpoch(int)} moved it.
     *
     * @return the epoch
     */
    public int getEpoch() {
        return epoch;
    }

    /**
     * Sets the epoch the next call to {@code getData} starts (to resume a run, for example); later
     * calls continue from there.
     *
     * @param nextEpochNumber the epoch, at least 0
     */
    @Override
    public void setEpoch(int nextEpochNumber) {
        if (nextEpochNumber < 0) {
            throw new IllegalArgumentException(
                    Checks.format("epoch must be >= 0, was %d", nextEpochNumber));
        }
        nextEpoch.set(nextEpochNumber);
        epoch = nextEpochNumber;
    }

    /**
     * Returns the class of a sample (its label, or the most likely class of its distribution).
     *
     * @param index the sample
     * @return the class index
     * @throws IllegalStateException for a regression task
     */
    public int classIndex(long index) {
        if (!source.task().isClassification()) {
            throw new IllegalStateException("a regression dataset has no classes");
        }
        return source.classIndex(FaceSplit.checkIndex(index, Math.toIntExact(size())));
    }

    /**
     * Returns the split the samples come from.
     *
     * @return the source
     */
    public FaceSplit getSource() {
        return source;
    }

    /**
     * Returns the task of the targets.
     *
     * @return the task
     */
    public Task getTask() {
        return source.task();
    }

    /**
     * Returns the occlusion that makes the student's view.
     *
     * @return the occlusion
     */
    public Occlusion getOcclusion() {
        return occlusion;
    }

    /**
     * Returns the augmentation applied to both views.
     *
     * @return the augmentation
     */
    public Augmentation getAugmentation() {
        return augmentation;
    }

    /**
     * Returns the seed of the augmentation (and of the sampler made by {@code setSampling(int,
     * boolean)}).
     *
     * @return the seed
     */
    public long getSeed() {
        return seed;
    }

    /**
     * Returns the shape of each view, {@code (C, H, W)}.
     *
     * @return the shape
     */
    public Shape getImageShape() {
        return new Shape(channels, height, width);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format(
                "PairedViewDataset[%s, %d samples, %s, occlusion=%s, augmentation=%s]",
                source.usage(),
                size(),
                Checks.shape(getImageShape()),
                occlusion.name(),
                augmentation);
    }

    /** Configures a {@link PairedViewDataset}; DJL's sampling and prefetch options apply. */
    public static final class Builder extends BaseBuilder<Builder> {

        private FaceSplit source;
        private Occlusion occlusion;
        private Augmentation augmentation;
        private int channels;
        private int height;
        private int width;
        private long seed = 42;
        private boolean seedSet;
        private int batchSize;
        private boolean shuffle;
        private boolean dropLast;

        private Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the split to read.
         *
         * @param split the split
         * @return this builder
         */
        public Builder setSource(FaceSplit split) {
            Objects.requireNonNull(split, "split");
            if (source != null) {
                throw new IllegalStateException("source was already set to " + source);
            }
            this.source = split;
            return this;
        }

        /**
         * Sets the occlusion of the student's view; the default is {@link Occlusions#none()}.
         *
         * @param newOcclusion the occlusion
         * @return this builder
         */
        public Builder optOcclusion(Occlusion newOcclusion) {
            Objects.requireNonNull(newOcclusion, "occlusion");
            if (occlusion != null) {
                throw new IllegalStateException("occlusion was already set to " + occlusion);
            }
            this.occlusion = newOcclusion;
            return this;
        }

        /**
         * Sets the augmentation of both views; the default is {@link Augmentation#none()} (use it
         * for validation and test sets).
         *
         * @param newAugmentation the augmentation
         * @return this builder
         */
        public Builder optAugmentation(Augmentation newAugmentation) {
            Objects.requireNonNull(newAugmentation, "augmentation");
            if (augmentation != null) {
                throw new IllegalStateException("augmentation was already set to " + augmentation);
            }
            this.augmentation = newAugmentation;
            return this;
        }

        /**
         * Sets the size images are resized to (bilinear); the default is the source's {@link
         * FaceSplit#imageShape()}.
         *
         * @param newHeight the height, in [1, 4096]
         * @param newWidth the width, in [1, 4096]
         * @return this builder
         */
        public Builder optImageSize(int newHeight, int newWidth) {
            if (height != 0) {
                throw new IllegalStateException(
                        Checks.format("image size was already set to %dx%d", height, width));
            }
            checkSide("height", newHeight);
            checkSide("width", newWidth);
            this.height = newHeight;
            this.width = newWidth;
            return this;
        }

        private static void checkSide(String name, int value) {
            if (value < 1 || value > 4096) {
                throw new IllegalArgumentException(
                        Checks.format("%s must be in [1, 4096], was %d", name, value));
            }
        }

        /**
         * Sets the number of channels, 1 (grey) or 3 (RGB); the default is the source's.
         *
         * @param newChannels 1 or 3
         * @return this builder
         */
        public Builder optChannels(int newChannels) {
            if (channels != 0) {
                throw new IllegalStateException(
                        Checks.format("channels was already set to %d", channels));
            }
            if (newChannels != 1 && newChannels != 3) {
                throw new IllegalArgumentException(
                        Checks.format("channels must be 1 or 3, was %d", newChannels));
            }
            this.channels = newChannels;
            return this;
        }

        /**
         * Sets the seed of the augmentation and of {@code setSampling(int, boolean)}'s shuffle; the
         * default is 42.
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
         * Sets batching with a {@link SeededSampler} (seeded by {@link #optSeed(long)}), keeping
         * the last incomplete batch.
         *
         * @param newBatchSize the batch size
         * @param random whether to shuffle every epoch
         * @return this builder
         */
        @Override
        public Builder setSampling(int newBatchSize, boolean random) {
            return setSampling(newBatchSize, random, false);
        }

        /**
         * Sets batching with a {@link SeededSampler} (seeded by {@link #optSeed(long)}).
         *
         * @param newBatchSize the batch size, at least 1
         * @param random whether to shuffle every epoch
         * @param newDropLast whether to drop the last incomplete batch
         * @return this builder
         */
        @Override
        public Builder setSampling(int newBatchSize, boolean random, boolean newDropLast) {
            checkSamplingUnset();
            this.batchSize = Checks.positive("batchSize", newBatchSize);
            this.shuffle = random;
            this.dropLast = newDropLast;
            return this;
        }

        /**
         * Sets batching with any sampler, for example a {@link ClassBalancedSampler}.
         *
         * @param newSampler the sampler
         * @return this builder
         */
        @Override
        public Builder setSampling(Sampler newSampler) {
            Objects.requireNonNull(newSampler, "sampler");
            checkSamplingUnset();
            return super.setSampling(newSampler);
        }

        private void checkSamplingUnset() {
            if (batchSize != 0 || sampler != null) {
                throw new IllegalStateException("sampling was already set");
            }
        }

        /**
         * Validates the configuration and creates the dataset.
         *
         * @return the dataset
         * @throws IllegalStateException if the source or the sampling is missing
         */
        public PairedViewDataset build() {
            if (source == null) {
                throw new IllegalStateException("setSource(...) must be called before build()");
            }
            if (batchSize == 0 && sampler == null) {
                throw new IllegalStateException("setSampling(...) must be called before build()");
            }
            if (sampler == null) {
                sampler = new SeededSampler(batchSize, shuffle, dropLast, seed);
            }
            if (occlusion == null) {
                occlusion = Occlusions.none();
            }
            if (augmentation == null) {
                augmentation = Augmentation.none();
            }
            Shape shape = source.imageShape();
            if (channels == 0) {
                channels = (int) shape.get(0);
            }
            if (height == 0) {
                height = (int) shape.get(1);
                width = (int) shape.get(2);
            }
            return new PairedViewDataset(this);
        }
    }
}
