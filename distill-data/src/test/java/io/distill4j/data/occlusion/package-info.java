/** Tests of {@code io.distill4j.data.occlusion}. */
package io.distill4j.data.occlusion;
