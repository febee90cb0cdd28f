// A loaded model: the parsed GGUF, its hyper-parameters and views of every weight it uses.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gguf/gguf_file.h"
#include "kernels/matmul.h"
#include "kernels/packed.h"
#include "model/hparams.h"

namespace tiller {

struct LayerWeights {
    std::vector<float> attn_norm, attn_q_norm, attn_k_norm, post_attention_norm, ffn_norm, post_ffw_norm;
    WeightView wq, wk, wv, wo, w_gate, w_up, w_down;
};

class Model {
public:
    // strict: refuse a vocabulary that disagrees with the weights; otherwise record it in problem().
    explicit Model(const std::string &path, bool strict = true);

    const GgufFile &file() const { return file_; }
    const HParams &hparams() const { return hp_; }
    const LayerWeights &layer(int64_t il) const { return layers_[il]; }
    const WeightView &token_embd() const { return token_embd_; }
    const WeightView &output() const { return output_; }
    const std::vector<float> &output_norm() const { return output_norm_; }
    // A weight matrix the forward pass multiplies by, by GGUF tensor name ("blk.3.ffn_up.weight",
    // "output.weight"; "token_embd.weight" when it is also the output); nullptr if none.
    const WeightView *weight_matrix(const std::string &name) const;
    // What is wrong with a model opened with strict = false ("" when nothing is).
    const std::string &problem() const { return problem_; }

private:
    void repack();

    GgufFile file_;
    HParams hp_;
    WeightView token_embd_, output_;
    std::vector<float> output_norm_;
    std::vector<LayerWeights> layers_;
    std::vector<std::unique_ptr<PackedWeight>> packed_;  // owned by the views' packed pointers
    std::string problem_;
};

}  // namespace tiller
