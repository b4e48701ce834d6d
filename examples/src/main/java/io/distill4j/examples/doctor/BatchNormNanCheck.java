package io.distill4j.examples.doctor;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;

import io.distill4j.core.Checks;
import io.distill4j.models.ModelStudent;
import io.distill4j.models.TorchScriptModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Trains a tiny TorchScript net with batch normalization many times and counts the runs whose
 * gradients hold NaN or infinity: the README reported 13 of 260 such runs under AVX-512.
 *
 * <p>The nets ship in the examples jar ({@code bn_net_traced.pt}, {@code bn_net_scripted.pt},
 * written by {@code tools/doctor/make_bn_net.py}): conv 1 to 4 channels (3x3) - batch norm - ReLU
 * on 1x12x12 images, 2x2 max pooling, conv 4 to 8 - ReLU, mean, two linear layers. One run loads
 * the net afresh and takes 2 plain SGD steps (rate 0.05, batches of 8, 3 classes, softmax
 * cross-entropy), as the checkpoint test that first showed the NaN did.
 */
public final class BatchNormNanCheck {

    /** The nets, by resource name. */
    public static final List<String> NETS = List.of("bn_net_traced.pt", "bn_net_scripted.pt");

    private static final Shape IMAGE = new Shape(1, 12, 12);
    private static final int BATCH = 8;
    private static final int STEPS = 2;
    private static final int CLASSES = 3;
    private static final float RATE = 0.05f;

    private BatchNormNanCheck() {}

    /**
     * Runs the check on one of the {@link #NETS}.
     *
     * @param net the resource name
     * @param runs the number of training runs, at least 1
     * @param seed the engine seed of the first run (run {@code i} uses {@code seed + i})
     * @return what was seen
     */
    public static Result run(String net, int runs, int seed) {
        if (!NETS.contains(net)) {
            throw new IllegalArgumentException(
                    Checks.format("net must be one of %s, was '%s'", NETS, net));
        }
        if (runs < 1) {
            throw new IllegalArgumentException(Checks.format("runs must be >= 1, was %d", runs));
        }
        Path file = extract(net);
        try {
            int bad = 0;
            TreeSet<String> where = new TreeSet<>();
            for (int run = 0; run < runs; run++) {
                List<String> nonFinite = train(file, seed + run);
                if (!nonFinite.isEmpty()) {
                    bad++;
                    where.addAll(nonFinite);
                }
            }
            return new Result(net, runs, bad, List.copyOf(where));
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temporary file left behind is harmless
            }
        }
    }

    /** One run; returns the parameters whose gradient was not finite at some step. */
    private static List<String> train(Path file, int seed) {
        TreeSet<String> nonFinite = new TreeSet<>();
        Loss loss = Loss.softmaxCrossEntropyLoss();
        try (ModelStudent student =
                        TorchScriptModel.builder()
                                .setModelPath(file)
                                .setInputShape(IMAGE)
                                .optFeatureNames(List.of("a", "b"))
                                .buildStudent();
                NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(seed);
            NDArray images = manager.randomUniform(0, 1, new Shape(BATCH * STEPS).addAll(IMAGE));
            NDArray labels = manager.arange(0, BATCH * STEPS, 1, DataType.FLOAT32).mod(CLASSES);
            for (int step = 0; step < STEPS; step++) {
                NDIndex rows = new NDIndex("{}:{}", step * BATCH, (step + 1) * BATCH);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDList out =
                            student.getBlock()
                                    .forward(
                                            new ParameterStore(manager, false),
                                            new NDList(images.get(rows)),
                                            true);
                    collector.backward(
                            loss.evaluate(new NDList(labels.get(rows)), new NDList(out.get(0))));
                }
                for (Pair<String, Parameter> pair : student.getBlock().getParameters()) {
                    NDArray weight = pair.getValue().getArray();
                    if (!pair.getValue().requiresGradient() || !weight.hasGradient()) {
                        continue;
                    }
                    NDArray gradient = weight.getGradient();
                    if (!gradient.isInfinite().logicalOr(gradient.isNaN()).any().getBoolean()) {
                        weight.subi(gradient.mul(RATE));
                    } else {
                        nonFinite.add(pair.getKey());
                    }
                    gradient.set(new NDIndex("..."), 0f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ai.djl.MalformedModelException e) {
            throw new IllegalStateException("the bundled net " + file + " does not load", e);
        }
        return List.copyOf(nonFinite);
    }

    private static Path extract(String net) {
        try (InputStream in = BatchNormNanCheck.class.getResourceAsStream(net)) {
            if (in == null) {
                throw new IllegalStateException("resource " + net + " is missing from the jar");
            }
            Path file = Files.createTempFile("distill4j-doctor-", ".pt");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What one net gave.
     *
     * @param net the resource name
     * @param runs the number of runs
     * @param nonFiniteRuns the runs with a NaN or infinite gradient
     * @param parameters the parameters whose gradient was not finite, over all runs
     */
    public record Result(String net, int runs, int nonFiniteRuns, List<String> parameters) {

        /**
         * Validates the components.
         *
         * @param net the net
         * @param runs the runs
         * @param nonFiniteRuns the bad runs
         * @param parameters the parameters
         */
        public Result {
            Objects.requireNonNull(net, "net");
            parameters = List.copyOf(parameters);
        }

        /**
         * Returns whether no run saw a NaN or infinite gradient.
         *
         * @return true if none did
         */
        public boolean pass() {
            return nonFiniteRuns == 0;
        }
    }
}
