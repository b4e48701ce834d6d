/**
 * A streaming CSV reader for data set label files as they are distributed: UTF-8 with or without a
 * byte-order mark, LF, CRLF or CR line endings, RFC 4180 quoted fields (embedded commas, quotes and
 * line breaks), and line numbers for error messages.
 *
 * <p>The public API of this package takes and returns no {@code null}s.
 */
package io.distill4j.data.csv;
