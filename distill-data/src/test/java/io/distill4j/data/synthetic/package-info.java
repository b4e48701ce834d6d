/** Tests of {@code io.distill4j.data.synthetic}. */
package io.distill4j.data.synthetic;
