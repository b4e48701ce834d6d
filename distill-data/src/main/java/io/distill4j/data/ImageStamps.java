package io.distill4j.data;

import io.distill4j.core.Checks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.zip.CRC32C;

/**
 * What an adapter that decodes its images lazily, once per epoch, knows about each image from
 * load time, so that what it reads later is the image it loaded, and so that the data set's
 * provenance changes when any image does.
 *
 * <p>At load, each image is stamped with its size and last-modified time (nanoseconds): one
 * {@code stat} per image, which the adapters already paid to check that the image exists; no
 * content is read. {@link Recorder#hex()} is the SHA-256 of every image's name, size and time, in
 * order: it goes into the adapter's {@link FaceDataSource#provenance()}, so an image replaced,
 * rewritten or touched after a run changes the key that decides whether a trained teacher, a
 * teacher cache or a finished run is reused.
 *
 * <p>Each {@link #read} checks the file's size and time against the stamp, and the content read
 * against its length; it also keeps a CRC-32C of the content from the first read and compares
 * every later read with it, which catches a change within one run that left the size and the time
 * as they were (the file system's clock ticks only every few milliseconds). Any mismatch fails with
 * a {@link DatasetFormatException} naming the file.
 *
 * <p>What this does not see: a change between runs that keeps the size and restores the time (as
 * {@code touch -r} does), or that lands in the same clock tick as the load. Hashing every image's
 * content at load would see it, at the price of reading the whole data set before training
 * (AffectNet's images are tens of gigabytes).
 *
 * <p>Memory: 16 bytes per image for the stamp and 8 for the checksum (about 7 MB for AffectNet's
 * 287,651 images). Thread-safe: reads may run concurrently.
 */
public final class ImageStamps {

    private static final long KNOWN = 1L << 32;

    private final long[] sizes;
    private final long[] times;
    private final AtomicLongArray checksums;

    private ImageStamps(long[] sizes, long[] times) {
        this.sizes = sizes;
        this.times = times;
        this.checksums = new AtomicLongArray(sizes.length);
    }

    /**
     * A file's size and last-modified time.
     *
     * @param size the size in bytes
     * @param modifiedNanos the last-modified time in nanoseconds since the epoch
     */
    public record Stamp(long size, long modifiedNanos) {

        /**
         * Returns the stamp for messages: {@code "1234 bytes, modified 2026-12-01T18:54:49Z"}.
         *
         * @return the text
         */
        @Override
        public String toString() {
            return Checks.format(
                    "%d bytes, modified %s",
                    size,
                    Instant.EPOCH.plusNanos(modifiedNanos));
        }
    }

    /**
     * Returns a recorder for a load.
     *
     * @return the recorder
     */
    public static Recorder recorder() {
        return new Recorder();
    }

    /**
     * Returns a regular file's stamp.
     *
     * @param file the file
     * @return the stamp, or empty when the file is missing or not a regular file
     * @throws IOException if its attributes cannot be read for another reason
     */
    public static Optional<Stamp> stat(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return attributes.isRegularFile() ? Optional.of(of(attributes)) : Optional.empty();
    }

    /**
     * Returns the stamp of already read attributes.
     *
     * @param attributes the attributes
     * @return the stamp
     */
    public static Stamp of(BasicFileAttributes attributes) {
        return new Stamp(attributes.size(), nanos(attributes.lastModifiedTime()));
    }

    private static long nanos(FileTime time) {
        return time.to(TimeUnit.NANOSECONDS);
    }

    /**
     * Returns the number of images.
     *
     * @return the count
     */
    public int size() {
        return sizes.length;
    }

    /**
     * Returns the stamps of some images, in the given order, with no checksum known yet.
     *
     * @param indices the images' indices
     * @return the stamps
     */
    public ImageStamps select(int[] indices) {
        long[] s = new long[indices.length];
        long[] t = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            s[i] = sizes[indices[i]];
            t[i] = times[indices[i]];
        }
        return new ImageStamps(s, t);
    }

    /**
     * Reads an image's bytes, checking that it is the image that was stamped at load.
     *
     * @param index the image's index
     * @param file the image's path
     * @return the content
     * @throws DatasetFormatException naming the file if it is gone, or its size, time or content
     *     differ from what was loaded or first read
     */
    public byte[] read(int index, Path file) throws DatasetFormatException {
        Objects.checkIndex(index, sizes.length);
        String name = file.toString();
        Stamp was = new Stamp(sizes[index], times[index]);
        byte[] bytes;
        try {
            Optional<Stamp> now = stat(file);
            if (now.isEmpty()) {
                throw new DatasetFormatException(
                        name, 0, "image file not found; it was there when the data set was loaded");
            }
            if (!now.get().equals(was)) {
                throw changed(name, now.get().toString(), was);
            }
            bytes = Files.readAllBytes(file);
        } catch (DatasetFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new DatasetFormatException(name, 0, "unreadable image: " + e.getMessage(), e);
        }
        if (bytes.length != sizes[index]) {
            throw changed(name, bytes.length + " bytes read", was);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        long value = crc.getValue() | KNOWN;
        long known = checksums.get(index);
        if (known == 0) {
            checksums.compareAndSet(index, 0, value);
        } else if (known != value) {
            throw new DatasetFormatException(
                    name,
                    0,
                    "the image's content changed since this run first read it, though its size"
                            + " and time did not; rerun to load the data set again");
        }
        return bytes;
    }

    private static DatasetFormatException changed(String name, String now, Stamp was) {
        return new DatasetFormatException(
                name,
                0,
                Checks.format(
                        "the image changed since the data set was loaded (now %s; at load %s);"
                                + " rerun to load the data set again",
                        now,
                        was));
    }

    /** Collects the stamps of a load, in order, and their digest. */
    public static final class Recorder {

        private final MessageDigest digest = DataFiles.sha256();
        private long[] sizes = new long[1024];
        private long[] times = new long[1024];
        private int count;

        private Recorder() {}

        /**
         * Records an image.
         *
         * @param name the image's name in the data set (its path relative to the data set's
         *     folder), digested with its stamp
         * @param stamp its stamp
         * @return its index, in the order of the calls
         */
        public int add(String name, Stamp stamp) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(stamp, "stamp");
            if (count == sizes.length) {
                sizes = Arrays.copyOf(sizes, count * 2);
                times = Arrays.copyOf(times, count * 2);
            }
            sizes[count] = stamp.size();
            times[count] = stamp.modifiedNanos();
            digest.update(
                    Checks.format("%s\u0000%d\u0000%d\n", name, stamp.size(), stamp.modifiedNanos())
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return count++;
        }

        /**
         * Returns the number of images recorded.
         *
         * @return the count
         */
        public int count() {
            return count;
        }

        /**
         * Returns the SHA-256 of every recorded name, size and time, in order; ends the digest.
         *
         * @return lower-case hexadecimal
         */
        public String hex() {
            return DataFiles.hex(digest);
        }

        /**
         * Returns the stamps recorded, in order.
         *
         * @return the stamps
         */
        public ImageStamps build() {
            return new ImageStamps(Arrays.copyOf(sizes, count), Arrays.copyOf(times, count));
        }
    }
}
