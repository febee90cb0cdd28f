/**
 * LangChain4j's chat model interfaces on a Tiller model, in-process. langchain4j-core has no
 * module descriptor, so it is required by its automatic name.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.tiller.langchain4j {
    requires transitive dev.tiller;
    requires transitive langchain4j.core;

    exports dev.tiller.langchain4j;
}
