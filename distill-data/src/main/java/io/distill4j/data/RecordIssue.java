package io.distill4j.data;

import io.distill4j.core.Checks;

import java.util.Objects;

/**
 * One record an adapter skipped or repaired, with where it is and why.
 *
 * @param source the file or image path
 * @param line the 1-based line number in {@code source}, or 0 when the record is a file (an image)
 * @param reason what was wrong (for a skip) or what was done (for a repair), lower case
 */
public record RecordIssue(String source, long line, String reason) {

    /**
     * Validates the components.
     *
     * @param source the file or image path
     * @param line the 1-based line number, or 0
     * @param reason what was wrong or what was done
     */
    public RecordIssue {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(reason, "reason");
        if (line < 0) {
            throw new IllegalArgumentException(Checks.format("line must be >= 0, was %d", line));
        }
    }

    /**
     * Renders the issue as {@code source line N: reason} (or {@code source: reason}).
     *
     * @return the text
     */
    @Override
    public String toString() {
        return line > 0
                ? Checks.format("%s line %d: %s", source, line, reason)
                : Checks.format("%s: %s", source, reason);
    }
}
