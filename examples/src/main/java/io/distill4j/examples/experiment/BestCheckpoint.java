package io.distill4j.examples.experiment;

import ai.djl.nn.Block;
import io.distill4j.core.DistillationListener;
import io.distill4j.core.DistillationLoss;
import io.distill4j.core.EpochResult;
import io.distill4j.core.FeatureAdapter;
import io.distill4j.core.Task;
import io.distill4j.core.Timings;
import io.distill4j.core.TrainingHistory;
import io.distill4j.models.DistillModel;
import io.distill4j.models.checkpoint.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Saves a model (and its strategy's adapters) as {@code best} whenever validation improves; on a
 * resumed run it takes the best so far from the restored epochs.
 */
final class BestCheckpoint implements DistillationListener {

    private final Task task;
    private final DistillModel model;
    private final Path dir;
    private final DistillationLoss loss;
    private double best = Double.NaN;

    /**
     * Creates the listener.
     *
     * @param task the task (whether higher is better)
     * @param model the model being trained
     * @param dir the run's folder
     * @param loss the strategy, or {@code null} for a teacher (no adapters)
     */
    BestCheckpoint(Task task, DistillModel model, Path dir, DistillationLoss loss) {
        this.task = task;
        this.model = model;
        this.dir = dir;
        this.loss = loss;
    }

    @Override
    public void onResume(Path file, TrainingHistory restored, int epochs) {
        for (EpochResult result : restored.epochs()) {
            double metric = metric(result);
            if (better(metric, result)) {
                best = metric;
            }
        }
    }

    @Override
    public void onEpoch(EpochResult result) {
        double metric = metric(result);
        if (better(metric, result)) {
            best = metric;
            try {
                save(model, dir, "best", loss == null ? List.of() : adapters(loss));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot save the checkpoint in " + dir, e);
            }
        }
    }

    private static double metric(EpochResult result) {
        return result.validationMetric().isPresent()
                ? result.validationMetric().getAsDouble()
                : -result.epoch();
    }

    private boolean better(double metric, EpochResult result) {
        return Double.isNaN(best)
                || (task.higherIsBetter() || result.validationMetric().isEmpty()
                        ? metric > best
                        : metric < best);
    }

    /** The strategy's trainable adapters (known once the distiller has bound the loss). */
    static List<Block> adapters(DistillationLoss loss) {
        List<Block> blocks = new ArrayList<>();
        for (FeatureAdapter adapter : loss.getAdapters()) {
            blocks.add(adapter.block());
        }
        return blocks;
    }

    /** Saves a model with its adapters as {@code dir/name.json}. */
    static void save(DistillModel model, Path dir, String name, List<Block> adapters)
            throws IOException {
        Checkpoint.Saver saver = Checkpoint.saver(dir, name);
        for (int i = 0; i < adapters.size(); i++) {
            saver.addBlock("adapter" + i, adapters.get(i));
        }
        saver.save(model);
    }

    /** The sum of a run's timings, for the console. */
    static String total(TrainingHistory history) {
        Timings sum = new Timings(0, 0, 0, 0, 0, 0);
        for (EpochResult e : history.epochs()) {
            sum = sum.plus(e.timings());
        }
        return sum.toString();
    }
}
