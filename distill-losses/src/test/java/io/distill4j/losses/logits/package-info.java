/** Tests of the logit-based strategies. */
package io.distill4j.losses.logits;
