package io.distill4j.examples.experiment;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.training.dataset.Dataset.Usage;
import ai.djl.translate.TranslateException;
import io.distill4j.core.Checks;
import io.distill4j.core.DistillationLoss;
import io.distill4j.core.Distiller;
import io.distill4j.core.Evaluation;
import io.distill4j.core.EvaluationResult;
import io.distill4j.core.TeacherCache;
import io.distill4j.core.TrainingHistory;
import io.distill4j.core.View;
import io.distill4j.data.PairedViewDataset;
import io.distill4j.losses.combined.FusionOptions;
import io.distill4j.losses.combined.FusionPredictor;
import io.distill4j.models.ModelStudent;
import io.distill4j.models.ModelTeacher;
import io.distill4j.models.checkpoint.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The students of one comparison: each strategy's run for a seed (started from the teacher's
 * weights, on occluded faces, resumable from {@code runs/<strategy>-seed<k>/resume.state}), its
 * test evaluation with the best validation checkpoint, and the fusion of the kd and triplet
 * students. A finished run (its {@code result.json} with the same key) is reused, not retrained.
 */
final class StudentRuns {

    private final ExperimentSetup setup;
    private final StrategyLosses losses;

    StudentRuns(ExperimentSetup setup, StrategyLosses losses) {
        this.setup = setup;
        this.losses = losses;
    }

    /**
     * Trains (or reuses) one strategy's student for one seed and evaluates it on the test set.
     *
     * @param strategy the strategy
     * @param seed the seed
     * @param teacher the frozen teacher
     * @param cache the teacher's output cache, or {@code null}
     * @param kept where the kd and triplet students are kept for the fusion (the caller closes
     *     them)
     * @return the run's result
     */
    RunResult student(
            String strategy,
            int seed,
            ModelTeacher teacher,
            TeacherCache cache,
            Map<String, ModelStudent> kept)
            throws IOException, TranslateException {
        String row = Experiment.rowName(strategy);
        Path dir = setup.out.resolve("runs").resolve(ReportWriter.slug(row) + "-seed" + seed);
        DistillationLoss loss = losses.loss(strategy);
        String key =
                RunKeys.run(
                        setup, strategy, seed, teacher, cache != null && loss.requiresTeacher());
        Path resultFile = dir.resolve("result.json");
        Optional<RunResult> done = RunStore.read(resultFile, key, setup.task);
        if (done.isPresent()) {
            setup.say("%s (seed %d): reusing %s", row, seed, resultFile);
            if (isFused(strategy)) {
                kept.put(strategy, best(dir));
            }
            return done.get();
        }
        Engine.getInstance().setRandomSeed(seed);
        long t0 = System.nanoTime();
        TrainingHistory history;
        try (ModelStudent student = ModelStudent.copyOf(teacher)) {
            PairedViewDataset train = setup.dataset(Usage.TRAIN, seed, true);
            int steps = ExperimentSetup.steps(train, setup.studentSettings);
            Distiller.Builder builder =
                    Distiller.builder()
                            .setTask(setup.task)
                            .setStudent(student)
                            .setLoss(loss)
                            .optOptimizer(setup.studentSettings.newOptimizer(steps))
                            .optEpochs(setup.studentSettings.epochs())
                            .optSeed(seed)
                            .optResumeFile(dir.resolve("resume.state"), key);
            if (loss.requiresTeacher()) {
                builder.optTeacher(teacher);
                if (cache != null) {
                    builder.optTeacherOutputSource(cache);
                }
            }
            Distiller distiller =
                    builder.addListeners(
                                    setup.progress(row + " seed " + seed, steps),
                                    new BestCheckpoint(setup.task, student, dir, loss))
                            .build();
            history = distiller.fit(train, setup.dataset(Usage.VALIDATION, seed, false));
            BestCheckpoint.save(student, dir, "last", BestCheckpoint.adapters(loss));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        setup.say(
                "%s (seed %d) trained in %.1f s (%s)",
                row, seed, seconds, BestCheckpoint.total(history));
        ModelStudent best = best(dir);
        EvaluationResult test;
        try {
            test =
                    Evaluation.evaluate(
                            best,
                            setup.dataset(Usage.TEST, seed, false),
                            View.OCCLUDED,
                            setup.task);
        } catch (IOException | TranslateException | RuntimeException e) {
            best.close();
            throw e;
        }
        if (isFused(strategy)) {
            kept.put(strategy, best);
        } else {
            best.close();
        }
        RunResult result = new RunResult(row, seed, test, Optional.of(history), seconds);
        RunStore.write(resultFile, key, result);
        return result;
    }

    /**
     * Fits the fusion of the kd and triplet students of a seed on the training set and evaluates
     * it on the test set.
     *
     * @param seed the seed
     * @param kept the kd and triplet students
     * @return the fusion's result
     */
    RunResult fusion(int seed, Map<String, ModelStudent> kept)
            throws IOException, TranslateException {
        long t0 = System.nanoTime();
        FusionPredictor fusion =
                FusionPredictor.fit(
                        kept.get("kd"),
                        kept.get("triplet"),
                        setup.dataset(Usage.TRAIN, seed, false),
                        setup.task,
                        FusionOptions.defaults());
        EvaluationResult test = fusion.evaluate(setup.dataset(Usage.TEST, seed, false));
        return new RunResult(
                "fusion", seed, test, Optional.empty(), (System.nanoTime() - t0) / 1e9);
    }

    private static boolean isFused(String strategy) {
        return strategy.equals("kd") || strategy.equals("triplet");
    }

    private ModelStudent best(Path dir) throws IOException {
        try {
            return Checkpoint.loader(dir, "best")
                    .optInputShape(setup.inputShape)
                    .optTask(setup.task)
                    .loadStudent();
        } catch (MalformedModelException e) {
            throw new IllegalStateException(
                    Checks.format("cannot read the checkpoint %s: %s", dir, e.getMessage()), e);
        }
    }
}
