/** Tests of checkpoints: round trips, manifests, refusals. */
package io.distill4j.models.checkpoint;
