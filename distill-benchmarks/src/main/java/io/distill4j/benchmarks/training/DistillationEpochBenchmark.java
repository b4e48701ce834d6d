package io.distill4j.benchmarks.training;

import ai.djl.translate.TranslateException;
import io.distill4j.core.Distiller;
import io.distill4j.core.TeacherCache;
import io.distill4j.core.Timings;
import java.io.IOException;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Measures one training epoch of a {@code small-cnn} student on synthetic 48x48 faces occluded by
 * a VR headset, through the {@link Distiller}: fine-tuning (cross-entropy, no teacher) against
 * knowledge distillation ({@code T = 4}, {@code alpha = 0.5}) with the teacher running on every
 * batch and with its outputs served by a warm {@link TeacherCache}. It measures the claim that
 * with the cache a distillation epoch costs about what a fine-tuning epoch costs: the difference
 * left is the KL term and the cache look-ups.
 *
 * <p>Teacher and student are {@code small-cnn} (32, 64, 128, 256 channels) with 8 outputs; the
 * teacher has random weights (the cost of a pass does not depend on them), the student starts as
 * its copy and keeps training from one invocation to the next. Each invocation builds a new
 * {@code Distiller} (a fresh Adam optimizer, learning rate 0.001) and fits one epoch of {@link
 * #trainSize} images in batches of {@link #batchSize}, without validation. The cache is filled in
 * the trial's set-up with the logits and embedding (no feature maps: knowledge distillation needs
 * none), so every measured epoch is served from memory.
 *
 * <p>Two data paths ({@link EpochData}): {@code RENDERED}, the paired-view dataset drawing and
 * occluding every face when it is read (what a synthetic run does; the same cost for every
 * strategy), and {@code PRELOADED}, the same records held in memory as one array each, so that
 * the epoch time is the model's work alone.
 *
 * <p>Settings: single-shot time per epoch in milliseconds, 2 warm-up and 5 measured epochs, one
 * fork, PyTorch on two intra-op threads and one inter-op thread. Beside the score, JMH reports
 * where the time went ({@link Phases}). Each strategy runs in its own fork, minutes apart from
 * the others: on a shared machine whose load changes, compare them with {@link
 * DistillationEpochPairedBenchmark}, which interleaves them.
 *
 * <p>Run: {@code mvn -B -o -q -pl distill-benchmarks -am package -DskipTests && java -jar
 * distill-benchmarks/target/benchmarks.jar DistillationEpochBenchmark}
 */
@Warmup(iterations = 2)
public class DistillationEpochBenchmark extends AbstractEpochBenchmark {

    /** The strategy. */
    @Param({"FINE_TUNE", "KD_LIVE_TEACHER", "KD_CACHED_TEACHER"})
    public EpochStrategy strategy;

    /** The data path. */
    @Param({"PRELOADED", "RENDERED"})
    public EpochData data;

    /** Creates the benchmark (JMH instantiates it). */
    public DistillationEpochBenchmark() {}

    @Override
    protected EpochData data() {
        return data;
    }

    /**
     * Where the measured epochs' time went, as the {@link Distiller} timed it, reported by JMH
     * beside the score as {@code epoch:dataMillis}, {@code epoch:teacherMillis} and {@code
     * epoch:studentMillis} (student forward, loss, backward and optimizer step). JMH's score line
     * sums these event counters over the measured iterations; its JSON output has each epoch's.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Phases {

        /** Milliseconds waiting for batches. */
        public double dataMillis;

        /** Milliseconds in teacher passes or cache look-ups. */
        public double teacherMillis;

        /** Milliseconds in the student's forward and backward passes and the optimizer. */
        public double studentMillis;

        /** Creates the counters (JMH instantiates them). */
        public Phases() {}

        /** Resets the counters before every iteration (one epoch). */
        @Setup(Level.Iteration)
        public void reset() {
            dataMillis = 0;
            teacherMillis = 0;
            studentMillis = 0;
        }

        void add(Timings timings) {
            dataMillis += timings.dataNanos() / 1e6;
            teacherMillis += timings.teacherNanos() / 1e6;
            studentMillis +=
                    (timings.forwardNanos() + timings.backwardNanos() + timings.optimizerNanos())
                            / 1e6;
        }
    }

    /**
     * Trains the student for one epoch.
     *
     * @param phases the counters the epoch's timings are added to
     * @return the epoch's mean loss, which defeats dead-code elimination
     * @throws IOException if a record cannot be read
     * @throws TranslateException if a batch cannot be made
     */
    @Benchmark
    public double epoch(Phases phases) throws IOException, TranslateException {
        EpochFixture.Epoch epoch = fixture.epoch(strategy);
        phases.add(epoch.timings());
        return epoch.loss();
    }
}
