package io.distill4j.benchmarks.training;

import ai.djl.translate.TranslateException;
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
 * The epochs of {@link DistillationEpochBenchmark}, measured as paired samples: every invocation
 * trains one fine-tuning epoch, one knowledge-distillation epoch with the live teacher and one
 * with the warm cache, back to back on the same student, so the three see the same machine load.
 * On a machine shared with other jobs, whose load changes from minute to minute, this is the
 * comparison to trust; the per-strategy forks of {@code DistillationEpochBenchmark} can land in
 * quiet and busy periods alike.
 *
 * <p>The score is the time of the three epochs together; the comparison is in the auxiliary
 * counters, one per strategy ({@code fineTuneMillis}, {@code liveTeacherMillis}, {@code
 * cachedTeacherMillis}: each the wall time of building the distiller and fitting the epoch) and
 * the teacher's share of the two distillation epochs ({@code liveTeacherPhaseMillis}, {@code
 * cachedTeacherPhaseMillis}: teacher passes or cache look-ups). JMH's score line sums the
 * counters over the measured iterations; its JSON output ({@code -rf json}) has each iteration's.
 * The order of the three rotates from one invocation to the next, so that none always runs first.
 *
 * <p>Settings: single-shot time per invocation in milliseconds, 1 warm-up and 5 measured
 * invocations, one fork, PyTorch on two intra-op threads and one inter-op thread.
 *
 * <p>Run: {@code mvn -B -o -q -pl distill-benchmarks -am package -DskipTests && java -jar
 * distill-benchmarks/target/benchmarks.jar DistillationEpochPairedBenchmark}
 */
@Warmup(iterations = 1)
public class DistillationEpochPairedBenchmark extends AbstractEpochBenchmark {

    /** The data path. */
    @Param({"PRELOADED"})
    public EpochData data;

    private int rotation;

    /** Creates the benchmark (JMH instantiates it). */
    public DistillationEpochPairedBenchmark() {}

    @Override
    protected EpochData data() {
        return data;
    }

    /** The per-strategy epoch times of one invocation, in milliseconds. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Epochs {

        /** The fine-tuning epoch. */
        public double fineTuneMillis;

        /** The distillation epoch with the live teacher. */
        public double liveTeacherMillis;

        /** The distillation epoch with the cache. */
        public double cachedTeacherMillis;

        /** The live teacher's passes within its epoch. */
        public double liveTeacherPhaseMillis;

        /** The cache look-ups within its epoch. */
        public double cachedTeacherPhaseMillis;

        /** Creates the counters (JMH instantiates them). */
        public Epochs() {}

        /** Resets the counters before every iteration (one invocation). */
        @Setup(Level.Iteration)
        public void reset() {
            fineTuneMillis = 0;
            liveTeacherMillis = 0;
            cachedTeacherMillis = 0;
            liveTeacherPhaseMillis = 0;
            cachedTeacherPhaseMillis = 0;
        }
    }

    /**
     * Trains one epoch of each strategy, in a rotating order.
     *
     * @param epochs the counters each epoch's time is added to
     * @return the sum of the epochs' mean losses, which defeats dead-code elimination
     * @throws IOException if a record cannot be read
     * @throws TranslateException if a batch cannot be made
     */
    @Benchmark
    public double epochs(Epochs epochs) throws IOException, TranslateException {
        EpochStrategy[] strategies = EpochStrategy.values();
        double loss = 0;
        for (int i = 0; i < strategies.length; i++) {
            EpochStrategy strategy = strategies[(rotation + i) % strategies.length];
            EpochFixture.Epoch epoch = fixture.epoch(strategy);
            double millis = epoch.nanos() / 1e6;
            double teacherMillis = epoch.timings().teacherNanos() / 1e6;
            switch (strategy) {
                case FINE_TUNE:
                    epochs.fineTuneMillis += millis;
                    break;
                case KD_LIVE_TEACHER:
                    epochs.liveTeacherMillis += millis;
                    epochs.liveTeacherPhaseMillis += teacherMillis;
                    break;
                default:
                    epochs.cachedTeacherMillis += millis;
                    epochs.cachedTeacherPhaseMillis += teacherMillis;
            }
            loss += epoch.loss();
        }
        rotation++;
        return loss;
    }
}
