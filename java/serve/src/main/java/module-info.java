/**
 * {@code tiller serve}: an OpenAI-compatible HTTP server over one {@link dev.tiller.Model}, with
 * steering as a request parameter ({@code dev.tiller.serve}). Helidon SE's web server runs each
 * request on a virtual thread, so handlers block on a session slot and on the runtime without a
 * reactive layer.
 */
module dev.tiller.serve {
    requires transitive dev.tiller;
    requires io.helidon.webserver;
    requires com.fasterxml.jackson.databind;

    exports dev.tiller.serve;
}
