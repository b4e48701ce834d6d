package io.distill4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import ai.djl.util.Pair;
import io.distill4j.core.testing.PairedData;
import io.distill4j.core.testing.TinyNet;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

final class DistillerTest {

    private static final Task TASK = Task.classification(PairedData.CLASSES);

    private NDManager manager;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        manager.close();
    }

    private BlockStudent newStudent(int outputs) {
        BlockStudent student =
                BlockStudent.of(new TinyNet(4, 8, outputs), PairedData.IMAGE, TinyNet.FEATURES);
        closeables.add(student);
        return student;
    }

    private static Optimizer adam() {
        return Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build();
    }

    private ArrayDataset train() {
        return PairedData.create(manager, 96, 1, 16, true);
    }

    private ArrayDataset validation() {
        return PairedData.create(manager, 48, 2, 16, false);
    }

    private BlockTeacher trainTeacher() throws IOException, TranslateException {
        BlockStudent model = newStudent(PairedData.CLASSES);
        Distiller.builder()
                .setTask(TASK)
                .setStudent(model)
                .setLoss(TaskLoss.crossEntropy())
                .optStudentView(View.CLEAN)
                .optOptimizer(adam())
                .optEpochs(6)
                .optSeed(7)
                .build()
                .fit(train());
        BlockTeacher teacher = BlockTeacher.of(model);
        closeables.add(teacher);
        return teacher;
    }

    @Test
    void fit_teacherOnCleanView_lossFallsAndValidates() throws Exception {
        BlockStudent model = newStudent(PairedData.CLASSES);
        TrainingHistory history =
                Distiller.builder()
                        .setTask(TASK)
                        .setStudent(model)
                        .setLoss(TaskLoss.crossEntropy())
                        .optStudentView(View.CLEAN)
                        .optOptimizer(adam())
                        .optEpochs(6)
                        .optSeed(3)
                        .build()
                        .fit(train(), validation());

        double[] losses = history.trainLosses();
        assertThat(losses).hasSize(6);
        assertThat(losses[5]).isLessThan(losses[0] * 0.7);
        EpochResult last = history.last().orElseThrow();
        assertThat(last.validation()).isPresent();
        assertThat(last.validation().get().size()).isEqualTo(48);
        // Three classes: chance is 1/3; the clean view separates them easily.
        assertThat(last.validationMetric().getAsDouble()).isGreaterThan(0.8);
        assertThat(last.trainTerms()).containsKey("CrossEntropy");
        assertThat(last.images()).isEqualTo(96);
    }

    private double[] fineTuneLosses(int seed) throws Exception {
        BlockStudent model = newStudent(PairedData.CLASSES);
        return Distiller.builder()
                .setTask(TASK)
                .setStudent(model)
                .setLoss(TaskLoss.crossEntropy())
                .optOptimizer(adam())
                .optEpochs(3)
                .optSeed(seed)
                .build()
                .fit(train())
                .trainLosses();
    }

    @Test
    void fit_sameSeed_identicalLosses() throws Exception {
        double[] first = fineTuneLosses(11);
        double[] second = fineTuneLosses(11);
        double[] other = fineTuneLosses(12);
        assertThat(second).containsExactly(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void fit_withTeacher_teacherUntouchedAndWithoutGradient() throws Exception {
        BlockTeacher teacher = trainTeacher();
        Map<String, float[]> before = snapshot(teacher);
        BlockStudent student = newStudent(PairedData.CLASSES);
        LogitMatchLoss loss = new LogitMatchLoss();
        TrainingHistory history =
                Distiller.builder()
                        .setTask(TASK)
                        .setStudent(student)
                        .optTeacher(teacher)
                        .setLoss(loss)
                        .optOptimizer(adam())
                        .optEpochs(4)
                        .build()
                        .fit(train());

        assertThat(loss.teacherCalls).isGreaterThan(0);
        assertThat(loss.teacherHadGradient).isFalse();
        double[] losses = history.trainLosses();
        assertThat(losses[3]).isLessThan(losses[0]);
        Map<String, float[]> after = snapshot(teacher);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        before.forEach((name, values) -> assertThat(after.get(name)).as(name).containsExactly(values));
        for (Pair<String, Parameter> p : teacher.getBlock().getParameters()) {
            assertThat(p.getValue().getArray().hasGradient()).as(p.getKey()).isFalse();
        }
    }

    private static Map<String, float[]> snapshot(BlockTeacher teacher) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : teacher.getBlock().getParameters()) {
            values.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return values;
    }

    @Test
    void fit_adapterOfTheLoss_isUpdatedByTheOptimizer() throws Exception {
        BlockTeacher teacher = trainTeacher();
        BlockStudent student = newStudent(PairedData.CLASSES);
        AdapterLoss loss = new AdapterLoss();
        Distiller distiller =
                Distiller.builder()
                        .setTask(TASK)
                        .setStudent(student)
                        .optTeacher(teacher)
                        .setLoss(loss)
                        .optOptimizer(adam())
                        .optEpochs(2)
                        .build();
        float[] before = loss.adapter.getParameters().get("weight").getArray().toFloatArray();
        distiller.fit(train());
        NDArray weight = loss.adapter.getParameters().get("weight").getArray();
        assertThat(weight.toFloatArray()).isNotEqualTo(before);
        // Still alive after the trainer closed: it lives in the student's manager.
        assertThat(weight.getManager().isOpen()).isTrue();
    }

    @Test
    void fit_listeners_seeEveryBatchAndEpoch() throws Exception {
        AtomicInteger djlBatches = new AtomicInteger();
        AtomicInteger djlEpochs = new AtomicInteger();
        List<String> labelNames = new ArrayList<>();
        TrainingListener djl =
                new TrainingListenerAdapter() {
                    @Override
                    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                        djlBatches.incrementAndGet();
                        batchData.getLabels()
                                .values()
                                .forEach(l -> l.forEach(a -> labelNames.add(a.getName())));
                    }

                    @Override
                    public void onEpoch(Trainer trainer) {
                        djlEpochs.incrementAndGet();
                    }
                };
        List<Map<String, Float>> batches = new ArrayList<>();
        List<EpochResult> epochs = new ArrayList<>();
        DistillationListener ours =
                new DistillationListener() {
                    @Override
                    public void onBatch(int epoch, int batch, long images, Map<String, Float> t) {
                        batches.add(t);
                    }

                    @Override
                    public void onEpoch(EpochResult result) {
                        epochs.add(result);
                    }
                };
        Distiller.builder()
                .setTask(TASK)
                .setStudent(newStudent(PairedData.CLASSES))
                .setLoss(TaskLoss.crossEntropy())
                .optEpochs(2)
                .addTrainingListeners(djl)
                .addListeners(ours)
                .build()
                .fit(train());
        // 96 images in batches of 16: 6 batches per epoch.
        assertThat(djlBatches.get()).isEqualTo(12);
        assertThat(djlEpochs.get()).isEqualTo(2);
        assertThat(batches).hasSize(12).allSatisfy(t -> assertThat(t).containsKey("CrossEntropy"));
        assertThat(epochs).extracting(EpochResult::epoch).containsExactly(1, 2);
        assertThat(labelNames).contains("target", "index");
    }

    @Test
    void fit_manyEpochs_leaksNoArrays() throws Exception {
        NDManager system = manager.getParentManager();
        List<Integer> counts = new ArrayList<>();
        Distiller.builder()
                .setTask(TASK)
                .setStudent(newStudent(PairedData.CLASSES))
                .setLoss(TaskLoss.crossEntropy())
                .optOptimizer(adam())
                .optEpochs(4)
                .addListeners(
                        new DistillationListener() {
                            @Override
                            public void onEpoch(EpochResult result) {
                                counts.add(system.getManagedArrays().size());
                            }
                        })
                .build()
                .fit(train(), validation());
        // The first epoch creates the optimizer's state; after that, nothing may accumulate.
        assertThat(counts.get(3)).isEqualTo(counts.get(1));
    }

    @Test
    void build_classCountDiffersFromTask_namesBothShapes() {
        BlockStudent student = newStudent(3);
        assertThatThrownBy(
                        () ->
                                Distiller.builder()
                                        .setTask(Task.classification(4))
                                        .setStudent(student)
                                        .setLoss(TaskLoss.crossEntropy())
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "student prediction shape (3) does not fit the task classification(4"
                                + " classes), which needs (4)");
    }

    @Test
    void build_teacherClassCountDiffers_namesBothShapes() throws Exception {
        BlockTeacher teacher = trainTeacher();
        Task fourClasses = Task.classification(4);
        assertThatThrownBy(
                        () ->
                                Distiller.builder()
                                        .setTask(fourClasses)
                                        .setStudent(newStudent(4))
                                        .optTeacher(teacher)
                                        .setLoss(new LogitMatchLoss())
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "teacher prediction shape (3) does not fit the task classification(4"
                                + " classes), which needs (4)");
    }

    @Test
    void build_lossNeedsTeacher_withoutTeacher_saysWhatToCall() {
        assertThatThrownBy(
                        () ->
                                Distiller.builder()
                                        .setTask(TASK)
                                        .setStudent(newStudent(3))
                                        .setLoss(new LogitMatchLoss())
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LogitMatchLoss needs a teacher; call optTeacher(...) on the builder");
    }

    @Test
    void build_teacherInputDiffers_namesBothShapes() throws Exception {
        BlockTeacher teacher = trainTeacher();
        BlockStudent other =
                BlockStudent.of(new TinyNet(4, 8, 3), new Shape(1, 16, 16), TinyNet.FEATURES);
        closeables.add(other);
        assertThatThrownBy(
                        () ->
                                Distiller.builder()
                                        .setTask(TASK)
                                        .setStudent(other)
                                        .optTeacher(teacher)
                                        .setLoss(new LogitMatchLoss())
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "teacher input (1, 8, 8) and student input (1, 16, 16) must be the same:"
                                + " both see the same image, clean or occluded");
    }

    @Test
    void build_missingLoss_isAnOrderError() {
        assertThatThrownBy(() -> Distiller.builder().setTask(TASK).setStudent(newStudent(3)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("setLoss(...) must be called before build()");
    }

    @Test
    void fit_twice_isRefused() throws Exception {
        Distiller distiller =
                Distiller.builder()
                        .setTask(TASK)
                        .setStudent(newStudent(3))
                        .setLoss(TaskLoss.crossEntropy())
                        .optEpochs(1)
                        .build();
        distiller.fit(train());
        assertThatThrownBy(() -> distiller.fit(train()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "a Distiller trains once; build another, with a fresh optimizer, for"
                                + " another run");
    }

    /** Cross-entropy plus the squared distance to the teacher's logits; records what it saw. */
    private static final class LogitMatchLoss extends AbstractDistillationLoss {

        int teacherCalls;
        boolean teacherHadGradient;

        LogitMatchLoss() {
            super("LogitMatchLoss");
        }

        @Override
        public boolean requiresTeacher() {
            return true;
        }

        @Override
        public LossTerms compute(DistillationInput input) {
            ModelOutput teacher = input.requireTeacher(getName());
            teacherCalls++;
            teacherHadGradient |= teacher.getPrediction().hasGradient();
            NDArray student = input.getStudent().getPrediction();
            NDArray match = student.sub(teacher.getPrediction()).square().mean();
            NDArray ce = TaskLoss.crossEntropy(student, input.getTarget());
            return new LossTerms(ce.add(match), Map.of("ce", ce, "match", match));
        }
    }

    /** Matches the teacher's embedding through a trainable linear adapter. */
    private static final class AdapterLoss extends AbstractDistillationLoss {

        final Conv2d adapter =
                Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(4).build();

        AdapterLoss() {
            super("AdapterLoss");
        }

        @Override
        public boolean requiresTeacher() {
            return true;
        }

        @Override
        public List<FeatureAdapter> getAdapters() {
            return List.of(new FeatureAdapter("conv", "conv.adapted", adapter));
        }

        @Override
        public LossTerms compute(DistillationInput input) {
            NDArray adapted = input.getStudent().getFeature("conv.adapted");
            NDArray target = input.requireTeacher(getName()).getFeature("conv");
            NDArray value = adapted.sub(target).square().mean();
            return LossTerms.of(getName(), value);
        }
    }
}
