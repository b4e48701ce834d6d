package io.distill4j.losses.feature;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.util.Pair;
import io.distill4j.core.AbstractDistillationLoss;
import io.distill4j.core.BindingContext;
import io.distill4j.core.Checks;
import io.distill4j.core.DistillationInput;
import io.distill4j.core.FeatureAdapter;
import io.distill4j.core.LossTerms;
import io.distill4j.core.ModelOutput;
import io.distill4j.core.OutputSpec;
import java.util.List;
import java.util.Objects;

/**
 * Hint (feature) distillation after FitNets (Romero et al., "FitNets: Hints for Thin Deep Nets",
 * ICLR 2015, <a href="https://arxiv.org/abs/1412.6550">arXiv:1412.6550</a>): an intermediate
 * student feature on the occluded face, passed through a learnable adapter, is pulled towards the
 * teacher's feature on the clean face.
 *
 * <p>\[ L = \frac{1}{B\,C\,H\,W} \sum \big(r(f^S) - f^T\big)^2 \] the plain mean squared error
 * over every element (PyTorch's {@code F.mse_loss}, not DJL's half of it), with {@code r} the
 * adapter, or the identity when the shapes are equal and {@link AdapterMode#AUTO} is set. The
 * teacher feature is a constant.
 *
 * <p>The adapter is created by {@link #bind} from the shapes the trainer finds: a 1x1 {@link
 * Conv2d} to the teacher's channels for feature maps {@code (C, H, W)} (preceded by average pooling
 * when the student's map is an integer multiple of the teacher's; when the teacher's map is the
 * larger one, the teacher's feature is average-pooled down instead; other spatial sizes are
 * refused), or a {@link Linear} layer for vectors {@code (D)}. It is returned by {@link
 * #getAdapters()}, so the {@link io.distill4j.core.Distiller} trains it with the student (the
 * optimizer updates it and zeroes its gradient) and initializes it in the student's manager, where
 * it outlives the trainer; save it with {@code getAdapters().get(0).block().saveParameters(...)}.
 * The adapted feature reaches {@link #compute} as the student feature named {@link
 * #adaptedFeatureName()}.
 *
 * <p>Use it when the teacher's intermediate representation of the clean face is worth imitating
 * (FitNets' hint stage), usually in a {@link io.distill4j.losses.combined.CombinedDistillationLoss}
 * with the task loss or knowledge distillation.
 *
 * <pre>{@code
 * DistillationLoss loss = CombinedDistillationLoss.builder()
 *         .add(1f, TaskLoss.crossEntropy())
 *         .add(0.1f, new HintLoss(HintConfig.of("conv")))
 *         .build();
 * }</pre>
 *
 * <p>Term logged: {@code hint}. One instance binds to one pair of shapes at a time; binding it
 * again to the same shapes keeps the trained adapter.
 */
public final class HintLoss extends AbstractDistillationLoss {

    private final HintConfig config;
    private FeatureAdapter adapter;
    private Shape boundStudent;
    private Shape boundTeacher;
    private Shape teacherPool;

    /**
     * Creates the loss.
     *
     * @param config the features and the adapter mode
     */
    public HintLoss(HintConfig config) {
        super("HintLoss");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Returns the configuration.
     *
     * @return the configuration
     */
    public HintConfig getConfig() {
        return config;
    }

    /**
     * Returns the name under which the adapted student feature is added to the student's output.
     *
     * @return the name
     */
    public String adaptedFeatureName() {
        return "hint:" + config.studentFeature() + "->" + config.teacherFeature();
    }

    /** {@inheritDoc} */
    @Override
    public boolean requiresTeacher() {
        return true;
    }

    /** {@inheritDoc} */
    @Override
    public void bind(BindingContext context) {
        OutputSpec teacher = context.requireTeacher(getName());
        Shape s = feature("student", context.student(), config.studentFeature());
        Shape t = feature("teacher", teacher, config.teacherFeature());
        if (adapter != null && s.equals(boundStudent) && t.equals(boundTeacher)) {
            return;
        }
        adapter = null;
        teacherPool = null;
        boundStudent = s;
        boundTeacher = t;
        if (s.equals(t) && config.adapter() != AdapterMode.ALWAYS) {
            return;
        }
        if (config.adapter() == AdapterMode.NONE) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s must have the same shape with adapter=none; use adapter=auto to"
                                    + " learn a projection",
                            describe(s, t)));
        }
        adapter = new FeatureAdapter(config.studentFeature(), adaptedFeatureName(), adapter(s, t));
    }

    private Block adapter(Shape s, Shape t) {
        if (s.dimension() == 1 && t.dimension() == 1) {
            return Linear.builder().setUnits(t.get(0)).build();
        }
        if (s.dimension() != 3 || t.dimension() != 3) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "%s must both be vectors (D) or both be maps (C, H, W)",
                            describe(s, t)));
        }
        Conv2d conv = Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(Math.toIntExact(t.get(0))).build();
        long hs = s.get(1);
        long ws = s.get(2);
        long ht = t.get(1);
        long wt = t.get(2);
        if (hs == ht && ws == wt) {
            return conv;
        }
        if (hs % ht == 0 && ws % wt == 0 && hs >= ht && ws >= wt) {
            Shape kernel = new Shape(hs / ht, ws / wt);
            return new SequentialBlock().add(Pool.avgPool2dBlock(kernel, kernel)).add(conv);
        }
        if (ht % hs == 0 && wt % ws == 0 && ht >= hs && wt >= ws) {
            teacherPool = new Shape(ht / hs, wt / ws);
            return conv;
        }
        throw new IllegalArgumentException(
                Checks.format(
                        "%s have spatial sizes that cannot be pooled to one another: one must be"
                                + " an integer multiple of the other in height and width",
                        describe(s, t)));
    }

    private String describe(Shape s, Shape t) {
        return Checks.format(
                "student feature '%s' %s and teacher feature '%s' %s",
                config.studentFeature(),
                Checks.shape(s),
                config.teacherFeature(),
                Checks.shape(t));
    }

    private static Shape feature(String who, OutputSpec spec, String name) {
        Shape shape = spec.features().get(name);
        if (shape == null) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "the %s has no feature named '%s'; its features: %s",
                            who, name, spec.features().keySet()));
        }
        return shape;
    }

    /** {@inheritDoc} */
    @Override
    public List<FeatureAdapter> getAdapters() {
        return adapter == null ? List.of() : List.of(adapter);
    }

    /**
     * Returns the number of trainable values of the adapter (0 without adapter or before it is
     * initialized).
     *
     * @return the parameter count
     */
    public long adapterParameterCount() {
        if (adapter == null || !adapter.block().isInitialized()) {
            return 0;
        }
        long count = 0;
        for (Pair<String, Parameter> p : adapter.block().getParameters()) {
            count += p.getValue().getArray().size();
        }
        return count;
    }

    /** {@inheritDoc} */
    @Override
    public LossTerms compute(DistillationInput input) {
        ModelOutput student = input.getStudent();
        NDArray target =
                input.requireTeacher(getName()).getFeature(config.teacherFeature()).stopGradient();
        NDArray feature;
        if (adapter == null) {
            feature = student.getFeature(config.studentFeature());
        } else {
            if (!student.getFeatures().containsKey(adapter.outputName())) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "the student output has no adapted feature '%s' (found %s); the"
                                        + " Distiller adds it when it trains with this loss's"
                                        + " adapters",
                                adapter.outputName(), student.getFeatures().keySet()));
            }
            feature = student.getFeature(adapter.outputName());
            if (teacherPool != null) {
                target =
                        Pool.avgPool2d(target, teacherPool, teacherPool, new Shape(0, 0), false, true);
            }
        }
        if (!feature.getShape().equals(target.getShape())) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "student feature '%s' %s and teacher feature '%s' %s must have the same"
                                    + " shape%s",
                            config.studentFeature(),
                            Checks.shape(feature.getShape()),
                            config.teacherFeature(),
                            Checks.shape(target.getShape()),
                            adapter == null
                                    ? "; bind the loss (the Distiller does) to get an adapter"
                                    : " after the adapter"));
        }
        NDArray mse = feature.sub(target.toType(feature.getDataType(), false)).square().mean();
        return LossTerms.of("hint", mse);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format(
                "Hint(%s->%s, adapter=%s)",
                config.studentFeature(),
                config.teacherFeature(),
                config.adapter().optionName());
    }
}
