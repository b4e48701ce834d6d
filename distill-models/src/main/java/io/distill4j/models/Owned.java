package io.distill4j.models;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.distill4j.core.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An initialized block with the manager of its parameters, its descriptor and the resources that
 * free them, closed in order, once.
 */
final class Owned {

    final Block block;
    final NDManager manager;
    final ModelDescriptor descriptor;
    private final List<AutoCloseable> resources;
    private boolean closed;

    Owned(Block block, NDManager manager, ModelDescriptor descriptor, List<AutoCloseable> resources) {
        this.block = Objects.requireNonNull(block, "block");
        this.manager = Objects.requireNonNull(manager, "manager");
        this.descriptor = Objects.requireNonNull(descriptor, "descriptor");
        this.resources = new ArrayList<>(resources);
        if (!block.isInitialized()) {
            throw new IllegalArgumentException("the block must be initialized");
        }
    }

    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing " + descriptor.architecture(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Initializes a new architecture block with random weights (the engine's seed) in a new manager. */
    static Owned fresh(NetworkBlock block, String managerName) {
        requireUninitialized(block);
        NDManager manager = NDManager.newBaseManager();
        manager.setName(managerName);
        try {
            block.initialize(
                    manager, DataType.FLOAT32, new Shape(1).addAll(block.getInputShape()));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return new Owned(block, manager, block.getDescriptor(), List.of(manager));
    }

    /** Copies a model: the same architecture and a deep copy of its parameters, in a new manager. */
    static Owned copy(DistillModel model, boolean trainable, String managerName) {
        Objects.requireNonNull(model, "model");
        Block source = model.getBlock();
        if (source instanceof TorchScriptBlock) {
            return TorchScriptModel.copy((TorchScriptBlock) source, model.getDescriptor(), trainable);
        }
        if (!(source instanceof NetworkBlock)) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "cannot copy a %s; only architecture and TorchScript blocks can be"
                                    + " copied",
                            source.getClass().getSimpleName()));
        }
        NetworkBlock target = Architectures.build(model.getDescriptor());
        NDManager manager = NDManager.newBaseManager();
        manager.setName(managerName);
        try {
            Params.copyInto(source, target, manager, target.getInputShape());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return new Owned(target, manager, target.getDescriptor(), List.of(manager));
    }

    static void requireUninitialized(Block block) {
        Objects.requireNonNull(block, "block");
        if (block.isInitialized()) {
            throw new IllegalArgumentException(
                    "the block is already initialized; build a new block (a block's parameters"
                            + " belong to one model)");
        }
    }
}
