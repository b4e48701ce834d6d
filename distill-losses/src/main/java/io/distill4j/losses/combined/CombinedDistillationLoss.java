package io.distill4j.losses.combined;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.distill4j.core.AbstractDistillationLoss;
import io.distill4j.core.BindingContext;
import io.distill4j.core.Checks;
import io.distill4j.core.DistillationInput;
import io.distill4j.core.DistillationLoss;
import io.distill4j.core.FeatureAdapter;
import io.distill4j.core.LossTerms;
import io.distill4j.core.Scalars;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A weighted sum of strategies trained together, each term logged under its component's name:
 * \[ L = \sum_k w_k L_k \] for instance the task loss plus knowledge distillation plus the triplet
 * loss, as Georgescu et al. (2022, <a href="https://arxiv.org/abs/2111.10561">arXiv:2111.10561</a>)
 * combine them, or FitNets hints added to knowledge distillation.
 *
 * <p>It plays the role of DJL's {@code AbstractCompositeLoss} (components, per-component
 * accumulators) but extends {@link AbstractDistillationLoss}, so it receives the named {@link
 * DistillationInput} rather than raw lists, and every component sees the whole input. {@link #bind}
 * and {@link #getAdapters()} delegate to every component, so a hint component's adapter is
 * trained. Weights are finite and {@code >= 0}.
 *
 * <pre>{@code
 * DistillationLoss loss = CombinedDistillationLoss.builder()
 *         .add(0.5f, new KdLogitsLoss(KdLogitsConfig.defaults()))
 *         .add(1.0f, new TripletLoss(TripletConfig.defaults()))
 *         .add(0.1f, new HintLoss(HintConfig.of("conv")))
 *         .build();
 * // toString(): "0.5*KdLogits(T=4.0, alpha=0.5) + 1.0*Triplet(...) + 0.1*Hint(conv->conv, adapter=auto)"
 * }</pre>
 *
 * <p>Terms logged: one per component, already weighted, under the component's name ({@code
 * KdLogitsLoss}, {@code TripletLoss}...; a repeated name gets a suffix {@code #2}, {@code #3}),
 * so that the terms add up to the total. As a DJL evaluator it also keeps one accumulator per
 * component ({@link #getComponentAccumulator}).
 */
public final class CombinedDistillationLoss extends AbstractDistillationLoss {

    private final List<Component> components;
    private final Map<String, Double> totals = new HashMap<>();
    private final Map<String, Map<String, Double>> componentSums = new HashMap<>();
    private final Map<String, Long> counts = new HashMap<>();

    /**
     * One weighted strategy of the sum.
     *
     * @param name the name its term is logged under (unique within the sum)
     * @param weight the weight, finite and {@code >= 0}
     * @param loss the strategy
     */
    public record Component(String name, float weight, DistillationLoss loss) {

        /**
         * Validates the components.
         *
         * @param name the term's name
         * @param weight the weight
         * @param loss the strategy
         */
        public Component {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(loss, "loss");
            Checks.nonNegative("weight", weight);
        }
    }

    private CombinedDistillationLoss(String name, List<Component> components) {
        super(name);
        this.components = List.copyOf(components);
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the weighted components, in order.
     *
     * @return the components
     */
    public List<Component> getComponents() {
        return components;
    }

    /** {@inheritDoc} */
    @Override
    public boolean requiresTeacher() {
        for (Component c : components) {
            if (c.loss().requiresTeacher()) {
                return true;
            }
        }
        return false;
    }

    /** {@inheritDoc} */
    @Override
    public void bind(BindingContext context) {
        for (Component c : components) {
            c.loss().bind(context);
        }
    }

    /** {@inheritDoc} */
    @Override
    public List<FeatureAdapter> getAdapters() {
        List<FeatureAdapter> adapters = new ArrayList<>();
        Set<String> outputs = new LinkedHashSet<>();
        for (Component c : components) {
            for (FeatureAdapter adapter : c.loss().getAdapters()) {
                if (!outputs.add(adapter.outputName())) {
                    throw new IllegalStateException(
                            Checks.format(
                                    "two components produce the adapted feature '%s'; give them"
                                            + " different features",
                                    adapter.outputName()));
                }
                adapters.add(adapter);
            }
        }
        return adapters;
    }

    /** {@inheritDoc} */
    @Override
    public LossTerms compute(DistillationInput input) {
        Map<String, NDArray> terms = new LinkedHashMap<>();
        NDArray total = null;
        for (Component c : components) {
            NDArray value = Scalars.mul(c.loss().compute(input).total(), c.weight());
            terms.put(c.name(), value);
            total = total == null ? value : total.add(value);
        }
        return new LossTerms(total, terms);
    }

    /** {@inheritDoc} */
    @Override
    public void addAccumulator(String key) {
        resetAccumulator(key);
    }

    /** {@inheritDoc} */
    @Override
    public void updateAccumulator(String key, NDList labels, NDList predictions) {
        updateAccumulators(new String[] {key}, labels, predictions);
    }

    /** {@inheritDoc} */
    @Override
    public void updateAccumulators(String[] keys, NDList labels, NDList predictions) {
        LossTerms terms = compute(DistillationInput.fromLists(labels, predictions));
        double total = terms.total().sum().getFloat();
        Map<String, Double> values = new LinkedHashMap<>();
        terms.terms().forEach((k, v) -> values.put(k, (double) v.sum().getFloat()));
        for (String key : keys) {
            totals.merge(key, total, Double::sum);
            Map<String, Double> sums = componentSums.computeIfAbsent(key, k -> new LinkedHashMap<>());
            values.forEach((k, v) -> sums.merge(k, v, Double::sum));
            counts.merge(key, 1L, Long::sum);
        }
    }

    /** {@inheritDoc} */
    @Override
    public void resetAccumulator(String key) {
        totals.put(key, 0.0);
        componentSums.put(key, new LinkedHashMap<>());
        counts.put(key, 0L);
    }

    /**
     * Returns the mean total over the updates of an accumulator.
     *
     * @param key the accumulator key
     * @return the mean, {@code NaN} before any update
     */
    @Override
    public float getAccumulator(String key) {
        long count = counts.getOrDefault(key, 0L);
        return count == 0 ? Float.NaN : (float) (totals.get(key) / count);
    }

    /**
     * Returns the mean weighted value of one component over the updates of an accumulator.
     *
     * @param component the component's name
     * @param key the accumulator key
     * @return the mean, {@code NaN} before any update
     * @throws IllegalArgumentException naming the known components, for an unknown one
     */
    public float getComponentAccumulator(String component, String key) {
        if (components.stream().noneMatch(c -> c.name().equals(component))) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "no component named '%s'; components: %s",
                            component, components.stream().map(Component::name).toList()));
        }
        long count = counts.getOrDefault(key, 0L);
        Double sum = componentSums.getOrDefault(key, Map.of()).get(component);
        return count == 0 || sum == null ? Float.NaN : (float) (sum / count);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Component c : components) {
            if (sb.length() > 0) {
                sb.append(" + ");
            }
            sb.append(c.weight()).append('*').append(describe(c.loss()));
        }
        return sb.toString();
    }

    private static String describe(DistillationLoss loss) {
        try {
            boolean custom =
                    loss.getClass().getMethod("toString").getDeclaringClass() != Object.class;
            return custom ? loss.toString() : loss.getName();
        } catch (NoSuchMethodException e) {
            return loss.getName();
        }
    }

    /** Builds a {@link CombinedDistillationLoss} fluently. */
    public static final class Builder {

        private final List<Component> components = new ArrayList<>();
        private final Map<String, Integer> names = new HashMap<>();
        private String name = "CombinedDistillationLoss";

        private Builder() {}

        /**
         * Adds a weighted strategy, logged under the strategy's name.
         *
         * @param weight the weight, finite and {@code >= 0}
         * @param loss the strategy
         * @return this builder
         */
        public Builder add(float weight, DistillationLoss loss) {
            Objects.requireNonNull(loss, "loss");
            int n = names.merge(loss.getName(), 1, Integer::sum);
            String term = n == 1 ? loss.getName() : loss.getName() + "#" + n;
            return add(term, weight, loss);
        }

        /**
         * Adds a weighted strategy, logged under the given name.
         *
         * @param termName the name of its term, unique within the sum
         * @param weight the weight, finite and {@code >= 0}
         * @param loss the strategy
         * @return this builder
         */
        public Builder add(String termName, float weight, DistillationLoss loss) {
            Objects.requireNonNull(termName, "termName");
            for (Component c : components) {
                if (c.name().equals(termName)) {
                    throw new IllegalArgumentException(
                            Checks.format("a component named '%s' was already added", termName));
                }
            }
            components.add(new Component(termName, weight, loss));
            return this;
        }

        /**
         * Sets the name of the sum (its log and accumulator key); {@code
         * CombinedDistillationLoss} by default.
         *
         * @param value the name
         * @return this builder
         */
        public Builder optName(String value) {
            this.name = Objects.requireNonNull(value, "name");
            return this;
        }

        /**
         * Builds the sum.
         *
         * @return the loss
         * @throws IllegalStateException without any component
         */
        public CombinedDistillationLoss build() {
            if (components.isEmpty()) {
                throw new IllegalStateException("add(...) at least one component before build()");
            }
            return new CombinedDistillationLoss(name, components);
        }
    }
}
