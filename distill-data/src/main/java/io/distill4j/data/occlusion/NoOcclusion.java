package io.distill4j.data.occlusion;

import io.distill4j.data.FaceImage;

/** Hides nothing: the occluded view equals the clean view (name {@code none}). */
public final class NoOcclusion implements Occlusion {

    /** The command line name. */
    public static final String NAME = "none";

    /** Creates the occlusion; {@link Occlusions#none()} returns a shared instance. */
    public NoOcclusion() {}

    /** {@inheritDoc} */
    @Override
    public String name() {
        return NAME;
    }

    /** {@inheritDoc} */
    @Override
    public boolean[] mask(FaceImage image) {
        return new boolean[image.height() * image.width()];
    }

    /** {@inheritDoc} */
    @Override
    public float[] fill(int channels) {
        return new float[channels];
    }

    /** {@inheritDoc} */
    @Override
    public FaceImage apply(FaceImage image) {
        return image;
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return NAME;
    }
}
