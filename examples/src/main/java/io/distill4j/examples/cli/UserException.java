package io.distill4j.examples.cli;

/** A problem with what the user asked for: reported in one line, exit status 2. */
public final class UserException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and what to do, in one line
     */
    public UserException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause (shown with {@code --verbose}).
     *
     * @param message what is wrong and what to do, in one line
     * @param cause the cause
     */
    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
