package io.distill4j.data;

import io.distill4j.core.Checks;

import java.util.Locale;
import java.util.Objects;

/**
 * What a data set adapter does with a bad record: a row with the wrong number of values, a
 * non-numeric value, an unknown split name, a missing or unreadable image file.
 *
 * <p>The default everywhere is {@link #FAIL}. {@link #SKIP} is the API name of the command line's
 * {@code --on-bad-record skip}: such records are left out, counted and listed in the adapter's
 * {@link LoadReport}. Nothing is dropped silently.
 */
public enum OnBadRecord {
    /** Stop loading with an error naming the file and line (or the image path) and the problem. */
    FAIL,
    /** Leave the record out, and count and report it in {@link LoadReport#skipped()}. */
    SKIP;

    /**
     * Parses the command line spelling: {@code fail} or {@code skip} (case-insensitive).
     *
     * @param text the option value
     * @return the policy
     * @throws IllegalArgumentException for any other value
     */
    public static OnBadRecord parse(String text) {
        Objects.requireNonNull(text, "text");
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "fail":
                return FAIL;
            case "skip":
                return SKIP;
            default:
                throw new IllegalArgumentException(
                        Checks.format("on-bad-record must be fail or skip, was '%s'", text));
        }
    }

    /**
     * Returns the command line spelling, {@code fail} or {@code skip}.
     *
     * @return the lower-case name
     */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
