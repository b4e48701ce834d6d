/**
 * Tests of the strategies against PyTorch (golden fixtures), of the registry and of the service
 * loader.
 */
package io.distill4j.losses;
