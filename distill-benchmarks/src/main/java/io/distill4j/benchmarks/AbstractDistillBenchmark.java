package io.distill4j.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.distill4j.core.DistillationInput;
import io.distill4j.core.DistillationLoss;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The shared base of the benchmarks: average time per operation in microseconds, 3 warm-up and 5
 * measured iterations of 2 s, one fork with the engine offline and PyTorch pinned to one intra-op
 * and one inter-op thread (so that numbers on a busy 2-core machine mean something; raise {@code
 * ai.djl.pytorch.num_threads} with {@code -jvmArgsAppend} to measure scaling). A subclass
 * annotated otherwise (the epoch benchmarks: seconds, two threads) overrides these settings, as
 * JMH takes the nearest annotation.
 *
 * <p>A trial opens one manager ({@link #manager}) for the inputs; every invocation runs in a
 * scoped sub-manager that the inputs are temporarily attached to, so every intermediate array is
 * freed at the end of the invocation, and returns the loss as a float, which syncs the device and
 * defeats dead-code elimination.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Dai.djl.offline=true",
            "-Dai.djl.pytorch.num_threads=1",
            "-Dai.djl.pytorch.num_interop_threads=1",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"
        })
@State(Scope.Benchmark)
public abstract class AbstractDistillBenchmark {

    /** The manager of the trial's inputs. */
    protected NDManager manager;

    /** Creates the benchmark (JMH instantiates it). */
    protected AbstractDistillBenchmark() {}

    /** Opens the manager, seeds the engine and builds the inputs. */
    @Setup(Level.Trial)
    public void setUpTrial() {
        manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(42);
        setUp();
    }

    /** Closes the manager and everything in it. */
    @TearDown(Level.Trial)
    public void tearDownTrial() {
        manager.close();
    }

    /** Builds the inputs and the loss in {@link #manager}. */
    protected abstract void setUp();

    /**
     * Runs one training step of a loss: forward inside a gradient collector, then backward.
     *
     * @param loss the loss
     * @param input the inputs
     * @param inputs the arrays to attach to the step's scoped manager (every input array)
     * @return the loss value
     */
    protected static float step(DistillationLoss loss, DistillationInput input, NDArray... inputs) {
        try (NDManager scope = inputs[0].getManager().newSubManager()) {
            scope.tempAttachAll(inputs);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray total = loss.compute(input).total();
                collector.backward(total);
                return total.getFloat();
            }
        }
    }
}
