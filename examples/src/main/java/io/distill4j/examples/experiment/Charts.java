package io.distill4j.examples.experiment;

import io.distill4j.core.Checks;
import io.distill4j.core.EpochResult;
import io.distill4j.core.TrainingHistory;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * PNG charts of a comparison: the metric per model and the difference from the baseline, with 95%
 * confidence intervals as error bars; the teacher on clean and occluded faces, per class or decade
 * of age; a confusion-matrix heatmap per model; and per-epoch curves.
 *
 * <p>Colours are the Okabe–Ito palette (Okabe &amp; Ito, <i>Color Universal Design</i>, 2008), safe
 * for the common colour-vision deficiencies, without its yellow (too pale on white) and with its
 * two palest colours (orange, sky blue) last; the teacher rows are grey. A model has the same
 * colour in every chart. Labels are wrapped, never cut, and every bar carries its value.
 */
final class Charts {

    /** Okabe–Ito without yellow, the palest last: blue, vermillion, bluish green, ... */
    static final Color[] PALETTE = {
        new Color(0x0072B2),
        new Color(0xD55E00),
        new Color(0x009E73),
        new Color(0xCC79A7),
        new Color(0x000000),
        new Color(0xE69F00),
        new Color(0x56B4E9)
    };

    /** The reference rows (the teacher): dark and light grey. */
    static final Color[] GREYS = {new Color(0x595959), new Color(0xA6A6A6)};

    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;
    private static final Color TEXT = new Color(0x222222);
    private static final Color GRID = new Color(0xDDDDDD);
    private static final Color AXIS = new Color(0x666666);
    private static final String FONT = Font.SANS_SERIF;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {}

    /** The colour of each row: greys for reference rows, the palette for the others. */
    static Map<String, Color> colours(Comparison comparison) {
        Map<String, Color> colours = new LinkedHashMap<>();
        int grey = 0;
        int colour = 0;
        for (String model : comparison.getRuns().keySet()) {
            colours.put(
                    model,
                    comparison.isReference(model)
                            ? GREYS[grey++ % GREYS.length]
                            : PALETTE[colour++ % PALETTE.length]);
        }
        return colours;
    }

    /** Bars of each row's mean metric, with its 95% confidence interval and its value. */
    static void metricBars(Comparison comparison, Path file) throws IOException {
        boolean accuracy = comparison.getTask().isClassification();
        double scale = accuracy ? 100 : 1;
        List<Comparison.Row> rows = comparison.rows();
        Map<String, Color> colours = colours(comparison);
        BarChart chart = new BarChart(rows.size(), 1);
        for (int g = 0; g < rows.size(); g++) {
            Comparison.Row row = rows.get(g);
            chart.groups.add(row.model());
            chart.set(
                    g,
                    0,
                    row.mean() * scale,
                    row.interval().lower() * scale,
                    row.interval().upper() * scale,
                    colours.get(row.model()),
                    accuracy
                            ? Checks.format("%.1f", row.mean() * scale)
                            : Checks.format("%.2f", row.mean()));
        }
        chart.title = accuracy ? "Test accuracy (%)" : "Test mean absolute error (lower is better)";
        TreeSet<Integer> seedCounts = new TreeSet<>();
        boolean references = false;
        for (Comparison.Row row : rows) {
            references |= row.reference();
            if (!row.reference()) {
                seedCounts.add(row.seeds().length);
            }
        }
        String over =
                seedCounts.isEmpty() || seedCounts.last() == 1
                        ? "one seed per model"
                        : seedCounts.size() == 1
                                ? "mean over " + seedCounts.first() + " seeds"
                                : "mean over each model's seeds ("
                                        + seedCounts.first()
                                        + " to "
                                        + seedCounts.last()
                                        + ")";
        chart.subtitle = over + (references ? "; reference rows (grey): one evaluation" : "");
        chart.yLabel = accuracy ? "accuracy (%)" : "MAE";
        chart.ceiling = accuracy ? 100 : Double.NaN;
        chart.errorBarNote = ciNote(comparison, "of the mean");
        chart.write(file);
    }

    /** Bars of each compared row's mean difference from the baseline, with its 95% CI. */
    static void differences(Comparison comparison, Path file) throws IOException {
        boolean accuracy = comparison.getTask().isClassification();
        double scale = accuracy ? 100 : 1;
        List<Comparison.Row> compared = new ArrayList<>();
        for (Comparison.Row row : comparison.rows()) {
            if (row.versus().isPresent()) {
                compared.add(row);
            }
        }
        Map<String, Color> colours = colours(comparison);
        BarChart chart = new BarChart(compared.size(), 1);
        for (int g = 0; g < compared.size(); g++) {
            Comparison.Row row = compared.get(g);
            Comparison.Versus v = row.versus().orElseThrow();
            chart.groups.add(row.model());
            chart.set(
                    g,
                    0,
                    v.meanDifference() * scale,
                    v.interval().lower() * scale,
                    v.interval().upper() * scale,
                    colours.get(row.model()),
                    comparison.formatDifference(v.meanDifference()));
        }
        chart.title =
                accuracy
                        ? "Accuracy minus "
                                + comparison.getBaseline()
                                + ", in points (above 0: better)"
                        : "MAE minus " + comparison.getBaseline() + " (below 0: better)";
        chart.subtitle = "mean over the seeds each model shares with " + comparison.getBaseline();
        chart.yLabel = accuracy ? "difference (points)" : "difference (MAE)";
        chart.errorBarNote = ciNote(comparison, "of the mean difference");
        chart.write(file);
    }

    private static String ciNote(Comparison comparison, String what) {
        return Checks.format(
                "95%% confidence interval %s: paired bootstrap over the %d test images, %,d rounds",
                what, comparison.testImages(), comparison.getBootstrap().getRounds());
    }

    /**
     * Grouped bars of the teacher on clean and on occluded test images: overall, then per class
     * (classification) or per decade of age (regression).
     */
    static void teacher(Comparison comparison, String clean, String occluded, Path file)
            throws IOException {
        List<RunResult> cleanRuns = comparison.getRuns().get(clean);
        List<RunResult> occludedRuns = comparison.getRuns().get(occluded);
        boolean accuracy = comparison.getTask().isClassification();
        List<String> groups = new ArrayList<>();
        List<double[]> values = new ArrayList<>(); // {clean, occluded}
        groups.add("all (" + cleanRuns.get(0).test().size() + ")");
        values.add(new double[] {mean(cleanRuns), mean(occludedRuns)});
        if (accuracy) {
            Breakdown.Confusion c = Breakdown.confusion(cleanRuns, comparison.getTask());
            Breakdown.Confusion o = Breakdown.confusion(occludedRuns, comparison.getTask());
            for (int k = 0; k < c.classes().size(); k++) {
                if (c.support(k) == 0) {
                    continue;
                }
                groups.add(c.classes().get(k) + " (" + c.support(k) / c.seeds() + ")");
                values.add(new double[] {c.accuracy(k), o.accuracy(k)});
            }
        } else {
            Breakdown.Decades c = Breakdown.decades(cleanRuns);
            Breakdown.Decades o = Breakdown.decades(occludedRuns);
            for (int k = 0; k < c.starts().length; k++) {
                groups.add(c.label(k) + " (" + c.images()[k] + ")");
                values.add(new double[] {c.mae()[k], o.mae()[k]});
            }
        }
        BarChart chart = new BarChart(groups.size(), 2);
        chart.groups.addAll(groups);
        double scale = accuracy ? 100 : 1;
        Color[] colours = {PALETTE[0], PALETTE[1]};
        for (int g = 0; g < groups.size(); g++) {
            for (int s = 0; s < 2; s++) {
                double v = values.get(g)[s] * scale;
                chart.set(
                        g,
                        s,
                        v,
                        Double.NaN,
                        Double.NaN,
                        colours[s],
                        Checks.format(accuracy ? "%.0f" : "%.1f", v));
            }
        }
        chart.series.add(new LegendEntry(colours[0], "clean faces"));
        chart.series.add(new LegendEntry(colours[1], "occluded faces (what the students see)"));
        chart.title =
                accuracy
                        ? "Teacher accuracy (%), clean vs occluded, per class"
                        : "Teacher MAE, clean vs occluded, per decade of age";
        chart.subtitle =
                accuracy
                        ? "test images per class in parentheses; one evaluation, no error bars"
                        : "test images per decade in parentheses; one evaluation, no error bars";
        chart.yLabel = accuracy ? "accuracy (%)" : "MAE";
        chart.ceiling = accuracy ? 100 : Double.NaN;
        chart.write(file);
    }

    private static double mean(List<RunResult> runs) {
        return runs.stream().mapToDouble(RunResult::metric).average().orElse(Double.NaN);
    }

    /**
     * A heatmap of a confusion matrix: rows the true class, columns the predicted one, each cell
     * its count and its share of the true class, shaded by that share.
     */
    static void confusion(Breakdown.Confusion confusion, String model, Path file)
            throws IOException {
        List<String> classes = confusion.classes();
        int n = classes.size();
        BufferedImage image = new BufferedImage(WIDTH, 640, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(image);
        Font labelFont = new Font(FONT, Font.PLAIN, 13);
        FontMetrics fm = g.getFontMetrics(labelFont);
        int rowLabelWidth = 0;
        for (String c : classes) {
            rowLabelWidth = Math.max(rowLabelWidth, fm.stringWidth(c));
        }
        int top = 84;
        int minLeft = 40 + rowLabelWidth + 12;
        int available = Math.min(WIDTH - minLeft - 110, image.getHeight() - top - 110);
        int cell = Math.max(28, available / n);
        int left = Math.max(minLeft, (WIDTH - n * cell) / 2);
        int gridTop = top + 8;
        int y =
                drawCentred(
                        g,
                        "Confusion matrix: " + model,
                        new Font(FONT, Font.BOLD, 18),
                        WIDTH / 2,
                        30);
        drawCentred(
                g,
                Checks.format(
                        "%s; shade and %% = share of the true class",
                        confusion.seeds() == 1
                                ? "counts of one run"
                                : "counts summed over " + confusion.seeds() + " seeds"),
                new Font(FONT, Font.PLAIN, 13),
                WIDTH / 2,
                y + 8);
        Font countFont = new Font(FONT, Font.BOLD, cell >= 60 ? 14 : 11);
        Font shareFont = new Font(FONT, Font.PLAIN, cell >= 60 ? 12 : 10);
        for (int t = 0; t < n; t++) {
            long support = confusion.support(t);
            for (int p = 0; p < n; p++) {
                long count = confusion.counts()[t][p];
                double share = support == 0 ? 0 : (double) count / support;
                int x0 = left + p * cell;
                int y0 = gridTop + t * cell;
                g.setColor(shade(share));
                g.fillRect(x0, y0, cell, cell);
                g.setColor(Color.WHITE);
                g.drawRect(x0, y0, cell, cell);
                g.setColor(share > 0.5 ? Color.WHITE : TEXT);
                FontMetrics cm = g.getFontMetrics(countFont);
                FontMetrics sm = g.getFontMetrics(shareFont);
                String countText = Long.toString(count);
                String shareText = support == 0 ? "" : Checks.format("%.0f%%", 100 * share);
                int textHeight = cm.getAscent() + (cell >= 44 ? sm.getAscent() + 2 : 0);
                int ty = y0 + (cell - textHeight) / 2 + cm.getAscent();
                g.setFont(countFont);
                g.drawString(countText, x0 + (cell - cm.stringWidth(countText)) / 2, ty);
                if (cell >= 44) {
                    g.setFont(shareFont);
                    g.drawString(
                            shareText,
                            x0 + (cell - sm.stringWidth(shareText)) / 2,
                            ty + 2 + sm.getAscent());
                }
            }
            g.setFont(labelFont);
            g.setColor(TEXT);
            String label = classes.get(t);
            g.drawString(
                    label,
                    left - 8 - fm.stringWidth(label),
                    gridTop + t * cell + (cell + fm.getAscent() - fm.getDescent()) / 2);
        }
        // The colour scale, right of the grid.
        int gridBottom = gridTop + n * cell;
        int barX = left + n * cell + 24;
        int barHeight = Math.min(n * cell, 240);
        for (int i = 0; i < barHeight; i++) {
            g.setColor(shade(1 - i / (double) (barHeight - 1)));
            g.fillRect(barX, gridTop + i, 16, 1);
        }
        g.setColor(AXIS);
        g.drawRect(barX, gridTop, 16, barHeight);
        Font scaleFont = new Font(FONT, Font.PLAIN, 11);
        g.setFont(scaleFont);
        g.setColor(TEXT);
        FontMetrics scm = g.getFontMetrics();
        g.drawString("100%", barX + 22, gridTop + scm.getAscent());
        g.drawString("50%", barX + 22, gridTop + barHeight / 2 + scm.getAscent() / 2);
        g.drawString("0%", barX + 22, gridTop + barHeight);
        // Column labels under the grid, turned when they do not fit a cell.
        boolean turn = false;
        for (String c : classes) {
            turn |= fm.stringWidth(c) > cell - 4;
        }
        g.setFont(labelFont);
        for (int p = 0; p < n; p++) {
            String label = classes.get(p);
            int cx = left + p * cell + cell / 2;
            if (turn) {
                AffineTransform saved = g.getTransform();
                g.translate(cx + fm.getAscent() / 2.0, gridBottom + 8);
                g.rotate(Math.toRadians(35));
                g.drawString(label, 0, 0);
                g.setTransform(saved);
            } else {
                g.drawString(
                        label, cx - fm.stringWidth(label) / 2, gridBottom + 6 + fm.getAscent());
            }
        }
        int labelsDepth = 0;
        for (String c : classes) {
            labelsDepth =
                    Math.max(
                            labelsDepth,
                            turn
                                    ? (int)
                                                    Math.ceil(
                                                            Math.sin(Math.toRadians(35))
                                                                    * fm.stringWidth(c))
                                            + fm.getHeight()
                                    : fm.getHeight());
        }
        Font axisFont = new Font(FONT, Font.BOLD, 13);
        drawCentred(
                g, "predicted class", axisFont, left + n * cell / 2, gridBottom + 14 + labelsDepth);
        AffineTransform saved = g.getTransform();
        g.translate(left - 8 - rowLabelWidth - 16, gridTop + n * cell / 2.0);
        g.rotate(-Math.PI / 2);
        drawCentred(g, "true class", axisFont, 0, 0);
        g.setTransform(saved);
        g.dispose();
        int height = Math.min(image.getHeight(), gridBottom + 14 + labelsDepth + 30);
        ImageIO.write(image.getSubimage(0, 0, WIDTH, height), "png", file.toFile());
    }

    /** White to the palette's blue, by share in [0, 1]. */
    private static Color shade(double share) {
        Color to = PALETTE[0];
        double t = Math.max(0, Math.min(1, share));
        return new Color(
                (int) Math.round(255 + t * (to.getRed() - 255)),
                (int) Math.round(255 + t * (to.getGreen() - 255)),
                (int) Math.round(255 + t * (to.getBlue() - 255)));
    }

    /**
     * Line chart of a per-epoch quantity, one series per trained model and seed: the model's
     * colour, a dash pattern and marker per seed.
     */
    static void curves(
            Map<String, List<RunResult>> runs,
            Map<String, Color> colours,
            boolean validation,
            String yLabel,
            Path file)
            throws IOException {
        XYSeriesCollection collection = new XYSeriesCollection();
        List<Color> seriesColours = new ArrayList<>();
        List<Integer> seriesSeedIndex = new ArrayList<>();
        for (Map.Entry<String, List<RunResult>> entry : runs.entrySet()) {
            int seedIndex = 0;
            for (RunResult run : entry.getValue()) {
                if (run.history().isEmpty()) {
                    continue;
                }
                TrainingHistory history = run.history().get();
                XYSeries series = new XYSeries(entry.getKey() + " (seed " + run.seed() + ")");
                for (EpochResult epoch : history.epochs()) {
                    if (validation) {
                        if (epoch.validationMetric().isPresent()) {
                            double v = epoch.validationMetric().getAsDouble();
                            series.add(
                                    epoch.epoch(), history.task().isClassification() ? 100 * v : v);
                        }
                    } else {
                        series.add(epoch.epoch(), epoch.trainLoss());
                    }
                }
                if (series.getItemCount() > 0) {
                    collection.addSeries(series);
                    seriesColours.add(colours.getOrDefault(entry.getKey(), TEXT));
                    seriesSeedIndex.add(seedIndex);
                }
                seedIndex++;
            }
        }
        JFreeChart chart =
                ChartFactory.createXYLineChart(
                        Character.toUpperCase(yLabel.charAt(0))
                                + yLabel.substring(1)
                                + " per epoch",
                        "epoch",
                        yLabel,
                        collection,
                        PlotOrientation.VERTICAL,
                        true,
                        false,
                        false);
        chart.getTitle().setFont(new Font(FONT, Font.BOLD, 18));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(GRID);
        plot.setDomainGridlinePaint(GRID);
        plot.setOutlinePaint(AXIS);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        float[][] dashes = {null, {9f, 5f}, {2.5f, 4f}, {12f, 4f, 2.5f, 4f}};
        Shape[] markers = {
            new Ellipse2D.Double(-4, -4, 8, 8),
            new Rectangle2D.Double(-3.5, -3.5, 7, 7),
            diamond(),
            new Rectangle2D.Double(-4, -1.5, 8, 3)
        };
        for (int i = 0; i < collection.getSeriesCount(); i++) {
            int k = seriesSeedIndex.get(i) % dashes.length;
            renderer.setSeriesPaint(i, seriesColours.get(i));
            renderer.setSeriesStroke(
                    i,
                    new BasicStroke(
                            2.5f,
                            BasicStroke.CAP_BUTT,
                            BasicStroke.JOIN_ROUND,
                            10f,
                            dashes[k],
                            0f));
            renderer.setSeriesShape(i, markers[k]);
        }
        plot.setRenderer(renderer);
        ((NumberAxis) plot.getDomainAxis())
                .setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setPosition(RectangleEdge.RIGHT);
            legend.setItemFont(new Font(FONT, Font.PLAIN, 12));
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    private static Shape diamond() {
        java.awt.geom.Path2D.Double d = new java.awt.geom.Path2D.Double();
        d.moveTo(0, -5);
        d.lineTo(5, 0);
        d.lineTo(0, 5);
        d.lineTo(-5, 0);
        d.closePath();
        return d;
    }

    private static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(
                RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        return g;
    }

    /** Draws text centred on x with its baseline at y; returns the baseline of the next line. */
    private static int drawCentred(Graphics2D g, String text, Font font, int x, int y) {
        g.setFont(font);
        g.setColor(TEXT);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(text, x - fm.stringWidth(text) / 2, y);
        return y + fm.getHeight();
    }

    /**
     * Splits text into lines no wider than {@code width}: at spaces first, then after {@code +},
     * {@code -}, {@code /} or {@code ,}, and as a last resort between characters. Nothing is cut.
     */
    static List<String> wrap(String text, FontMetrics fm, int width) {
        List<String> pieces = new ArrayList<>();
        for (String word : text.split(" ")) {
            if (fm.stringWidth(word) <= width) {
                pieces.add(word);
                continue;
            }
            StringBuilder part = new StringBuilder();
            for (int i = 0; i < word.length(); i++) {
                char ch = word.charAt(i);
                if (part.length() > 0 && fm.stringWidth(part.toString() + ch) > width) {
                    pieces.add(part.toString());
                    part.setLength(0);
                }
                part.append(ch);
                boolean breakAfter = ch == '+' || ch == '-' || ch == '/' || ch == ',';
                if (breakAfter && i + 1 < word.length()) {
                    String rest = word.substring(i + 1);
                    if (fm.stringWidth(part.toString() + rest) > width) {
                        pieces.add(part.toString());
                        part.setLength(0);
                    }
                }
            }
            if (part.length() > 0) {
                pieces.add(part.toString());
            }
        }
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String piece : pieces) {
            String candidate = line.length() == 0 ? piece : line + " " + piece;
            if (line.length() > 0 && fm.stringWidth(candidate) > width) {
                lines.add(line.toString());
                line.setLength(0);
                line.append(piece);
            } else {
                line.setLength(0);
                line.append(candidate);
            }
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** A legend entry: a colour swatch and its text. */
    record LegendEntry(Color colour, String text) {}

    /**
     * A bar chart drawn with Java2D: groups along x, one or more bars per group, each bar with an
     * optional error bar (its interval) and its value printed beyond the bar's end.
     */
    static final class BarChart {

        final List<String> groups = new ArrayList<>();
        final List<LegendEntry> series = new ArrayList<>();
        String title = "";
        String subtitle = "";
        String yLabel = "";
        String errorBarNote;

        /** The axis's upper end when the values cannot exceed it (100 for accuracy in %). */
        double ceiling = Double.NaN;

        private final double[][] value;
        private final double[][] lower;
        private final double[][] upper;
        private final Color[][] colour;
        private final String[][] text;
        private final int seriesCount;

        BarChart(int groupCount, int seriesCount) {
            this.seriesCount = seriesCount;
            value = new double[groupCount][seriesCount];
            lower = new double[groupCount][seriesCount];
            upper = new double[groupCount][seriesCount];
            colour = new Color[groupCount][seriesCount];
            text = new String[groupCount][seriesCount];
        }

        void set(int g, int s, double v, double lo, double hi, Color c, String label) {
            value[g][s] = v;
            lower[g][s] = lo;
            upper[g][s] = hi;
            colour[g][s] = c;
            text[g][s] = label;
        }

        void write(Path file) throws IOException {
            BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = graphics(image);
            Font titleFont = new Font(FONT, Font.BOLD, 18);
            Font subtitleFont = new Font(FONT, Font.PLAIN, 13);
            Font labelFont = new Font(FONT, Font.PLAIN, 13);
            Font tickFont = new Font(FONT, Font.PLAIN, 12);
            Font legendFont = new Font(FONT, Font.PLAIN, 12);
            int y = drawCentred(g, title, titleFont, WIDTH / 2, 28);
            if (!subtitle.isEmpty()) {
                y = drawCentred(g, subtitle, subtitleFont, WIDTH / 2, y - 2);
            }
            int plotTop = y + 24;
            int left = 84;
            int right = WIDTH - 24;
            int groupCount = groups.size();
            double groupWidth = (right - left) / (double) Math.max(1, groupCount);

            // The legend (series swatches, then the error-bar note), bottom up.
            FontMetrics lm = g.getFontMetrics(legendFont);
            List<List<LegendEntry>> legendRows = new ArrayList<>();
            List<LegendEntry> items = new ArrayList<>(series);
            List<LegendEntry> row = new ArrayList<>();
            int rowWidth = 0;
            for (LegendEntry e : items) {
                int w = 18 + lm.stringWidth(e.text()) + 24;
                if (!row.isEmpty() && rowWidth + w > right - left) {
                    legendRows.add(row);
                    row = new ArrayList<>();
                    rowWidth = 0;
                }
                row.add(e);
                rowWidth += w;
            }
            if (!row.isEmpty()) {
                legendRows.add(row);
            }
            List<String> noteLines =
                    errorBarNote == null ? List.of() : wrap(errorBarNote, lm, right - left - 30);
            int legendHeight = (legendRows.size() + noteLines.size()) * (lm.getHeight() + 4);

            // Group labels, wrapped to the group's width.
            FontMetrics gm = g.getFontMetrics(labelFont);
            List<List<String>> labels = new ArrayList<>();
            int maxLines = 1;
            for (String label : groups) {
                List<String> lines = wrap(label, gm, (int) groupWidth - 6);
                labels.add(lines);
                maxLines = Math.max(maxLines, lines.size());
            }
            int labelsHeight = maxLines * gm.getHeight() + 8;
            int plotBottom =
                    HEIGHT - 16 - legendHeight - (legendHeight > 0 ? 10 : 0) - labelsHeight;

            // The value range: zero, every bar and every interval, with room for the labels.
            double min = 0;
            double max = 0;
            for (int k = 0; k < groupCount; k++) {
                for (int s = 0; s < seriesCount; s++) {
                    for (double v : new double[] {value[k][s], lower[k][s], upper[k][s]}) {
                        if (Double.isFinite(v)) {
                            min = Math.min(min, v);
                            max = Math.max(max, v);
                        }
                    }
                }
            }
            if (max == min) {
                max = min + 1;
            }
            double span = max - min;
            max += span * 0.10;
            if (min < 0) {
                min -= span * 0.10;
            }
            double step = niceStep((max - min) / 6);
            double axisMin = Math.floor(min / step) * step;
            double axisMax = Math.ceil(max / step) * step;
            if (Double.isFinite(ceiling) && axisMax > ceiling) {
                // Labels of bars near the ceiling go above the plot, into the gap below the title.
                axisMax = ceiling;
                step = niceStep((axisMax - axisMin) / 6);
            }
            double lo = axisMin;
            double hi = axisMax;
            int top = plotTop;
            int bottom = plotBottom;
            java.util.function.DoubleUnaryOperator ypos =
                    v -> bottom - (v - lo) / (hi - lo) * (bottom - top);

            // Grid and ticks.
            g.setFont(tickFont);
            FontMetrics tm = g.getFontMetrics();
            int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
            for (double t = axisMin; t <= axisMax + step / 2; t += step) {
                int ty = (int) Math.round(ypos.applyAsDouble(t));
                g.setColor(GRID);
                g.drawLine(left, ty, right, ty);
                String tick =
                        Checks.format("%." + decimals + "f", Math.abs(t) < step / 1e6 ? 0.0 : t);
                g.setColor(TEXT);
                g.drawString(tick, left - 6 - tm.stringWidth(tick), ty + tm.getAscent() / 2 - 1);
            }
            g.setColor(AXIS);
            g.drawLine(left, top, left, bottom);
            int zero = (int) Math.round(ypos.applyAsDouble(0));
            g.setStroke(new BasicStroke(1.2f));
            g.drawLine(left, zero, right, zero);
            AffineTransform saved = g.getTransform();
            g.translate(22, (top + bottom) / 2.0);
            g.rotate(-Math.PI / 2);
            drawCentred(g, yLabel, new Font(FONT, Font.BOLD, 13), 0, 0);
            g.setTransform(saved);

            // Bars, error bars and values.
            // Bars at most 120 pixels wide, so that two groups do not make two slabs.
            double inner =
                    Math.min(groupWidth * (seriesCount == 1 ? 0.62 : 0.80), 120.0 * seriesCount);
            double barWidth = inner / seriesCount;
            Font valueFont = new Font(FONT, Font.BOLD, barWidth >= 40 ? 13 : 11);
            FontMetrics vm = g.getFontMetrics(valueFont);
            for (int k = 0; k < groupCount; k++) {
                double x0 = left + k * groupWidth + (groupWidth - inner) / 2;
                for (int s = 0; s < seriesCount; s++) {
                    double v = value[k][s];
                    if (!Double.isFinite(v)) {
                        continue;
                    }
                    double bx = x0 + s * barWidth + 1;
                    double bw = barWidth - 2;
                    double y0 = ypos.applyAsDouble(0);
                    double y1 = ypos.applyAsDouble(v);
                    Rectangle2D bar =
                            new Rectangle2D.Double(bx, Math.min(y0, y1), bw, Math.abs(y1 - y0));
                    g.setColor(colour[k][s]);
                    g.fill(bar);
                    g.setColor(colour[k][s].darker());
                    g.setStroke(new BasicStroke(1f));
                    g.draw(bar);
                    double end = v;
                    double cx = bx + bw / 2;
                    if (Double.isFinite(lower[k][s]) && Double.isFinite(upper[k][s])) {
                        double yl = ypos.applyAsDouble(lower[k][s]);
                        double yu = ypos.applyAsDouble(upper[k][s]);
                        double cap = Math.min(bw * 0.35, 10);
                        g.setColor(TEXT);
                        g.setStroke(new BasicStroke(1.6f));
                        g.draw(new java.awt.geom.Line2D.Double(cx, yl, cx, yu));
                        g.draw(new java.awt.geom.Line2D.Double(cx - cap, yl, cx + cap, yl));
                        g.draw(new java.awt.geom.Line2D.Double(cx - cap, yu, cx + cap, yu));
                        end = v >= 0 ? Math.max(v, upper[k][s]) : Math.min(v, lower[k][s]);
                    }
                    String label = text[k][s];
                    if (label != null) {
                        g.setFont(valueFont);
                        g.setColor(TEXT);
                        double ye = ypos.applyAsDouble(end);
                        float tx = (float) (cx - vm.stringWidth(label) / 2.0);
                        float ty = (float) (v >= 0 ? ye - 5 : ye + vm.getAscent() + 3);
                        g.drawString(label, tx, ty);
                    }
                }
                // The group's label, centred under it.
                g.setFont(labelFont);
                g.setColor(TEXT);
                int ly = bottom + 6 + gm.getAscent();
                for (String line : labels.get(k)) {
                    int cx = (int) Math.round(left + k * groupWidth + groupWidth / 2);
                    g.drawString(line, cx - gm.stringWidth(line) / 2, ly);
                    ly += gm.getHeight();
                }
            }

            // Legend rows, then the error-bar note with its glyph.
            int ly = bottom + labelsHeight + 10 + lm.getAscent();
            g.setFont(legendFont);
            for (List<LegendEntry> entries : legendRows) {
                int w = 0;
                for (LegendEntry e : entries) {
                    w += 18 + lm.stringWidth(e.text()) + 24;
                }
                int x = (WIDTH - w + 24) / 2;
                for (LegendEntry e : entries) {
                    g.setColor(e.colour());
                    g.fillRect(x, ly - lm.getAscent() + 1, 12, 12);
                    g.setColor(e.colour().darker());
                    g.drawRect(x, ly - lm.getAscent() + 1, 12, 12);
                    g.setColor(TEXT);
                    g.drawString(e.text(), x + 18, ly);
                    x += 18 + lm.stringWidth(e.text()) + 24;
                }
                ly += lm.getHeight() + 4;
            }
            for (int i = 0; i < noteLines.size(); i++) {
                String line = noteLines.get(i);
                int w = lm.stringWidth(line) + (i == 0 ? 22 : 0);
                int x = (WIDTH - w) / 2;
                if (i == 0) {
                    int gx = x + 6;
                    int gy0 = ly - lm.getAscent();
                    int gy1 = ly + 2;
                    g.setColor(TEXT);
                    g.setStroke(new BasicStroke(1.6f));
                    g.drawLine(gx, gy0, gx, gy1);
                    g.drawLine(gx - 4, gy0, gx + 4, gy0);
                    g.drawLine(gx - 4, gy1, gx + 4, gy1);
                    x += 22;
                }
                g.setColor(TEXT);
                g.drawString(line, x, ly);
                ly += lm.getHeight() + 4;
            }
            g.dispose();
            ImageIO.write(image, "png", file.toFile());
        }

        /** 1, 2, 2.5 or 5 times a power of ten, at least {@code raw}. */
        private static double niceStep(double raw) {
            double power = Math.pow(10, Math.floor(Math.log10(raw)));
            for (double m : new double[] {1, 2, 2.5, 5, 10}) {
                if (m * power >= raw) {
                    return m * power;
                }
            }
            return 10 * power;
        }
    }
}
