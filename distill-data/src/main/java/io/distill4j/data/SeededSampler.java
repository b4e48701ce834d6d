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
 * Batches of a dataset in an order that depends only on {@code (seed, epoch)}: DJL's {@code
 * RandomSampler} draws from the engine's global generator, so its order changes with anything else
 * that draws from it; this one does not.
 *
 * <p>The epoch is the {@link PairedViewDataset}'s (it advances on every pass, see {@link
 * PairedViewDataset#getEpoch()}); for any other dataset it is the number of earlier calls to {@link
 * #sample}. Without shuffling the order is {@code 0, 1, 2, ...}.
 */
public final class SeededSampler implements Sampler {

    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private final AtomicInteger calls = new AtomicInteger();

    /**
     * Creates a sampler.
     *
     * @param batchSize the batch size, at least 1
     * @param shuffle whether to shuffle every epoch
     * @param dropLast whether to drop the last, incomplete batch
     * @param seed the seed
     */
    public SeededSampler(int batchSize, boolean shuffle, boolean dropLast, long seed) {
        this.batchSize = Checks.positive("batchSize", batchSize);
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.seed = seed;
    }

    /**
     * Returns the order of one epoch.
     *
     * @param size the dataset size
     * @param epoch the epoch
     * @return a permutation of {@code 0 .. size - 1}
     */
    public int[] order(int size, int epoch) {
        if (size < 0) {
            throw new IllegalArgumentException(Checks.format("size must be >= 0, was %d", size));
        }
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom random = new SplittableRandom(Seeds.mix(seed, epoch));
            for (int i = size - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    static int epochOf(RandomAccessDataset dataset, AtomicInteger calls) {
        if (dataset instanceof PairedViewDataset paired) {
            return paired.getEpoch();
        }
        return calls.getAndIncrement();
    }

    /** {@inheritDoc} */
    @Override
    public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
        int size = Math.toIntExact(dataset.size());
        int[] order = order(size, epochOf(dataset, calls));
        int batches = dropLast ? size / batchSize : (size + batchSize - 1) / batchSize;
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < batches;
            }

            @Override
            public List<Long> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int from = next * batchSize;
                int to = Math.min(size, from + batchSize);
                List<Long> batch = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    batch.add((long) order[i]);
                }
                next++;
                return batch;
            }
        };
    }

    /** {@inheritDoc} */
    @Override
    public int getBatchSize() {
        return batchSize;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format(
                "SeededSampler(batchSize=%d, shuffle=%s, dropLast=%s, seed=%d)",
                batchSize, shuffle, dropLast, seed);
    }
}
