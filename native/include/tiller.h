/*
 * tiller.h - the C ABI of the Tiller runtime. The only native interface Java sees.
 *
 * Rules: plain C, fixed-width types, opaque handles, caller-owned or runtime-owned buffers.
 * Every function returns a status (TILLER_OK or an error code); tiller_last_error() gives the
 * message of the last failure on the calling thread. No C++ exception or abort crosses this
 * boundary: bad input is a status.
 *
 * Threading: a model is immutable and may be shared by any number of threads and sessions.
 * A session must be driven by one thread at a time (the Java layer enforces this).
 * Lifetimes: a session keeps its model alive; freeing the model while sessions exist only drops
 * the caller's reference.
 */
#ifndef TILLER_H
#define TILLER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TILLER_API __attribute__((visibility("default")))

/* Status codes. */
#define TILLER_OK 0
#define TILLER_ERR_INVALID_ARGUMENT 1
#define TILLER_ERR_IO 2
#define TILLER_ERR_FORMAT 3
#define TILLER_ERR_UNSUPPORTED 4
#define TILLER_ERR_OUT_OF_MEMORY 5
#define TILLER_ERR_STATE 6
#define TILLER_ERR_INTERNAL 7

/* GGUF metadata value types (as in the file). */
#define TILLER_META_UINT8 0
#define TILLER_META_INT8 1
#define TILLER_META_UINT16 2
#define TILLER_META_INT16 3
#define TILLER_META_UINT32 4
#define TILLER_META_INT32 5
#define TILLER_META_FLOAT32 6
#define TILLER_META_BOOL 7
#define TILLER_META_STRING 8
#define TILLER_META_ARRAY 9
#define TILLER_META_UINT64 10
#define TILLER_META_INT64 11
#define TILLER_META_FLOAT64 12

/* Indices into the array filled by tiller_model_hparams. */
#define TILLER_HP_ARCH 0
#define TILLER_HP_N_VOCAB 1
#define TILLER_HP_N_EMBD 2
#define TILLER_HP_N_LAYER 3
#define TILLER_HP_N_HEAD 4
#define TILLER_HP_N_HEAD_KV 5
#define TILLER_HP_HEAD_DIM 6
#define TILLER_HP_N_FF 7
#define TILLER_HP_N_CTX_TRAIN 8
#define TILLER_HP_N_SWA 9
#define TILLER_HP_COUNT 10

/* Architectures (TILLER_HP_ARCH). */
#define TILLER_ARCH_GEMMA 1
#define TILLER_ARCH_GEMMA2 2
#define TILLER_ARCH_GEMMA3 3

/* Indices into the array filled by tiller_model_layer. */
#define TILLER_LAYER_IS_SWA 0
#define TILLER_LAYER_N_HEAD 1
#define TILLER_LAYER_N_HEAD_KV 2
#define TILLER_LAYER_N_FF 3
#define TILLER_LAYER_COUNT 4

/* Indices into the array filled by tiller_tokenizer_info. */
#define TILLER_TOK_N_VOCAB 0
#define TILLER_TOK_BOS 1
#define TILLER_TOK_EOS 2
#define TILLER_TOK_EOT 3
#define TILLER_TOK_UNK 4
#define TILLER_TOK_PAD 5
#define TILLER_TOK_ADD_BOS 6
#define TILLER_TOK_ADD_EOS 7
#define TILLER_TOK_COUNT 8

/* Token types (tokenizer.ggml.token_type). */
#define TILLER_TOKEN_NORMAL 1
#define TILLER_TOKEN_UNKNOWN 2
#define TILLER_TOKEN_CONTROL 3
#define TILLER_TOKEN_USER_DEFINED 4
#define TILLER_TOKEN_UNUSED 5
#define TILLER_TOKEN_BYTE 6

typedef struct tiller_model tiller_model;
typedef struct tiller_session tiller_session;
typedef struct tiller_cvec tiller_cvec;
typedef struct tiller_tokenizer tiller_tokenizer;
typedef struct tiller_sae tiller_sae;
typedef struct tiller_graph tiller_graph;
typedef struct tiller_gguf_writer tiller_gguf_writer;

/* A residual-stream observer/editor called after each block (resid_post(layer), after steering)
 * with the batch's rows x [n_tokens x n_embd] (writable) on the thread that called evaluate. */
typedef void (*tiller_residual_hook)(int32_t layer, int32_t first_position, float *x, int32_t n_tokens,
                                     int32_t n_embd, void *user);

/* Progress of long work (quantizing a model): done out of total units, on the calling thread. */
typedef void (*tiller_progress)(int64_t done, int64_t total, void *user);

/* Errors and version. */
TILLER_API const char *tiller_last_error(void);
TILLER_API int32_t tiller_version(int32_t *major, int32_t *minor, int32_t *patch);
/* What the library was built from and with: "VERSION (git COMMIT, BUILD_TYPE, COMPILER VERSION)". */
TILLER_API const char *tiller_build_info(void);
TILLER_API const char *tiller_type_name(int32_t ggml_type);
/* "kernels=PATH repack=on|off" followed by the CPU features the dispatcher looks at. */
TILLER_API const char *tiller_cpu_features(void);
/* The integer kernel path in use: "scalar", "avx2" or "avx512". TILLER_CPU=scalar|avx2|avx512
 * forces one; a value that cannot be honoured makes tiller_model_load and tiller_graph_create
 * fail with TILLER_ERR_UNSUPPORTED instead of running another path. */
TILLER_API const char *tiller_kernel_path(void);

/* Models. */
/* Loads a model. Its vocabulary (tokenizer.ggml.tokens / scores / token_type) must agree with
 * itself and with the rows of token_embd.weight and output.weight. */
TILLER_API int32_t tiller_model_load(const char *path, tiller_model **out);
/* Like tiller_model_load, but a model whose vocabulary disagrees with its weights still loads, so
 * that it can be described; tiller_model_problem says what is wrong ("" when nothing is) and
 * tiller_session_new refuses such a model. */
TILLER_API int32_t tiller_model_open_for_inspection(const char *path, tiller_model **out);
TILLER_API int32_t tiller_model_problem(const tiller_model *model, const char **problem);
TILLER_API int32_t tiller_model_free(tiller_model *model);
TILLER_API int32_t tiller_model_hparams(const tiller_model *model, int64_t *out, int32_t n);
TILLER_API int32_t tiller_model_layer(const tiller_model *model, int32_t layer, int64_t *out, int32_t n);
TILLER_API int32_t tiller_model_layer_rope(const tiller_model *model, int32_t layer, float *base, float *scale);
TILLER_API int32_t tiller_model_arch_name(const tiller_model *model, const char **name);
TILLER_API int32_t tiller_model_file_size(const tiller_model *model, int64_t *size);

/* Tensors of a loaded model, viewed in the mapped file. ne has room for 4 dimensions. */
TILLER_API int32_t tiller_model_tensor_count(const tiller_model *model, int64_t *count);
TILLER_API int32_t tiller_model_tensor_info(const tiller_model *model, int64_t index, const char **name,
                                            int32_t *ggml_type, int32_t *n_dims, int64_t *ne,
                                            const void **data, int64_t *n_bytes);

/* Metadata of a loaded model (every key of the file). Strings point into the mapped file and are
 * not NUL-terminated: use the returned length. */
TILLER_API int32_t tiller_meta_count(const tiller_model *model, int64_t *count);
TILLER_API int32_t tiller_meta_info(const tiller_model *model, int64_t index, const char **key,
                                    int32_t *type, int32_t *array_type, int64_t *array_count);
TILLER_API int32_t tiller_meta_find(const tiller_model *model, const char *key, int64_t *index);
TILLER_API int32_t tiller_meta_int(const tiller_model *model, int64_t index, int64_t element, int64_t *value);
TILLER_API int32_t tiller_meta_float(const tiller_model *model, int64_t index, int64_t element, double *value);
TILLER_API int32_t tiller_meta_string(const tiller_model *model, int64_t index, int64_t element,
                                      const char **data, int64_t *length);

/* Sessions: a KV cache and scratch buffers over a shared model. n_ctx <= 0 means the model's
 * training context; n_threads <= 0 means one per core. */
TILLER_API int32_t tiller_session_new(tiller_model *model, int32_t n_ctx, int32_t n_threads, tiller_session **out);
/* Like tiller_session_new with the KV cache's key and value rows stored as the ggml types
 * type_k / type_v (llama.cpp's --cache-type-k/v): 0 F32 (tiller_session_new's), 1 F16, 30 BF16,
 * 8 Q8_0, 2 Q4_0, 3 Q4_1, 6 Q5_0, 7 Q5_1; the quantized types need a head size that is a multiple
 * of 32. A batch attends to its own keys and values rounded as the cache stores them, so results
 * do not depend on how a text is split into evaluate calls. */
TILLER_API int32_t tiller_session_new_with_cache(tiller_model *model, int32_t n_ctx, int32_t n_threads, int32_t type_k,
                                                 int32_t type_v, tiller_session **out);
TILLER_API int32_t tiller_session_cache_types(const tiller_session *session, int32_t *type_k, int32_t *type_v);
TILLER_API int32_t tiller_session_free(tiller_session *session);
TILLER_API int32_t tiller_session_n_ctx(const tiller_session *session, int32_t *n_ctx);
TILLER_API int32_t tiller_session_position(const tiller_session *session, int32_t *position);

/* Appends tokens at the current position. all_logits != 0 keeps the logits of every position,
 * otherwise only of the last one. */
TILLER_API int32_t tiller_session_evaluate(tiller_session *session, const int32_t *tokens, int32_t n_tokens,
                                           int32_t all_logits);
/* Logits of the last evaluate: rows x n_vocab floats, valid until the next evaluate/reset/free.
 * The buffer moves only when an evaluate needs more rows than any before it in the session. */
TILLER_API int32_t tiller_session_logits(const tiller_session *session, const float **data, int32_t *rows);
/* Max, log-sum-exp and arg-max of logits row `row` of the last evaluate, computed natively so that
 * a greedy step need not read the vocabulary from the caller's side. */
TILLER_API int32_t tiller_session_logit_stats(const tiller_session *session, int32_t row, float *max,
                                              float *log_sum_exp, int32_t *argmax);
/* Greedy decoding inside the runtime: n times, takes the arg-max of the last logits row, stores it
 * in tokens[i] and evaluates it (the loop a caller would drive one evaluate at a time). */
TILLER_API int32_t tiller_session_decode_greedy(tiller_session *session, int32_t n, int32_t *tokens);
/* y = x W^T for a weight matrix of the model by GGUF name (blk.N.{attn_q,attn_k,attn_v,attn_output,
 * ffn_gate,ffn_up,ffn_down}.weight, output.weight or the tied token_embd.weight), through the
 * kernels and threads of the forward pass: x holds n rows of the matrix's ne[0] floats, y receives
 * n rows of its ne[1] floats (a logit lens, kernel benchmarks). */
TILLER_API int32_t tiller_session_matmul(tiller_session *session, const char *tensor, const float *x, int32_t n,
                                         float *y);
TILLER_API int32_t tiller_session_reset(tiller_session *session);
TILLER_API int32_t tiller_session_rewind(tiller_session *session, int32_t n_tokens);

/* Residual capture at resid_post(layer): the layers to record on each evaluate (n = 0 clears). */
TILLER_API int32_t tiller_session_set_capture(tiller_session *session, const int32_t *layers, int32_t n);
/* The captured rows (n_tokens x n_embd floats) of the last evaluate, valid until the next evaluate. */
TILLER_API int32_t tiller_session_capture(const tiller_session *session, int32_t layer, const float **data,
                                          int32_t *n_tokens);
/* Capture at other named points of layer L (the set of layers is kept per point):
 *   TILLER_POINT_RESID_POST  resid_post(L), as tiller_session_set_capture: width n_embd;
 *   TILLER_POINT_ATTN_Q      the queries after q-norm, RoPE and the query scaling: width n_head * head_dim;
 *   TILLER_POINT_ATTN_K      the keys as the KV cache holds them (after k-norm and RoPE): width n_head_kv * head_dim.
 * The rows (n_tokens x width floats) are valid until the next evaluate. */
#define TILLER_POINT_RESID_POST 0
#define TILLER_POINT_ATTN_Q 1
#define TILLER_POINT_ATTN_K 2
TILLER_API int32_t tiller_session_set_capture_at(tiller_session *session, int32_t point, const int32_t *layers, int32_t n);
TILLER_API int32_t tiller_session_capture_at(const tiller_session *session, int32_t point, int32_t layer,
                                             const float **data, int32_t *n_tokens, int32_t *width);

/* Query-adaptive attention (QAdA) on the global-attention layers (sliding-window layers are left
 * as they are). For query head h at position t, with scores s_i (query scaling, cache keys,
 * Gemma 2's soft-cap): local set L_t = {i <= t : i < t_sink or i > t - t_local}, bulk B_t = the
 * rest (N_b keys). The estimate p_hat = Z_hat / (Z_loc + Z_hat), Z_loc = sum over L_t of exp(s_i),
 * log Z_hat = log N_b + m + v/2 for m = q.mu, v = q' Sigma q of the mean and population covariance
 * of a key set (moments: TILLER_MOMENTS_LOCAL, positions max(t_sink, t - t_local + 1)..t;
 * TILLER_MOMENTS_BULK, the keys of B_t); under a soft-cap, log N_b + log E[exp(cap tanh(z/cap))],
 * z ~ N(m, v), by 16-node Gauss-Hermite. The oracle p_bulk is the exact bulk mass. Both are 0 when
 * B_t is empty. A head that is long-context for a query also attends to B_t (its softmax merged
 * with the local one by log-sum-exp); otherwise it attends to L_t only and B_t is not read.
 * decision: TILLER_QADA_ESTIMATE (long when p_hat >= tau), TILLER_QADA_ORACLE (p_bulk >= tau),
 * TILLER_QADA_LABELS (labels[layer * max_n_head + head] != 0: n_labels = n_layer * max n_head),
 * TILLER_QADA_FORCED (a pseudo-random fraction tau of (head, query) pairs local: benchmarks).
 * For the threshold rules tau = 0 is dense attention (bit-identical to a session without it) and
 * tau = 1 is sink + window attention. tau outside [0, 1], t_sink < 0, t_local < 1 are errors, and
 * so is anything but dense attention (or recording) on a model without a global layer. The default is estimate, tau 0, t_sink 16, t_local 256, local. */
#define TILLER_QADA_ESTIMATE 0
#define TILLER_QADA_ORACLE 1
#define TILLER_QADA_LABELS 2
#define TILLER_QADA_FORCED 3
#define TILLER_MOMENTS_LOCAL 0
#define TILLER_MOMENTS_BULK 1
TILLER_API int32_t tiller_session_set_adaptive_attention(tiller_session *session, int32_t decision, float tau,
                                                         int32_t t_sink, int32_t t_local, int32_t moments,
                                                         const uint8_t *labels, int32_t n_labels);
/* Recording of every (global layer, head, query) of each evaluate: on != 0 starts, 0 stops. The
 * oracle needs every bulk score, so recording costs dense attention's key reads. */
TILLER_API int32_t tiller_session_record_heads(tiller_session *session, int32_t on);
/* The record of a global layer for the tokens of the last evaluate: estimates holds
 * [n_tokens][n_head][2] floats (p_hat, p_bulk), long_context [n_tokens][n_head] bytes (1 = the head
 * read the bulk). Valid until the next evaluate; a sliding layer or no recording is an error. */
TILLER_API int32_t tiller_session_head_record(const tiller_session *session, int32_t layer, const float **estimates,
                                              const uint8_t **long_context, int32_t *n_tokens, int32_t *n_head);

/* Control vector as llama.cpp applies it: data holds n_embd floats per layer starting with layer 1
 * (len = n_embd * k); the vector of layer il is added to resid_post(il) when il_start <= il <= il_end.
 * data == NULL clears it. The session copies the data. */
TILLER_API int32_t tiller_session_set_control(tiller_session *session, const float *data, int64_t len,
                                              int32_t n_embd, int32_t il_start, int32_t il_end);

/* Steering programs at resid_post(layer) for tokens at positions >= pos_from, applied in the
 * order added, after the control vector. Dense: x += strength * v (n = n_embd). SAS: the sparse
 * activation steering update over the K features of a vector (idx, vals) of an SAE:
 *   x += sum_c (sigma(f_c(x) + lambda * v_c) - f_c(x)) * W_dec[c], sigma = ReLU (jump_sigma = 0)
 *   or JumpReLU with the SAE's thresholds (jump_sigma != 0). The session keeps the SAE alive. */
TILLER_API int32_t tiller_session_steer_dense(tiller_session *session, int32_t layer, const float *v, int64_t n,
                                              float strength, int32_t pos_from);
TILLER_API int32_t tiller_session_steer_sas(tiller_session *session, const tiller_sae *sae, int32_t layer,
                                            const int32_t *idx, const float *vals, int32_t k, float lambda,
                                            int32_t jump_sigma, int32_t pos_from);
TILLER_API int32_t tiller_session_clear_steering(tiller_session *session);
/* Milliseconds spent in steering programs since the session was created: steering's own cost. */
TILLER_API int32_t tiller_session_steering_time(const tiller_session *session, double *ms);
/* Installs a residual hook (NULL removes it). It costs one call per layer per evaluate. */
TILLER_API int32_t tiller_session_set_hook(tiller_session *session, tiller_residual_hook hook, void *user);

/* Sparse autoencoders: a Gemma Scope params.npz or a SAELens folder (cfg.json +
 * sae_weights.safetensors); jumprelu, relu or topk. arch: 0 jumprelu, 1 relu, 2 topk.
 * encode: x [n, d_model] -> f [n, d_sae]; decode: f [n, d_sae] -> x [n, d_model], in the SAE's
 * normalized input space when its config normalizes activations (constant_norm_rescale, layer_norm). */
TILLER_API int32_t tiller_sae_load(const char *path, tiller_sae **out);
TILLER_API int32_t tiller_sae_free(tiller_sae *sae);
TILLER_API int32_t tiller_sae_info(const tiller_sae *sae, int64_t *d_model, int64_t *d_sae, int32_t *arch);
TILLER_API int32_t tiller_sae_encode(const tiller_sae *sae, const float *x, int64_t n, float *f);
TILLER_API int32_t tiller_sae_decode(const tiller_sae *sae, const float *f, int64_t n, float *x);

/* Control-vector files (GGUF, general.architecture = controlvector, F32 tensors direction.N). */
TILLER_API int32_t tiller_cvec_load(const char *path, tiller_cvec **out);
TILLER_API int32_t tiller_cvec_free(tiller_cvec *cvec);
TILLER_API int32_t tiller_cvec_info(const tiller_cvec *cvec, int32_t *n_embd, int32_t *max_layer);
/* The direction of one layer (n_embd floats), or NULL when the file has none for that layer. */
TILLER_API int32_t tiller_cvec_direction(const tiller_cvec *cvec, int32_t layer, const float **data);
/* Writes a control vector in llama.cpp's format: data holds n_embd floats per layer from layer 1
 * (len = n_embd * k), saved as direction.1 .. direction.k with controlvector.model_hint. */
TILLER_API int32_t tiller_cvec_save(const char *path, const float *data, int64_t len, int32_t n_embd,
                                    const char *model_hint);

/* Tokenizer (SentencePiece as GGUF carries it), from any GGUF with tokenizer.ggml.* keys
 * (vocab-only files included) or from a loaded model. Thread-safe; independent of the model's
 * lifetime once created. */
TILLER_API int32_t tiller_tokenizer_load(const char *path, tiller_tokenizer **out);
TILLER_API int32_t tiller_tokenizer_from_model(const tiller_model *model, tiller_tokenizer **out);
TILLER_API int32_t tiller_tokenizer_free(tiller_tokenizer *tokenizer);
TILLER_API int32_t tiller_tokenizer_info(const tiller_tokenizer *tokenizer, int64_t *out, int32_t n);
/* Encodes len bytes of UTF-8. Writes up to capacity ids and sets *n_tokens to the full count
 * (never more than 3 * len + 2: a space becomes the 3-byte U+2581, which can fall back to 3 byte
 * tokens after invalid UTF-8). add_special: BOS/EOS as the vocabulary says; parse_special: special
 * token text becomes control tokens. */
TILLER_API int32_t tiller_tokenize(const tiller_tokenizer *tokenizer, const char *text, int64_t len,
                                   int32_t add_special, int32_t parse_special, int32_t *out, int64_t capacity,
                                   int64_t *n_tokens);
/* The bytes of a token for decoding (may be a partial UTF-8 character); control tokens are empty
 * unless special != 0. Points into the tokenizer; not NUL-terminated. */
TILLER_API int32_t tiller_token_piece(const tiller_tokenizer *tokenizer, int32_t id, int32_t special,
                                      const char **data, int64_t *len);
/* The token's text as stored in the vocabulary. */
TILLER_API int32_t tiller_token_text(const tiller_tokenizer *tokenizer, int32_t id, const char **data, int64_t *len);
TILLER_API int32_t tiller_token_type(const tiller_tokenizer *tokenizer, int32_t id, int32_t *type);
/* The id of the token whose text is exactly these bytes, or -1. */
TILLER_API int32_t tiller_token_find(const tiller_tokenizer *tokenizer, const char *text, int64_t len, int32_t *id);

/* Model files. tiller_quantize re-encodes every weight matrix of a GGUF as type ("Q8_0", "Q4_0",
 * "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K", the llama.cpp mixes "Q4_K_M" / "Q5_K_M", or
 * "F32", "F16", "BF16"), keeping all metadata; a tensor already in its target type is copied as it
 * is. As llama.cpp, it refuses to re-quantize a tensor that is already quantized into another type
 * unless flags has TILLER_QUANTIZE_ALLOW_REQUANTIZE. progress (may be NULL) receives the elements
 * done out of all. tiller_write_random_model writes a random-weight model of a real shape for
 * benchmarks; shape = {n_layer, n_embd, n_head, n_head_kv, head_dim, n_ff, n_vocab}. n_threads <= 0:
 * one per core. */
#define TILLER_QUANTIZE_ALLOW_REQUANTIZE 1
TILLER_API int32_t tiller_quantize(const char *in_path, const char *out_path, const char *type, int32_t n_threads,
                                   int32_t flags, tiller_progress progress, void *user);
TILLER_API int32_t tiller_write_random_model(const char *out_path, const char *arch, const int64_t *shape,
                                             const char *type, int64_t seed, int32_t n_threads);

/* Training: float32 tensors with reverse-mode autograd (native/src/train). A graph owns its
 * tensors and a worker pool; tensors are int64 handles that become invalid when freed (or, for
 * non-persistent tensors, when the graph is cleared): a stale handle is TILLER_ERR_STATE. A graph
 * must be driven by one thread at a time. Shapes have rank 1..8 and are row-major. */
#define TILLER_TENSOR_REQUIRES_GRAD 1
#define TILLER_TENSOR_PERSISTENT 2 /* survives tiller_graph_clear (parameters, EMA copies) */

/* Buffers of a tensor for tiller_tensor_data. */
#define TILLER_BUF_DATA 0
#define TILLER_BUF_GRAD 1   /* NULL until a backward reached the tensor */
#define TILLER_BUF_STATE0 2 /* optimizer state (SGD momentum, Adam first moment), allocated on request */
#define TILLER_BUF_STATE1 3 /* Adam second moment */

/* Ops of tiller_graph_op: inputs (tensor handles; 0 = none where optional) | iargs | fargs | ids. */
#define TILLER_OP_MATMUL 1         /* a, b | transpose_a, transpose_b: op(a) @ op(b); b 2-D or batched like a */
#define TILLER_OP_ADD 2            /* a, b (numpy broadcasting) */
#define TILLER_OP_SUB 3
#define TILLER_OP_MUL 4
#define TILLER_OP_DIV 5
#define TILLER_OP_RELU 10          /* x */
#define TILLER_OP_GELU 11          /* tanh approximation */
#define TILLER_OP_TANH 12
#define TILLER_OP_SIGMOID 13
#define TILLER_OP_EXP 14
#define TILLER_OP_LOG 15
#define TILLER_OP_NEG 16
#define TILLER_OP_SQUARE 17
#define TILLER_OP_SQRT 18
#define TILLER_OP_ABS 19
#define TILLER_OP_AFFINE 20        /* x | | scale, shift: x * scale + shift */
#define TILLER_OP_SUM 21           /* x | axis (TILLER_ALL_AXES for all), keepdim */
#define TILLER_OP_MEAN 22
#define TILLER_OP_MAX 23
#define TILLER_OP_SOFTMAX 24       /* x: over the last axis */
#define TILLER_OP_LOG_SOFTMAX 25
#define TILLER_OP_CROSS_ENTROPY 30 /* logits [N, C], weights [N] or 0, offset [N, C] or 0 | reduction (0 mean, 1 sum, 2 none) | | labels [N] */
#define TILLER_OP_MSE 31           /* a, b: mean (a - b)^2 */
#define TILLER_OP_RMS_NORM 32      /* x, w | | eps (last axis) */
#define TILLER_OP_LAYER_NORM 33    /* x, w, b or 0 | | eps */
#define TILLER_OP_RESHAPE 40       /* x | new shape */
#define TILLER_OP_PERMUTE 41       /* x | permutation */
#define TILLER_OP_SLICE 42         /* x | axis, start, length */
#define TILLER_OP_CONCAT 43        /* x0, x1, ... | axis */
#define TILLER_OP_GATHER 44        /* x [N, C] | | | index [N]: x[i, index[i]] */
#define TILLER_OP_EMBEDDING 45     /* table [V, D] | ids shape | | ids: rows of the table */
#define TILLER_OP_DROPOUT 50       /* x | seed | p */
#define TILLER_OP_CONV2D 51        /* x [N,C,H,W], w [O,C,KH,KW], b [O] or 0 | stride, padding */
#define TILLER_OP_MAX_POOL2D 52    /* x [N,C,H,W] | window, stride */
#define TILLER_OP_AVG_POOL2D 53
#define TILLER_OP_ROPE 60          /* x [..., T, D] | first position | base: NEOX rotary embedding */
#define TILLER_OP_CAUSAL_SOFTMAX 61 /* scores [..., T, T] | window (optional; 0 = none) | scale: masked softmax(scale * s); a window keeps the last `window` keys */
#define TILLER_ALL_AXES (-1000)

TILLER_API int32_t tiller_graph_create(int32_t n_threads, tiller_graph **out);
TILLER_API int32_t tiller_graph_free(tiller_graph *graph);
/* Frees every non-persistent tensor and the recorded ops. */
TILLER_API int32_t tiller_graph_clear(tiller_graph *graph);
/* Caps the bytes of tensor data and gradients the graph holds at once (0: no cap); an op that
 * would pass it fails with TILLER_ERR_OUT_OF_MEMORY. */
TILLER_API int32_t tiller_graph_set_memory_limit(tiller_graph *graph, int64_t bytes);
/* With grad recording off, ops record nothing (evaluation). */
TILLER_API int32_t tiller_graph_set_grad_enabled(tiller_graph *graph, int32_t on);
TILLER_API int32_t tiller_graph_live_tensors(tiller_graph *graph, int64_t *count);
/* A new tensor of the given shape, filled from data (n floats) or zeros when data is NULL. */
TILLER_API int32_t tiller_tensor_create(tiller_graph *graph, const int64_t *shape, int32_t rank, const float *data,
                                        int32_t flags, int64_t *out);
TILLER_API int32_t tiller_tensor_free(tiller_graph *graph, int64_t tensor);
TILLER_API int32_t tiller_tensor_shape(tiller_graph *graph, int64_t tensor, int64_t *shape, int32_t capacity,
                                       int32_t *rank);
TILLER_API int32_t tiller_tensor_set_requires_grad(tiller_graph *graph, int64_t tensor, int32_t on);
/* A buffer of the tensor (TILLER_BUF_*), valid until the tensor is freed; writable. */
TILLER_API int32_t tiller_tensor_data(tiller_graph *graph, int64_t tensor, int32_t buffer, float **data, int64_t *n);
TILLER_API int32_t tiller_graph_op(tiller_graph *graph, int32_t op, const int64_t *inputs, int32_t n_inputs,
                                   const int64_t *iargs, int32_t n_iargs, const float *fargs, int32_t n_fargs,
                                   const int32_t *ids, int64_t n_ids, int64_t *out);
/* Accumulates d loss / d t into the grad buffer of every tensor that requires grad. */
TILLER_API int32_t tiller_graph_backward(tiller_graph *graph, int64_t loss);

/* Optimizers, as torch.optim: SGD (momentum, Nesterov, L2 weight decay); Adam (decoupled != 0:
 * AdamW's decoupled decay); step counts from 1. Parameters without a gradient are skipped. */
TILLER_API int32_t tiller_optim_sgd(tiller_graph *graph, const int64_t *params, int32_t n, float lr, float momentum,
                                    float weight_decay, int32_t nesterov);
TILLER_API int32_t tiller_optim_adam(tiller_graph *graph, const int64_t *params, int32_t n, float lr, float beta1,
                                     float beta2, float eps, float weight_decay, int32_t decoupled, int64_t step);
/* Scales the gradients to a joint L2 norm of at most max_norm; *norm gets the norm before. */
TILLER_API int32_t tiller_grad_clip_norm(tiller_graph *graph, const int64_t *params, int32_t n, float max_norm,
                                         float *norm);
TILLER_API int32_t tiller_grad_zero(tiller_graph *graph, const int64_t *params, int32_t n);
/* dst[i] = decay * dst[i] + (1 - decay) * src[i]. */
TILLER_API int32_t tiller_ema_update(tiller_graph *graph, const int64_t *dst, const int64_t *src, int32_t n,
                                     float decay);

/* Writing GGUF files (models trained with the runtime, exported with standard keys and tensor
 * names). Keys keep the order they were first set in; setting a key again replaces its value.
 * Tensors are given as float32 with ggml dims (ne[0] = row length) and stored as type (F32, F16,
 * BF16 or a block type whose block size divides ne[0]). The file is written to a temporary name
 * and renamed into place. */
TILLER_API int32_t tiller_gguf_writer_new(tiller_gguf_writer **out);
TILLER_API int32_t tiller_gguf_writer_free(tiller_gguf_writer *writer);
TILLER_API int32_t tiller_gguf_set_u32(tiller_gguf_writer *writer, const char *key, int64_t value);
TILLER_API int32_t tiller_gguf_set_f32(tiller_gguf_writer *writer, const char *key, float value);
TILLER_API int32_t tiller_gguf_set_bool(tiller_gguf_writer *writer, const char *key, int32_t value);
TILLER_API int32_t tiller_gguf_set_string(tiller_gguf_writer *writer, const char *key, const char *value, int64_t len);
/* n strings given as one buffer of concatenated bytes and their lengths. */
TILLER_API int32_t tiller_gguf_set_strings(tiller_gguf_writer *writer, const char *key, const char *bytes, const int64_t *lengths,
                                           int64_t n);
TILLER_API int32_t tiller_gguf_set_f32s(tiller_gguf_writer *writer, const char *key, const float *values, int64_t n);
TILLER_API int32_t tiller_gguf_set_i32s(tiller_gguf_writer *writer, const char *key, const int32_t *values, int64_t n);
TILLER_API int32_t tiller_gguf_add_tensor(tiller_gguf_writer *writer, const char *name, const float *data, const int64_t *ne,
                                          int32_t n_dims, int32_t ggml_type);
TILLER_API int32_t tiller_gguf_write(tiller_gguf_writer *writer, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* TILLER_H */
