package io.distill4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OwnedArraysTest {

    @Test
    void of_arraysKeepTheirValuesAfterTheBufferIsReused() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            float[] first = new float[2304];
            float[] second = new float[2304];
            for (int i = 0; i < first.length; i++) {
                first[i] = i / 7f;
                second[i] = -i;
            }
            NDArray a = OwnedArrays.of(manager, first, new Shape(1, 48, 48));
            NDArray b = OwnedArrays.of(manager, second, new Shape(1, 48, 48));
            NDArray index = OwnedArrays.of(manager, 123_456_789_012L);
            NDArray code = OwnedArrays.of(manager, 7);
            NDArray target = OwnedArrays.of(manager, 0.25f);
            NDArray soft = OwnedArrays.of(manager, new float[] {0.5f, 0.25f, 0.25f}, new Shape(3));

            assertThat(a.toFloatArray()).isEqualTo(first);
            assertThat(b.toFloatArray()).isEqualTo(second);
            assertThat(a.getShape()).isEqualTo(new Shape(1, 48, 48));
            assertThat(index.getDataType()).isEqualTo(DataType.INT64);
            assertThat(index.getShape()).isEqualTo(new Shape());
            assertThat(index.getLong()).isEqualTo(123_456_789_012L);
            assertThat(code.getDataType()).isEqualTo(DataType.INT32);
            assertThat(code.getInt()).isEqualTo(7);
            assertThat(target.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(target.getFloat()).isEqualTo(0.25f);
            assertThat(soft.toFloatArray()).containsExactly(0.5f, 0.25f, 0.25f);
            // a later, smaller write into the same scratch buffer leaves the first arrays alone
            assertThat(a.toFloatArray()).isEqualTo(first);
        }
    }

    @Test
    void of_largerThanTheScratchBufferGrowsIt() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            float[] big = new float[3 * 112 * 112];
            Arrays.fill(big, 0.5f);
            big[big.length - 1] = 2f;
            NDArray a = OwnedArrays.of(manager, big, new Shape(3, 112, 112));
            assertThat(a.toFloatArray()).isEqualTo(big);
        }
    }
}
