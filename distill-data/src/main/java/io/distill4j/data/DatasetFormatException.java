package io.distill4j.data;

import io.distill4j.core.Checks;

import java.io.IOException;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A bad record in a data set file: the message names the file, the line (when there is one) and
 * what was wrong, for example {@code /data/fer2013.csv line 17: expected 2304 pixel values, found
 * 2303}.
 *
 * <p>Adapters throw it when a record is bad and {@link OnBadRecord#FAIL} is in force; under {@link
 * OnBadRecord#SKIP} the same text goes into the {@link LoadReport}.
 */
public final class DatasetFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The source, as text (a file or image path). */
    private final String source;

    /** The 1-based line, or 0 when the problem is not tied to a line. */
    private final long line;

    /** What was wrong. */
    private final String problem;

    /**
     * Creates an exception for a problem at a line of a file.
     *
     * @param source the file (or image path), as it should be shown
     * @param line the 1-based line number, or 0 when the problem is not tied to a line
     * @param problem what was wrong, lower case, no trailing period
     */
    public DatasetFormatException(String source, long line, String problem) {
        this(source, line, problem, null);
    }

    /**
     * Creates an exception for a problem at a line of a file, keeping its cause.
     *
     * @param source the file (or image path), as it should be shown
     * @param line the 1-based line number, or 0 when the problem is not tied to a line
     * @param problem what was wrong, lower case, no trailing period
     * @param cause the underlying failure, or {@code null} when there is none
     */
    public DatasetFormatException(String source, long line, String problem, Throwable cause) {
        super(message(source, line, problem), cause);
        if (line < 0) {
            throw new IllegalArgumentException(Checks.format("line must be >= 0, was %d", line));
        }
        this.source = source;
        this.line = line;
        this.problem = problem;
    }

    private static String message(String source, long line, String problem) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(problem, "problem");
        return line > 0
                ? Checks.format("%s line %d: %s", source, line, problem)
                : Checks.format("%s: %s", source, problem);
    }

    /**
     * Returns the file or image path the problem was found in.
     *
     * @return the source
     */
    public String getSource() {
        return source;
    }

    /**
     * Returns the 1-based line number, when the problem is tied to a line.
     *
     * @return the line, or empty
     */
    public OptionalLong getLine() {
        return line > 0 ? OptionalLong.of(line) : OptionalLong.empty();
    }

    /**
     * Returns what was wrong, without the file and line.
     *
     * @return the problem
     */
    public String getProblem() {
        return problem;
    }

    /**
     * Returns the same problem as a report entry.
     *
     * @return the record issue
     */
    public RecordIssue toIssue() {
        return new RecordIssue(source, line, problem);
    }
}
