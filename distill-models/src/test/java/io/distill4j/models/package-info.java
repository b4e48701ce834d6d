/** Tests of the architectures, TorchScript loading, converted weights and summaries. */
package io.distill4j.models;
