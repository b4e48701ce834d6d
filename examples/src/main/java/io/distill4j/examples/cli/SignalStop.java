package io.distill4j.examples.cli;

import io.distill4j.core.StopRequest;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (SIGINT) and {@code kill} (SIGTERM) stop the command at the next batch boundary instead
 * of exiting the JVM at once.
 *
 * <p>Why: the JVM's own handlers start the exit at once, and the exit tears libtorch's native
 * state down while the main thread may still be inside one of its kernels: the process then dies
 * with SIGSEGV in {@code dnnl_primitive_execute} and an {@code hs_err} file. Here the first signal
 * files a {@link StopRequest}; the training, teacher-cache and evaluation loops throw at their next
 * batch, the command reports the stop and exits with 128 + the signal's number (130, 143). Every
 * finished epoch is already on disk, and rerunning the same command resumes after the last of
 * them. A second signal, or a main thread still busy {@value #GRACE_SECONDS} s later (a phase
 * without batches), halts the JVM at once.
 *
 * <p>The handlers are {@code sun.misc.Signal}'s (module jdk.unsupported), reached by reflection
 * because the build treats the compiler's warning about that API as an error. Where they cannot be
 * installed (a JVM run with {@code -Xrs}), the JVM's defaults stay.
 */
final class SignalStop {

    static final int GRACE_SECONDS = 60;

    /**
     * The commands that run libtorch for long and stop at batch boundaries; the others keep the
     * JVM's handlers, which stop them at once.
     */
    static final Set<String> COMMANDS =
            Set.of("compare", "demo", "distill", "train-teacher", "evaluate");

    private static final Map<String, Integer> NUMBERS = Map.of("INT", 2, "TERM", 15);

    private static volatile String received;

    private SignalStop() {}

    /**
     * Installs the handlers for SIGINT and SIGTERM.
     *
     * @param err where the stop is announced
     */
    static void install(PrintWriter err) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            for (Map.Entry<String, Integer> signal : NUMBERS.entrySet()) {
                Object handler =
                        Proxy.newProxyInstance(
                                SignalStop.class.getClassLoader(),
                                new Class<?>[] {handlerClass},
                                (proxy, method, args) -> {
                                    if (method.getName().equals("handle")) {
                                        onSignal(signal.getKey(), signal.getValue(), err);
                                        return null;
                                    }
                                    return method.getName().equals("equals")
                                            ? proxy == args[0]
                                            : method.getName().equals("hashCode")
                                                    ? System.identityHashCode(proxy)
                                                    : "SignalStop(SIG" + signal.getKey() + ")";
                                });
                Object instance = signalClass.getConstructor(String.class).newInstance(signal.getKey());
                handle.invoke(null, instance, handler);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // No handler (-Xrs, or a JVM without sun.misc.Signal): the JVM's default behaviour.
        }
    }

    /**
     * Returns the exit status for the signal received, if one was.
     *
     * @return 128 + the signal's number, or 0 when no signal came
     */
    static int exitStatus() {
        String name = received;
        return name == null ? 0 : 128 + NUMBERS.get(name);
    }

    /**
     * Returns the signal received, if any.
     *
     * @return "SIGINT", "SIGTERM" or null
     */
    static String received() {
        String name = received;
        return name == null ? null : "SIG" + name;
    }

    private static void onSignal(String name, int number, PrintWriter err) {
        int status = 128 + number;
        if (received != null) {
            err.println("distill: SIG" + name + " again: stopping at once");
            err.flush();
            Runtime.getRuntime().halt(status);
        }
        received = name;
        StopRequest.request("SIG" + name);
        err.println(
                "distill: SIG"
                        + name
                        + ": stopping at the next batch (every finished epoch is kept; send it"
                        + " again to stop at once)");
        err.flush();
        Thread watchdog =
                new Thread(
                        () -> {
                            try {
                                TimeUnit.SECONDS.sleep(GRACE_SECONDS);
                            } catch (InterruptedException e) {
                                return;
                            }
                            err.println(
                                    "distill: still busy "
                                            + GRACE_SECONDS
                                            + " s after SIG"
                                            + name
                                            + ": stopping at once");
                            err.flush();
                            Runtime.getRuntime().halt(status);
                        },
                        "distill-stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
