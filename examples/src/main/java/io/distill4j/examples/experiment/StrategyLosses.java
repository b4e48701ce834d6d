package io.distill4j.examples.experiment;

import ai.djl.ndarray.types.Shape;
import io.distill4j.core.BindingContext;
import io.distill4j.core.Checks;
import io.distill4j.core.DistillationLoss;
import io.distill4j.core.OutputSpec;
import io.distill4j.losses.DistillationLossRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns the experiment's strategy names into losses: {@code triplet} and {@code hint} are combined
 * with the task loss, as in the paper; each parameter goes to the components that take it; the
 * regression triplet gets its age threshold and the hint its default feature unless told
 * otherwise.
 */
final class StrategyLosses {

    private final ExperimentSetup setup;
    private final DistillationLossRegistry registry = DistillationLossRegistry.defaults();

    StrategyLosses(ExperimentSetup setup) {
        this.setup = setup;
    }

    /**
     * Builds each strategy's loss once and binds it to the task, so that an unknown name or
     * parameter, or a strategy that does not fit the task, fails before any training.
     */
    void validate() {
        List<String> strategies = setup.strategies;
        if (strategies.isEmpty()) {
            throw new IllegalArgumentException("give at least one strategy");
        }
        for (String s : strategies) {
            if (s.equals("fusion")) {
                if (!strategies.contains("kd") || !strategies.contains("triplet")) {
                    throw new IllegalArgumentException(
                            "the fusion strategy fuses the kd and triplet students: add kd and"
                                    + " triplet to the strategies");
                }
                continue;
            }
            loss(s).bind(
                            new BindingContext(
                                    setup.task,
                                    setup.inputShape,
                                    dummySpec(),
                                    Optional.of(dummySpec())));
        }
        // A parameter no strategy takes would be dropped without a word: refuse it.
        Set<String> accepted = new TreeSet<>();
        for (String s : strategies) {
            if (!s.equals("fusion")) {
                for (String c : components(s)) {
                    accepted.addAll(registry.parameterNames(c));
                    registry.parameterNames(c).forEach(k -> accepted.add(c + "." + k));
                }
            }
        }
        for (String key : setup.lossParameters.keySet()) {
            if (!accepted.contains(key)) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "no strategy of %s takes the parameter '%s'; accepted: %s",
                                strategies, key, accepted));
            }
        }
    }

    /** Shapes with the task's prediction, so that binding checks the task only. */
    private OutputSpec dummySpec() {
        Map<String, Shape> features = new LinkedHashMap<>();
        for (String name : featureNames()) {
            features.put(name, new Shape(1, 1, 1));
        }
        return new OutputSpec(new Shape(setup.task.outputSize()), new Shape(1), features);
    }

    private List<String> featureNames() {
        return setup.modelBuilder().getFeatureNames();
    }

    /**
     * Builds a strategy's loss.
     *
     * @param strategy the strategy
     * @return the loss
     */
    DistillationLoss loss(String strategy) {
        String name = String.join("+", components(strategy));
        String[] components = name.split("\\+");
        Map<String, String> parameters = new TreeMap<>();
        for (Map.Entry<String, String> e : setup.lossParameters.entrySet()) {
            String k = e.getKey();
            for (String c : components) {
                if (!registry.contains(c)) {
                    throw new IllegalArgumentException(
                            Checks.format(
                                    "unknown strategy '%s' in '%s'; known: %s, fusion",
                                    c, strategy, registry.names()));
                }
                if (registry.parameterNames(c).contains(k)
                        || (k.startsWith(c + ".")
                                && registry.parameterNames(c)
                                        .contains(k.substring(c.length() + 1)))) {
                    parameters.put(k, e.getValue());
                }
            }
        }
        if (setup.weights.containsKey(strategy)) {
            parameters.put("weights", setup.weights.get(strategy));
        }
        for (String c : components) {
            if (c.equals("triplet")
                    && !setup.task.isClassification()
                    && !parameters.containsKey("negative_threshold")
                    && !parameters.containsKey("triplet.negative_threshold")) {
                // Ages more than 10 years apart are negatives, unless told otherwise.
                parameters.put("triplet.negative_threshold", "10");
            }
            if (c.equals("hint")
                    && !parameters.containsKey("feature")
                    && !parameters.containsKey("hint.feature")) {
                parameters.put("hint.feature", defaultHintFeature());
            }
        }
        if (components.length == 1) {
            Map<String, String> plain = new TreeMap<>();
            parameters.forEach(
                    (k, v) ->
                            plain.put(
                                    k.startsWith(name + ".") ? k.substring(name.length() + 1) : k,
                                    v));
            parameters = plain;
        }
        return registry.create(name, setup.task, parameters);
    }

    /** The registry names a strategy is built from (see {@link Experiment#components}). */
    static List<String> components(String strategy) {
        String name;
        switch (strategy) {
            case "triplet":
                name = "task+triplet";
                break;
            case "hint":
                name = "task+hint";
                break;
            default:
                name = strategy;
        }
        List<String> parts = new ArrayList<>();
        for (String part : name.split("\\+", -1)) {
            parts.add(part.trim());
        }
        return parts;
    }

    /** The feature a hint strategy compares by default: the model's next-to-last. */
    String defaultHintFeature() {
        List<String> names = featureNames();
        if (names.isEmpty()) {
            throw new IllegalArgumentException(
                    "the hint strategy needs a feature; the model has none");
        }
        return names.get(Math.max(0, names.size() - 2));
    }

    /** The teacher features the hint strategies compare with (the only ones worth caching). */
    List<String> hintFeatures() {
        List<String> hintFeatures = new ArrayList<>();
        for (String s : setup.strategies) {
            if (s.contains("hint")) {
                String f = defaultHintFeature();
                for (String key :
                        List.of(
                                "feature",
                                "hint.feature",
                                "teacher_feature",
                                "hint.teacher_feature")) {
                    f = setup.lossParameters.getOrDefault(key, f);
                }
                if (!hintFeatures.contains(f)) {
                    hintFeatures.add(f);
                }
            }
        }
        return hintFeatures;
    }
}
