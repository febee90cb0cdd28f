// Parameter updates in place, with PyTorch's semantics (torch.optim.SGD / Adam / AdamW), plus
// global-norm gradient clipping and a weight moving average. Parameters without a gradient are
// skipped, as PyTorch skips p.grad None. Optimizer state lives in the parameter's Tensor::state.
#pragma once

#include <vector>

#include "train/graph.h"

namespace tiller::train {

struct SgdConfig {
    float lr = 0.01f, momentum = 0.0f, weight_decay = 0.0f;
    bool nesterov = false;
};
void sgd_step(Graph &g, const std::vector<Id> &params, const SgdConfig &c);

struct AdamConfig {
    float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, weight_decay = 0.0f;
    bool decoupled = false;  // AdamW: p *= 1 - lr * wd, instead of adding wd * p to the gradient
};
// step counts from 1 (bias correction 1 - beta^step).
void adam_step(Graph &g, const std::vector<Id> &params, const AdamConfig &c, int64_t step);

// Scales all gradients so that their joint L2 norm is at most max_norm; returns the norm before.
float clip_grad_norm(Graph &g, const std::vector<Id> &params, float max_norm);
void zero_grad(Graph &g, const std::vector<Id> &params);
// dst = decay * dst + (1 - decay) * src, tensor by tensor.
void ema_update(Graph &g, const std::vector<Id> &dst, const std::vector<Id> &src, float decay);

}  // namespace tiller::train
