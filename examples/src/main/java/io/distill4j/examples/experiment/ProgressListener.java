package io.distill4j.examples.experiment;

import io.distill4j.core.Checks;
import io.distill4j.core.DistillationListener;
import io.distill4j.core.EpochResult;
import io.distill4j.core.TrainingHistory;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Shows training progress: on a terminal, a progress bar per epoch redrawn in place with the
 * running loss terms and throughput; elsewhere (CI logs, pipes), one line per epoch. Every epoch
 * is also appended to a log file when one is given (opened and closed per line, so that no file
 * handle outlives a run, however many runs one process makes).
 */
public final class ProgressListener implements DistillationListener {

    private static final int BAR = 24;

    private final String label;
    private final PrintWriter out;
    private final boolean interactive;
    private final long batchesPerEpoch;
    private final Path log;

    private long epochStart;
    private long images;
    private int epochs;

    /**
     * Creates the listener.
     *
     * @param label the run's name, printed first on each line
     * @param out where progress goes (standard error, usually)
     * @param interactive whether to redraw a bar in place (a terminal)
     * @param batchesPerEpoch the number of batches per epoch, for the bar (0 if unknown)
     * @param log a file the per-epoch lines are appended to, or {@code null} for none
     */
    public ProgressListener(
            String label, PrintWriter out, boolean interactive, long batchesPerEpoch, Path log) {
        this.label = label;
        this.out = out;
        this.interactive = interactive;
        this.batchesPerEpoch = batchesPerEpoch;
        this.log = log;
    }

    /** {@inheritDoc} */
    @Override
    public void onEpochStart(int epoch, int epochs) {
        this.epochs = epochs;
        epochStart = System.nanoTime();
        images = 0;
    }

    /** {@inheritDoc} */
    @Override
    public void onBatch(int epoch, int batch, long batchImages, Map<String, Float> terms) {
        images += batchImages;
        if (!interactive) {
            return;
        }
        StringBuilder sb = new StringBuilder("\r").append(prefix(epoch));
        if (batchesPerEpoch > 0) {
            int filled = (int) Math.min(BAR, BAR * batch / batchesPerEpoch);
            sb.append(" [")
                    .append("#".repeat(filled))
                    .append(".".repeat(BAR - filled))
                    .append(Checks.format("] %d/%d", batch, batchesPerEpoch));
        }
        terms.forEach((k, v) -> sb.append(Checks.format(" %s %.4f", k, v)));
        double seconds = (System.nanoTime() - epochStart) / 1e9;
        sb.append(Checks.format(" | %.0f img/s", seconds > 0 ? images / seconds : 0.0));
        out.print(sb);
        out.flush();
    }

    /** {@inheritDoc} */
    @Override
    public void onEpoch(EpochResult result) {
        StringBuilder sb = new StringBuilder(prefix(result.epoch()));
        sb.append(Checks.format(" loss %.4f", result.trainLoss()));
        result.trainTerms()
                .forEach(
                        (k, v) -> {
                            if (result.trainTerms().size() > 1) {
                                sb.append(Checks.format(" %s %.4f", k, v));
                            }
                        });
        result.validation()
                .ifPresent(
                        v ->
                                sb.append(
                                        v.task().isClassification()
                                                ? Checks.format(
                                                        " | val acc %.2f%%", 100 * v.metric())
                                                : Checks.format(" | val mae %.3f", v.metric())));
        sb.append(Checks.format(" | %.0f img/s", result.imagesPerSecond()));
        sb.append(Checks.format(" | %.1fs", result.timings().totalNanos() / 1e9));
        residentMegabytes().ifPresent(mb -> sb.append(Checks.format(" | rss %d MB", mb)));
        if (interactive) {
            out.print("\r\033[K");
        }
        out.println(sb);
        append(sb + " | " + result.timings());
    }

    /** {@inheritDoc} */
    @Override
    public void onResume(Path file, TrainingHistory restored, int totalEpochs) {
        line(
                Checks.format(
                        "%s: resuming after epoch %d of %d (%s)",
                        label, restored.epochs().size(), totalEpochs, file));
    }

    /** {@inheritDoc} */
    @Override
    public void onResumeRefused(Path file, String reason) {
        line(Checks.format("%s: not resuming from %s: %s; starting over", label, file, reason));
    }

    private void line(String text) {
        out.println(text);
        out.flush();
        append(text);
    }

    private void append(String text) {
        if (log == null) {
            return;
        }
        try {
            Files.writeString(
                    log,
                    text + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training log " + log, e);
        }
    }

    /**
     * The process's resident set (VmRSS of {@code /proc/self/status}, native memory included), on
     * Linux; empty elsewhere.
     */
    static java.util.OptionalLong residentMegabytes() {
        Path status = Path.of("/proc/self/status");
        try {
            for (String line : java.nio.file.Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return java.util.OptionalLong.of(
                            Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or no procfs: the line goes without it.
        }
        return java.util.OptionalLong.empty();
    }

    private String prefix(int epoch) {
        return Checks.format("%s epoch %d/%d", label, epoch, epochs);
    }
}
