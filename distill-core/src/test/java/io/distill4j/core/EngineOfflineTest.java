package io.distill4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import java.net.URL;
import org.junit.jupiter.api.Test;

final class EngineOfflineTest {

    @Test
    void engine_offline_usesBundledLibtorch() {
        // Offline mode makes DJL refuse any download: if the engine loads, libtorch came from the
        // bundled native jar on the class path.
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
        URL bundled =
                getClass().getClassLoader().getResource("pytorch/cpu/linux-x86_64/libtorch.so");
        assertThat(bundled).isNotNull();
        assertThat(bundled.toString()).contains("pytorch-native-cpu-2.7.1-linux-x86_64.jar");

        Engine engine = Engine.getInstance();
        assertThat(engine.getEngineName()).isEqualTo("PyTorch");
        assertThat(engine.getVersion()).isEqualTo("2.7.1");
        assertThat(LibUtils.getLibtorchPath()).contains("2.7.1").contains("cpu");
    }
}
