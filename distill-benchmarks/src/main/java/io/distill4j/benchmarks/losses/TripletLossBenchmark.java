package io.distill4j.benchmarks.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distill4j.benchmarks.AbstractDistillBenchmark;
import io.distill4j.core.DistillationInput;
import io.distill4j.core.ModelOutput;
import io.distill4j.losses.metric.Mining;
import io.distill4j.losses.metric.Negatives;
import io.distill4j.losses.metric.TripletConfig;
import io.distill4j.losses.metric.TripletLoss;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * Measures one training step (forward and backward) of the triplet-loss distillation, by batch
 * size and mining rule, for 512-dimensional embeddings (ResNet-50's penultimate layer is 2048,
 * VGG-face's 4096; 512 keeps the run short), 8 classes, normalized embeddings, squared Euclidean
 * distance and both negative sources (the most work: two distance matrices).
 *
 * <p>Run: {@code mvn -B -pl distill-benchmarks -am package -DskipTests && java -jar
 * distill-benchmarks/target/benchmarks.jar TripletLossBenchmark}
 */
public class TripletLossBenchmark extends AbstractDistillBenchmark {

    /** The mining rule. */
    @Param({"HARDEST", "SEMI_HARD", "ALL"})
    public Mining mining;

    /** The batch size. */
    @Param({"32", "128", "256"})
    public int batchSize;

    /** The embedding size. */
    @Param({"512"})
    public int embeddingSize;

    private TripletLoss loss;
    private DistillationInput input;
    private NDArray[] arrays;

    /** Creates the benchmark (JMH instantiates it). */
    public TripletLossBenchmark() {}

    @Override
    protected void setUp() {
        loss =
                new TripletLoss(
                        TripletConfig.defaults().withMining(mining).withNegatives(Negatives.BOTH));
        NDArray student = manager.randomNormal(new Shape(batchSize, embeddingSize));
        NDArray teacher = manager.randomNormal(new Shape(batchSize, embeddingSize));
        NDArray labels =
                manager.randomInteger(0, 8, new Shape(batchSize), DataType.INT64)
                        .toType(DataType.FLOAT32, false);
        NDArray logits = manager.zeros(new Shape(batchSize, 8));
        student.setRequiresGradient(true);
        input =
                DistillationInput.of(
                        labels,
                        new ModelOutput(logits, student, Map.of()),
                        new ModelOutput(logits, teacher, Map.of()));
        arrays = new NDArray[] {student, teacher, labels, logits};
    }

    /**
     * One forward and backward pass.
     *
     * @return the loss
     */
    @Benchmark
    public float step() {
        return step(loss, input, arrays);
    }
}
