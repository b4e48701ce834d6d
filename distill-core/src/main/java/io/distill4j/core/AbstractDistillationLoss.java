package io.distill4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * A base for strategies: a DJL {@link Loss} whose {@link #evaluate} decodes the named lists of
 * {@link DistillationInput} and calls {@link #compute}.
 */
public abstract class AbstractDistillationLoss extends Loss implements DistillationLoss {

    /**
     * Creates a loss.
     *
     * @param name the name, also the log and accumulator key
     */
    protected AbstractDistillationLoss(String name) {
        super(name);
    }

    /** {@inheritDoc} */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        return compute(DistillationInput.fromLists(labels, predictions)).total();
    }

    /** {@inheritDoc} */
    @Override
    public Loss asLoss() {
        return this;
    }
}
