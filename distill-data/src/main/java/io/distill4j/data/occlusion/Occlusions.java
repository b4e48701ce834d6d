package io.distill4j.data.occlusion;

import io.distill4j.core.Checks;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** The built-in occlusions, by name. */
public final class Occlusions {

    /** The names {@link #byName(String)} accepts. */
    public static final List<String> NAMES =
            List.of(VrHeadsetOcclusion.NAME, SurgicalMaskOcclusion.NAME, NoOcclusion.NAME);

    private static final NoOcclusion NONE = new NoOcclusion();

    private Occlusions() {}

    /**
     * Returns the VR headset over the upper face, following landmarks when present.
     *
     * @return the occlusion
     */
    public static Occlusion vrHeadset() {
        return VrHeadsetOcclusion.create();
    }

    /**
     * Returns the surgical mask over the lower face, following landmarks when present.
     *
     * @return the occlusion
     */
    public static Occlusion surgicalMask() {
        return SurgicalMaskOcclusion.create();
    }

    /**
     * Returns the occlusion that hides nothing.
     *
     * @return the occlusion
     */
    public static Occlusion none() {
        return NONE;
    }

    /**
     * Returns a built-in occlusion by its command line name (case-insensitive).
     *
     * @param name {@code vr-headset}, {@code surgical-mask} or {@code none}
     * @return the occlusion
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Occlusion byName(String name) {
        Objects.requireNonNull(name, "name");
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case VrHeadsetOcclusion.NAME:
                return vrHeadset();
            case SurgicalMaskOcclusion.NAME:
                return surgicalMask();
            case NoOcclusion.NAME:
                return none();
            default:
                throw new IllegalArgumentException(
                        Checks.format(
                                "occlusion must be one of %s, was '%s'",
                                String.join(", ", NAMES), name));
        }
    }
}
