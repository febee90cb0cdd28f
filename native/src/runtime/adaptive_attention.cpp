#include "runtime/adaptive_attention.h"

#include <cmath>

#include "core/error.h"

namespace tiller {

AdaptiveAttention::AdaptiveAttention(const HParams &hp)
    : hp_(hp), moments_(hp), estimates_(static_cast<size_t>(hp.n_layer)), decisions_(static_cast<size_t>(hp.n_layer)) {
    moments_.reset(config_.t_sink, config_.t_local);
}

void AdaptiveAttention::configure(const QadaConfig &c, const std::vector<uint8_t> &labels) {
    const int d = static_cast<int>(c.decision);
    TILLER_REQUIRE_ARG(d >= 0 && d <= 3, "unknown adaptive-attention decision rule %d", d);
    const int mo = static_cast<int>(c.moments);
    TILLER_REQUIRE_ARG(mo >= 0 && mo <= 1, "unknown moments %d (0 local, 1 bulk)", mo);
    TILLER_REQUIRE_ARG(std::isfinite(c.tau) && c.tau >= 0.0 && c.tau <= 1.0, "tau %g is outside [0, 1]", c.tau);
    TILLER_REQUIRE_ARG(c.t_sink >= 0, "t_sink %lld is negative", (long long)c.t_sink);
    TILLER_REQUIRE_ARG(c.t_local >= 1, "t_local %lld is below 1", (long long)c.t_local);
    if (!c.dense()) require_global_layer();
    const size_t n_labels = static_cast<size_t>(hp_.n_layer * hp_.max_n_head());
    if (c.decision == QadaDecision::labels)
        TILLER_REQUIRE_ARG(labels.size() == n_labels, "static labels: %zu given, the model needs %zu (n_layer x n_head)",
                           labels.size(), n_labels);
    if (c.t_sink != config_.t_sink || c.t_local != config_.t_local) moments_.reset(c.t_sink, c.t_local);
    config_ = c;
    labels_ = c.decision == QadaDecision::labels ? labels : std::vector<uint8_t>();
}

void AdaptiveAttention::require_global_layer() const {
    for (const LayerParams &lp : hp_.layers)
        if (!lp.swa) return;
    fail(TILLER_ERR_UNSUPPORTED, "adaptive attention works on global-attention layers; every layer of this model slides");
}

void AdaptiveAttention::set_recording(bool on) {
    if (on) require_global_layer();
    recording_ = on;
    tokens_ = 0;
    if (!on)
        for (int64_t il = 0; il < hp_.n_layer; ++il) estimates_[il].clear(), decisions_[il].clear();
}

void AdaptiveAttention::begin(int64_t n) {
    tokens_ = recording_ ? n : 0;
    if (!recording_) return;
    for (int64_t il = 0; il < hp_.n_layer; ++il) {
        if (hp_.layers[il].swa) continue;
        estimates_[il].resize(static_cast<size_t>(n * hp_.layers[il].n_head * 2));
        decisions_[il].resize(static_cast<size_t>(n * hp_.layers[il].n_head));
    }
}

void AdaptiveAttention::run(ThreadPool &pool, const AttentionArgs &a, int64_t row0) {
    QadaArgs qa{&config_};
    if (config_.moments == QadaMoments::bulk) {
        bulk_mv_.resize(static_cast<size_t>(a.n_tokens * a.n_head * 2));
        moments_.moments(pool, a, bulk_mv_.data());
        qa.bulk_moments = bulk_mv_.data();
    }
    if (config_.decision == QadaDecision::labels) qa.labels = labels_.data() + a.layer * hp_.max_n_head();
    if (recording_) {
        qa.record = estimates_[a.layer].data() + row0 * a.n_head * 2;
        qa.decisions = decisions_[a.layer].data() + row0 * a.n_head;
    }
    qada_attention(pool, a, qa);
}

const std::vector<float> *AdaptiveAttention::estimates(int64_t il) const {
    return recording_ && !hp_.layers[il].swa ? &estimates_[il] : nullptr;
}

const std::vector<uint8_t> *AdaptiveAttention::decisions(int64_t il) const {
    return recording_ && !hp_.layers[il].swa ? &decisions_[il] : nullptr;
}

void AdaptiveAttention::clear() {
    moments_.reset(config_.t_sink, config_.t_local);
    tokens_ = 0;
}

}  // namespace tiller
