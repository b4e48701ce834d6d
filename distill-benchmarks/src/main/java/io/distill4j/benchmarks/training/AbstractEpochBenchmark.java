package io.distill4j.benchmarks.training;

import ai.djl.translate.TranslateException;
import io.distill4j.benchmarks.AbstractDistillBenchmark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;

/**
 * The shared base of the epoch benchmarks: single-shot time in milliseconds, 5 measured
 * iterations, one fork with a 4 GB heap and PyTorch on two intra-op threads and one inter-op
 * thread; the {@link EpochFixture} of a trial (data, teacher, warm cache) built from the
 * parameters below and the subclass's data path. Subclasses set their warm-up.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Measurement(iterations = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Xmx4g",
            "-Dai.djl.offline=true",
            "-Dai.djl.pytorch.num_threads=2",
            "-Dai.djl.pytorch.num_interop_threads=1",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"
        })
public abstract class AbstractEpochBenchmark extends AbstractDistillBenchmark {

    /** The number of training images per epoch. */
    @Param({"1024"})
    public int trainSize;

    /** The batch size. */
    @Param({"64"})
    public int batchSize;

    /** The trial's data, teacher and cache. */
    protected EpochFixture fixture;

    /** Creates the benchmark (JMH instantiates it). */
    protected AbstractEpochBenchmark() {}

    /**
     * Returns the data path the fixture is built with.
     *
     * @return the data path
     */
    protected abstract EpochData data();

    @Override
    protected void setUp() {
        try {
            fixture = EpochFixture.create(manager, data(), trainSize, batchSize);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TranslateException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void tearDownTrial() {
        fixture.close();
        super.tearDownTrial();
    }
}
