package io.distill4j.benchmarks.models;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.distill4j.benchmarks.AbstractModelBenchmark;
import io.distill4j.core.Task;
import io.distill4j.core.TaskLoss;
import io.distill4j.models.Architectures;
import io.distill4j.models.InputShapes;
import io.distill4j.models.ModelTeacher;
import io.distill4j.models.NetworkBlock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Measures, per architecture and input, one training step of a student (forward, cross-entropy,
 * backward, Adam update; what the {@code Distiller} does per batch, without data loading) and one
 * frozen teacher pass, on two PyTorch threads (the two cores the library targets).
 *
 * <p>A step of {@code small-cnn} on a batch of 64 grey 48x48 faces, times the 392 batches of FER+'s
 * 25,060 training images, is the time of one epoch.
 *
 * <p>Run: {@code mvn -B -pl distill-benchmarks -am package -DskipTests && java -jar
 * distill-benchmarks/target/benchmarks.jar ModelStepBenchmark}; the paper's setting with, for
 * example, {@code -p model=resnet50@3x224x224,vgg-f@3x224x224 -p batchSize=16} (seconds per
 * step).
 */
public class ModelStepBenchmark extends AbstractModelBenchmark {

    /** The architecture and its input, {@code name@CxHxW}. */
    @Param({"small-cnn@1x48x48", "resnet18@1x48x48"})
    public String model;

    /** The batch size. */
    @Param({"64"})
    public int batchSize;

    /** The number of classes. */
    @Param({"8"})
    public int numClasses;

    private NDManager manager;
    private Model djlModel;
    private Trainer trainer;
    private ModelTeacher teacher;
    private NDArray images;
    private NDArray labels;

    /** Creates the benchmark (JMH instantiates it). */
    public ModelStepBenchmark() {}

    /** Builds the student's trainer, a teacher of the same architecture and a random batch. */
    @Setup(Level.Trial)
    public void setUp() {
        Engine.getInstance().setRandomSeed(42);
        String[] parts = model.split("@", 2);
        Shape input = InputShapes.parse(parts[1]);
        Task task = Task.classification(numClasses);
        manager = NDManager.newBaseManager();
        NetworkBlock student =
                Architectures.builder(parts[0]).setInputShape(input).setTask(task).build();
        djlModel = Model.newInstance("student");
        djlModel.setBlock(student);
        trainer =
                djlModel.newTrainer(
                        new DefaultTrainingConfig(TaskLoss.crossEntropy().asLoss())
                                .optOptimizer(
                                        Optimizer.adam()
                                                .optLearningRateTracker(Tracker.fixed(1e-3f))
                                                .build()));
        trainer.initialize(new Shape(1).addAll(input));
        teacher =
                ModelTeacher.create(
                        Architectures.builder(parts[0]).setInputShape(input).setTask(task).build());
        images = manager.randomUniform(0, 1, new Shape(batchSize).addAll(input));
        labels = manager.randomInteger(0, numClasses, new Shape(batchSize), DataType.INT64);
    }

    /** Frees everything. */
    @TearDown(Level.Trial)
    public void tearDown() {
        teacher.close();
        trainer.close();
        djlModel.close();
        manager.close();
    }

    /**
     * One training step of the student.
     *
     * @return the loss, which syncs and defeats dead-code elimination
     */
    @Benchmark
    public float trainStep() {
        float value;
        try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(images, labels);
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList out = trainer.forward(new NDList(images));
                NDArray loss = TaskLoss.crossEntropy(out.get(0), labels);
                collector.backward(loss);
                value = loss.getFloat();
            }
            trainer.step();
        }
        return value;
    }

    /**
     * One frozen teacher pass (inference mode, no gradient).
     *
     * @return the first logit
     */
    @Benchmark
    public float teacherPass() {
        try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(images);
            return teacher.predict(images).getPrediction().getFloat(0, 0);
        }
    }
}
