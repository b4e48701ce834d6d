package io.distill4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH settings of the benchmarks that measure a whole model's work (a training step, an
 * optimizer step): milliseconds per operation, 3 warm-up and 5 measured iterations of 3 s, one
 * fork, two PyTorch intra-op threads (the two cores the library targets) and one inter-op thread.
 * JMH reads these annotations from the superclass; a subclass annotated otherwise wins.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Dai.djl.offline=true",
            "-Dai.djl.pytorch.num_threads=2",
            "-Dai.djl.pytorch.num_interop_threads=1",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"
        })
@State(Scope.Benchmark)
public abstract class AbstractModelBenchmark {

    /** Creates the benchmark (JMH instantiates its subclasses). */
    protected AbstractModelBenchmark() {}
}
