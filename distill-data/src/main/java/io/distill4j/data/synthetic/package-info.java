/**
 * Synthetic labelled faces that need no download: a deterministic generator of small grey faces
 * whose expression is carried partly by the eyes and brows (upper half) and partly by the mouth
 * (lower half), with age-like and gender-like attributes, as an in-memory data source and as
 * writers of the real FER+ and UTKFace file formats.
 *
 * <p>The public API of this package takes and returns no {@code null}s.
 */
package io.distill4j.data.synthetic;
