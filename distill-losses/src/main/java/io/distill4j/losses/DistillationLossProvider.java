package io.distill4j.losses;

/**
 * The service-provider interface through which a third-party jar adds strategies to {@link
 * DistillationLossRegistry#defaults()}, the way DJL discovers engines.
 *
 * <p>Implement it with a public no-argument constructor and list the class in {@code
 * META-INF/services/io.distill4j.losses.DistillationLossProvider}:
 *
 * <pre>{@code
 * public final class MyProvider implements DistillationLossProvider {
 *     public void registerTo(DistillationLossRegistry registry) {
 *         registry.register("attention", Set.of("p"), (task, p) -> new AttentionLoss(p.getFloat("p", 2f)));
 *     }
 * }
 * }</pre>
 *
 * A provider must not re-register a built-in name: duplicates are rejected.
 */
public interface DistillationLossProvider {

    /**
     * Registers this provider's strategies.
     *
     * @param registry the registry to add to
     */
    void registerTo(DistillationLossRegistry registry);
}
