package io.distill4j.data;

import io.distill4j.core.Checks;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import javax.imageio.ImageIO;

/**
 * Draws clean and occluded views side by side, so a user can see what the teacher and the student
 * see (the command line's {@code distill show}).
 *
 * <p>The grid shows the first {@code n} samples of a dataset in index order, {@value
 * #PAIRS_PER_ROW} pairs per row, each pair as {@code [clean | occluded]}, on a white background
 * with a {@value #MARGIN}-pixel margin. Small images are enlarged by a whole factor (nearest
 * neighbour) so that each view is at least 96 pixels high. Views are taken at the dataset's current
 * epoch, with its augmentation.
 */
public final class PairGrid {

    /** The number of pairs per row. */
    public static final int PAIRS_PER_ROW = 4;

    /** The margin around the grid and between pairs, in pixels. */
    public static final int MARGIN = 10;

    /** The gap between a pair's clean and occluded view, in pixels. */
    public static final int GAP = 2;

    private PairGrid() {}

    /**
     * Returns the enlargement factor for views of a given height.
     *
     * @param height the view height
     * @return the factor, at least 1
     */
    public static int scaleFor(int height) {
        return Math.max(1, (96 + height - 1) / height);
    }

    /**
     * Draws the grid.
     *
     * @param dataset the dataset
     * @param n the number of pairs, at least 1; at most the dataset size are drawn
     * @return the image
     * @throws IOException if an image cannot be read
     */
    public static BufferedImage render(PairedViewDataset dataset, int n) throws IOException {
        Objects.requireNonNull(dataset, "dataset");
        Checks.positive("n", n);
        int count = (int) Math.min(n, dataset.size());
        if (count == 0) {
            throw new IllegalArgumentException("the dataset is empty, there is nothing to show");
        }
        int h = (int) dataset.getImageShape().get(1);
        int w = (int) dataset.getImageShape().get(2);
        int s = scaleFor(h);
        int pairWidth = 2 * w * s + GAP;
        int columns = Math.min(PAIRS_PER_ROW, count);
        int rows = (count + PAIRS_PER_ROW - 1) / PAIRS_PER_ROW;
        int width = MARGIN + columns * (pairWidth + MARGIN);
        int height = MARGIN + rows * (h * s + MARGIN);
        BufferedImage grid = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(
                    RenderingHints.KEY_INTERPOLATION,
                    RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            for (int i = 0; i < count; i++) {
                PairedView view = dataset.view(i);
                int x = MARGIN + (i % PAIRS_PER_ROW) * (pairWidth + MARGIN);
                int y = MARGIN + (i / PAIRS_PER_ROW) * (h * s + MARGIN);
                g.drawImage(view.clean().toBufferedImage(), x, y, w * s, h * s, null);
                g.drawImage(
                        view.occluded().toBufferedImage(), x + w * s + GAP, y, w * s, h * s, null);
            }
        } finally {
            g.dispose();
        }
        return grid;
    }

    /**
     * Draws the grid and writes it as a PNG file (parent folders are created).
     *
     * @param dataset the dataset
     * @param n the number of pairs, at least 1
     * @param png the file to write
     * @throws IOException if an image cannot be read or the file cannot be written
     */
    public static void write(PairedViewDataset dataset, int n, Path png) throws IOException {
        Objects.requireNonNull(png, "png");
        BufferedImage grid = render(dataset, n);
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(grid, "png", png.toFile())) {
            throw new IOException("no PNG writer is available in this Java runtime");
        }
    }
}
