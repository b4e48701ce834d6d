/** Tests of {@code io.distill4j.data.affectnet}. */
package io.distill4j.data.affectnet;
