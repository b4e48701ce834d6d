package io.distill4j.losses;

import io.distill4j.core.Checks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The parameters of a strategy built by name (from the command line or a configuration file): a
 * string-to-string map with typed, checked accessors whose errors name the strategy, the
 * parameter and the value.
 *
 * <p>Keys are the parameter names, in lower case: {@code temperature}, {@code alpha},
 * {@code norm}, {@code margin}, {@code distance}, {@code normalize}, {@code negatives}, {@code
 * mining}, {@code negative_threshold}, {@code weights}... Which keys a strategy accepts is declared
 * when it is registered ({@link DistillationLossRegistry#register}).
 */
public final class LossParameters {

    private final String strategy;
    private final Map<String, String> values;

    private LossParameters(String strategy, Map<String, String> values) {
        this.strategy = strategy;
        this.values = values;
    }

    /**
     * Creates parameters; keys are turned to lower case.
     *
     * @param strategy the strategy's name, for messages
     * @param values the values by key
     * @return the parameters
     * @throws IllegalArgumentException if two keys differ only by case
     */
    public static LossParameters of(String strategy, Map<String, String> values) {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(values, "values");
        Map<String, String> copy = new LinkedHashMap<>();
        values.forEach(
                (k, v) -> {
                    String key = Objects.requireNonNull(k, "key").trim().toLowerCase(Locale.ROOT);
                    Objects.requireNonNull(v, k);
                    if (copy.put(key, v.trim()) != null) {
                        throw new IllegalArgumentException(
                                Checks.format(
                                        "parameter '%s' of %s is given twice", key, strategy));
                    }
                });
        return new LossParameters(strategy, Collections.unmodifiableMap(copy));
    }

    /**
     * Returns empty parameters.
     *
     * @param strategy the strategy's name, for messages
     * @return the parameters
     */
    public static LossParameters empty(String strategy) {
        return of(strategy, Map.of());
    }

    /**
     * Returns the strategy's name.
     *
     * @return the name
     */
    public String strategy() {
        return strategy;
    }

    /**
     * Returns every value by key.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> asMap() {
        return values;
    }

    /**
     * Returns whether a parameter is given.
     *
     * @param key the key
     * @return true if it is given
     */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /**
     * Returns a parameter as a string.
     *
     * @param key the key
     * @return the value, if given
     */
    public Optional<String> getString(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /**
     * Returns a number.
     *
     * @param key the key
     * @param defaultValue the value when the parameter is not given
     * @return the value
     * @throws IllegalArgumentException if it is not a number
     */
    public float getFloat(String key, float defaultValue) {
        String value = values.get(key);
        return value == null ? defaultValue : parseFloat(key, value);
    }

    /**
     * Returns a number that must be given.
     *
     * @param key the key
     * @return the value
     * @throws IllegalArgumentException if it is missing or not a number
     */
    public float requireFloat(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException(
                    Checks.format("%s needs the parameter '%s'", strategy, key));
        }
        return parseFloat(key, value);
    }

    /**
     * Returns a boolean, spelled {@code true} or {@code false} (any case).
     *
     * @param key the key
     * @param defaultValue the value when the parameter is not given
     * @return the value
     * @throws IllegalArgumentException for any other spelling
     */
    public boolean getBoolean(String key, boolean defaultValue) {
        String value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        String v = value.toLowerCase(Locale.ROOT);
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException(
                Checks.format("%s must be true or false, was '%s'", key, value));
    }

    /**
     * Returns an option by name.
     *
     * @param <E> the option type
     * @param key the key
     * @param type the enum of the option
     * @param defaultValue the value when the parameter is not given
     * @return the value
     * @throws IllegalArgumentException naming the accepted names, for an unknown name
     */
    public <E extends Enum<E> & LossOption> E getOption(String key, Class<E> type, E defaultValue) {
        String value = values.get(key);
        return value == null ? defaultValue : LossOption.parse(type, key, value);
    }

    /**
     * Returns a comma-separated list of numbers ({@code 0.5,1,0.1}).
     *
     * @param key the key
     * @return the values, if the parameter is given
     * @throws IllegalArgumentException if an element is not a number
     */
    public Optional<List<Float>> getFloats(String key) {
        String value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        List<Float> list = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            list.add(parseFloat(key, part.trim()));
        }
        return Optional.of(List.copyOf(list));
    }

    private static float parseFloat(String key, String value) {
        try {
            return Float.parseFloat(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    Checks.format("%s must be a number, was '%s'", key, value), e);
        }
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return strategy + values;
    }
}
