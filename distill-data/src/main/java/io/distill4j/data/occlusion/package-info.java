/**
 * Occlusions that turn a clean face into the student's view: {@code vr-headset} (the upper half
 * hidden, the paper's setting for expressions), {@code surgical-mask} (the lower face hidden, for
 * age and gender) and {@code none}.
 *
 * <p>Occlusions are pure functions of the image (and its landmarks), so they are deterministic per
 * image and need no seed. The public API of this package takes and returns no {@code null}s.
 */
package io.distill4j.data.occlusion;
