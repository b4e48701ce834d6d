package io.distill4j.core;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The value of a loss for one batch: the scalar total that is back-propagated, and the named
 * terms it is made of (already weighted), for logging.
 *
 * @param total the scalar to minimize
 * @param terms the named scalar terms, in order; for a single-term loss, just that term
 */
public record LossTerms(NDArray total, Map<String, NDArray> terms) {

    /**
     * Validates and copies the components.
     *
     * @param total the scalar to minimize
     * @param terms the named scalar terms
     */
    public LossTerms {
        Objects.requireNonNull(total, "total");
        terms = Collections.unmodifiableMap(new LinkedHashMap<>(terms));
    }

    /**
     * Returns terms that hold a single named value.
     *
     * @param name the term's name
     * @param value the scalar
     * @return the terms
     */
    public static LossTerms of(String name, NDArray value) {
        return new LossTerms(value, Map.of(name, value));
    }
}
