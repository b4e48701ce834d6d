package io.distill4j.data;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;

import io.distill4j.core.Checks;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Class-balanced batches for triplet mining: each batch holds {@code K} samples of each of {@code
 * P} distinct classes ({@code P x K} samples), so every anchor has positives and negatives.
 *
 * <p>Classes are drawn uniformly among those with samples; within a class, samples are taken in a
 * shuffled order, reshuffled when used up, so an epoch of {@code size / (P x K)} batches visits
 * about every sample once. A class with fewer than {@code K} samples repeats samples within a
 * batch. All draws depend only on {@code (seed, epoch)}; the epoch is taken as {@link
 * SeededSampler} takes it. Works with a {@link PairedViewDataset} over a classification split.
 */
public final class ClassBalancedSampler implements Sampler {

    private final int classesPerBatch;
    private final int samplesPerClass;
    private final int batchesPerEpoch;
    private final long seed;
    private final AtomicInteger calls = new AtomicInteger();

    /**
     * Creates a sampler with {@code size / (P x K)} batches per epoch (at least one).
     *
     * @param classesPerBatch P, at least 2
     * @param samplesPerClass K, at least 2
     * @param seed the seed
     */
    public ClassBalancedSampler(int classesPerBatch, int samplesPerClass, long seed) {
        this(classesPerBatch, samplesPerClass, 0, seed);
    }

    /**
     * Creates a sampler.
     *
     * @param classesPerBatch P, at least 2
     * @param samplesPerClass K, at least 2
     * @param batchesPerEpoch the number of batches per epoch, or 0 for {@code size / (P x K)}
     * @param seed the seed
     */
    public ClassBalancedSampler(
            int classesPerBatch, int samplesPerClass, int batchesPerEpoch, long seed) {
        if (classesPerBatch < 2) {
            throw new IllegalArgumentException(
                    Checks.format("classesPerBatch must be >= 2, was %d", classesPerBatch));
        }
        if (samplesPerClass < 2) {
            throw new IllegalArgumentException(
                    Checks.format("samplesPerClass must be >= 2, was %d", samplesPerClass));
        }
        if (batchesPerEpoch < 0) {
            throw new IllegalArgumentException(
                    Checks.format("batchesPerEpoch must be >= 0, was %d", batchesPerEpoch));
        }
        this.classesPerBatch = classesPerBatch;
        this.samplesPerClass = samplesPerClass;
        this.batchesPerEpoch = batchesPerEpoch;
        this.seed = seed;
    }

    /** {@inheritDoc} */
    @Override
    public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
        if (!(dataset instanceof PairedViewDataset paired)) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "ClassBalancedSampler needs a PairedViewDataset to know the classes,"
                                    + " was %s",
                            dataset.getClass().getName()));
        }
        if (!paired.getTask().isClassification()) {
            throw new IllegalArgumentException(
                    "ClassBalancedSampler needs a classification task, the dataset's is"
                            + " regression");
        }
        int size = Math.toIntExact(paired.size());
        int numClasses = paired.getTask().numClasses();
        List<List<Integer>> byClass = new ArrayList<>(numClasses);
        for (int c = 0; c < numClasses; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < size; i++) {
            byClass.get(paired.classIndex(i)).add(i);
        }
        List<int[]> pools = new ArrayList<>();
        for (List<Integer> members : byClass) {
            if (!members.isEmpty()) {
                pools.add(members.stream().mapToInt(Integer::intValue).toArray());
            }
        }
        if (pools.size() < classesPerBatch) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "classesPerBatch is %d but only %d classes have samples",
                            classesPerBatch, pools.size()));
        }
        int batchSize = getBatchSize();
        int batches = batchesPerEpoch > 0 ? batchesPerEpoch : Math.max(1, size / batchSize);
        SplittableRandom random =
                new SplittableRandom(Seeds.mix(seed, SeededSampler.epochOf(dataset, calls)));
        int[] cursors = new int[pools.size()];
        for (int[] pool : pools) {
            shuffle(pool, pool.length, random);
        }
        int[] classOrder = new int[pools.size()];
        for (int c = 0; c < classOrder.length; c++) {
            classOrder[c] = c;
        }
        return new Iterator<>() {
            private int produced;

            @Override
            public boolean hasNext() {
                return produced < batches;
            }

            @Override
            public List<Long> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                // partial Fisher-Yates: the first P entries become the batch's classes
                for (int i = 0; i < classesPerBatch; i++) {
                    int j = i + random.nextInt(classOrder.length - i);
                    int t = classOrder[i];
                    classOrder[i] = classOrder[j];
                    classOrder[j] = t;
                }
                List<Long> batch = new ArrayList<>(batchSize);
                for (int i = 0; i < classesPerBatch; i++) {
                    int c = classOrder[i];
                    int[] pool = pools.get(c);
                    for (int k = 0; k < samplesPerClass; k++) {
                        if (cursors[c] == pool.length) {
                            shuffle(pool, pool.length, random);
                            cursors[c] = 0;
                        }
                        batch.add((long) pool[cursors[c]++]);
                    }
                }
                produced++;
                return batch;
            }
        };
    }

    private static void shuffle(int[] a, int n, SplittableRandom random) {
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** {@inheritDoc} */
    @Override
    public int getBatchSize() {
        return classesPerBatch * samplesPerClass;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format(
                "ClassBalancedSampler(P=%d, K=%d, seed=%d)",
                classesPerBatch, samplesPerClass, seed);
    }
}
