/** Tests of {@code io.distill4j.data}. */
package io.distill4j.data;
