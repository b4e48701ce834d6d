/** Tests of the core API and of the Distiller training loop. */
package io.distill4j.core;
