package io.distill4j.examples.experiment;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.translate.TranslateException;
import io.distill4j.core.Checks;
import io.distill4j.core.Distiller;
import io.distill4j.core.TaskLoss;
import io.distill4j.core.TrainingHistory;
import io.distill4j.core.View;
import io.distill4j.data.PairedViewDataset;
import io.distill4j.models.ModelStudent;
import io.distill4j.models.ModelTeacher;
import io.distill4j.models.NetworkBuilder;
import io.distill4j.models.TorchScriptModel;
import io.distill4j.models.checkpoint.Checkpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The experiment's teacher: loaded from a given file, or reused from the output folder when it
 * was trained there with the same key, or trained now on the clean training images (resumable:
 * {@code teacher/resume.state} after every epoch).
 */
final class TeacherStage {

    private final ExperimentSetup setup;

    TeacherStage(ExperimentSetup setup) {
        this.setup = setup;
    }

    /**
     * Returns the teacher.
     *
     * @return the teacher; the caller closes it
     * @throws IOException if files cannot be read or written
     * @throws TranslateException if a dataset cannot be batched
     */
    ModelTeacher teacher() throws IOException, TranslateException {
        if (setup.teacherPath != null) {
            return load(setup.teacherPath);
        }
        Path dir = setup.out.resolve("teacher");
        String key = RunKeys.teacher(setup);
        Path keyFile = dir.resolve("key.txt");
        if (Files.isRegularFile(keyFile)
                && key.equals(Files.readString(keyFile, StandardCharsets.UTF_8).trim())
                && Files.isRegularFile(dir.resolve("best.json"))) {
            setup.console.println("teacher: reusing " + dir.resolve("best.json"));
            return checkpoint(dir);
        }
        TrainingSettings settings = setup.teacherSettings;
        Engine.getInstance().setRandomSeed(setup.firstSeed);
        NetworkBuilder<?> builder =
                setup.modelBuilder().optNormalization(setup.teacherNormalization());
        try (ModelStudent model = ModelStudent.create(builder.build())) {
            PairedViewDataset train = setup.dataset(Usage.TRAIN, setup.firstSeed, true, settings);
            int steps = ExperimentSetup.steps(train, settings);
            Distiller distiller =
                    Distiller.builder()
                            .setTask(setup.task)
                            .setStudent(model)
                            .setLoss(TaskLoss.forTask(setup.task))
                            .optStudentView(View.CLEAN)
                            .optOptimizer(settings.newOptimizer(steps))
                            .optEpochs(settings.epochs())
                            .optSeed(setup.firstSeed)
                            .optResumeFile(dir.resolve("resume.state"), key)
                            .addListeners(
                                    setup.progress("teacher", steps),
                                    new BestCheckpoint(setup.task, model, dir, null))
                            .build();
            long t0 = System.nanoTime();
            TrainingHistory history =
                    distiller.fit(
                            train,
                            setup.dataset(Usage.VALIDATION, setup.firstSeed, false, settings));
            setup.say(
                    "teacher trained in %.1f s (%s)",
                    (System.nanoTime() - t0) / 1e9, BestCheckpoint.total(history));
            Checkpoint.save(model, dir, "last");
        }
        Files.writeString(keyFile, key, StandardCharsets.UTF_8);
        return checkpoint(dir);
    }

    private ModelTeacher load(Path path) throws IOException {
        try {
            if (path.getFileName().toString().endsWith(".pt")) {
                return TorchScriptModel.builder()
                        .setModelPath(path)
                        .setInputShape(setup.inputShape)
                        .optTask(setup.task)
                        .buildTeacher();
            }
            return Checkpoint.loader(path)
                    .optInputShape(setup.inputShape)
                    .optTask(setup.task)
                    .loadTeacher();
        } catch (MalformedModelException e) {
            throw new IllegalArgumentException(
                    Checks.format("cannot load the teacher %s: %s", path, e.getMessage()), e);
        }
    }

    private ModelTeacher checkpoint(Path dir) throws IOException {
        try {
            return Checkpoint.loader(dir, "best")
                    .optInputShape(setup.inputShape)
                    .optTask(setup.task)
                    .loadTeacher();
        } catch (MalformedModelException e) {
            throw new IllegalStateException(
                    Checks.format("cannot read the checkpoint %s: %s", dir, e.getMessage()), e);
        }
    }
}
