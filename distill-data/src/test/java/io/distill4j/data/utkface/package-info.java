/** Tests of {@code io.distill4j.data.utkface}. */
package io.distill4j.data.utkface;
