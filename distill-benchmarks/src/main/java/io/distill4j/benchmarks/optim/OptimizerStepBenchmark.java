package io.distill4j.benchmarks.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.distill4j.benchmarks.AbstractModelBenchmark;
import io.distill4j.core.Task;
import io.distill4j.core.TaskLoss;
import io.distill4j.core.optim.TorchAdam;
import io.distill4j.core.optim.TorchSgd;
import io.distill4j.models.Architectures;
import io.distill4j.models.InputShapes;
import io.distill4j.models.NetworkBlock;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Measures one optimizer step over every parameter of a model, as the {@code Distiller} takes it
 * (each trainable parameter updated with its own gradient, which is zeroed afterwards): the cost
 * the full-size protocol's epochs report as "optimizer". Two PyTorch threads. Its PyTorch
 * counterpart is {@code tools/bench/pytorch_step.py --only optimizer} ({@code torch.optim.SGD} /
 * {@code Adam} {@code step()} and {@code zero_grad(set_to_none=False)} over the same
 * architecture).
 *
 * <p>The gradients are made once, by a real backward pass, and kept; each step first adds them
 * back into the gradients the previous step zeroed (one extra pass over the gradients, made on the
 * PyTorch side too). Stepping with zero gradients instead lets the momentum buffers and Adam's
 * moments decay into subnormal floats within a few hundred steps, which x86 computes far more
 * slowly: the first version of this benchmark did that, and PyTorch's Adam step measured 37 ms in
 * one run and 1,069 ms in a longer one.
 *
 * <p>Run: {@code mvn -B -pl distill-benchmarks -am package -DskipTests && java -jar
 * distill-benchmarks/target/benchmarks.jar OptimizerStepBenchmark} (milliseconds per step).
 */
public class OptimizerStepBenchmark extends AbstractModelBenchmark {

    /** The optimizer: the protocol's SGD, or Adam. */
    @Param({"sgd-nesterov-wd", "adam"})
    public String optimizer;

    /** The architecture and its input, {@code name@CxHxW}. */
    @Param({"resnet18@1x48x48"})
    public String model;

    private NDManager manager;
    private NetworkBlock block;
    private Optimizer update;
    private final List<Parameter> trainable = new ArrayList<>();
    private final List<NDArray> gradients = new ArrayList<>();

    /** Creates the benchmark (JMH instantiates it). */
    public OptimizerStepBenchmark() {}

    /** Builds the model and gives every parameter a gradient by one backward pass. */
    @Setup(Level.Trial)
    public void setUp() {
        Engine.getInstance().setRandomSeed(42);
        String[] parts = model.split("@", 2);
        Shape input = InputShapes.parse(parts[1]);
        Task task = Task.classification(8);
        manager = NDManager.newBaseManager();
        block = Architectures.builder(parts[0]).setInputShape(input).setTask(task).build();
        block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(input));
        for (Parameter p : block.getParameters().values()) {
            if (p.requiresGradient()) {
                trainable.add(p);
            }
        }
        NDArray images = manager.randomUniform(0, 1, new Shape(64).addAll(input));
        NDArray labels = manager.randomInteger(0, 8, new Shape(64), DataType.INT64);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDList out = block.forward(new ParameterStore(manager, false), new NDList(images), true);
            collector.backward(TaskLoss.crossEntropy(out.get(0), labels));
        }
        for (Parameter p : trainable) {
            try (NDArray gradient = p.getArray().getGradient()) {
                NDArray copy = gradient.duplicate();
                copy.attach(manager);
                gradients.add(copy);
                gradient.subi(gradient); // zero, as after a step
            }
        }
        update =
                optimizer.equals("adam")
                        ? TorchAdam.builder().setLearningRateTracker(Tracker.fixed(1e-3f)).build()
                        : TorchSgd.builder()
                                .setLearningRateTracker(Tracker.fixed(0.01f))
                                .optMomentum(0.9f)
                                .optNesterov(true)
                                .optWeightDecay(5e-4f)
                                .build();
    }

    /** Frees everything. */
    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    /**
     * One step over every trainable parameter, its gradient restored first.
     *
     * @return one weight, which syncs and defeats dead-code elimination
     */
    @Benchmark
    public float step() {
        for (int i = 0; i < trainable.size(); i++) {
            Parameter p = trainable.get(i);
            NDArray weight = p.getArray();
            try (NDArray gradient = weight.getGradient()) {
                gradient.addi(gradients.get(i));
                update.update(p.getId(), weight, gradient);
            }
        }
        NDArray first = trainable.get(0).getArray();
        return first.getFloat(new long[first.getShape().dimension()]);
    }
}
