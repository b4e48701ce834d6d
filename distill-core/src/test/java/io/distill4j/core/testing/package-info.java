/**
 * Test helpers shared with the other modules through distill-core's test jar: a tiny network in
 * the teacher/student layout and a small paired-view dataset.
 */
package io.distill4j.core.testing;
