package io.distill4j.data;

import io.distill4j.core.Checks;

import java.io.FileNotFoundException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Helpers the adapters share for locating files and recording provenance. */
public final class DataFiles {

    /** How many bytes at the end of an image file {@link #truncation} looks at. */
    public static final int TAIL_BYTES = 1024;

    private static final byte[] PNG_END = {
        'I', 'E', 'N', 'D', (byte) 0xAE, (byte) 0x42, (byte) 0x60, (byte) 0x82
    };

    private DataFiles() {}

    /**
     * Checks that a data set folder holds a file and returns its path.
     *
     * @param dataset the data set name, for the message ({@code ferplus})
     * @param root the folder the user pointed at
     * @param relative the expected file, relative to {@code root}
     * @return the file's path
     * @throws FileNotFoundException naming the data set, the folder and the missing file
     */
    public static Path require(String dataset, Path root, String relative)
            throws FileNotFoundException {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(relative, "relative");
        if (!Files.isDirectory(root)) {
            throw new FileNotFoundException(
                    Checks.format("%s root %s is not a folder", dataset, root));
        }
        Path file = root.resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new FileNotFoundException(
                    Checks.format(
                            "%s needs %s in %s, but %s was not found",
                            dataset, relative, root, file));
        }
        return file;
    }

    /**
     * Returns a new SHA-256 digest.
     *
     * @return the digest
     */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must support SHA-256", e);
        }
    }

    /**
     * Returns a digest's value as lower-case hexadecimal.
     *
     * @param digest the digest, consumed
     * @return the hex string
     */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Checks that a file looks like a complete, readable image without decoding its pixels: its
     * header (the format and the size) reads, and its end shows it was not cut short ({@link
     * #truncation}). A JPEG whose last {@value #TAIL_BYTES} bytes hold no end-of-image marker
     * (data appended after the image, or a truncated file) is decoded in full to tell the two
     * apart. Cost: one file open, the header and the last {@value #TAIL_BYTES} bytes read.
     *
     * @param file the image file
     * @return what is wrong, or empty when the image looks complete
     */
    public static Optional<String> imageProblem(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.of("image file not found");
            }
            if (Files.size(file) == 0) {
                return Optional.of("unreadable image: the file is empty");
            }
            String format;
            try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
                if (in == null) {
                    return Optional.of("unreadable image: cannot open the file");
                }
                Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
                if (!readers.hasNext()) {
                    return Optional.of("unreadable image: not a JPEG, PNG, BMP or GIF file");
                }
                ImageReader reader = readers.next();
                try {
                    reader.setInput(in, true, true);
                    format = reader.getFormatName();
                    if (reader.getWidth(0) <= 0 || reader.getHeight(0) <= 0) {
                        return Optional.of("unreadable image: its size is 0");
                    }
                } finally {
                    reader.dispose();
                }
            }
            Optional<String> truncated = truncation(format, tail(file), true);
            if (truncated.isPresent() && isJpeg(format)) {
                try {
                    FaceImage.read(file);
                    return Optional.empty();
                } catch (DatasetFormatException e) {
                    return Optional.of(e.getProblem());
                }
            }
            return truncated;
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.of("unreadable image: " + e.getMessage());
        }
    }

    /**
     * Tells from the end of an encoded image whether it was cut short: a PNG must hold its {@code
     * IEND} chunk, and a JPEG its end-of-image marker {@code FF D9}, in the last {@value
     * #TAIL_BYTES} bytes (neither can occur in the compressed data before them); a GIF must end
     * with its trailer byte {@code 3B}. Other formats are not checked (their decoders fail on a
     * short file).
     *
     * @param format the decoder's format name ({@code JPEG}, {@code png}, {@code gif}; any case)
     * @param bytes the file's content, or at least its last {@value #TAIL_BYTES} bytes
     * @param checkJpeg whether to check a JPEG's end marker (the decoder warns about a missing one
     *     by itself)
     * @return what is wrong, or empty
     */
    public static Optional<String> truncation(String format, byte[] bytes, boolean checkJpeg) {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(bytes, "bytes");
        int from = Math.max(0, bytes.length - TAIL_BYTES);
        String f = format.toLowerCase(java.util.Locale.ROOT);
        if (f.equals("png")) {
            if (indexOf(bytes, from, PNG_END) < 0) {
                return Optional.of(
                        "truncated image: the PNG file does not end with its IEND chunk");
            }
        } else if (f.equals("gif")) {
            if (bytes.length == 0 || bytes[bytes.length - 1] != 0x3B) {
                return Optional.of(
                        "truncated image: the GIF file does not end with its trailer byte 3B");
            }
        } else if (checkJpeg && isJpeg(f)) {
            if (indexOf(bytes, from, new byte[] {(byte) 0xFF, (byte) 0xD9}) < 0) {
                return Optional.of(
                        "truncated image: the JPEG file has no end-of-image marker (FF D9) in its"
                                + " last "
                                + TAIL_BYTES
                                + " bytes");
            }
        }
        return Optional.empty();
    }

    /**
     * Returns whether a decoder warning loses no pixel: libjpeg's "extraneous bytes before
     * marker" (junk between segments, skipped), which many real-world JPEGs carry.
     *
     * @param warning the warning
     * @return true to ignore it
     */
    static boolean isHarmlessWarning(String warning) {
        return warning != null && warning.contains("extraneous bytes before marker");
    }

    private static boolean isJpeg(String format) {
        String f = format.toLowerCase(java.util.Locale.ROOT);
        return f.equals("jpeg") || f.equals("jpg");
    }

    private static int indexOf(byte[] bytes, int from, byte[] pattern) {
        for (int i = bytes.length - pattern.length; i >= from; i--) {
            boolean match = true;
            for (int k = 0; k < pattern.length && match; k++) {
                match = bytes[i + k] == pattern[k];
            }
            if (match) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] tail(Path file) throws java.io.IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            int n = (int) Math.min(size, TAIL_BYTES);
            ByteBuffer buffer = ByteBuffer.allocate(n);
            long at = size - n;
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer, at + buffer.position());
                if (read < 0) {
                    break;
                }
            }
            return Arrays.copyOf(buffer.array(), buffer.position());
        }
    }

    /**
     * Reads an image's height and width from its header, without decoding its pixels.
     *
     * @param file the image file
     * @return {@code {height, width}}, or empty when the header cannot be read
     */
    public static Optional<int[]> imageSize(Path file) {
        Objects.requireNonNull(file, "file");
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                return Optional.empty();
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return Optional.empty();
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return Optional.of(new int[] {reader.getHeight(0), reader.getWidth(0)});
            } finally {
                reader.dispose();
            }
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
