package io.distill4j.core.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;
import io.distill4j.core.Checks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An optimizer whose whole state (per-parameter step counts and buffers such as momentum or Adam
 * moments) can be read and written back, so that a training run cut off after an epoch resumes
 * bit for bit.
 *
 * <p>DJL's own optimizers keep their state in private fields and count steps in a way that cannot
 * be restored; this class keeps both here. The state arrays are created from the weight ({@code
 * zerosLike}) and so belong to the manager of the weight, on purpose: they live as long as the
 * model does.
 *
 * <p>Subclasses compute every per-step temporary inside a sub-manager closed at the end of the
 * step (arithmetic results attach to the manager of their first operand, which for a parameter
 * lives as long as the model: a temporary left there is a leak of model-sized arrays per step).
 *
 * <p>The gradient passed to {@link #update} is used as scratch space, and the parameter's own
 * gradient is zeroed after the update, as DJL's PyTorch optimizers do.
 */
public abstract class StatefulOptimizer extends Optimizer {

    private final Map<String, Integer> steps = new ConcurrentHashMap<>();
    private final Map<String, NDArray[]> buffers = new ConcurrentHashMap<>();

    /**
     * Creates the optimizer.
     *
     * @param builder the builder (DJL's rescale, clip and weight-decay settings)
     */
    protected StatefulOptimizer(OptimizerBuilder<?> builder) {
        super(builder);
    }

    /**
     * Returns the names of the per-parameter state buffers, in the order of {@link #getState}.
     *
     * @return the names, possibly empty (plain SGD)
     */
    public abstract List<String> getStateNames();

    /**
     * Advances and returns the step count of a parameter (1 on its first update).
     *
     * @param parameterId the parameter
     * @return the step count
     */
    protected final int nextStep(String parameterId) {
        return steps.merge(parameterId, 1, Integer::sum);
    }

    /**
     * Returns the state buffers of a parameter, created as zeros shaped like the weight on first
     * use and attached to the weight's manager.
     *
     * @param parameterId the parameter
     * @param weight its weight
     * @return the buffers, one per {@link #getStateNames()} entry
     */
    protected final NDArray[] buffers(String parameterId, NDArray weight) {
        return buffers.computeIfAbsent(
                parameterId,
                k -> {
                    NDArray[] created = new NDArray[getStateNames().size()];
                    for (int i = 0; i < created.length; i++) {
                        created[i] = weight.zerosLike();
                    }
                    return created;
                });
    }

    /**
     * Returns a parameter's state: its step count and its buffers (none before its first
     * update). The arrays are the optimizer's own; copy them before changing them.
     *
     * @param parameterId the parameter
     * @return the state
     */
    public final State getState(String parameterId) {
        NDArray[] arrays = buffers.get(parameterId);
        return new State(
                steps.getOrDefault(parameterId, 0),
                arrays == null ? List.of() : List.of(arrays));
    }

    /**
     * Sets a parameter's state, as read back from a checkpoint: copies of the given arrays are
     * attached to the weight's manager.
     *
     * @param parameterId the parameter
     * @param weight its weight (for the manager, device and shape)
     * @param state the state; its buffers must be empty (no step yet) or one per state name,
     *     each shaped like the weight
     * @throws IllegalArgumentException if the buffers do not fit
     */
    public final void setState(String parameterId, NDArray weight, State state) {
        Objects.requireNonNull(state, "state");
        List<String> names = getStateNames();
        if (state.buffers().isEmpty() || names.isEmpty()) {
            if (!state.buffers().isEmpty()) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "%s keeps no buffers, but %d were given for %s",
                                getClass().getSimpleName(), state.buffers().size(), parameterId));
            }
            setSteps(parameterId, state.steps());
            return;
        }
        if (state.buffers().size() != names.size()) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s keeps %d buffers %s, but %d were given for %s",
                            getClass().getSimpleName(),
                            names.size(),
                            names,
                            state.buffers().size(),
                            parameterId));
        }
        NDArray[] copies = new NDArray[names.size()];
        for (int i = 0; i < copies.length; i++) {
            NDArray source = state.buffers().get(i);
            if (!source.getShape().equals(weight.getShape())) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "optimizer buffer %s of %s has shape %s, but the weight has %s",
                                names.get(i),
                                parameterId,
                                Checks.shape(source.getShape()),
                                Checks.shape(weight.getShape())));
            }
            copies[i] = weight.zerosLike();
            copies[i].addi(source.toType(weight.getDataType(), false));
        }
        NDArray[] old = buffers.put(parameterId, copies);
        if (old != null) {
            for (NDArray array : old) {
                array.close();
            }
        }
        setSteps(parameterId, state.steps());
    }

    private void setSteps(String parameterId, int count) {
        if (count < 0) {
            throw new IllegalArgumentException(
                    Checks.format("step count must be >= 0, was %d", count));
        }
        if (count == 0) {
            steps.remove(parameterId);
        } else {
            steps.put(parameterId, count);
        }
    }

    /**
     * Zeroes the parameter's own gradient (autograd accumulates into it).
     *
     * @param weight the parameter's weight
     */
    protected static void zeroGradient(NDArray weight) {
        if (weight.hasGradient()) {
            try (NDArray accumulated = weight.getGradient()) {
                accumulated.muli(0);
            }
        }
    }

    /**
     * One parameter's optimizer state.
     *
     * @param steps the number of updates the parameter has had, >= 0
     * @param buffers the state buffers, in {@link #getStateNames()} order (empty before the
     *     first update)
     */
    public record State(int steps, List<NDArray> buffers) {

        /**
         * Validates and copies the list.
         *
         * @param steps the step count
         * @param buffers the buffers
         */
        public State {
            if (steps < 0) {
                throw new IllegalArgumentException(
                        Checks.format("steps must be >= 0, was %d", steps));
            }
            buffers = Collections.unmodifiableList(new ArrayList<>(buffers));
        }
    }
}
