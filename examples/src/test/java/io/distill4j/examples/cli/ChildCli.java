package io.distill4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The command line in a child JVM (the test's class path, 1 GB heap, offline), for tests that
 * kill or signal it; a thread collects its standard error line by line.
 */
final class ChildCli implements AutoCloseable {

    private static final String END = new String("end of the child's output");

    final Process process;
    final StringBuffer seen = new StringBuffer();
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;

    /**
     * Starts {@code java [jvmOptions] DistillCli [args]}.
     *
     * @param args the command line's arguments
     * @param jvmOptions extra JVM options (system properties)
     */
    ChildCli(List<String> args, List<String> jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.add("-Dai.djl.offline=true");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(DistillCli.class.getName());
        command.addAll(args);
        process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        reader =
                new Thread(
                        () -> {
                            try (BufferedReader err =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    process.getErrorStream(),
                                                    StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = err.readLine()) != null) {
                                    seen.append(line).append('\n');
                                    lines.add(line);
                                }
                            } catch (IOException e) {
                                // The stream closes when the process is killed.
                            }
                            lines.add(END);
                        });
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits until a line of standard error contains {@code text}. */
    void awaitLine(String text) throws InterruptedException {
        while (true) {
            String line = lines.poll(10, TimeUnit.MINUTES);
            if (line == null || line == END) {
                throw new AssertionError("the child ended before printing '" + text + "':\n" + seen);
            }
            if (line.contains(text)) {
                return;
            }
        }
    }

    /** SIGKILL after a delay. */
    void killAfter(long millis) throws Exception {
        Thread.sleep(millis);
        process.destroyForcibly();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
    }

    /** Sends a signal by name (INT, TERM) with {@code kill}. */
    void signal(String name) throws Exception {
        Process kill =
                new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                        .inheritIO()
                        .start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s", name).isZero();
    }

    /** Waits for the end; returns the exit status. */
    int finish() throws Exception {
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
        reader.join(10_000);
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
