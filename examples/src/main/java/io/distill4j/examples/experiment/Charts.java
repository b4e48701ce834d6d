package io.distill4j.examples.experiment;

import io.distill4j.core.EpochResult;
import io.distill4j.core.TrainingHistory;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG charts of a comparison: the metric per model with error bars, and per-epoch curves. */
final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {}

    /** Bar chart of each row's mean metric with a one-standard-deviation error bar. */
    static void metricBars(Comparison comparison, Path file) throws IOException {
        boolean accuracy = comparison.getTask().isClassification();
        DefaultStatisticalCategoryDataset dataset = new DefaultStatisticalCategoryDataset();
        for (Comparison.Row row : comparison.rows()) {
            double scale = accuracy ? 100 : 1;
            dataset.add(row.mean() * scale, row.std() * scale, "test", row.model());
        }
        String label = accuracy ? "test accuracy (%)" : "test mean absolute error";
        JFreeChart chart =
                ChartFactory.createBarChart(
                        label + ", mean ± std over seeds",
                        "model",
                        label,
                        dataset,
                        PlotOrientation.VERTICAL,
                        false,
                        false,
                        false);
        CategoryPlot plot = chart.getCategoryPlot();
        StatisticalBarRenderer renderer = new StatisticalBarRenderer();
        renderer.setErrorIndicatorPaint(Color.BLACK);
        renderer.setSeriesPaint(0, new Color(70, 120, 180));
        plot.setRenderer(renderer);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(accuracy);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    /** Line chart of a per-epoch quantity, one series per trained model and seed. */
    static void curves(
            Map<String, List<RunResult>> runs, boolean validation, String yLabel, Path file)
            throws IOException {
        XYSeriesCollection collection = new XYSeriesCollection();
        for (Map.Entry<String, List<RunResult>> entry : runs.entrySet()) {
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
                                    epoch.epoch(),
                                    history.task().isClassification() ? 100 * v : v);
                        }
                    } else {
                        series.add(epoch.epoch(), epoch.trainLoss());
                    }
                }
                if (series.getItemCount() > 0) {
                    collection.addSeries(series);
                }
            }
        }
        JFreeChart chart =
                ChartFactory.createXYLineChart(
                        yLabel + " per epoch",
                        "epoch",
                        yLabel,
                        collection,
                        PlotOrientation.VERTICAL,
                        true,
                        false,
                        false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        for (int i = 0; i < collection.getSeriesCount(); i++) {
            plot.getRenderer().setSeriesStroke(i, new BasicStroke(2f));
        }
        ((NumberAxis) plot.getDomainAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }
}
