package io.distill4j.benchmarks.data;

import ai.djl.training.dataset.Dataset.Usage;

import io.distill4j.data.fer.FerLabelMode;
import io.distill4j.data.fer.FerPlus;
import io.distill4j.data.synthetic.FerPlusWriter;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Measures one full FER+ load: {@code fer2013.csv} and {@code fer2013new.csv} of the real size
 * (35,887 rows: 28,709 Training, 3,589 PublicTest, 3,589 PrivateTest; about 280 MB), parsed in one
 * streaming pass into byte pixels, in a JVM with a 1 GB heap. The target (issue 5) is under 10
 * seconds per load.
 *
 * <p>The files are written once per trial by {@link FerPlusWriter} (synthetic faces in the exact
 * distributed format, with its empty image names and vote spread) into a temporary folder, which is
 * deleted afterwards. Each measured operation is a cold single shot: a new {@link FerPlus} load,
 * returning the number of kept images so the work cannot be eliminated.
 *
 * <p>Run: {@code mvn -o -q -pl distill-benchmarks -am package -DskipTests && java -jar
 * distill-benchmarks/target/benchmarks.jar FerPlusLoadBenchmark}
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(
        value = 1,
        jvmArgs = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class FerPlusLoadBenchmark {

    /** The label mode. */
    @Param({"MAJORITY"})
    public FerLabelMode mode;

    /** The number of Training rows; PublicTest and PrivateTest get 3,589 each. */
    @Param({"28709"})
    public int trainingRows;

    private Path folder;

    /**
     * Writes the two files.
     *
     * @throws IOException if writing fails
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        folder = Files.createTempDirectory("ferplus-benchmark");
        FerPlusWriter.builder()
                .setDirectory(folder)
                .optSizes(trainingRows, 3589, 3589)
                .optSeed(1)
                .write();
    }

    /**
     * Deletes the files.
     *
     * @throws IOException if deleting fails
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(folder.resolve(FerPlus.IMAGE_FILE));
        Files.deleteIfExists(folder.resolve(FerPlus.LABEL_FILE));
        Files.deleteIfExists(folder);
    }

    /**
     * Loads both files.
     *
     * @return the number of images kept in the three splits
     * @throws IOException if reading fails
     */
    @Benchmark
    public int load() throws IOException {
        FerPlus fer = FerPlus.builder().setRoot(folder).optLabelMode(mode).load();
        return fer.split(Usage.TRAIN).size()
                + fer.split(Usage.VALIDATION).size()
                + fer.split(Usage.TEST).size();
    }
}
