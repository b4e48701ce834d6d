package io.distill4j.losses;

import io.distill4j.core.TaskLoss;
import java.util.List;

/** A third-party provider, found by the service loader through META-INF/services in test resources. */
public final class TestLossProvider implements DistillationLossProvider {

    /** Creates the provider (the service loader needs a public no-argument constructor). */
    public TestLossProvider() {}

    @Override
    public void registerTo(DistillationLossRegistry registry) {
        registry.register("third-party", List.of("scale"), (task, p) -> {
            p.getFloat("scale", 1f);
            return TaskLoss.forTask(task);
        });
    }
}
