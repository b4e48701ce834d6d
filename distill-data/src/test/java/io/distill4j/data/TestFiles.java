package io.distill4j.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/** Helpers for tests that write small files in exact formats. */
public final class TestFiles {

    private TestFiles() {}

    /**
     * Returns 2,304 space-separated grey values {@code (seed * 7 + j) % 256}.
     *
     * @param seed which pattern
     * @return the pixels field
     */
    public static String pixels(int seed) {
        return pixels(seed, 2304);
    }

    /**
     * Returns {@code count} space-separated grey values {@code (seed * 7 + j) % 256}.
     *
     * @param seed which pattern
     * @param count how many values
     * @return the pixels field
     */
    public static String pixels(int seed, int count) {
        StringJoiner j = new StringJoiner(" ");
        for (int k = 0; k < count; k++) {
            j.add(Integer.toString((seed * 7 + k) % 256));
        }
        return j.toString();
    }

    /**
     * Writes lines with a line ending, optionally after a UTF-8 byte-order mark.
     *
     * @param file the file
     * @param lines the lines
     * @param eol the line ending ({@code "\n"} or {@code "\r\n"})
     * @param bom whether to start with a byte-order mark
     * @return the file
     * @throws IOException if writing fails
     */
    public static Path write(Path file, List<String> lines, String eol, boolean bom)
            throws IOException {
        StringBuilder sb = new StringBuilder();
        if (bom) {
            sb.append('\uFEFF');
        }
        for (String line : lines) {
            sb.append(line).append(eol);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        return file;
    }

    /**
     * Formats with {@link Locale#ROOT}.
     *
     * @param format the format
     * @param args the arguments
     * @return the text
     */
    public static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
