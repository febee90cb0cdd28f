/**
 * Tiller's core: models, sessions and generation ({@code dev.tiller}), steering
 * ({@code dev.tiller.steer}), long-context head identification ({@code dev.tiller.heads}) and file formats ({@code dev.tiller.io}). No dependency beyond the JDK
 * and Tiller's own bindings; {@code dev.tiller.internal} (native calls, handles, upcalls) is not API.
 */
module dev.tiller {
    requires dev.tiller.bindings;

    exports dev.tiller;
    exports dev.tiller.steer;
    exports dev.tiller.heads;
    exports dev.tiller.io;
    // The training engine checks native status codes the same way the core does.
    exports dev.tiller.internal to dev.tiller.train;
}
