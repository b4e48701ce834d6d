package io.distill4j.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class ModelInfoCommandTest {

    @Test
    void modelInfo_resnet50_printsTorchvisionParameterCount() {
        Cli cli = Cli.run("model-info", "--model", "resnet50", "--input", "3x224x224", "--classes", "1000");
        assertThat(cli.status).as(cli.err).isZero();
        assertThat(cli.out.lines()).contains("parameters: 25557032", "embedding: 2048");
    }

    @Test
    void modelInfo_unknownModel_listsKnown() {
        Cli cli = Cli.run("model-info", "--model", "alexnet");
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err.trim()).startsWith("distill: unknown --model 'alexnet'; use one of resnet18");
    }

    @Test
    void modelInfo_inputTooSmall_saysSmallestSize() {
        Cli cli = Cli.run("model-info", "--model", "vgg-f", "--input", "3x16x16");
        assertThat(cli.status).isEqualTo(2);
        assertThat(cli.err).contains("smallest input that works is 3x55x55");
    }
}
