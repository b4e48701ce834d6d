package io.distill4j.core;

import java.util.concurrent.CancellationException;

/**
 * A request to stop every training, teacher-cache and evaluation loop of this process at its
 * next batch boundary, for a clean exit on Ctrl-C or {@code kill}.
 *
 * <p>Why: libtorch's kernels run on the calling thread. When the JVM exits while that thread is
 * still inside a kernel, the process's exit tears down libtorch's native state under it, and the
 * JVM dies with SIGSEGV in {@code dnnl_primitive_execute} (seen when a training was stopped with
 * a plain {@code kill}). A command-line tool handles SIGINT and SIGTERM by calling {@link
 * #request(String)} and exits once its main thread has come out of the loop; finished epochs are
 * already on disk, and rerunning the same command resumes after the last of them.
 *
 * <p>The loops call {@link #throwIfRequested()} between batches. Interrupting the thread that runs
 * them ({@link Thread#interrupt()}, or {@code Future.cancel(true)}) stops them the same way,
 * without making the request process-wide.
 */
public final class StopRequest {

    private static volatile String reason;

    private StopRequest() {}

    /**
     * Asks every loop of this process to stop at its next batch boundary.
     *
     * @param why what asked, for the error message (for example "SIGTERM")
     */
    public static void request(String why) {
        reason = why == null ? "a stop request" : why;
    }

    /**
     * Returns whether a stop was requested.
     *
     * @return whether {@link #request(String)} was called since the last {@link #clear()}
     */
    public static boolean isRequested() {
        return reason != null;
    }

    /** Withdraws the request (for tests, and for a caller that handled it). */
    public static void clear() {
        reason = null;
    }

    /**
     * Throws if a stop was requested or the current thread was interrupted; a loop calls this
     * between batches. The thread's interrupt status is left as it was.
     *
     * @throws Stopped if a stop was requested or the thread interrupted
     */
    public static void throwIfRequested() {
        String why = reason;
        if (why == null && Thread.currentThread().isInterrupted()) {
            why = "an interrupt";
        }
        if (why != null) {
            throw new Stopped(why);
        }
    }

    /** The exception a loop throws when asked to stop. */
    public static final class Stopped extends CancellationException {

        private static final long serialVersionUID = 1L;

        private final String reason;

        Stopped(String reason) {
            super("stopped by " + reason);
            this.reason = reason;
        }

        /**
         * Returns what asked for the stop.
         *
         * @return the reason given to {@link #request(String)}, or "an interrupt"
         */
        public String getReason() {
            return reason;
        }
    }
}
