/** Tests of hint distillation and its adapters. */
package io.distill4j.losses.feature;
