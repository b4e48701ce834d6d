/** Tests of {@code io.distill4j.data.fer}. */
package io.distill4j.data.fer;
