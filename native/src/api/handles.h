// What the opaque handles of tiller.h point to.
#pragma once

#include <atomic>
#include <memory>

#include "core/error.h"
#include "model/model.h"
#include "runtime/session.h"
#include "sae/sae.h"
#include "steer/control_vector.h"
#include "tokenizer/tokenizer.h"
#include "train/graph.h"

namespace tiller {
// Fails with TILLER_ERR_UNSUPPORTED when TILLER_CPU asks for a kernel path that cannot run here.
void require_cpu_request();
}  // namespace tiller

struct tiller_model {
    std::shared_ptr<const tiller::Model> model;
};

struct tiller_session {
    std::unique_ptr<tiller::Session> session;
};

struct tiller_cvec {
    std::unique_ptr<tiller::ControlVectorFile> file;
};

struct tiller_tokenizer {
    std::unique_ptr<tiller::Tokenizer> tokenizer;
};

struct tiller_sae {
    std::shared_ptr<const tiller::Sae> sae;
};

struct tiller_graph {
    std::unique_ptr<tiller::train::Graph> graph;
    std::atomic<bool> busy{false};  // a graph is driven by one thread at a time
};

namespace tiller {
inline Session &session_of(tiller_session *s) {
    if (!s || !s->session) fail(TILLER_ERR_INVALID_ARGUMENT, "session handle is null");
    return *s->session;
}
inline const Session &session_of(const tiller_session *s) {
    if (!s || !s->session) fail(TILLER_ERR_INVALID_ARGUMENT, "session handle is null");
    return *s->session;
}
}  // namespace tiller
