package io.distill4j.losses;

import io.distill4j.core.DistillationLoss;
import io.distill4j.core.Task;
import io.distill4j.core.TaskLoss;
import io.distill4j.losses.combined.CombinedDistillationLoss;
import io.distill4j.losses.feature.HintConfig;
import io.distill4j.losses.feature.HintLoss;
import io.distill4j.losses.logits.KdLogitsConfig;
import io.distill4j.losses.logits.KdLogitsLoss;
import io.distill4j.losses.logits.KdRegressionConfig;
import io.distill4j.losses.logits.KdRegressionLoss;
import io.distill4j.losses.metric.TripletConfig;
import io.distill4j.losses.metric.TripletLoss;
import java.util.Map;

/**
 * One static factory per strategy, the entry point for code (name-based construction goes through
 * {@link DistillationLossRegistry}).
 *
 * <pre>{@code
 * DistillationLoss kd = DistillationLosses.kdLogits(new KdLogitsConfig(4f, 0.5f));
 * DistillationLoss paper = DistillationLosses.combined()
 *         .add(1f, kd)
 *         .add(0.5f, DistillationLosses.triplet(TripletConfig.defaults()))
 *         .build();
 * }</pre>
 */
public final class DistillationLosses {

    private DistillationLosses() {}

    /**
     * Returns the task loss alone (the paper's fine-tuning baseline): cross-entropy for
     * classification, L1 for regression.
     *
     * @param task the task
     * @return the loss
     */
    public static TaskLoss task(Task task) {
        return TaskLoss.forTask(task);
    }

    /**
     * Returns Hinton knowledge distillation on logits.
     *
     * @param config the temperature and alpha
     * @return the loss
     */
    public static KdLogitsLoss kdLogits(KdLogitsConfig config) {
        return new KdLogitsLoss(config);
    }

    /**
     * Returns knowledge distillation for regression.
     *
     * @param config alpha and the norm
     * @return the loss
     */
    public static KdRegressionLoss kdRegression(KdRegressionConfig config) {
        return new KdRegressionLoss(config);
    }

    /**
     * Returns FitNets hint distillation.
     *
     * @param config the features and the adapter mode
     * @return the loss
     */
    public static HintLoss hint(HintConfig config) {
        return new HintLoss(config);
    }

    /**
     * Returns the paper's triplet-loss distillation.
     *
     * @param config the margin, distance, normalization, negatives, mining and threshold
     * @return the loss
     */
    public static TripletLoss triplet(TripletConfig config) {
        return new TripletLoss(config);
    }

    /**
     * Returns a builder of a weighted sum of strategies.
     *
     * @return a new builder
     */
    public static CombinedDistillationLoss.Builder combined() {
        return CombinedDistillationLoss.builder();
    }

    /**
     * Builds a strategy by name from {@link DistillationLossRegistry#defaults()}.
     *
     * @param name the name, or names joined by {@code +}
     * @param task the task
     * @param parameters the parameters by key
     * @return the strategy
     */
    public static DistillationLoss byName(String name, Task task, Map<String, String> parameters) {
        return DistillationLossRegistry.defaults().create(name, task, parameters);
    }
}
