package io.distill4j.data.csv;

import io.distill4j.core.Checks;
import io.distill4j.data.DatasetFormatException;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Reads a CSV file one record at a time, in bounded memory, without building a string per field.
 *
 * <p>It accepts what real label files contain: a UTF-8 byte-order mark at the start, LF, CRLF or
 * lone CR line endings, and RFC 4180 quoted fields ({@code "a, b"}, {@code "say ""hi"""}, line
 * breaks inside quotes). Blank lines are not records. Each record knows the line it starts on and
 * its byte offset in the stream, so that errors name the line and a reader can come back to a
 * record later.
 *
 * <p>Fields are held as byte ranges of a reused buffer: {@link #get(int)} decodes one as a string,
 * {@link #buffer()}, {@link #start(int)} and {@link #end(int)} give raw access for fast parsing of
 * long numeric fields. The buffer is overwritten by the next {@link #next()}. Not thread-safe.
 *
 * <p>The reader owns the stream: {@link #close()} closes it.
 */
public final class CsvReader implements Closeable {

    private static final int DEFAULT_BUFFER = 1 << 16;

    private final InputStream in;
    private final String source;
    private final byte[] buf;
    private int pos;
    private int len;
    private long bufOffset;
    private boolean started;
    private boolean eof;

    private byte[] rec = new byte[1024];
    private int recLen;
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private int fields;

    private long line = 1;
    private long recordLine;
    private long recordOffset;

    /**
     * Creates a reader with a 64 KiB buffer.
     *
     * @param in the stream, read from its current position
     * @param source the file name used in error messages
     */
    public CsvReader(InputStream in, String source) {
        this(in, source, DEFAULT_BUFFER);
    }

    /**
     * Creates a reader.
     *
     * @param in the stream, read from its current position
     * @param source the file name used in error messages
     * @param bufferSize the read buffer size in bytes, at least 16
     */
    public CsvReader(InputStream in, String source, int bufferSize) {
        this(in, source, bufferSize, 1);
    }

    /**
     * Creates a reader for a stream that starts at a known line of a file (to read one record again
     * from its offset, for example).
     *
     * @param in the stream, read from its current position
     * @param source the file name used in error messages
     * @param bufferSize the read buffer size in bytes, at least 16
     * @param firstLine the 1-based line number of the stream's first byte
     */
    public CsvReader(InputStream in, String source, int bufferSize, long firstLine) {
        if (firstLine < 1) {
            throw new IllegalArgumentException(
                    Checks.format("firstLine must be >= 1, was %d", firstLine));
        }
        this.line = firstLine;
        this.in = Objects.requireNonNull(in, "in");
        this.source = Objects.requireNonNull(source, "source");
        if (bufferSize < 16) {
            throw new IllegalArgumentException(
                    Checks.format("bufferSize must be >= 16, was %d", bufferSize));
        }
        this.buf = new byte[bufferSize];
    }

    /**
     * Returns the file name used in error messages.
     *
     * @return the source
     */
    public String source() {
        return source;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        bufOffset += len;
        pos = 0;
        len = 0;
        while (len == 0) {
            int n = in.read(buf, 0, buf.length);
            if (n < 0) {
                eof = true;
                return false;
            }
            len = n;
        }
        if (!started) {
            started = true;
            if (len >= 3
                    && (buf[0] & 0xFF) == 0xEF
                    && (buf[1] & 0xFF) == 0xBB
                    && (buf[2] & 0xFF) == 0xBF) {
                pos = 3;
            }
        }
        return true;
    }

    /** Returns the next byte (0-255) or -1 at the end, consuming it. */
    private int read() throws IOException {
        if (pos == len && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xFF;
    }

    /** Returns the next byte without consuming it, or -1. */
    private int peek() throws IOException {
        if (pos == len && !fill()) {
            return -1;
        }
        return buf[pos] & 0xFF;
    }

    private void append(int b) {
        if (recLen == rec.length) {
            rec = Arrays.copyOf(rec, rec.length * 2);
        }
        rec[recLen++] = (byte) b;
    }

    private void appendRun(int from, int to) {
        int n = to - from;
        if (recLen + n > rec.length) {
            rec = Arrays.copyOf(rec, Math.max(rec.length * 2, recLen + n));
        }
        System.arraycopy(buf, from, rec, recLen, n);
        recLen += n;
    }

    private void endField(int start) {
        if (fields == starts.length) {
            starts = Arrays.copyOf(starts, fields * 2);
            ends = Arrays.copyOf(ends, fields * 2);
        }
        starts[fields] = start;
        ends[fields] = recLen;
        fields++;
    }

    /** Consumes a line break whose first byte was just read. */
    private void lineBreak(int b) throws IOException {
        if (b == '\r' && peek() == '\n') {
            pos++;
        }
        line++;
    }

    /**
     * Reads the next record.
     *
     * @return false at the end of the stream
     * @throws IOException if reading fails, or a quoted field is not closed ({@link
     *     DatasetFormatException} naming the line)
     */
    public boolean next() throws IOException {
        while (true) {
            if (pos == len && !fill()) {
                return false;
            }
            recLen = 0;
            fields = 0;
            recordLine = line;
            recordOffset = bufOffset + pos;
            boolean quotedSeen = readRecord();
            if (fields == 1 && recLen == 0 && !quotedSeen) {
                continue; // a blank line
            }
            return true;
        }
    }

    /** Reads one record into the buffer; returns whether any field was quoted. */
    private boolean readRecord() throws IOException {
        boolean quotedSeen = false;
        while (true) {
            int start = recLen;
            int b = read();
            if (b == '"') {
                quotedSeen = true;
                int end = readQuoted();
                if (end == -1 || end == '\n' || end == '\r') {
                    endField(start);
                    if (end != -1) {
                        lineBreak(end);
                    }
                    return true;
                }
                endField(start); // end == ','
                continue;
            }
            // unquoted field: b is its first byte (or a delimiter, or -1)
            while (b != -1 && b != ',' && b != '\n' && b != '\r') {
                append(b);
                // fast path: copy the run up to the next delimiter inside the buffer
                int p = pos;
                while (p < len) {
                    byte c = buf[p];
                    if (c == ',' || c == '\n' || c == '\r') {
                        break;
                    }
                    p++;
                }
                appendRun(pos, p);
                pos = p;
                b = read();
            }
            endField(start);
            if (b == ',') {
                continue;
            }
            if (b != -1) {
                lineBreak(b);
            }
            return quotedSeen;
        }
    }

    /**
     * Reads a quoted field after its opening quote; returns the byte that ended it (a comma, a line
     * break) or -1 at the end of the stream.
     */
    private int readQuoted() throws IOException {
        long startLine = line;
        while (true) {
            int b = read();
            if (b == -1) {
                throw new DatasetFormatException(
                        source, startLine, "quoted field is not closed before the end of the file");
            }
            if (b == '"') {
                int c = read();
                if (c == '"') {
                    append('"');
                    continue;
                }
                // closing quote: anything up to the delimiter is kept, as lenient readers do
                while (c != -1 && c != ',' && c != '\n' && c != '\r') {
                    append(c);
                    c = read();
                }
                return c;
            }
            if (b == '\n' || (b == '\r' && peek() != '\n')) {
                line++;
            }
            append(b);
        }
    }

    /**
     * Returns the 1-based line the current record starts on.
     *
     * @return the line number
     */
    public long line() {
        return recordLine;
    }

    /**
     * Returns the byte offset of the current record in the stream (counting a byte-order mark).
     *
     * @return the offset
     */
    public long offset() {
        return recordOffset;
    }

    /**
     * Returns the number of fields of the current record.
     *
     * @return the field count
     */
    public int size() {
        return fields;
    }

    /**
     * Returns a field of the current record, decoded as UTF-8.
     *
     * @param i the field, {@code 0 <= i < size()}
     * @return the text, quotes removed
     */
    public String get(int i) {
        checkField(i);
        return new String(rec, starts[i], ends[i] - starts[i], StandardCharsets.UTF_8);
    }

    /**
     * Returns the current record's fields as strings.
     *
     * @return the fields
     */
    public List<String> fields() {
        List<String> out = new ArrayList<>(fields);
        for (int i = 0; i < fields; i++) {
            out.add(get(i));
        }
        return out;
    }

    /**
     * Returns the buffer holding the current record's field bytes (overwritten by {@link #next()}).
     *
     * @return the buffer; do not modify
     */
    public byte[] buffer() {
        return rec;
    }

    /**
     * Returns where a field starts in {@link #buffer()}.
     *
     * @param i the field
     * @return the start offset
     */
    public int start(int i) {
        checkField(i);
        return starts[i];
    }

    /**
     * Returns where a field ends (exclusive) in {@link #buffer()}.
     *
     * @param i the field
     * @return the end offset
     */
    public int end(int i) {
        checkField(i);
        return ends[i];
    }

    /**
     * Returns whether a field is empty or only spaces.
     *
     * @param i the field
     * @return true when blank
     */
    public boolean isBlank(int i) {
        checkField(i);
        for (int k = starts[i]; k < ends[i]; k++) {
            if (rec[k] != ' ' && rec[k] != '\t') {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses a field as a decimal integer (surrounding spaces allowed).
     *
     * @param i the field
     * @param column the column name for the error message
     * @return the value
     * @throws DatasetFormatException naming the line, the column and the text, if it is not an
     *     integer
     */
    public int getInt(int i, String column) throws DatasetFormatException {
        checkField(i);
        int k = starts[i];
        int e = ends[i];
        while (k < e && rec[k] == ' ') {
            k++;
        }
        while (e > k && rec[e - 1] == ' ') {
            e--;
        }
        boolean negative = k < e && rec[k] == '-';
        if (negative || (k < e && rec[k] == '+')) {
            k++;
        }
        if (k == e || e - k > 9) {
            throw notInteger(i, column);
        }
        int v = 0;
        for (; k < e; k++) {
            int d = rec[k] - '0';
            if (d < 0 || d > 9) {
                throw notInteger(i, column);
            }
            v = v * 10 + d;
        }
        return negative ? -v : v;
    }

    private DatasetFormatException notInteger(int i, String column) {
        return new DatasetFormatException(
                source,
                recordLine,
                Checks.format("%s must be an integer, was '%s'", column, abbreviate(get(i))));
    }

    /**
     * Parses a field as a decimal number (surrounding spaces allowed).
     *
     * @param i the field
     * @param column the column name for the error message
     * @return the value, finite
     * @throws DatasetFormatException naming the line, the column and the text, if it is not a
     *     finite number
     */
    public double getDouble(int i, String column) throws DatasetFormatException {
        String text = get(i).trim();
        try {
            double v = Double.parseDouble(text);
            if (Double.isFinite(v) && Character.isDigit(text.charAt(text.length() - 1))) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new DatasetFormatException(
                source,
                recordLine,
                Checks.format("%s must be a number, was '%s'", column, abbreviate(text)));
    }

    /**
     * Shortens a value for an error message (at most 40 characters).
     *
     * @param text the value
     * @return the text, shortened with {@code ...} when needed
     */
    public static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    private void checkField(int i) {
        if (i < 0 || i >= fields) {
            throw new IndexOutOfBoundsException(
                    Checks.format("field must be in [0, %d), was %d", fields, i));
        }
    }

    /** {@inheritDoc} */
    @Override
    public void close() throws IOException {
        in.close();
    }
}
