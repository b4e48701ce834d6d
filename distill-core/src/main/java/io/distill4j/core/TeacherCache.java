package io.distill4j.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A cache of the frozen teacher's outputs per training image (and per flipped image when flips
 * are on), computed once and reused by every epoch, every strategy and every seed.
 *
 * <p>The teacher never changes while students train, so its logits, embedding and hint features
 * for an image are a function of the image alone. The cache keys each image by its dataset index
 * and augmentation code ({@link BatchLayout#AUGMENT_NONE} or {@link BatchLayout#AUGMENT_FLIP});
 * batches with any other augmentation (random crops) bypass it and run the teacher. Records are
 * kept in memory up to a byte limit, then appended to a file on disk.
 *
 * <p>The cache is valid for one teacher, one dataset and one preprocessing: its identity is the
 * SHA-256 of the teacher's fingerprint, the caller's data key (which must change with the data
 * files, the split, the image size and normalization) and the cached feature names. A cache file
 * whose header holds another identity is discarded, never read; with a directory, the file name
 * carries the identity, so caches of different teachers or data sets live side by side.
 *
 * <p>Thread-safety: one trainer at a time. The cache owns its file and closes it in {@link
 * #close()}; arrays it returns belong to the batch's manager.
 */
public final class TeacherCache implements TeacherOutputSource, AutoCloseable {

    private static final byte[] MAGIC = "D4JTCACHE1".getBytes(StandardCharsets.US_ASCII);

    private final Teacher teacher;
    private final List<String> features;
    private final String identity;
    private final long memoryLimitBytes;
    private final Path file;

    private Layout layout;
    private final Map<Long, float[]> memory = new HashMap<>();
    private final Map<Long, Long> diskOffsets = new HashMap<>();
    private FileChannel channel;
    private long hits;
    private long misses;
    private long bypassed;

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
     * Returns the number of records held, in memory and on disk.
     *
     * @return the count
     */
    public int size() {
        return memory.size() + diskOffsets.size();
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
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            if (indices[i] < 0) {
                throw new IllegalArgumentException(
                        Checks.format("sample index must be >= 0, was %d", indices[i]));
            }
            keys[i] = indices[i] * 2 + augmentations[i];
            if (!contains(keys[i])) {
                missing.add(i);
            }
        }
        NDManager manager = images.getManager();
        if (!missing.isEmpty()) {
            fill(images, keys, missing);
        }
        hits += keys.length - missing.size();
        float[] all = new float[keys.length * layout.recordSize];
        for (int i = 0; i < keys.length; i++) {
            System.arraycopy(read(keys[i]), 0, all, i * layout.recordSize, layout.recordSize);
        }
        return layout.toOutput(manager, all, keys.length);
    }

    private void fill(NDArray images, long[] keys, List<Integer> missing) {
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
            if (layout == null) {
                layout = Layout.of(out, features);
                open();
            }
            float[][] values = layout.rows(out, rows.length);
            for (int r = 0; r < rows.length; r++) {
                write(keys[missing.get(r)], values[r]);
            }
        }
        misses += missing.size();
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

    private boolean contains(long key) {
        return memory.containsKey(key) || diskOffsets.containsKey(key);
    }

    private float[] read(long key) {
        float[] values = memory.get(key);
        if (values != null) {
            return values;
        }
        long offset = diskOffsets.get(key);
        ByteBuffer buffer =
                ByteBuffer.allocate(layout.recordSize * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try {
            readFully(buffer, offset + Long.BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the teacher cache " + file, e);
        }
        buffer.flip();
        float[] result = new float[layout.recordSize];
        buffer.asFloatBuffer().get(result);
        return result;
    }

    private void write(long key, float[] values) {
        long inMemory = (long) (memory.size() + 1) * layout.recordSize * Float.BYTES;
        if (channel == null || inMemory <= memoryLimitBytes) {
            memory.put(key, values);
            return;
        }
        ByteBuffer buffer =
                ByteBuffer.allocate(Long.BYTES + values.length * Float.BYTES)
                        .order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(key);
        buffer.asFloatBuffer().put(values);
        buffer.rewind();
        try {
            long offset = channel.size();
            while (buffer.hasRemaining()) {
                channel.write(buffer, offset + buffer.position());
            }
            diskOffsets.put(key, offset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the teacher cache " + file, e);
        }
    }

    /** Opens the cache file: reuses its records if its header matches, else starts it anew. */
    private void open() {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            byte[] header = header();
            channel =
                    FileChannel.open(
                            file,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
            if (!matchesHeader(header)) {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(header), 0);
                return;
            }
            long recordBytes = Long.BYTES + (long) layout.recordSize * Float.BYTES;
            long position = header.length;
            long size = channel.size();
            ByteBuffer keyBuffer = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            while (position + recordBytes <= size) {
                keyBuffer.clear();
                readFully(keyBuffer, position);
                keyBuffer.flip();
                diskOffsets.put(keyBuffer.getLong(), position);
                position += recordBytes;
            }
            // A torn last record (an interrupted run) is dropped, and overwritten by the next.
            channel.truncate(position);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the teacher cache " + file, e);
        }
    }

    private byte[] header() {
        byte[] id = (identity + '\n' + layout.describe()).getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + Integer.BYTES + id.length);
        buffer.put(MAGIC).putInt(id.length).put(id);
        return buffer.array();
    }

    private boolean matchesHeader(byte[] header) throws IOException {
        if (channel.size() < header.length) {
            return false;
        }
        ByteBuffer existing = ByteBuffer.allocate(header.length);
        readFully(existing, 0);
        return java.util.Arrays.equals(existing.array(), header);
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

    /** Closes the cache file; the records on disk stay for the next run. */
    @Override
    public void close() {
        if (channel != null) {
            try {
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

        final List<String> names = new ArrayList<>();
        final List<Shape> shapes = new ArrayList<>();
        final int recordSize;

        private Layout(ModelOutput out, List<String> features) {
            add("prediction", out.getPrediction());
            add("embedding", out.getEmbedding());
            for (String f : features) {
                add(f, out.getFeature(f));
            }
            int size = 0;
            for (Shape shape : shapes) {
                size += (int) shape.size();
            }
            recordSize = size;
        }

        static Layout of(ModelOutput out, List<String> features) {
            return new Layout(out, features);
        }

        private void add(String name, NDArray array) {
            names.add(name);
            shapes.add(array.getShape().slice(1));
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
                arrays.add(manager.create(part, new Shape(batch).addAll(shape)));
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
         * Sets a directory for records beyond the memory limit, kept across runs; without one,
         * everything stays in memory.
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder optDirectory(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets how many bytes of records stay in memory before the rest goes to disk; 1 GiB by
         * default. Only used with a directory.
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
         * @return the cache
         * @throws IllegalStateException if the teacher or the data key is missing
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
