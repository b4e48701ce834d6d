package io.distill4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.TranslateException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A cache of the frozen teacher's outputs per training image (and per flipped image when flips
 * are on), computed once and reused by every epoch, every strategy, every seed and, with a
 * directory, every later run.
 *
 * <p>The teacher never changes while students train, so its logits, embedding and hint features
 * for an image are a function of the image alone. The cache keys each image by its dataset index
 * and augmentation code ({@link BatchLayout#AUGMENT_NONE} or {@link BatchLayout#AUGMENT_FLIP});
 * batches with any other augmentation (random crops) bypass it and run the teacher.
 *
 * <p>Without a directory every record stays in memory. With a directory ({@link
 * Builder#optDirectory}) every record is written to a file as soon as it is computed, and memory
 * only holds a read cache of up to {@link Builder#optMemoryLimitBytes} bytes of records. The file
 * starts with a header holding the cache's identity and the record layout (names and shapes of
 * the prediction, the embedding and the cached features), so a later cache with the same
 * identity reads the existing records when it is built, before and without any teacher pass; new
 * records are appended, a record already in the file is never written again, so the file does
 * not grow when a run repeats. Each record is {@code key (8 bytes), values (4 bytes each), CRC-32C
 * of both (4 bytes)}, little-endian. A torn last record (a run killed while writing) is dropped
 * when the file is opened; a record whose checksum does not match when it is read is recomputed
 * by the teacher and written again. The file is locked while a cache has it open: a second
 * process using the same file fails with a message naming it.
 *
 * <p>The cache is valid for one teacher, one dataset and one preprocessing: its identity is the
 * SHA-256 of the teacher's fingerprint, the caller's data key (which must change with the data
 * files, the split, the image size and normalization) and the cached feature names. A cache file
 * whose header holds another identity, or that is not a cache file of this version, is discarded,
 * never read; with a directory, the file name carries the identity, so caches of different
 * teachers or data sets live side by side.
 *
 * <p>Thread-safety: one trainer at a time. The cache owns its file and closes it in {@link
 * #close()}; arrays it returns belong to the batch's manager.
 */
public final class TeacherCache implements TeacherOutputSource, AutoCloseable {

    private static final byte[] MAGIC = "D4JTCACHE2".getBytes(StandardCharsets.US_ASCII);

    /** The largest header accepted when reading a file (a guard against garbage). */
    private static final int MAX_HEADER_BYTES = 1 << 20;

    private final Teacher teacher;
    private final List<String> features;
    private final String identity;
    private final long memoryLimitBytes;
    private final Path file;

    private Layout layout;
    private final Map<Long, float[]> memory = new HashMap<>();
    private long memoryBytes;
    private final Map<Long, Long> diskOffsets = new HashMap<>();
    private FileChannel channel;
    private FileLock lock;
    private long end;
    private long hits;
    private long misses;
    private long bypassed;
    private long loaded;
    private long corrupt;

    private TeacherCache(Builder builder) {
        teacher = builder.teacher;
        features = builder.features == null ? teacher.getFeatureNames() : builder.features;
        for (String feature : features) {
            if (!teacher.getFeatureNames().contains(feature)) {
                throw new IllegalArgumentException(
                        Checks.format(
                                "cannot cache teacher feature '%s'; the teacher has %s",
                                feature, teacher.getFeatureNames()));
            }
        }
        memoryLimitBytes = builder.memoryLimitBytes;
        identity =
                sha256(
                        teacher.getFingerprint()
                                + '\n'
                                + builder.dataKey
                                + '\n'
                                + String.join(",", features));
        file =
                builder.directory == null
                        ? null
                        : builder.directory.resolve(
                                "teacher-" + identity.substring(0, 16) + ".cache");
        if (file != null) {
            open();
        }
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the cache's identity: a hash of the teacher, the data key and the features.
     *
     * @return the hexadecimal SHA-256
     */
    public String getIdentity() {
        return identity;
    }

    /**
     * Returns the cache file, when the cache has a directory.
     *
     * @return the file, or empty for a memory-only cache
     */
    public Optional<Path> getFile() {
        return Optional.ofNullable(file);
    }

    /**
     * Returns the number of images served from the cache.
     *
     * @return the count
     */
    public long getHits() {
        return hits;
    }

    /**
     * Returns the number of images the teacher had to run on to fill the cache.
     *
     * @return the count
     */
    public long getMisses() {
        return misses;
    }

    /**
     * Returns the number of images whose augmentation could not be cached (the teacher ran).
     *
     * @return the count
     */
    public long getBypassed() {
        return bypassed;
    }

    /**
     * Returns the number of records found in the cache file when it was opened (0 without a
     * directory, or when the file was new or discarded).
     *
     * @return the count
     */
    public long getLoaded() {
        return loaded;
    }

    /**
     * Returns the number of records of the file whose checksum did not match when read (each was
     * computed again and rewritten).
     *
     * @return the count
     */
    public long getCorrupt() {
        return corrupt;
    }

    /**
     * Returns the number of distinct records held, in memory and on disk.
     *
     * @return the count
     */
    public int size() {
        if (file == null) {
            return memory.size();
        }
        return diskOffsets.size();
    }

    /** {@inheritDoc} */
    @Override
    public ModelOutput outputs(Batch batch) {
        NDArray images = BatchLayout.images(batch, View.CLEAN);
        long[] indices = BatchLayout.indices(batch).toType(DataType.INT64, false).toLongArray();
        int[] augmentations = augmentations(batch, indices.length);
        for (int a : augmentations) {
            if (a != BatchLayout.AUGMENT_NONE && a != BatchLayout.AUGMENT_FLIP) {
                bypassed += indices.length;
                return select(teacher.predict(images));
            }
        }
        long[] keys = new long[indices.length];
        float[][] records = new float[indices.length][];
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            if (indices[i] < 0) {
                throw new IllegalArgumentException(
                        Checks.format("sample index must be >= 0, was %d", indices[i]));
            }
            keys[i] = indices[i] * 2 + augmentations[i];
            records[i] = lookup(keys[i]);
            if (records[i] == null) {
                missing.add(i);
            }
        }
        NDManager manager = images.getManager();
        if (!missing.isEmpty()) {
            fill(images, keys, missing, records);
        }
        hits += keys.length - missing.size();
        float[] all = new float[keys.length * layout.recordSize];
        for (int i = 0; i < keys.length; i++) {
            System.arraycopy(records[i], 0, all, i * layout.recordSize, layout.recordSize);
        }
        return layout.toOutput(manager, all, keys.length);
    }

    private void fill(NDArray images, long[] keys, List<Integer> missing, float[][] records) {
        long[] rows = missing.stream().mapToLong(Integer::longValue).toArray();
        NDManager manager = images.getManager();
        try (NDManager scope = manager.newSubManager()) {
            NDArray subset = images;
            if (rows.length < keys.length) {
                subset = images.get(scope.create(rows));
                subset.attach(scope);
            }
            ModelOutput out = select(teacher.predict(subset));
            out.toNDList().attach(scope);
            checkLayout(out);
            float[][] values = layout.rows(out, rows.length);
            for (int r = 0; r < rows.length; r++) {
                int i = missing.get(r);
                records[i] = values[r];
                store(keys[i], values[r]);
            }
        }
        misses += missing.size();
    }

    /**
     * Fills the cache in a fixed order: the teacher runs on whole batches of the given dataset, in
     * its order, once on the images as they are and, with {@code flips}, once on the images
     * flipped left to right; only records the cache lacks are stored.
     *
     * <p>Why: a convolution's result can differ in its last bits with the batch it is computed in.
     * Filled lazily, a record would hold the values of whichever batch first needed it, which
     * depends on the strategy, the seed and, for a resumed run, on the epoch the run resumed at;
     * filled here first, every run reads the same values, so the same seed gives the same numbers
     * however the work was split.
     *
     * @param dataset the training images in the paired-view layout, unaugmented, in a fixed order
     *     (sequential sampling), with their sample indices
     * @param manager the manager the batches are created in
     * @param flips whether to store the flipped images' records too
     * @return the number of records computed
     * @throws IOException if the dataset cannot be read
     * @throws TranslateException if a batch cannot be made
     * @throws IllegalArgumentException if a batch is augmented
     */
    public long precompute(Dataset dataset, NDManager manager, boolean flips)
            throws IOException, TranslateException {
        int[] codes =
                flips
                        ? new int[] {BatchLayout.AUGMENT_NONE, BatchLayout.AUGMENT_FLIP}
                        : new int[] {BatchLayout.AUGMENT_NONE};
        long computed = 0;
        for (Batch batch : dataset.getData(manager)) {
            try (batch) {
                StopRequest.throwIfRequested();
                NDArray images = BatchLayout.images(batch, View.CLEAN);
                long[] indices =
                        BatchLayout.indices(batch).toType(DataType.INT64, false).toLongArray();
                for (int a : augmentations(batch, indices.length)) {
                    if (a != BatchLayout.AUGMENT_NONE) {
                        throw new IllegalArgumentException(
                                Checks.format(
                                        "precompute needs unaugmented batches, but one has"
                                                + " augmentation code %d",
                                        a));
                    }
                }
                for (int code : codes) {
                    List<Integer> missing = new ArrayList<>();
                    long[] keys = new long[indices.length];
                    for (int i = 0; i < indices.length; i++) {
                        keys[i] = indices[i] * 2 + code;
                        if (lookup(keys[i]) == null) {
                            missing.add(i);
                        }
                    }
                    if (missing.isEmpty()) {
                        continue;
                    }
                    try (NDManager scope = images.getManager().newSubManager()) {
                        NDArray input = images;
                        if (code == BatchLayout.AUGMENT_FLIP) {
                            // The same pixels as the dataset's flip: a mirror of the width axis.
                            input = images.flip(3);
                            input.attach(scope);
                        }
                        ModelOutput out = select(teacher.predict(input));
                        out.toNDList().attach(scope);
                        checkLayout(out);
                        float[][] values = layout.rows(out, indices.length);
                        for (int i : missing) {
                            store(keys[i], values[i]);
                        }
                    }
                    computed += missing.size();
                }
            }
        }
        misses += computed;
        return computed;
    }

    /** Sets the layout from the first outputs, or checks later outputs against it. */
    private void checkLayout(ModelOutput out) {
        Layout computed = Layout.of(out, features);
        if (layout == null) {
            layout = computed;
            if (file != null) {
                startFile();
            }
        } else if (!layout.describe().equals(computed.describe())) {
            throw new IllegalStateException(
                    Checks.format(
                            "the teacher's outputs (%s) do not match the teacher cache's"
                                    + " records (%s)%s",
                            computed.describe(),
                            layout.describe(),
                            file == null ? "" : "; delete " + file));
        }
    }

    private ModelOutput select(ModelOutput output) {
        Map<String, NDArray> selected = new LinkedHashMap<>();
        for (String feature : features) {
            selected.put(feature, output.getFeature(feature));
        }
        return new ModelOutput(output.getPrediction(), output.getEmbedding(), selected);
    }

    private static int[] augmentations(Batch batch, int size) {
        NDList labels = batch.getLabels();
        int[] codes = new int[size];
        if (labels.size() > BatchLayout.LABEL_AUGMENTATION) {
            long[] values =
                    labels.get(BatchLayout.LABEL_AUGMENTATION)
                            .toType(DataType.INT64, false)
                            .toLongArray();
            for (int i = 0; i < size; i++) {
                codes[i] = (int) values[i];
            }
        }
        return codes;
    }

    /** Returns a record from memory or the file, or null when absent or corrupt. */
    private float[] lookup(long key) {
        float[] values = memory.get(key);
        if (values != null || file == null) {
            return values;
        }
        Long offset = diskOffsets.get(key);
        if (offset == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.allocate(layout.recordBytes()).order(ByteOrder.LITTLE_ENDIAN);
        try {
            readFully(buffer, offset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the teacher cache " + file, e);
        }
        buffer.flip();
        if (buffer.getLong(0) != key || crc(buffer, layout.recordBytes() - Integer.BYTES)
                != buffer.getInt(layout.recordBytes() - Integer.BYTES)) {
            diskOffsets.remove(key);
            corrupt++;
            return null;
        }
        float[] result = new float[layout.recordSize];
        buffer.position(Long.BYTES);
        buffer.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(result);
        remember(key, result);
        return result;
    }

    /** Keeps a record in memory: always without a file, up to the limit as a read cache. */
    private void remember(long key, float[] values) {
        long bytes = (long) values.length * Float.BYTES;
        if (file == null || memoryBytes + bytes <= memoryLimitBytes) {
            if (memory.put(key, values) == null) {
                memoryBytes += bytes;
            }
        }
    }

    /** Keeps a new record: in memory, and appended to the file when there is one. */
    private void store(long key, float[] values) {
        if (file != null && !diskOffsets.containsKey(key)) {
            ByteBuffer buffer =
                    ByteBuffer.allocate(layout.recordBytes()).order(ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(key);
            for (float v : values) {
                buffer.putFloat(v);
            }
            buffer.putInt(crc(buffer, buffer.position()));
            buffer.flip();
            try {
                long offset = end;
                long at = offset;
                while (buffer.hasRemaining()) {
                    at += channel.write(buffer, at);
                }
                end = at;
                diskOffsets.put(key, offset);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the teacher cache " + file, e);
            }
        }
        remember(key, values);
    }

    private static int crc(ByteBuffer buffer, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().position(0).limit(length));
        return (int) crc.getValue();
    }

    /**
     * Opens the cache file (creating the directory), locks it, and, when its header holds this
     * cache's identity, reads its layout and indexes its records; a torn last record is cut off.
     * Any other file is emptied, and started anew when the first record is computed.
     */
    private void open() {
        try {
            Files.createDirectories(file.getParent());
            channel =
                    FileChannel.open(
                            file,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException(
                        Checks.format(
                                "the teacher cache %s is in use by another run; wait for it, or"
                                        + " give this run another output folder",
                                file));
            }
            Optional<Layout> stored = readHeader();
            if (stored.isEmpty()) {
                channel.truncate(0);
                end = 0;
                return;
            }
            layout = stored.get();
            long size = channel.size();
            long recordBytes = layout.recordBytes();
            long position = end;
            ByteBuffer keyBuffer = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            while (position + recordBytes <= size) {
                keyBuffer.clear();
                readFully(keyBuffer, position);
                diskOffsets.put(keyBuffer.getLong(0), position);
                position += recordBytes;
            }
            // A torn last record (an interrupted run) is dropped; the next record overwrites it.
            if (position < size) {
                channel.truncate(position);
            }
            end = position;
            loaded = diskOffsets.size();
        } catch (IOException e) {
            closeQuietly();
            throw new UncheckedIOException("cannot open the teacher cache " + file, e);
        }
    }

    private void closeQuietly() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                // the open failure is what matters
            }
        }
    }

    /** Writes the header of a new file, once the layout is known. */
    private void startFile() {
        try {
            byte[] header = header(layout);
            channel.truncate(0);
            ByteBuffer buffer = ByteBuffer.wrap(header);
            long at = 0;
            while (buffer.hasRemaining()) {
                at += channel.write(buffer, at);
            }
            end = header.length;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the teacher cache " + file, e);
        }
    }

    /**
     * The header: magic, body length, body (identity and layout), CRC-32C of the body.
     *
     * @param records the record layout
     * @return the bytes
     */
    private byte[] header(Layout records) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(body)) {
            out.writeUTF(identity);
            out.writeInt(records.names.size());
            for (int i = 0; i < records.names.size(); i++) {
                out.writeUTF(records.names.get(i));
                long[] dims = records.shapes.get(i).getShape();
                out.writeInt(dims.length);
                for (long d : dims) {
                    out.writeLong(d);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = body.toByteArray();
        ByteBuffer buffer =
                ByteBuffer.allocate(MAGIC.length + 2 * Integer.BYTES + bytes.length)
                        .order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(MAGIC).putInt(bytes.length).put(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        buffer.putInt((int) crc.getValue());
        return buffer.array();
    }

    /**
     * Reads the file's header; sets {@link #end} past it.
     *
     * @return the layout, or empty when the file is not a cache of this identity and version
     */
    private Optional<Layout> readHeader() throws IOException {
        long size = channel.size();
        int fixed = MAGIC.length + Integer.BYTES;
        if (size < fixed + Integer.BYTES) {
            return Optional.empty();
        }
        ByteBuffer start = ByteBuffer.allocate(fixed).order(ByteOrder.LITTLE_ENDIAN);
        readFully(start, 0);
        byte[] magic = new byte[MAGIC.length];
        start.flip();
        start.get(magic);
        int length = start.getInt();
        if (!Arrays.equals(magic, MAGIC)
                || length <= 0
                || length > MAX_HEADER_BYTES
                || size < (long) fixed + length + Integer.BYTES) {
            return Optional.empty();
        }
        ByteBuffer rest = ByteBuffer.allocate(length + Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(rest, fixed);
        byte[] body = Arrays.copyOf(rest.array(), length);
        CRC32C crc = new CRC32C();
        crc.update(body);
        if ((int) crc.getValue() != rest.getInt(length)) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
            if (!in.readUTF().equals(identity)) {
                return Optional.empty();
            }
            int count = in.readInt();
            List<String> names = new ArrayList<>();
            List<Shape> shapes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                names.add(in.readUTF());
                long[] dims = new long[in.readInt()];
                for (int d = 0; d < dims.length; d++) {
                    dims[d] = in.readLong();
                }
                shapes.add(new Shape(dims));
            }
            List<String> expected = new ArrayList<>(List.of("prediction", "embedding"));
            expected.addAll(features);
            if (!names.equals(expected)) {
                return Optional.empty();
            }
            end = (long) fixed + length + Integer.BYTES;
            return Optional.of(new Layout(names, shapes));
        } catch (IOException | RuntimeException e) {
            // A body that checks out but does not parse is not ours either.
            return Optional.empty();
        }
    }

    private void readFully(ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += read;
        }
    }

    /** Closes the cache file, flushed to the device; the records on disk stay for the next run. */
    @Override
    public void close() {
        if (channel != null && channel.isOpen()) {
            try {
                channel.force(false);
                if (lock != null) {
                    lock.release();
                }
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the teacher cache " + file, e);
            }
        }
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The flat record layout: prediction, embedding, then each feature, per image. */
    private static final class Layout {

        final List<String> names;
        final List<Shape> shapes;
        final int recordSize;

        private Layout(List<String> names, List<Shape> shapes) {
            this.names = List.copyOf(names);
            this.shapes = List.copyOf(shapes);
            long size = 0;
            for (Shape shape : shapes) {
                size += shape.size();
            }
            if (size <= 0 || size > Integer.MAX_VALUE / Float.BYTES - 16) {
                throw new IllegalArgumentException(
                        Checks.format("a cache record must hold 1 to 2^29 values, was %d", size));
            }
            recordSize = (int) size;
        }

        static Layout of(ModelOutput out, List<String> features) {
            List<String> names = new ArrayList<>();
            List<Shape> shapes = new ArrayList<>();
            names.add("prediction");
            shapes.add(out.getPrediction().getShape().slice(1));
            names.add("embedding");
            shapes.add(out.getEmbedding().getShape().slice(1));
            for (String f : features) {
                names.add(f);
                shapes.add(out.getFeature(f).getShape().slice(1));
            }
            return new Layout(names, shapes);
        }

        /** Bytes per record on disk: the key, the values and the checksum. */
        int recordBytes() {
            return Long.BYTES + recordSize * Float.BYTES + Integer.BYTES;
        }

        String describe() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < names.size(); i++) {
                sb.append(names.get(i)).append(Checks.shape(shapes.get(i))).append(';');
            }
            return sb.toString();
        }

        float[][] rows(ModelOutput out, int count) {
            List<float[]> parts = new ArrayList<>();
            parts.add(out.getPrediction().toType(DataType.FLOAT32, false).toFloatArray());
            parts.add(out.getEmbedding().toType(DataType.FLOAT32, false).toFloatArray());
            for (int i = 2; i < names.size(); i++) {
                parts.add(
                        out.getFeature(names.get(i))
                                .toType(DataType.FLOAT32, false)
                                .toFloatArray());
            }
            float[][] rows = new float[count][recordSize];
            for (int r = 0; r < count; r++) {
                int at = 0;
                for (int p = 0; p < parts.size(); p++) {
                    int size = (int) shapes.get(p).size();
                    System.arraycopy(parts.get(p), r * size, rows[r], at, size);
                    at += size;
                }
            }
            return rows;
        }

        ModelOutput toOutput(NDManager manager, float[] all, int batch) {
            List<NDArray> arrays = new ArrayList<>();
            int offset = 0;
            for (Shape shape : shapes) {
                int size = (int) shape.size();
                float[] part = new float[batch * size];
                for (int r = 0; r < batch; r++) {
                    System.arraycopy(all, r * recordSize + offset, part, r * size, size);
                }
                // not manager.create: its direct buffer would wait for the collector (OwnedArrays)
                arrays.add(OwnedArrays.of(manager, part, new Shape(batch).addAll(shape)));
                offset += size;
            }
            Map<String, NDArray> features = new LinkedHashMap<>();
            for (int i = 2; i < names.size(); i++) {
                features.put(names.get(i), arrays.get(i));
            }
            return new ModelOutput(arrays.get(0), arrays.get(1), features);
        }
    }

    /** Builds a {@link TeacherCache}. */
    public static final class Builder {

        private Teacher teacher;
        private String dataKey;
        private List<String> features;
        private Path directory;
        private long memoryLimitBytes = 1L << 30;

        private Builder() {}

        /**
         * Sets the teacher whose outputs are cached.
         *
         * @param teacher the teacher
         * @return this builder
         */
        public Builder setTeacher(Teacher teacher) {
            this.teacher = Objects.requireNonNull(teacher, "teacher");
            return this;
        }

        /**
         * Sets the key of the data and preprocessing: it must change whenever the data files,
         * the split, the image size or the normalization change (a hash of them, say).
         *
         * @param dataKey the key
         * @return this builder
         */
        public Builder setDataKey(String dataKey) {
            this.dataKey = Objects.requireNonNull(dataKey, "dataKey");
            return this;
        }

        /**
         * Restricts the cached teacher features to these (all of the teacher's by default); the
         * cached outputs carry only these features.
         *
         * @param featureNames the features to cache
         * @return this builder
         */
        public Builder optFeatures(List<String> featureNames) {
            this.features = List.copyOf(featureNames);
            return this;
        }

        /**
         * Sets a directory for the cache file, kept across runs: every record is written there,
         * and a later cache of the same identity reads them back; without one, everything stays
         * in memory for the cache's life.
         *
         * @param directory the directory (created when missing)
         * @return this builder
         */
        public Builder optDirectory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets how many bytes of records memory holds as a read cache in front of the file; 1
         * GiB by default. Only used with a directory (the file holds every record whatever the
         * limit).
         *
         * @param bytes the limit, >= 0
         * @return this builder
         */
        public Builder optMemoryLimitBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException(
                        Checks.format("memoryLimitBytes must be >= 0, was %d", bytes));
            }
            this.memoryLimitBytes = bytes;
            return this;
        }

        /**
         * Builds the cache.
         *
         * <p>With a directory, the cache file is opened (and locked) here, and its records, when
         * it holds this identity's, are indexed: no teacher pass is needed to serve them.
         *
         * @return the cache
         * @throws IllegalStateException if the teacher or the data key is missing, or another
         *     process has the cache file open
         * @throws UncheckedIOException if the cache file cannot be opened or read
         */
        public TeacherCache build() {
            if (teacher == null) {
                throw new IllegalStateException("setTeacher(...) must be called before build()");
            }
            if (dataKey == null) {
                throw new IllegalStateException("setDataKey(...) must be called before build()");
            }
            return new TeacherCache(this);
        }
    }
}
