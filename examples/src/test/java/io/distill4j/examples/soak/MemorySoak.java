package io.distill4j.examples.soak;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.distill4j.core.DistillationListener;
import io.distill4j.core.Distiller;
import io.distill4j.core.EpochResult;
import io.distill4j.core.Evaluation;
import io.distill4j.core.Task;
import io.distill4j.core.TeacherCache;
import io.distill4j.core.View;
import io.distill4j.core.optim.LearningRateSchedule;
import io.distill4j.core.optim.TorchAdam;
import io.distill4j.core.optim.TorchSgd;
import io.distill4j.data.Augmentation;
import io.distill4j.data.FaceSplit;
import io.distill4j.data.PairedViewDataset;
import io.distill4j.data.occlusion.Occlusions;
import io.distill4j.data.synthetic.SyntheticFaces;
import io.distill4j.losses.DistillationLosses;
import io.distill4j.losses.combined.FusionOptions;
import io.distill4j.losses.combined.FusionPredictor;
import io.distill4j.models.ModelStudent;
import io.distill4j.models.ModelTeacher;
import io.distill4j.models.SmallCnn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The memory soak's child program: trains a small model with every optimizer and every strategy
 * (fine-tuning, KD with the live teacher and with the cache, triplet, hint with an adapter,
 * KD+triplet), evaluates, and fits the fusion; all of it {@code rounds} times, after a warm-up
 * (the teacher's training and two fine-tunings, not measured). After every epoch it prints {@code
 * config <name> epoch <k> rss_kb <VmRSS> arrays <n>}, n the arrays alive in the engine, and after
 * each round {@code round <k>
 * rss_kb <VmRSS> seconds <s>}, VmRSS read from {@code /proc/self/status}: what the operating
 * system sees, native memory included. Run with {@code -Xms} equal to {@code -Xmx} and {@code
 * -XX:+AlwaysPreTouch}, so that the heap is all resident from the start and any growth is native.
 *
 * <p>Arguments: {@code rounds epochs trainSize}.
 */
public final class MemorySoak {

    private MemorySoak() {}

    /**
     * Runs the soak.
     *
     * @param args rounds, epochs per configuration, training faces
     * @throws Exception if anything fails
     */
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int epochs = Integer.parseInt(args[1]);
        int trainSize = Integer.parseInt(args[2]);
        SyntheticFaces faces =
                SyntheticFaces.builder()
                        .optSizes(trainSize, 0, 256)
                        .optImageSize(48)
                        .optSeed(3)
                        .build();
        Task task = faces.task();
        PairedViewDataset train =
                PairedViewDataset.builder()
                        .setSource(faces.split(Usage.TRAIN))
                        .optOcclusion(Occlusions.vrHeadset())
                        .optAugmentation(new Augmentation(true, 0))
                        .optSeed(3)
                        .setSampling(32, true)
                        .build();
        PairedViewDataset sequential = inOrder(faces.split(Usage.TRAIN));
        PairedViewDataset test = inOrder(faces.split(Usage.TEST));
        int steps = (trainSize + 31) / 32 * epochs;
        Map<String, Supplier<Optimizer>> optimizers =
                Map.of(
                        "sgd",
                        () -> TorchSgd.builder().setLearningRateTracker(Tracker.fixed(0.01f)).build(),
                        "sgd-momentum",
                        () ->
                                TorchSgd.builder()
                                        .setLearningRateTracker(Tracker.fixed(0.01f))
                                        .optMomentum(0.9f)
                                        .build(),
                        "sgd-nesterov-wd",
                        () ->
                                TorchSgd.builder()
                                        .setLearningRateTracker(
                                                new LearningRateSchedule(
                                                        LearningRateSchedule.Kind.ONE_CYCLE,
                                                        0.02f,
                                                        steps,
                                                        steps / epochs,
                                                        1,
                                                        1f,
                                                        0.2f))
                                        .optMomentum(0.9f)
                                        .optNesterov(true)
                                        .optWeightDecay(5e-4f)
                                        .build(),
                        "adam",
                        () -> TorchAdam.builder().optWeightDecay(1e-4f).build(),
                        "adamw",
                        () ->
                                TorchAdam.builder()
                                        .optDecoupledWeightDecay(true)
                                        .optWeightDecay(0.01f)
                                        .build());
        List<String> optimizerOrder =
                List.of("sgd", "sgd-momentum", "sgd-nesterov-wd", "adam", "adamw");
        Path cacheDir = Files.createTempDirectory("soak-cache");
        Engine.getInstance().setRandomSeed(3);
        try (ModelStudent trainee =
                ModelStudent.create(
                        SmallCnn.builder()
                                .optWidths(8, 16, 32, 64)
                                .setInputShape(train.getImageShape())
                                .setTask(task)
                                .build())) {
            fit("warm-up-teacher", trainee, task, DistillationLosses.task(task), null, null, optimizers.get("adam"), 2, train);
            try (ModelTeacher teacher = ModelTeacher.copyOf(trainee)) {
                // Warms the JVM up (JIT, code cache) before anything is measured.
                for (String name : List.of("sgd-nesterov-wd", "adam")) {
                    try (ModelStudent student = ModelStudent.copyOf(teacher)) {
                        fit("warm-up-" + name, student, task, DistillationLosses.task(task), null, null, optimizers.get(name), epochs, train);
                    }
                }
                String hintFeature = teacher.getFeatureNames().get(teacher.getFeatureNames().size() - 2);
                for (int round = 1; round <= rounds; round++) {
                    long roundStart = System.nanoTime();
                    for (String name : optimizerOrder) {
                        try (ModelStudent student = ModelStudent.copyOf(teacher)) {
                            fit("finetune-" + name, student, task, DistillationLosses.task(task), null, null, optimizers.get(name), epochs, train);
                        }
                    }
                    Supplier<Optimizer> sgd = optimizers.get("sgd-nesterov-wd");
                    try (TeacherCache memory =
                                    TeacherCache.builder()
                                            .setTeacher(teacher)
                                            .setDataKey("soak")
                                            .optFeatures(List.of(hintFeature))
                                            .build();
                            TeacherCache disk =
                                    TeacherCache.builder()
                                            .setTeacher(teacher)
                                            .setDataKey("soak")
                                            .optFeatures(List.of())
                                            .optDirectory(cacheDir)
                                            .build();
                            ModelStudent kd = ModelStudent.copyOf(teacher);
                            ModelStudent triplet = ModelStudent.copyOf(teacher)) {
                        // Filled up front, as the experiment does: growth during training is then
                        // never the cache's.
                        try (NDManager scratch = NDManager.newBaseManager()) {
                            memory.precompute(sequential, scratch, true);
                            disk.precompute(sequential, scratch, true);
                        }
                        try (ModelStudent s = ModelStudent.copyOf(teacher)) {
                            fit("kd-live", s, task, byName("kd", task, Map.of()), teacher, null, sgd, epochs, train);
                        }
                        fit("kd-disk-cache", kd, task, byName("kd", task, Map.of()), teacher, disk, sgd, epochs, train);
                        fit("triplet", triplet, task, byName("task+triplet", task, Map.of()), teacher, memory, sgd, epochs, train);
                        try (ModelStudent s = ModelStudent.copyOf(teacher)) {
                            fit("hint-adapter", s, task, byName("task+hint", task, Map.of("hint.feature", hintFeature)), teacher, memory, sgd, epochs, train);
                        }
                        try (ModelStudent s = ModelStudent.copyOf(teacher)) {
                            fit("kd+triplet", s, task, byName("kd+triplet", task, Map.of()), teacher, memory, sgd, epochs, train);
                        }
                        for (int i = 0; i < 5; i++) {
                            Evaluation.evaluate(kd, test, View.OCCLUDED, task);
                            Evaluation.evaluate(teacher, test, View.CLEAN, task);
                        }
                        FusionPredictor fusion =
                                FusionPredictor.fit(kd, triplet, train, task, FusionOptions.defaults());
                        fusion.evaluate(test);
                    }
                    System.out.println(
                            "round " + round + " rss_kb " + rssKb() + " seconds "
                                    + (System.nanoTime() - roundStart) / 1_000_000_000);
                    System.out.flush();
                }
            }
        }
    }

    private static io.distill4j.core.DistillationLoss byName(
            String name, Task task, Map<String, String> parameters) {
        return DistillationLosses.byName(name, task, parameters);
    }

    private static void fit(
            String label,
            ModelStudent student,
            Task task,
            io.distill4j.core.DistillationLoss loss,
            ModelTeacher teacher,
            TeacherCache cache,
            Supplier<Optimizer> optimizer,
            int epochs,
            PairedViewDataset train)
            throws Exception {
        Distiller.Builder builder =
                Distiller.builder()
                        .setTask(task)
                        .setStudent(student)
                        .setLoss(loss)
                        .optOptimizer(optimizer.get())
                        .optEpochs(epochs)
                        .optSeed(3);
        if (teacher != null) {
            builder.optTeacher(teacher);
        }
        if (cache != null) {
            builder.optTeacherOutputSource(cache);
        }
        String name = label;
        builder.addListeners(
                new DistillationListener() {
                    @Override
                    public void onEpoch(EpochResult result) {
                        try {
                            System.out.println(
                                    "config " + name + " epoch " + result.epoch() + " rss_kb "
                                            + rssKb() + " arrays " + liveArrays());
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                });
        builder.build().fit(train);
    }

    /** Every array alive in the engine: the system manager holds every other manager. */
    static int liveArrays() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }

    /** The process's resident set, from {@code /proc/self/status}. */
    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS line in /proc/self/status");
    }

    /** A split behind the headset, in file order, batches of 64, no augmentation. */
    private static PairedViewDataset inOrder(FaceSplit split) {
        return PairedViewDataset.builder()
                .setSource(split)
                .optOcclusion(Occlusions.vrHeadset())
                .setSampling(64, false)
                .build();
    }
}
