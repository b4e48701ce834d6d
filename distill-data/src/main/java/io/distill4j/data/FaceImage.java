package io.distill4j.data;

import io.distill4j.core.Checks;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * A face image: {@code channels x height x width} float values in [0, 1], channel-major ({@code (C,
 * H, W)}, the layout of a DJL image tensor), with the face's 68 landmarks when the data set
 * provides them.
 *
 * <p>Instances are immutable: every operation returns a new image, and {@link #pixels()} returns a
 * copy. Geometric operations move the landmarks with the pixels.
 */
public final class FaceImage {

    private final int channels;
    private final int height;
    private final int width;
    private final float[] pixels;
    private final Landmarks landmarks;

    private FaceImage(int channels, int height, int width, float[] pixels, Landmarks landmarks) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.pixels = pixels;
        this.landmarks = landmarks;
    }

    /**
     * Creates an image from channel-major values.
     *
     * @param channels the number of channels, 1 (grey) or 3 (RGB)
     * @param height the height in pixels, at least 1
     * @param width the width in pixels, at least 1
     * @param pixels {@code channels * height * width} values in [0, 1], copied
     * @return the image
     * @throws IllegalArgumentException if a size or value is out of range
     */
    public static FaceImage of(int channels, int height, int width, float[] pixels) {
        Objects.requireNonNull(pixels, "pixels");
        checkSize(channels, height, width);
        if (pixels.length != channels * height * width) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "pixels must hold channels * height * width = %d values for (%d, %d,"
                                    + " %d), was %d",
                            channels * height * width, channels, height, width, pixels.length));
        }
        for (int i = 0; i < pixels.length; i++) {
            float v = pixels[i];
            if (!(v >= 0f && v <= 1f)) {
                throw new IllegalArgumentException(
                        Checks.format("pixel %d must be in [0, 1], was %s", i, v));
            }
        }
        return new FaceImage(channels, height, width, pixels.clone(), null);
    }

    /**
     * Creates a grey image from 8-bit values, row-major (the FER2013 layout).
     *
     * @param height the height
     * @param width the width
     * @param grey {@code height * width} values, read as unsigned bytes (0-255)
     * @return the image, values divided by 255
     */
    public static FaceImage fromGreyBytes(int height, int width, byte[] grey) {
        Objects.requireNonNull(grey, "grey");
        checkSize(1, height, width);
        if (grey.length != height * width) {
            throw new IllegalArgumentException(
                    Checks.format(
                            "grey must hold height * width = %d values, was %d",
                            height * width, grey.length));
        }
        float[] p = new float[grey.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (grey[i] & 0xFF) / 255f;
        }
        return new FaceImage(1, height, width, p, null);
    }

    /**
     * Converts a decoded image: grey images (8-bit grey types) become one channel, everything else
     * three (RGB, alpha dropped).
     *
     * @param image the image
     * @return the face image
     */
    public static FaceImage fromBufferedImage(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        int h = image.getHeight();
        int w = image.getWidth();
        boolean grey =
                image.getType() == BufferedImage.TYPE_BYTE_GRAY
                        || image.getType() == BufferedImage.TYPE_USHORT_GRAY;
        int c = grey ? 1 : 3;
        float[] p = new float[c * h * w];
        if (grey) {
            java.awt.image.Raster raster = image.getRaster();
            float max = image.getType() == BufferedImage.TYPE_USHORT_GRAY ? 65535f : 255f;
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    p[y * w + x] = row[x] / max;
                }
            }
        } else {
            int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
            int plane = h * w;
            for (int i = 0; i < plane; i++) {
                int v = rgb[i];
                p[i] = ((v >> 16) & 0xFF) / 255f;
                p[plane + i] = ((v >> 8) & 0xFF) / 255f;
                p[2 * plane + i] = (v & 0xFF) / 255f;
            }
        }
        return new FaceImage(c, h, w, p, null);
    }

    /**
     * Decodes an image file with {@code javax.imageio} (JPEG, PNG, BMP, GIF), refusing a damaged
     * one: see {@link #decode(byte[], String)}.
     *
     * @param file the file
     * @return the image, without landmarks
     * @throws DatasetFormatException if the file is missing, cannot be decoded, or is truncated or
     *     damaged; the message names the path
     */
    public static FaceImage read(Path file) throws DatasetFormatException {
        Objects.requireNonNull(file, "file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DatasetFormatException(file.toString(), 0, "image file not found", e);
        } catch (IOException e) {
            throw new DatasetFormatException(
                    file.toString(), 0, "unreadable image: " + e.getMessage(), e);
        }
        return decode(bytes, file.toString());
    }

    /**
     * Decodes an encoded image (JPEG, PNG, BMP, GIF), refusing a truncated or damaged one rather
     * than returning a partly blank face.
     *
     * <p>{@code javax.imageio} decodes a JPEG cut in half "successfully", filling the missing part
     * with grey, and only says so through warnings; any decoder warning is therefore an error here
     * (except libjpeg's "extraneous bytes before marker", which loses no pixel). A PNG must end
     * with its {@code IEND} chunk and a GIF with its trailer byte: see {@link
     * DataFiles#truncation(String, byte[], boolean)}.
     *
     * @param bytes the file's content
     * @param source the file's path (or another name), for messages
     * @return the image, without landmarks
     * @throws DatasetFormatException if the bytes cannot be decoded, or are truncated or damaged;
     *     the message names the source
     */
    public static FaceImage decode(byte[] bytes, String source) throws DatasetFormatException {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(source, "source");
        if (bytes.length == 0) {
            throw new DatasetFormatException(source, 0, "unreadable image: the file is empty");
        }
        BufferedImage image;
        String format;
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new DatasetFormatException(
                        source, 0, "unreadable image: not a JPEG, PNG, BMP or GIF file");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                reader.addIIOReadWarningListener(
                        (r, warning) -> {
                            if (!DataFiles.isHarmlessWarning(warning)) {
                                warnings.add(warning);
                            }
                        });
                format = reader.getFormatName();
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (DatasetFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DatasetFormatException(source, 0, "unreadable image: " + e.getMessage(), e);
        }
        if (!warnings.isEmpty()) {
            throw new DatasetFormatException(
                    source,
                    0,
                    "truncated or damaged image, refused rather than read with blank parts (the"
                            + " decoder said: "
                            + String.join("; ", warnings)
                            + ")");
        }
        Optional<String> truncated = DataFiles.truncation(format, bytes, false);
        if (truncated.isPresent()) {
            throw new DatasetFormatException(source, 0, truncated.get());
        }
        return fromBufferedImage(image);
    }

    private static void checkSize(int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException(
                    Checks.format("channels must be 1 or 3, was %d", channels));
        }
        Checks.positive("height", height);
        Checks.positive("width", width);
    }

    /**
     * Returns the number of channels, 1 or 3.
     *
     * @return the channels
     */
    public int channels() {
        return channels;
    }

    /**
     * Returns the height in pixels.
     *
     * @return the height
     */
    public int height() {
        return height;
    }

    /**
     * Returns the width in pixels.
     *
     * @return the width
     */
    public int width() {
        return width;
    }

    /**
     * Returns one value.
     *
     * @param c the channel
     * @param y the row
     * @param x the column
     * @return the value in [0, 1]
     */
    public float get(int c, int y, int x) {
        return pixels[(c * height + y) * width + x];
    }

    /**
     * Returns a copy of the values, channel-major.
     *
     * @return {@code channels * height * width} values
     */
    public float[] pixels() {
        return pixels.clone();
    }

    /**
     * Returns the landmarks, when known.
     *
     * @return the landmarks, or empty
     */
    public Optional<Landmarks> landmarks() {
        return Optional.ofNullable(landmarks);
    }

    /**
     * Returns this image with landmarks attached.
     *
     * @param newLandmarks the landmarks, in this image's pixel coordinates
     * @return the image
     */
    public FaceImage withLandmarks(Landmarks newLandmarks) {
        return new FaceImage(
                channels, height, width, pixels, Objects.requireNonNull(newLandmarks, "landmarks"));
    }

    /**
     * Returns this image without landmarks.
     *
     * @return the image
     */
    public FaceImage withoutLandmarks() {
        return landmarks == null ? this : new FaceImage(channels, height, width, pixels, null);
    }

    /**
     * Returns an image with the same size and landmarks and new values (an occluded copy, for
     * example).
     *
     * @param newPixels {@code channels * height * width} values in [0, 1], copied
     * @return the image
     */
    public FaceImage withPixels(float[] newPixels) {
        FaceImage image = of(channels, height, width, newPixels);
        return new FaceImage(channels, height, width, image.pixels, landmarks);
    }

    /**
     * Returns the image with 1 or 3 channels: grey becomes RGB by copying, RGB becomes grey by the
     * ITU-R 601 luma weights (0.299, 0.587, 0.114).
     *
     * @param newChannels 1 or 3
     * @return the image
     */
    public FaceImage toChannels(int newChannels) {
        checkSize(newChannels, height, width);
        if (newChannels == channels) {
            return this;
        }
        int plane = height * width;
        float[] p = new float[newChannels * plane];
        if (newChannels == 3) {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(pixels, 0, p, c * plane, plane);
            }
        } else {
            for (int i = 0; i < plane; i++) {
                float v =
                        0.299f * pixels[i]
                                + 0.587f * pixels[plane + i]
                                + 0.114f * pixels[2 * plane + i];
                p[i] = Math.min(1f, Math.max(0f, v));
            }
        }
        return new FaceImage(newChannels, height, width, p, landmarks);
    }

    /**
     * Returns the image resized by bilinear interpolation (half-pixel centres, as PyTorch's {@code
     * align_corners=False}); landmarks are scaled with it.
     *
     * @param newHeight the new height
     * @param newWidth the new width
     * @return the image
     */
    public FaceImage resize(int newHeight, int newWidth) {
        Checks.positive("height", newHeight);
        Checks.positive("width", newWidth);
        if (newHeight == height && newWidth == width) {
            return this;
        }
        float sy = (float) height / newHeight;
        float sx = (float) width / newWidth;
        int[] x0 = new int[newWidth];
        int[] x1 = new int[newWidth];
        float[] fx = new float[newWidth];
        for (int x = 0; x < newWidth; x++) {
            float src = Math.max(0f, (x + 0.5f) * sx - 0.5f);
            x0[x] = Math.min((int) src, width - 1);
            x1[x] = Math.min(x0[x] + 1, width - 1);
            fx[x] = src - x0[x];
        }
        float[] p = new float[channels * newHeight * newWidth];
        for (int c = 0; c < channels; c++) {
            int base = c * height * width;
            for (int y = 0; y < newHeight; y++) {
                float src = Math.max(0f, (y + 0.5f) * sy - 0.5f);
                int y0 = Math.min((int) src, height - 1);
                int y1 = Math.min(y0 + 1, height - 1);
                float fy = src - y0;
                int out = (c * newHeight + y) * newWidth;
                for (int x = 0; x < newWidth; x++) {
                    float a = pixels[base + y0 * width + x0[x]];
                    float b = pixels[base + y0 * width + x1[x]];
                    float d = pixels[base + y1 * width + x0[x]];
                    float e = pixels[base + y1 * width + x1[x]];
                    float top = a + (b - a) * fx[x];
                    float bottom = d + (e - d) * fx[x];
                    p[out + x] = top + (bottom - top) * fy;
                }
            }
        }
        Landmarks moved =
                landmarks == null
                        ? null
                        : landmarks.transform(
                                (float) newWidth / width, (float) newHeight / height, 0, 0);
        return new FaceImage(channels, newHeight, newWidth, p, moved);
    }

    /**
     * Returns the region {@code [left, left + cropWidth) x [top, top + cropHeight)}; parts outside
     * the image are black. Landmarks move with the region.
     *
     * @param left the first column, may be negative
     * @param top the first row, may be negative
     * @param cropWidth the width, at least 1
     * @param cropHeight the height, at least 1
     * @return the region
     */
    public FaceImage crop(int left, int top, int cropWidth, int cropHeight) {
        Checks.positive("cropWidth", cropWidth);
        Checks.positive("cropHeight", cropHeight);
        float[] p = new float[channels * cropHeight * cropWidth];
        int xFrom = Math.max(0, left);
        int xTo = Math.min(width, left + cropWidth);
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < cropHeight; y++) {
                int sy = top + y;
                if (sy < 0 || sy >= height || xFrom >= xTo) {
                    continue;
                }
                System.arraycopy(
                        pixels,
                        (c * height + sy) * width + xFrom,
                        p,
                        (c * cropHeight + y) * cropWidth + (xFrom - left),
                        xTo - xFrom);
            }
        }
        Landmarks moved = landmarks == null ? null : landmarks.transform(1, 1, -left, -top);
        return new FaceImage(channels, cropHeight, cropWidth, p, moved);
    }

    /**
     * Returns the image mirrored left-right, landmarks mirrored and renumbered.
     *
     * @return the image
     */
    public FaceImage flipHorizontal() {
        float[] p = new float[pixels.length];
        for (int row = 0; row < channels * height; row++) {
            int o = row * width;
            for (int x = 0; x < width; x++) {
                p[o + x] = pixels[o + width - 1 - x];
            }
        }
        Landmarks moved = landmarks == null ? null : landmarks.flipHorizontal(width);
        return new FaceImage(channels, height, width, p, moved);
    }

    /**
     * Returns the image moved by {@code (dx, dy)} pixels on a same-size canvas; uncovered pixels
     * are black (a random crop of a zero-padded image).
     *
     * @param dx the horizontal move, positive to the right
     * @param dy the vertical move, positive downwards
     * @return the image
     */
    public FaceImage shift(int dx, int dy) {
        if (dx == 0 && dy == 0) {
            return this;
        }
        return crop(-dx, -dy, width, height);
    }

    /**
     * Converts to an 8-bit image ({@code TYPE_BYTE_GRAY} or {@code TYPE_INT_RGB}).
     *
     * @return the image
     */
    public BufferedImage toBufferedImage() {
        int plane = height * width;
        if (channels == 1) {
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            int[] row = new int[width];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    row[x] = Math.round(pixels[y * width + x] * 255f);
                }
                image.getRaster().setSamples(0, y, width, 1, 0, row);
            }
            return image;
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[plane];
        for (int i = 0; i < plane; i++) {
            int r = Math.round(pixels[i] * 255f);
            int g = Math.round(pixels[plane + i] * 255f);
            int b = Math.round(pixels[2 * plane + i] * 255f);
            rgb[i] = (r << 16) | (g << 8) | b;
        }
        image.setRGB(0, 0, width, height, rgb, 0, width);
        return image;
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object o) {
        return o instanceof FaceImage other
                && channels == other.channels
                && height == other.height
                && width == other.width
                && Arrays.equals(pixels, other.pixels)
                && Objects.equals(landmarks, other.landmarks);
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return Objects.hash(channels, height, width, Arrays.hashCode(pixels), landmarks);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return Checks.format(
                "FaceImage(%d, %d, %d%s)",
                channels, height, width, landmarks == null ? "" : ", with landmarks");
    }
}
