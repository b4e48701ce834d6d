package io.distill4j.examples.experiment;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a comparison's numbers rest on besides its options: the data (the data set's provenance:
 * file hashes, counts, seeds, modes and locations) and the teacher (the SHA-256 of its parameters).
 * Written into {@code results.json}, so that {@code distill report} can refuse to merge folders
 * that differ.
 *
 * @param data the data set's provenance, key to value
 * @param teacher the teacher's fingerprint
 */
public record Provenance(Map<String, String> data, String teacher) {

    /**
     * Validates and copies the components.
     *
     * @param data the data set's provenance
     * @param teacher the teacher's fingerprint
     */
    public Provenance {
        data =
                Collections.unmodifiableMap(
                        new LinkedHashMap<>(Objects.requireNonNull(data, "data")));
        Objects.requireNonNull(teacher, "teacher");
    }
}
