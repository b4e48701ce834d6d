/**
 * UTKFace (Zhang, Song and Qi 2017): face images whose file names carry the labels, {@code
 * [age]_[gender]_[race]_[date&time].jpg} (and the aligned {@code .jpg.chip.jpg} form), read with a
 * seeded, stratified train/validation/test split saved to a file; known malformed names are
 * repaired and reported.
 *
 * <p>The public API of this package takes and returns no {@code null}s.
 */
package io.distill4j.data.utkface;
