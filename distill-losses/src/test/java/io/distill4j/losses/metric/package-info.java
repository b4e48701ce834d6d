/** Tests of triplet-loss distillation. */
package io.distill4j.losses.metric;
