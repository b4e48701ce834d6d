package io.distill4j.examples.experiment;

import io.distill4j.core.Checks;
import io.distill4j.core.optim.LearningRateSchedule;
import io.distill4j.core.optim.StatefulOptimizer;
import io.distill4j.core.optim.TorchAdam;
import io.distill4j.core.optim.TorchSgd;
import java.util.Locale;
import java.util.Objects;

/**
 * How one model is trained: epochs, batch size, optimizer, learning-rate schedule, augmentation.
 * A published protocol is reproducible from these values alone.
 *
 * @param epochs the number of epochs, >= 1
 * @param batchSize the batch size, >= 1
 * @param learningRate the base (peak) learning rate, > 0
 * @param optimizer {@code sgd}, {@code adam} or {@code adamw}
 * @param momentum SGD momentum, in [0, 1)
 * @param nesterov whether SGD uses Nesterov momentum
 * @param weightDecay L2 weight decay (decoupled for AdamW), >= 0
 * @param schedule {@code constant}, {@code step}, {@code cosine} or {@code one-cycle}
 * @param warmupFraction the one-cycle warm-up share of the steps, in [0, 1)
 * @param stepEpochs epochs between decays of the step schedule, >= 1
 * @param gamma the step schedule's decay factor, in (0, 1]
 * @param flip whether to flip training images left-right at random
 * @param cropPadding the random-crop padding in pixels (0 for no crop)
 */
public record TrainingSettings(
        int epochs,
        int batchSize,
        float learningRate,
        String optimizer,
        float momentum,
        boolean nesterov,
        float weightDecay,
        String schedule,
        float warmupFraction,
        int stepEpochs,
        float gamma,
        boolean flip,
        int cropPadding) {

    /**
     * Validates the settings.
     *
     * @param epochs the number of epochs
     * @param batchSize the batch size
     * @param learningRate the learning rate
     * @param optimizer the optimizer's name
     * @param momentum SGD momentum
     * @param nesterov Nesterov momentum
     * @param weightDecay weight decay
     * @param schedule the schedule's name
     * @param warmupFraction the warm-up share
     * @param stepEpochs epochs between decays
     * @param gamma the decay factor
     * @param flip random flips
     * @param cropPadding random-crop padding
     */
    public TrainingSettings {
        Checks.positive("epochs", epochs);
        Checks.positive("batchSize", batchSize);
        Checks.positive("lr", learningRate);
        Objects.requireNonNull(optimizer, "optimizer");
        optimizer = optimizer.toLowerCase(Locale.ROOT);
        if (!optimizer.equals("sgd") && !optimizer.equals("adam") && !optimizer.equals("adamw")) {
            throw new IllegalArgumentException(
                    Checks.format("optimizer must be one of [sgd, adam, adamw], was '%s'", optimizer));
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException(
                    Checks.format("momentum must be in [0, 1), was %s", momentum));
        }
        if (nesterov && (!optimizer.equals("sgd") || momentum == 0)) {
            throw new IllegalArgumentException(
                    "nesterov needs --optimizer sgd and a momentum > 0");
        }
        Checks.nonNegative("weightDecay", weightDecay);
        schedule = LearningRateSchedule.Kind.parse(schedule).label();
        if (cropPadding < 0 || cropPadding > 64) {
            throw new IllegalArgumentException(
                    Checks.format("cropPadding must be in [0, 64], was %d", cropPadding));
        }
        // The schedule's own checks (warm-up, step epochs, gamma) run once, here.
        new LearningRateSchedule(
                LearningRateSchedule.Kind.parse(schedule),
                learningRate,
                1,
                1,
                stepEpochs,
                gamma,
                warmupFraction);
    }

    /**
     * Returns a new optimizer for a run of {@code stepsPerEpoch * epochs} steps (optimizers keep
     * per-parameter state: one per run).
     *
     * @param stepsPerEpoch the optimizer steps per epoch
     * @return the optimizer
     */
    public StatefulOptimizer newOptimizer(int stepsPerEpoch) {
        LearningRateSchedule lr =
                new LearningRateSchedule(
                        LearningRateSchedule.Kind.parse(schedule),
                        learningRate,
                        Math.max(1, stepsPerEpoch * epochs),
                        Math.max(1, stepsPerEpoch),
                        stepEpochs,
                        gamma,
                        warmupFraction);
        switch (optimizer) {
            case "sgd":
                return TorchSgd.builder()
                        .setLearningRateTracker(lr)
                        .optMomentum(momentum)
                        .optNesterov(nesterov)
                        .optWeightDecay(weightDecay)
                        .build();
            default:
                return TorchAdam.builder()
                        .setLearningRateTracker(lr)
                        .optDecoupledWeightDecay(optimizer.equals("adamw"))
                        .optWeightDecay(weightDecay)
                        .build();
        }
    }

    /**
     * Returns a copy with another number of epochs.
     *
     * @param value the epochs
     * @return the copy
     */
    public TrainingSettings withEpochs(int value) {
        return new TrainingSettings(
                value,
                batchSize,
                learningRate,
                optimizer,
                momentum,
                nesterov,
                weightDecay,
                schedule,
                warmupFraction,
                stepEpochs,
                gamma,
                flip,
                cropPadding);
    }

    /**
     * Returns a copy with another learning rate.
     *
     * @param value the learning rate
     * @return the copy
     */
    public TrainingSettings withLearningRate(float value) {
        return new TrainingSettings(
                epochs,
                batchSize,
                value,
                optimizer,
                momentum,
                nesterov,
                weightDecay,
                schedule,
                warmupFraction,
                stepEpochs,
                gamma,
                flip,
                cropPadding);
    }
}
