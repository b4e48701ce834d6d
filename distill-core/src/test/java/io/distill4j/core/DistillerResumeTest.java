package io.distill4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.distill4j.core.optim.LearningRateSchedule;
import io.distill4j.core.optim.TorchAdam;
import io.distill4j.core.optim.TorchSgd;
import io.distill4j.core.testing.PairedData;
import io.distill4j.core.testing.TinyNet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resume files, the divergence stop and the direct optimizer step of {@link Distiller}. */
final class DistillerResumeTest {

    private static final Task TASK = Task.classification(PairedData.CLASSES);
    private static final int EPOCHS = 4;

    @TempDir Path dir;

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

    private BlockStudent newStudent() {
        BlockStudent student =
                BlockStudent.of(
                        new TinyNet(4, 8, PairedData.CLASSES), PairedData.IMAGE, TinyNet.FEATURES);
        closeables.add(student);
        return student;
    }

    private static Optimizer nesterov() {
        // A rate that changes every step: the momentum buffers must not absorb it.
        return TorchSgd.builder()
                .setLearningRateTracker(
                        new LearningRateSchedule(
                                LearningRateSchedule.Kind.ONE_CYCLE, 0.05f, 24, 6, 1, 1f, 0.3f))
                .optMomentum(0.9f)
                .optNesterov(true)
                .optWeightDecay(5e-4f)
                .build();
    }

    private static Optimizer adamW() {
        return TorchAdam.builder()
                .optDecoupledWeightDecay(true)
                .optWeightDecay(0.01f)
                .setLearningRateTracker(Tracker.fixed(0.01f))
                .build();
    }

    /** One run; {@code stopAfter} > 0 throws from a listener after that many epochs. */
    private Run run(
            Supplier<Optimizer> optimizer, Path resume, String key, int stopAfter, Listener seen)
            throws Exception {
        BlockStudent student = newStudent();
        Distiller.Builder builder =
                Distiller.builder()
                        .setTask(TASK)
                        .setStudent(student)
                        .setLoss(TaskLoss.crossEntropy())
                        .optOptimizer(optimizer.get())
                        .optEpochs(EPOCHS)
                        .optSeed(5)
                        .addListeners(seen);
        if (resume != null) {
            builder.optResumeFile(resume, key);
        }
        if (stopAfter > 0) {
            builder.addListeners(
                    new DistillationListener() {
                        @Override
                        public void onEpochStart(int epoch, int epochs) {
                            if (epoch == stopAfter + 1) {
                                throw new IllegalStateException("cut");
                            }
                        }
                    });
        }
        Distiller distiller = builder.build();
        ArrayDatasetPair data = new ArrayDatasetPair();
        try {
            TrainingHistory history = distiller.fit(data.train, data.validation);
            return new Run(snapshot(student), history);
        } catch (IllegalStateException e) {
            assertThat(e).hasMessage("cut");
            return null;
        }
    }

    private final class ArrayDatasetPair {
        final ai.djl.training.dataset.ArrayDataset train =
                PairedData.create(manager, 96, 1, 16, true);
        final ai.djl.training.dataset.ArrayDataset validation =
                PairedData.create(manager, 48, 2, 16, false);
    }

    private static Map<String, float[]> snapshot(Student student) {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : student.getBlock().getParameters()) {
            values.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return values;
    }

    private record Run(Map<String, float[]> weights, TrainingHistory history) {}

    private static final class Listener implements DistillationListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void onResume(Path file, TrainingHistory restored, int epochs) {
            events.add("resume " + restored.epochs().size() + "/" + epochs);
        }

        @Override
        public void onResumeRefused(Path file, String reason) {
            events.add("refused: " + reason);
        }
    }

    private static void assertSame(Run actual, Run expected) {
        assertThat(actual.weights().keySet()).isEqualTo(expected.weights().keySet());
        expected.weights()
                .forEach((k, v) -> assertThat(actual.weights().get(k)).as(k).containsExactly(v));
        assertThat(actual.history().trainLosses())
                .containsExactly(expected.history().trainLosses());
        for (int e = 0; e < EPOCHS; e++) {
            EvaluationResult a = actual.history().epochs().get(e).validation().orElseThrow();
            EvaluationResult b = expected.history().epochs().get(e).validation().orElseThrow();
            assertThat(a.predictions()).containsExactly(b.predictions());
            assertThat(a.indices()).containsExactly(b.indices());
            assertThat(actual.history().epochs().get(e).trainTerms())
                    .isEqualTo(expected.history().epochs().get(e).trainTerms());
        }
    }

    @Test
    void fit_cutAfterEachEpochThenResumed_endsBitForBitAsUninterrupted() throws Exception {
        for (Supplier<Optimizer> optimizer : List.<Supplier<Optimizer>>of(
                DistillerResumeTest::nesterov, DistillerResumeTest::adamW)) {
            String name = optimizer.get().getClass().getSimpleName();
            Run straight = run(optimizer, dir.resolve(name + ".state"), "k", 0, new Listener());
            for (int cut = 1; cut < EPOCHS; cut++) {
                Path file = dir.resolve(name + "-cut" + cut + ".state");
                assertThat(run(optimizer, file, "k", cut, new Listener())).isNull();
                Listener seen = new Listener();
                Run resumed = run(optimizer, file, "k", 0, seen);
                assertThat(seen.events).containsExactly("resume " + cut + "/" + EPOCHS);
                assertSame(resumed, straight);
            }
        }
    }

    @Test
    void fit_finishedRunResumed_trainsNoMoreAndReturnsItsHistory() throws Exception {
        Path file = dir.resolve("done.state");
        Run first = run(DistillerResumeTest::nesterov, file, "k", 0, new Listener());
        Listener seen = new Listener();
        Run again = run(DistillerResumeTest::nesterov, file, "k", 0, seen);
        assertThat(seen.events).containsExactly("resume 4/4");
        assertSame(again, first);
    }

    @Test
    void fit_resumeFileOfAnotherKey_startsOverAndSaysWhy() throws Exception {
        Path file = dir.resolve("other.state");
        run(DistillerResumeTest::nesterov, file, "settings A", 2, new Listener());
        Listener seen = new Listener();
        Run fresh = run(DistillerResumeTest::nesterov, file, "settings B", 0, seen);
        assertThat(seen.events)
                .containsExactly("refused: it was written by a run with other settings");
        assertSame(fresh, run(DistillerResumeTest::nesterov, null, "", 0, new Listener()));
    }

    @Test
    void fit_damagedResumeFile_isRefusedWithItsPath() throws Exception {
        Path file = dir.resolve("damaged.state");
        run(DistillerResumeTest::nesterov, file, "k", 2, new Listener());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(file, bytes);
        assertThatThrownBy(() -> run(DistillerResumeTest::nesterov, file, "k", 0, new Listener()))
                .isInstanceOf(IOException.class)
                .hasMessage("resume file %s is damaged: its checksum differs", file);
    }

    @Test
    void build_resumeWithDjlOptimizer_isRefused() {
        assertThatThrownBy(
                        () ->
                                Distiller.builder()
                                        .setTask(TASK)
                                        .setStudent(newStudent())
                                        .setLoss(TaskLoss.crossEntropy())
                                        .optOptimizer(Optimizer.adam().build())
                                        .optResumeFile(dir.resolve("x"), "k")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "a resumable run needs an optimizer whose state can be saved (TorchSgd or"
                                + " TorchAdam), was ai.djl.training.optimizer.Adam");
    }

    /** The task loss, except that its value at one call is NaN. */
    private static final class PoisonedLoss extends AbstractDistillationLoss {
        private final TaskLoss inner = TaskLoss.crossEntropy();
        private final int poisonedCall;
        private int calls;

        PoisonedLoss(int poisonedCall) {
            super("Poisoned");
            this.poisonedCall = poisonedCall;
        }

        @Override
        public boolean requiresTeacher() {
            return false;
        }

        @Override
        public LossTerms compute(DistillationInput input) {
            LossTerms terms = inner.compute(input);
            if (++calls == poisonedCall) {
                NDArray nan = terms.total().mul(Float.NaN);
                return new LossTerms(nan, Map.of("ce", nan));
            }
            return new LossTerms(terms.total(), Map.of("ce", terms.total()));
        }
    }

    @Test
    void fit_lossTurnsNaN_stopsBeforeTheStepAndKeepsTheLastCheckpoint() throws Exception {
        Path file = dir.resolve("diverged.state");
        // 96 images in batches of 16: six batches an epoch; the 9th call is epoch 2, batch 3.
        BlockStudent student = newStudent();
        List<Map<String, float[]>> beforeBatch = new ArrayList<>();
        Distiller distiller =
                resumable(
                        student,
                        new PoisonedLoss(9),
                        file,
                        new DistillationListener() {
                            @Override
                            public void onBatch(
                                    int epoch, int batch, long images, Map<String, Float> t) {
                                beforeBatch.add(snapshot(student));
                            }
                        });
        ArrayDatasetPair data = new ArrayDatasetPair();
        assertThatThrownBy(() -> distiller.fit(data.train, data.validation))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "training diverged at epoch 2, batch 3: Poisoned = NaN, ce = NaN; the step"
                                + " was not taken and the last checkpoint is untouched; lower the"
                                + " learning rate or check the inputs");
        // The trainable weights are those after batch 2 of epoch 2, the last good step (the
        // forward pass of batch 3 did move the batch-norm running statistics).
        Map<String, float[]> last = beforeBatch.get(beforeBatch.size() - 1);
        Map<String, float[]> now = snapshot(student);
        int compared = 0;
        for (Pair<String, Parameter> p : student.getBlock().getParameters()) {
            if (p.getValue().requiresGradient()) {
                assertThat(now.get(p.getKey())).as(p.getKey()).containsExactly(last.get(p.getKey()));
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(2);
        // The resume file still holds epoch 1, the last finished one.
        assertThat(ResumeFile.read(file, TASK).orElseThrow().history()).hasSize(1);
    }

    /**
     * A resumable run whose listener calls {@code action} after batch 2 of epoch 2 and records the
     * batches of epoch 2 in {@code seen}.
     */
    private Distiller stoppingRun(Path file, Runnable action, List<Integer> seen) {
        return resumable(
                newStudent(),
                TaskLoss.crossEntropy(),
                file,
                new DistillationListener() {
                    @Override
                    public void onBatch(int epoch, int batch, long images, Map<String, Float> t) {
                        if (epoch == 2) {
                            seen.add(batch);
                            if (batch == 2) {
                                action.run();
                            }
                        }
                    }
                });
    }

    /** A resumable run (Nesterov SGD, seed 5, resume key "k") with one listener. */
    private static Distiller resumable(
            BlockStudent student, DistillationLoss loss, Path file, DistillationListener listener) {
        return Distiller.builder()
                .setTask(TASK)
                .setStudent(student)
                .setLoss(loss)
                .optOptimizer(nesterov())
                .optEpochs(EPOCHS)
                .optSeed(5)
                .optResumeFile(file, "k")
                .addListeners(listener)
                .build();
    }

    @Test
    void fit_stopRequestedInSecondEpoch_stopsAtTheNextBatchAndResumesBitForBit() throws Exception {
        Path file = dir.resolve("stopped.state");
        ArrayDatasetPair data = new ArrayDatasetPair();
        List<Integer> batchesOfEpoch2 = new ArrayList<>();
        Distiller distiller =
                stoppingRun(file, () -> StopRequest.request("SIGTEST"), batchesOfEpoch2);
        try {
            assertThatThrownBy(() -> distiller.fit(data.train, data.validation))
                    .isInstanceOf(StopRequest.Stopped.class)
                    .hasMessage("stopped by SIGTEST")
                    .satisfies(
                            e ->
                                    assertThat(((StopRequest.Stopped) e).getReason())
                                            .isEqualTo("SIGTEST"));
        } finally {
            StopRequest.clear();
        }
        // Batch 3 never ran; the resume file holds epoch 1, the last finished one.
        assertThat(batchesOfEpoch2).containsExactly(1, 2);
        assertThat(ResumeFile.read(file, TASK).orElseThrow().history()).hasSize(1);
        Listener seen = new Listener();
        Run resumed = run(DistillerResumeTest::nesterov, file, "k", 0, seen);
        assertThat(seen.events).containsExactly("resume 1/" + EPOCHS);
        assertSame(resumed, run(DistillerResumeTest::nesterov, null, "", 0, new Listener()));
    }

    @Test
    void fit_threadInterrupted_stopsAtTheNextBatchAndKeepsTheInterruptStatus() throws Exception {
        Path file = dir.resolve("interrupted.state");
        ArrayDatasetPair data = new ArrayDatasetPair();
        List<Integer> batchesOfEpoch2 = new ArrayList<>();
        Distiller distiller =
                stoppingRun(file, () -> Thread.currentThread().interrupt(), batchesOfEpoch2);
        try {
            assertThatThrownBy(() -> distiller.fit(data.train, data.validation))
                    .isInstanceOf(StopRequest.Stopped.class)
                    .hasMessage("stopped by an interrupt");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(batchesOfEpoch2).containsExactly(1, 2);
        assertThat(ResumeFile.read(file, TASK).orElseThrow().history()).hasSize(1);
    }

    @Test
    void throwIfRequested_noRequestNorInterrupt_returns() {
        StopRequest.clear();
        StopRequest.throwIfRequested();
        assertThat(StopRequest.isRequested()).isFalse();
        StopRequest.request("x");
        try {
            assertThat(StopRequest.isRequested()).isTrue();
            assertThatThrownBy(StopRequest::throwIfRequested).hasMessage("stopped by x");
        } finally {
            StopRequest.clear();
        }
        StopRequest.throwIfRequested();
    }
}
