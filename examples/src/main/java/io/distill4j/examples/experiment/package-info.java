/**
 * The paper's experiment as a library: train (or load) a teacher once, train a fine-tuned
 * baseline and each distillation strategy for several seeds, evaluate them on the same test
 * images, test the gains for significance, and write the report (tables, per-sample predictions,
 * curves and charts).
 */
package io.distill4j.examples.experiment;
