package io.distill4j.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The committed fixtures of tools/models/make_fixtures.py, and comparisons. */
final class Fixtures {

    private Fixtures() {}

    static Path path(String resource) {
        URL url = Fixtures.class.getResource("/fixtures/" + resource);
        if (url == null) {
            throw new IllegalStateException("missing fixture " + resource);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonObject json(String resource) {
        try {
            return JsonParser.parseString(Files.readString(path(resource), StandardCharsets.UTF_8))
                    .getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads an .npz file into arrays by name, in file order. */
    static Map<String, NDArray> npz(NDManager manager, String resource) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path(resource)))) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            for (NDArray array : NDList.decode(manager, in)) {
                arrays.put(array.getName(), array);
            }
            return arrays;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads {"shape": [...], "data": [...]} into an array. */
    static NDArray tensor(NDManager manager, JsonObject object) {
        JsonArray shape = object.getAsJsonArray("shape");
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).getAsLong();
        }
        JsonArray data = object.getAsJsonArray("data");
        float[] values = new float[data.size()];
        int i = 0;
        for (JsonElement e : data) {
            values[i++] = e.getAsFloat();
        }
        return manager.create(values, new Shape(dims));
    }

    static Shape shape(JsonArray array) {
        long[] dims = new long[array.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = array.get(i).getAsLong();
        }
        return new Shape(dims);
    }

    /** Asserts equal shapes and |a - e| <= atol + rtol * |e| everywhere. */
    static void assertClose(String what, NDArray actual, NDArray expected, float atol, float rtol) {
        assertThat(actual.getShape()).as(what + " shape").isEqualTo(expected.getShape());
        float[] a = actual.toFloatArray();
        float[] e = expected.toFloatArray();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < a.length; i++) {
            double excess = Math.abs(a[i] - e[i]) - (atol + rtol * Math.abs(e[i]));
            if (!(excess <= worst)) {
                worst = Double.isNaN(excess) ? Double.POSITIVE_INFINITY : excess;
                at = i;
            }
        }
        assertThat(at)
                .as(
                        "%s differs at flat index %d: %s vs expected %s",
                        what, at, at < 0 ? 0 : a[at], at < 0 ? 0 : e[at])
                .isEqualTo(-1);
    }

    /** Asserts bit-identical arrays. */
    static void assertIdentical(String what, NDArray actual, NDArray expected) {
        assertThat(actual.getShape()).as(what + " shape").isEqualTo(expected.getShape());
        assertThat(actual.toByteArray()).as(what).isEqualTo(expected.toByteArray());
    }
}
