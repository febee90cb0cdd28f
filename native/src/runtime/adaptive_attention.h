// A session's query-adaptive attention (QAdA, kernels/qada.h): its configuration, the running
// bulk-key moments, per-head labels for the static baseline, and the per-(head, query) record
// (p-hat, p_bulk, decision) of the last evaluate for the global layers. Sliding-window layers
// are left as they are.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/qada.h"
#include "model/hparams.h"
#include "runtime/key_moments.h"

namespace tiller {

class AdaptiveAttention {
public:
    explicit AdaptiveAttention(const HParams &hp);

    // Validates and installs a configuration (one that changes anything needs a global layer); labels (for QadaDecision::labels) hold
    // n_layer * max_n_head bytes, [layer][head], 1 = long-context.
    void configure(const QadaConfig &config, const std::vector<uint8_t> &labels);
    const QadaConfig &config() const { return config_; }
    // Whether layer il runs through QAdA rather than the plain kernel.
    bool applies(int64_t il) const { return !hp_.layers[il].swa && (recording_ || !config_.dense()); }

    void set_recording(bool on);
    bool recording() const { return recording_; }
    // Sizes the record for an evaluate of n tokens.
    void begin(int64_t n);
    // Layer il's attention for the batch whose first row is row0 of the evaluate.
    void run(ThreadPool &pool, const AttentionArgs &a, int64_t row0);

    // The record of a global layer: [n_tokens][n_head][2] (p-hat, p_bulk) and [n_tokens][n_head]
    // decisions; nullptr when the layer slides or nothing is recorded.
    const std::vector<float> *estimates(int64_t il) const;
    const std::vector<uint8_t> *decisions(int64_t il) const;
    int64_t recorded_tokens() const { return tokens_; }

    void truncate(const KvCache &cache, int64_t pos) { moments_.truncate(cache, pos); }
    void clear();

private:
    void require_global_layer() const;

    const HParams &hp_;
    QadaConfig config_;
    std::vector<uint8_t> labels_;
    KeyMoments moments_;
    std::vector<double> bulk_mv_;
    bool recording_ = false;
    int64_t tokens_ = 0;
    std::vector<std::vector<float>> estimates_;
    std::vector<std::vector<uint8_t>> decisions_;
};

}  // namespace tiller
