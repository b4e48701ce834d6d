package io.distill4j.benchmarks.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distill4j.benchmarks.AbstractDistillBenchmark;
import io.distill4j.core.DistillationInput;
import io.distill4j.core.DistillationLoss;
import io.distill4j.core.ModelOutput;
import io.distill4j.core.TaskLoss;
import io.distill4j.losses.logits.KdLogitsConfig;
import io.distill4j.losses.logits.KdLogitsLoss;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;

/**
 * Measures one training step (forward and backward) of knowledge distillation on logits against
 * the plain cross-entropy it adds to, by batch size, for 8 classes (AffectNet's count).
 *
 * <p>Run: {@code mvn -B -pl distill-benchmarks -am package -DskipTests && java -jar
 * distill-benchmarks/target/benchmarks.jar KdLogitsLossBenchmark}
 */
public class KdLogitsLossBenchmark extends AbstractDistillBenchmark {

    /** The strategies compared. */
    public enum Strategy {
        /** Cross-entropy on the ground truth only. */
        CROSS_ENTROPY {
            @Override
            DistillationLoss create() {
                return TaskLoss.crossEntropy();
            }
        },
        /** Hinton KD with T = 4 and alpha = 0.5. */
        KD_LOGITS {
            @Override
            DistillationLoss create() {
                return new KdLogitsLoss(new KdLogitsConfig(4f, 0.5f));
            }
        };

        abstract DistillationLoss create();
    }

    /** The strategy. */
    @Param({"CROSS_ENTROPY", "KD_LOGITS"})
    public Strategy strategy;

    /** The batch size. */
    @Param({"32", "128", "512"})
    public int batchSize;

    /** The number of classes. */
    @Param({"8"})
    public int numClasses;

    private DistillationLoss loss;
    private DistillationInput input;
    private NDArray[] arrays;

    /** Creates the benchmark (JMH instantiates it). */
    public KdLogitsLossBenchmark() {}

    @Override
    protected void setUp() {
        loss = strategy.create();
        NDArray student = manager.randomNormal(new Shape(batchSize, numClasses)).mul(3);
        NDArray teacher = manager.randomNormal(new Shape(batchSize, numClasses)).mul(3);
        NDArray labels =
                manager.randomInteger(0, numClasses, new Shape(batchSize), DataType.INT64)
                        .toType(DataType.FLOAT32, false);
        NDArray embedding = manager.zeros(new Shape(batchSize, 1));
        student.setRequiresGradient(true);
        input =
                DistillationInput.of(
                        labels,
                        new ModelOutput(student, embedding, Map.of()),
                        new ModelOutput(teacher, embedding, Map.of()));
        arrays = new NDArray[] {student, teacher, labels, embedding};
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
