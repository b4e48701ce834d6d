package io.distill4j.data.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distill4j.data.DatasetFormatException;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

final class CsvReaderTest {

    private static CsvReader reader(String text, int buffer) {
        return new CsvReader(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t.csv", buffer);
    }

    private static List<List<String>> readAll(String text, int buffer) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (CsvReader r = reader(text, buffer)) {
            while (r.next()) {
                rows.add(r.fields());
            }
        }
        return rows;
    }

    @Test
    void next_bomAndCrlf_readsFieldsWithoutBomOrCarriageReturn() throws IOException {
        String text = "\uFEFFa,b,c\r\n1,2,3\r\n";
        assertThat(readAll(text, 1 << 16))
                .containsExactly(List.of("a", "b", "c"), List.of("1", "2", "3"));
    }

    @Test
    void next_quotedFields_unescapesCommasQuotesAndLineBreaks() throws IOException {
        String text = "x,\"a, b\",\"say \"\"hi\"\"\"\r\n\"two\r\nlines\",,\"\"\n";
        assertThat(readAll(text, 1 << 16))
                .containsExactly(
                        List.of("x", "a, b", "say \"hi\""), List.of("two\r\nlines", "", ""));
    }

    @Test
    void line_crlfQuotedBreaksAndBlankLines_countsPhysicalLines() throws IOException {
        String text = "h\r\n\r\na\r\n\"b\r\nc\"\r\nd\ne\rf\n";
        List<Long> lines = new ArrayList<>();
        List<String> values = new ArrayList<>();
        try (CsvReader r = reader(text, 1 << 16)) {
            while (r.next()) {
                lines.add(r.line());
                values.add(r.get(0));
            }
        }
        // h on 1, blank 2, a on 3, "b\r\nc" on 4-5, d on 6, e on 7 (lone CR), f on 8
        assertThat(values).containsExactly("h", "a", "b\r\nc", "d", "e", "f");
        assertThat(lines).containsExactly(1L, 3L, 4L, 6L, 7L, 8L);
    }

    @Test
    void next_tinyBuffer_readsTheSameRecords() throws IOException {
        StringBuilder sb = new StringBuilder("\uFEFFid,text\r\n");
        for (int i = 0; i < 50; i++) {
            sb.append(i).append(",\"v,").append(i).append("\"\"q\"\"\"\r\n");
        }
        assertThat(readAll(sb.toString(), 16)).isEqualTo(readAll(sb.toString(), 1 << 16));
        assertThat(readAll(sb.toString(), 16)).hasSize(51);
        assertThat(readAll(sb.toString(), 16).get(50)).containsExactly("49", "v,49\"q\"");
    }

    @Test
    void next_noFinalLineBreak_readsLastRecord() throws IOException {
        assertThat(readAll("a,b\n1,2", 1 << 16))
                .containsExactly(List.of("a", "b"), List.of("1", "2"));
    }

    @Test
    void next_unclosedQuote_failsNamingFileAndLine() {
        assertThatThrownBy(() -> readAll("a\nb\n\"open,\nstill", 1 << 16))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage("t.csv line 3: quoted field is not closed before the end of the file");
    }

    @Test
    void getInt_nonNumeric_failsNamingLineColumnAndValue() throws IOException {
        try (CsvReader r = reader("h\n12\n x1 \n", 1 << 16)) {
            r.next();
            r.next();
            assertThat(r.getInt(0, "count")).isEqualTo(12);
            r.next();
            assertThatThrownBy(() -> r.getInt(0, "count"))
                    .isInstanceOf(DatasetFormatException.class)
                    .hasMessage("t.csv line 3: count must be an integer, was ' x1 '");
        }
    }

    @Test
    void getDouble_valuesAndGarbage() throws IOException {
        try (CsvReader r = reader("-0.25, 3 ,1e2,NaN,1.0f,\n", 1 << 16)) {
            r.next();
            assertThat(r.getDouble(0, "a")).isEqualTo(-0.25);
            assertThat(r.getDouble(1, "b")).isEqualTo(3.0);
            assertThat(r.getDouble(2, "c")).isEqualTo(100.0);
            assertThatThrownBy(() -> r.getDouble(3, "d"))
                    .hasMessage("t.csv line 1: d must be a number, was 'NaN'");
            assertThatThrownBy(() -> r.getDouble(4, "e"))
                    .hasMessage("t.csv line 1: e must be a number, was '1.0f'");
            assertThatThrownBy(() -> r.getDouble(5, "f"))
                    .hasMessage("t.csv line 1: f must be a number, was ''");
        }
    }

    @Test
    void offset_bomAndCrlf_pointsAtTheRecordStart() throws IOException {
        String text = "\uFEFFh1,h2\r\nab,c\r\n\"q\",d\r\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<Long> offsets = new ArrayList<>();
        try (CsvReader r = reader(text, 16)) {
            while (r.next()) {
                offsets.add(r.offset());
            }
        }
        // 3 BOM bytes, "h1,h2\r\n" is 7 bytes, "ab,c\r\n" 6 bytes
        assertThat(offsets).containsExactly(3L, 10L, 16L);
        assertThat((char) bytes[16]).isEqualTo('"');
    }

    @Test
    void constructor_firstLine_numbersFromThere() throws IOException {
        try (CsvReader r =
                new CsvReader(
                        new ByteArrayInputStream("x\ny\n".getBytes(StandardCharsets.UTF_8)),
                        "t.csv",
                        64,
                        41)) {
            r.next();
            assertThat(r.line()).isEqualTo(41);
            r.next();
            assertThat(r.line()).isEqualTo(42);
        }
    }

    @Test
    void get_outOfRange_failsNamingTheRange() throws IOException {
        try (CsvReader r = reader("a,b\n", 1 << 16)) {
            r.next();
            assertThatThrownBy(() -> r.get(2)).hasMessage("field must be in [0, 2), was 2");
        }
    }
}
