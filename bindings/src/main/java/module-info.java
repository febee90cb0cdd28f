/**
 * The generated FFM bindings of {@code native/include/tiller.h} and the loader of libtiller. Not
 * API: only Tiller's own modules read it.
 */
module dev.tiller.bindings {
    exports dev.tiller.bindings to dev.tiller, dev.tiller.train;
}
