package io.distill4j.data;

import io.distill4j.core.Checks;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Helpers the adapters share for locating files and recording provenance. */
public final class DataFiles {

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
     * Checks that a file looks like a readable image, reading only its header (the format and the
     * size), not its pixels.
     *
     * @param file the image file
     * @return what is wrong, or empty when the header reads
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
                    if (reader.getWidth(0) <= 0 || reader.getHeight(0) <= 0) {
                        return Optional.of("unreadable image: its size is 0");
                    }
                } finally {
                    reader.dispose();
                }
            }
            return Optional.empty();
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.of("unreadable image: " + e.getMessage());
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
