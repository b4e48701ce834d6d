/**
 * AffectNet (Mollahosseini, Hasani and Mahoor 2017), manually annotated part: the {@code
 * training.csv} and {@code validation.csv} file lists with face boxes and 68 landmarks, the images
 * decoded lazily from disk and cropped by the face box, in the 8-class protocol.
 *
 * <p>The public API of this package takes and returns no {@code null}s.
 */
package io.distill4j.data.affectnet;
