package io.distill4j.losses;

import io.distill4j.core.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A named choice of a strategy's option (a distance, a mining rule, a norm...), spelled in lower
 * case as in configuration files and on the command line: {@code squared-euclidean}, {@code
 * semi-hard}, {@code l2}.
 */
public interface LossOption {

    /**
     * Returns the option's name in configuration files.
     *
     * @return the lower-case name
     */
    String optionName();

    /**
     * Parses an option by name, ignoring case.
     *
     * @param <E> the option type
     * @param type the enum of the option
     * @param parameter the parameter's name, for the message
     * @param value the name to parse
     * @return the option
     * @throws IllegalArgumentException naming the parameter, the value and the accepted names
     */
    static <E extends Enum<E> & LossOption> E parse(Class<E> type, String parameter, String value) {
        Objects.requireNonNull(value, parameter);
        String name = value.trim().toLowerCase(Locale.ROOT);
        for (E option : type.getEnumConstants()) {
            if (option.optionName().equals(name)) {
                return option;
            }
        }
        throw new IllegalArgumentException(
                Checks.format(
                        "%s must be one of %s, was '%s'", parameter, names(type), value));
    }

    /**
     * Returns the names of an option's values, in declaration order.
     *
     * @param <E> the option type
     * @param type the enum of the option
     * @return the names
     */
    static <E extends Enum<E> & LossOption> List<String> names(Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E option : type.getEnumConstants()) {
            names.add(option.optionName());
        }
        return names;
    }
}
