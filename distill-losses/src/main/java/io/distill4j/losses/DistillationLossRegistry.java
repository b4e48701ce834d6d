package io.distill4j.losses;

import io.distill4j.core.Checks;
import io.distill4j.core.DistillationLoss;
import io.distill4j.core.Task;
import io.distill4j.core.TaskLoss;
import io.distill4j.losses.combined.CombinedDistillationLoss;
import io.distill4j.losses.feature.AdapterMode;
import io.distill4j.losses.feature.HintConfig;
import io.distill4j.losses.feature.HintLoss;
import io.distill4j.losses.logits.KdLogitsConfig;
import io.distill4j.losses.logits.KdLogitsLoss;
import io.distill4j.losses.logits.KdRegressionConfig;
import io.distill4j.losses.logits.KdRegressionLoss;
import io.distill4j.losses.logits.Norm;
import io.distill4j.losses.metric.Distance;
import io.distill4j.losses.metric.Mining;
import io.distill4j.losses.metric.Negatives;
import io.distill4j.losses.metric.TripletConfig;
import io.distill4j.losses.metric.TripletLoss;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds strategies by name, for the command line and configuration files.
 *
 * <p>Names are registered explicitly ({@link #register}), in lower case ({@link Locale#ROOT});
 * a name registered twice is refused, and an unknown name fails with the list of known ones.
 * {@link #defaults()} holds the built-in strategies and those of every {@link
 * DistillationLossProvider} found by {@link ServiceLoader}. No class-path scanning, no side effect
 * of loading a class.
 *
 * <p>Built-in names and their parameters (defaults in brackets):
 *
 * <ul>
 *   <li>{@code task}, {@code finetune}: the task loss (cross-entropy or L1); no parameter;
 *   <li>{@code cross-entropy}, {@code l1}: those task losses, whatever the task;
 *   <li>{@code kd}: {@link KdLogitsLoss} for classification ({@code temperature} [4], {@code
 *       alpha} [0.5]), {@link KdRegressionLoss} for regression ({@code alpha} [0.5], {@code norm}
 *       [l1]);
 *   <li>{@code kd-regression}: {@link KdRegressionLoss} ({@code alpha} [0.5], {@code norm} l1|l2
 *       [l1]);
 *   <li>{@code hint}: {@link HintLoss} ({@code feature}, or {@code student_feature} and {@code
 *       teacher_feature}; {@code adapter} auto|always|none [auto]);
 *   <li>{@code triplet}: {@link TripletLoss} ({@code margin} [0.2], {@code distance}
 *       squared-euclidean|euclidean|cosine [squared-euclidean], {@code normalize} [true], {@code
 *       negatives} student|teacher|both [student], {@code mining} hardest|semi-hard|all
 *       [semi-hard], {@code negative_threshold}: required for a regression task, refused for
 *       classification).
 * </ul>
 *
 * <p>Combinations: names joined by {@code +} ({@code task+triplet}, {@code kd+triplet}, {@code
 * task+hint}) build a {@link CombinedDistillationLoss}. Its parameter {@code weights} lists one
 * weight per component ({@code 1,0.5}; all 1 by default); {@code <component>.<key>} sends a
 * parameter to one component ({@code triplet.margin=0.3}); an unprefixed key goes to every
 * component that accepts it.
 *
 * <pre>{@code
 * DistillationLoss loss = DistillationLossRegistry.defaults()
 *         .create("kd+triplet", Task.classification(8),
 *                 Map.of("temperature", "4", "alpha", "0.5", "mining", "hardest", "weights", "1,0.5"));
 * }</pre>
 */
public final class DistillationLossRegistry {

    private static final String WEIGHTS = "weights";

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private record Entry(Set<String> parameters, DistillationLossFactory factory) {}

    private DistillationLossRegistry() {}

    /**
     * Returns an empty registry.
     *
     * @return the registry
     */
    public static DistillationLossRegistry empty() {
        return new DistillationLossRegistry();
    }

    /**
     * Returns a new registry with the built-in strategies and those of every {@link
     * DistillationLossProvider} on the class path.
     *
     * @return the registry
     */
    public static DistillationLossRegistry defaults() {
        DistillationLossRegistry registry = builtIns();
        for (DistillationLossProvider provider :
                ServiceLoader.load(
                        DistillationLossProvider.class,
                        DistillationLossRegistry.class.getClassLoader())) {
            provider.registerTo(registry);
        }
        return registry;
    }

    /**
     * Returns a new registry with only the built-in strategies.
     *
     * @return the registry
     */
    public static DistillationLossRegistry builtIns() {
        DistillationLossRegistry r = new DistillationLossRegistry();
        DistillationLossFactory task = (t, p) -> TaskLoss.forTask(t);
        r.register("task", List.of(), task);
        r.register("finetune", List.of(), task);
        r.register("cross-entropy", List.of(), (t, p) -> TaskLoss.crossEntropy());
        r.register("l1", List.of(), (t, p) -> TaskLoss.l1());
        r.register("kd", List.of("temperature", "alpha", "norm"), DistillationLossRegistry::kd);
        r.register(
                "kd-regression", List.of("alpha", "norm"), (t, p) -> kdRegression(p));
        r.register(
                "hint",
                List.of("feature", "student_feature", "teacher_feature", "adapter"),
                (t, p) -> hint(p));
        r.register(
                "triplet",
                List.of(
                        "margin",
                        "distance",
                        "normalize",
                        "negatives",
                        "mining",
                        "negative_threshold"),
                DistillationLossRegistry::triplet);
        return r;
    }

    /**
     * Registers a strategy.
     *
     * @param name the name, turned to lower case; without {@code +}, which joins combinations
     * @param parameterNames the parameter keys it accepts (lower case); any other key is refused
     * @param factory builds it
     * @return this registry
     * @throws IllegalArgumentException for a blank name, a name with {@code +} or a name already
     *     registered
     */
    public DistillationLossRegistry register(
            String name, Collection<String> parameterNames, DistillationLossFactory factory) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(parameterNames, "parameterNames");
        Objects.requireNonNull(factory, "factory");
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (key.isEmpty() || key.contains("+")) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "a strategy name must be non-blank and without '+', was '%s'", name));
        }
        if (entries.containsKey(key)) {
            throw new IllegalArgumentException(
                    Checks.format("a strategy named '%s' is already registered", key));
        }
        Set<String> keys = new LinkedHashSet<>();
        for (String p : parameterNames) {
            keys.add(p.toLowerCase(Locale.ROOT));
        }
        entries.put(key, new Entry(Collections.unmodifiableSet(keys), factory));
        return this;
    }

    /**
     * Returns the registered names, sorted.
     *
     * @return the names
     */
    public Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(entries.keySet()));
    }

    /**
     * Returns the parameter keys a registered strategy accepts.
     *
     * @param name the name
     * @return the keys
     * @throws IllegalArgumentException listing the known names, for an unknown one
     */
    public Set<String> parameterNames(String name) {
        return entry(name.trim().toLowerCase(Locale.ROOT)).parameters();
    }

    /**
     * Returns whether a name is registered.
     *
     * @param name the name, any case
     * @return true if it is
     */
    public boolean contains(String name) {
        return entries.containsKey(name.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Builds a strategy, or a combination of strategies joined by {@code +}.
     *
     * @param name the name (any case)
     * @param task the task
     * @param parameters the parameters by key
     * @return the strategy
     * @throws IllegalArgumentException for an unknown name (listing the known ones), an unknown
     *     parameter (listing the accepted ones) or a bad value (naming it)
     */
    public DistillationLoss create(String name, Task task, Map<String, String> parameters) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(task, "task");
        String key = name.trim().toLowerCase(Locale.ROOT);
        LossParameters all = LossParameters.of(key, parameters);
        if (!key.contains("+")) {
            return createOne(key, task, all.asMap());
        }
        List<String> names = new ArrayList<>();
        for (String part : key.split("\\+", -1)) {
            String n = part.trim();
            entry(n);
            names.add(n);
        }
        List<Float> weights =
                all.getFloats(WEIGHTS).orElseGet(() -> Collections.nCopies(names.size(), 1f));
        if (weights.size() != names.size()) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "weights must list %d values for %s, was '%s'",
                            names.size(), key, all.getString(WEIGHTS).orElse("")));
        }
        List<Map<String, String>> perComponent = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            perComponent.add(new LinkedHashMap<>());
        }
        for (Map.Entry<String, String> e : all.asMap().entrySet()) {
            String k = e.getKey();
            if (k.equals(WEIGHTS)) {
                continue;
            }
            int dot = k.indexOf('.');
            boolean used = false;
            for (int i = 0; i < names.size(); i++) {
                String component = names.get(i);
                if (dot > 0) {
                    if (k.substring(0, dot).equals(component)) {
                        perComponent.get(i).put(k.substring(dot + 1), e.getValue());
                        used = true;
                    }
                } else if (entry(component).parameters().contains(k)) {
                    perComponent.get(i).put(k, e.getValue());
                    used = true;
                }
            }
            if (!used) {
                Set<String> accepted = new TreeSet<>();
                accepted.add(WEIGHTS);
                names.forEach(n -> accepted.addAll(entry(n).parameters()));
                throw new IllegalArgumentException(
                        Checks.format(
                                "unknown parameter '%s' for %s; accepted: %s (or"
                                        + " <component>.<parameter>)",
                                k, key, accepted));
            }
        }
        CombinedDistillationLoss.Builder builder = CombinedDistillationLoss.builder();
        for (int i = 0; i < names.size(); i++) {
            builder.add(weights.get(i), createOne(names.get(i), task, perComponent.get(i)));
        }
        return builder.build();
    }

    private DistillationLoss createOne(String name, Task task, Map<String, String> parameters) {
        Entry entry = entry(name);
        for (String k : parameters.keySet()) {
            if (!entry.parameters().contains(k)) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "unknown parameter '%s' for %s; accepted: %s",
                                k, name, new TreeSet<>(entry.parameters())));
            }
        }
        return entry.factory().create(task, LossParameters.of(name, parameters));
    }

    private Entry entry(String name) {
        Entry entry = entries.get(name);
        if (entry == null) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "unknown strategy '%s'; known: %s (or several joined by '+')",
                            name, names()));
        }
        return entry;
    }

    private static DistillationLoss kd(Task task, LossParameters p) {
        if (task.isClassification()) {
            if (p.has("norm")) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "norm is a parameter of kd for regression, but the task is %s",
                                task));
            }
            KdLogitsConfig d = KdLogitsConfig.defaults();
            return new KdLogitsLoss(
                    new KdLogitsConfig(
                            p.getFloat("temperature", d.temperature()),
                            p.getFloat("alpha", d.alpha())));
        }
        if (p.has("temperature")) {
            throw new IllegalArgumentException(
                    "temperature is a parameter of kd on logits, but the task is regression");
        }
        return kdRegression(p);
    }

    private static DistillationLoss kdRegression(LossParameters p) {
        KdRegressionConfig d = KdRegressionConfig.defaults();
        return new KdRegressionLoss(
                new KdRegressionConfig(
                        p.getFloat("alpha", d.alpha()), p.getOption("norm", Norm.class, d.norm())));
    }

    private static DistillationLoss hint(LossParameters p) {
        String feature = p.getString("feature").orElse(null);
        String student = p.getString("student_feature").orElse(feature);
        if (student == null) {
            throw new IllegalArgumentException(
                    "hint needs the parameter 'feature' (or 'student_feature' and"
                            + " 'teacher_feature')");
        }
        String teacher = p.getString("teacher_feature").orElse(feature == null ? student : feature);
        return new HintLoss(
                new HintConfig(
                        student, teacher, p.getOption("adapter", AdapterMode.class, AdapterMode.AUTO)));
    }

    private static DistillationLoss triplet(Task task, LossParameters p) {
        TripletConfig d = TripletConfig.defaults();
        OptionalDouble threshold = OptionalDouble.empty();
        if (p.has("negative_threshold")) {
            if (task.isClassification()) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "negative_threshold is for regression targets, but the task is %s",
                                task));
            }
            threshold = OptionalDouble.of(p.requireFloat("negative_threshold"));
        } else if (!task.isClassification()) {
            throw new IllegalArgumentException(
                    "triplet needs the parameter 'negative_threshold' for a regression task: image"
                            + " j is a negative of image i when |y_j - y_i| > negative_threshold");
        }
        return new TripletLoss(
                new TripletConfig(
                        p.getFloat("margin", d.margin()),
                        p.getOption("distance", Distance.class, d.distance()),
                        p.getBoolean("normalize", d.normalize()),
                        p.getOption("negatives", Negatives.class, d.negatives()),
                        p.getOption("mining", Mining.class, d.mining()),
                        threshold));
    }
}
