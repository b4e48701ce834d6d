package io.distill4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.distill4j.core.optim.StatefulOptimizer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The state of a training run after a finished epoch, written so that a run cut off at any moment
 * resumes from its last finished epoch and ends bit for bit where an uninterrupted run ends.
 *
 * <p>It holds the run's key (its configuration, as the caller identifies it), the epochs done and
 * their results (losses, validation predictions), every parameter of the trained block (weights
 * and batch-norm statistics, adapters included) and the optimizer's state (step counts, momentum
 * buffers, Adam moments). The schedule's position is the optimizer's step count; the data order
 * and the random draws of an epoch depend only on the seed and the epoch number (the distiller
 * reseeds the engine at the start of every epoch), so neither needs saving.
 *
 * <p>Written atomically: a temporary file in the same folder, flushed to disk ({@code fsync}),
 * then renamed over the previous file, and the folder flushed too, so a crash leaves either the
 * previous state or the new one, never a torn file. A CRC-32 over the content catches a damaged
 * file, which is then refused with its path, never half-read.
 */
final class ResumeFile {

    private static final byte[] MAGIC = "D4JRESUME".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    /** The system property of {@link #pauseForCrashTests}. */
    static final String WRITE_PAUSE_PROPERTY = "distill4j.test.resumeWritePauseMillis";

    private ResumeFile() {}

    /**
     * What a resume file holds, read back.
     *
     * @param key the run's key
     * @param history the results of the finished epochs, in order
     * @param parameters the parameters' encoded arrays, by name
     * @param optimizer the optimizer's state, by parameter name
     */
    record Content(
            String key,
            List<EpochResult> history,
            Map<String, byte[]> parameters,
            Map<String, OptimizerEntry> optimizer) {}

    /**
     * One parameter's optimizer state, encoded.
     *
     * @param steps the step count
     * @param buffers the encoded buffers
     */
    record OptimizerEntry(int steps, List<byte[]> buffers) {}

    /**
     * Writes the state atomically.
     *
     * @param file the file
     * @param key the run's key
     * @param history the finished epochs
     * @param parameters the block's parameters, by name
     * @param optimizer the optimizer, or {@code null} when it keeps no restorable state
     * @throws IOException if the file cannot be written
     */
    static void write(
            Path file,
            String key,
            List<EpochResult> history,
            PairList<String, Parameter> parameters,
            StatefulOptimizer optimizer)
            throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve(file.getFileName() + ".tmp");
        try (FileChannel channel =
                FileChannel.open(
                        temp,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
            OutputStream raw = Channels.newOutputStream(channel);
            CRC32 crc = new CRC32();
            DataOutputStream out =
                    new DataOutputStream(
                            new BufferedOutputStream(new CheckedOutputStream(raw, crc), 1 << 20));
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(key);
            writeHistory(out, history);
            out.writeInt(parameters.size());
            for (Pair<String, Parameter> p : parameters) {
                out.writeUTF(p.getKey());
                writeBytes(out, p.getValue().getArray().encode());
            }
            pauseForCrashTests(out);
            List<Pair<String, Parameter>> trainable = new ArrayList<>();
            if (optimizer != null) {
                for (Pair<String, Parameter> p : parameters) {
                    if (p.getValue().requiresGradient()) {
                        trainable.add(p);
                    }
                }
            }
            out.writeInt(trainable.size());
            for (Pair<String, Parameter> p : trainable) {
                StatefulOptimizer.State state = optimizer.getState(p.getValue().getId());
                out.writeUTF(p.getKey());
                out.writeInt(state.steps());
                out.writeInt(state.buffers().size());
                for (NDArray buffer : state.buffers()) {
                    writeBytes(out, buffer.encode());
                }
            }
            out.flush();
            // The checksum itself is not part of the checksum.
            new DataOutputStream(raw).writeLong(crc.getValue());
            channel.force(true);
        }
        try {
            Files.move(
                    temp,
                    file,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(dir);
    }

    /**
     * Reads a resume file, if there is one.
     *
     * @param file the file
     * @param task the run's task (of the validation results)
     * @return its content, or empty when the file does not exist
     * @throws IOException naming the file, if it exists but is damaged or of another format
     */
    static Optional<Content> read(Path file, Task task) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        long size = Files.size(file);
        if (size < MAGIC.length + Long.BYTES) {
            throw new IOException(
                    Checks.format("resume file %s is damaged: only %d bytes", file, size));
        }
        CRC32 crc = new CRC32();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            BoundedInputStream content = new BoundedInputStream(raw, size - Long.BYTES);
            DataInputStream checked = new DataInputStream(new CheckedInputStream(content, crc));
            byte[] magic = new byte[MAGIC.length];
            checked.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(Checks.format("%s is not a resume file", file));
            }
            int version = checked.readInt();
            if (version != VERSION) {
                throw new IOException(
                        Checks.format(
                                "resume file %s has format version %d; this library reads %d",
                                file, version, VERSION));
            }
            String key = checked.readUTF();
            List<EpochResult> history = readHistory(checked, task);
            Map<String, byte[]> parameters = new LinkedHashMap<>();
            int count = checked.readInt();
            for (int i = 0; i < count; i++) {
                parameters.put(checked.readUTF(), readBytes(checked));
            }
            Map<String, OptimizerEntry> optimizer = new LinkedHashMap<>();
            count = checked.readInt();
            for (int i = 0; i < count; i++) {
                String name = checked.readUTF();
                int steps = checked.readInt();
                int buffers = checked.readInt();
                List<byte[]> arrays = new ArrayList<>();
                for (int b = 0; b < buffers; b++) {
                    arrays.add(readBytes(checked));
                }
                optimizer.put(name, new OptimizerEntry(steps, arrays));
            }
            if (content.remaining != 0) {
                throw new IOException(
                        Checks.format(
                                "resume file %s is damaged: %d unread bytes",
                                file, content.remaining));
            }
            long expected = new DataInputStream(raw).readLong();
            if (crc.getValue() != expected) {
                throw new IOException(
                        Checks.format("resume file %s is damaged: its checksum differs", file));
            }
            return Optional.of(new Content(key, history, parameters, optimizer));
        } catch (EOFException | IllegalArgumentException e) {
            throw new IOException(
                    Checks.format("resume file %s is damaged: %s", file, e.getMessage()), e);
        }
    }

    /**
     * Copies saved values into the block's parameters and the optimizer, in place.
     *
     * @param content the saved state
     * @param parameters the block's parameters, by name
     * @param optimizer the optimizer, or {@code null}
     * @param manager a manager for the decoded arrays (closed by the caller)
     * @param file the file, for messages
     * @throws IOException naming the file and the parameter, if they do not fit
     */
    static void restore(
            Content content,
            PairList<String, Parameter> parameters,
            StatefulOptimizer optimizer,
            NDManager manager,
            Path file)
            throws IOException {
        if (!content.parameters().keySet().equals(new LinkedHashSet<>(parameters.keys()))) {
            throw new IOException(
                    Checks.format(
                            "resume file %s holds parameters %s, but the model has %s",
                            file, content.parameters().keySet(), parameters.keys()));
        }
        for (Pair<String, Parameter> p : parameters) {
            NDArray target = p.getValue().getArray();
            NDArray saved = manager.decode(content.parameters().get(p.getKey()));
            if (!saved.getShape().equals(target.getShape())) {
                throw new IOException(
                        Checks.format(
                                "resume file %s: parameter %s has shape %s, but the model's has %s",
                                file,
                                p.getKey(),
                                Checks.shape(saved.getShape()),
                                Checks.shape(target.getShape())));
            }
            target.set(new NDIndex("..."), saved);
        }
        if (optimizer == null) {
            return;
        }
        for (Pair<String, Parameter> p : parameters) {
            OptimizerEntry entry = content.optimizer().get(p.getKey());
            if (entry == null) {
                continue;
            }
            List<NDArray> buffers = new ArrayList<>();
            for (byte[] encoded : entry.buffers()) {
                buffers.add(manager.decode(encoded));
            }
            try {
                optimizer.setState(
                        p.getValue().getId(),
                        p.getValue().getArray(),
                        new StatefulOptimizer.State(entry.steps(), buffers));
            } catch (IllegalArgumentException e) {
                throw new IOException(
                        Checks.format("resume file %s: %s", file, e.getMessage()), e);
            }
        }
    }

    /**
     * Crash tests only: with the system property {@value #WRITE_PAUSE_PROPERTY} set to a number
     * of milliseconds, a write pauses halfway (the parameters flushed to the temporary file, the
     * optimizer state not yet), so that a test can kill the process in the middle of a write.
     */
    private static void pauseForCrashTests(DataOutputStream out) throws IOException {
        long pause = Long.getLong(WRITE_PAUSE_PROPERTY, 0L);
        if (pause > 0) {
            out.flush();
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while writing a resume file", e);
            }
        }
    }

    private static void writeHistory(DataOutputStream out, List<EpochResult> history)
            throws IOException {
        out.writeInt(history.size());
        for (EpochResult e : history) {
            out.writeInt(e.epoch());
            out.writeDouble(e.trainLoss());
            out.writeInt(e.trainTerms().size());
            for (Map.Entry<String, Double> term : e.trainTerms().entrySet()) {
                out.writeUTF(term.getKey());
                out.writeDouble(term.getValue());
            }
            out.writeLong(e.images());
            Timings t = e.timings();
            for (long nanos :
                    new long[] {
                        t.dataNanos(),
                        t.teacherNanos(),
                        t.forwardNanos(),
                        t.backwardNanos(),
                        t.optimizerNanos(),
                        t.validationNanos()
                    }) {
                out.writeLong(nanos);
            }
            out.writeBoolean(e.validation().isPresent());
            if (e.validation().isPresent()) {
                EvaluationResult v = e.validation().get();
                out.writeInt(v.size());
                for (int i = 0; i < v.size(); i++) {
                    out.writeLong(v.indices()[i]);
                    out.writeFloat(v.targets()[i]);
                    out.writeFloat(v.predictions()[i]);
                }
            }
        }
    }

    private static List<EpochResult> readHistory(DataInputStream in, Task task)
            throws IOException {
        int epochs = in.readInt();
        List<EpochResult> history = new ArrayList<>();
        for (int k = 0; k < epochs; k++) {
            int epoch = in.readInt();
            double loss = in.readDouble();
            int terms = in.readInt();
            Map<String, Double> means = new LinkedHashMap<>();
            for (int i = 0; i < terms; i++) {
                means.put(in.readUTF(), in.readDouble());
            }
            long images = in.readLong();
            Timings timings =
                    new Timings(
                            in.readLong(),
                            in.readLong(),
                            in.readLong(),
                            in.readLong(),
                            in.readLong(),
                            in.readLong());
            Optional<EvaluationResult> validation = Optional.empty();
            if (in.readBoolean()) {
                int n = in.readInt();
                long[] indices = new long[n];
                float[] targets = new float[n];
                float[] predictions = new float[n];
                for (int i = 0; i < n; i++) {
                    indices[i] = in.readLong();
                    targets[i] = in.readFloat();
                    predictions[i] = in.readFloat();
                }
                validation =
                        Optional.of(new EvaluationResult(task, indices, targets, predictions));
            }
            history.add(new EpochResult(epoch, loss, means, validation, images, timings));
        }
        return history;
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            throw new EOFException("negative array length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename is still atomic.
        }
    }

    /** Reads at most a given number of bytes: the content, without the trailing checksum. */
    private static final class BoundedInputStream extends InputStream {

        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }
}
