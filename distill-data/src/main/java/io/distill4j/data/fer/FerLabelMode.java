package io.distill4j.data.fer;

import io.distill4j.core.Checks;

import java.util.Locale;
import java.util.Objects;

/** How FER+'s ten crowd votes per image become a training target. */
public enum FerLabelMode {
    /**
     * The FER+ protocol: votes of 1 are set to 0; the image is kept only when one class holds more
     * than half of the remaining votes and that class is one of the eight emotions (not {@code
     * unknown}, not {@code NF}); the target is that class's index.
     */
    MAJORITY,
    /**
     * Soft labels: the votes for the eight emotions, divided by their sum. Images whose largest
     * vote count belongs to {@code unknown} or {@code NF} (ties go to the emotion, as in FER+'s
     * reference code) or that have no emotion votes are left out.
     */
    PROBABILITY;

    /**
     * Parses {@code majority} or {@code probability} (case-insensitive).
     *
     * @param text the name
     * @return the mode
     * @throws IllegalArgumentException for any other name
     */
    public static FerLabelMode parse(String text) {
        Objects.requireNonNull(text, "text");
        for (FerLabelMode m : values()) {
            if (m.optionName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                Checks.format("label mode must be majority or probability, was '%s'", text));
    }

    /**
     * Returns the lower-case name.
     *
     * @return the name
     */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
