package io.distill4j.data.occlusion;

/** Rasterizes polygons onto pixel masks (pixel centres, even-odd rule). */
final class Polygons {

    private Polygons() {}

    /** Marks the pixels whose centre lies inside the polygon {@code (xs[i], ys[i])}. */
    static void fill(boolean[] mask, int height, int width, float[] xs, float[] ys) {
        int n = xs.length;
        float minY = Float.MAX_VALUE;
        float maxY = -Float.MAX_VALUE;
        for (float y : ys) {
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
        }
        int rowFrom = Math.max(0, (int) Math.floor(minY - 0.5f));
        int rowTo = Math.min(height - 1, (int) Math.ceil(maxY - 0.5f));
        float[] crossings = new float[n];
        for (int row = rowFrom; row <= rowTo; row++) {
            float cy = row + 0.5f;
            int k = 0;
            for (int i = 0, j = n - 1; i < n; j = i++) {
                float yi = ys[i];
                float yj = ys[j];
                if ((yi > cy) != (yj > cy)) {
                    crossings[k++] = xs[i] + (cy - yi) / (yj - yi) * (xs[j] - xs[i]);
                }
            }
            java.util.Arrays.sort(crossings, 0, k);
            for (int c = 0; c + 1 < k; c += 2) {
                // pixel x is inside when its centre x + 0.5 lies in [left, right)
                int from = Math.max(0, (int) Math.ceil(crossings[c] - 0.5f));
                int to = Math.min(width - 1, (int) Math.ceil(crossings[c + 1] - 0.5f) - 1);
                for (int x = from; x <= to; x++) {
                    mask[row * width + x] = true;
                }
            }
        }
    }
}
