/**
 * JMH benchmarks of the distillation losses: one training step of a loss (forward and backward)
 * on synthetic inputs, by batch size and variant.
 */
package io.distill4j.benchmarks.losses;
