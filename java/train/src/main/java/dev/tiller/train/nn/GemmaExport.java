package dev.tiller.train.nn;

import dev.tiller.io.GgufWriter;
import dev.tiller.train.Tensor;
import dev.tiller.train.text.BpeTrainer;

import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a trained {@link TransformerLm} as a Gemma 2 or (with a Gemma 3 layout) Gemma 3 GGUF
 * with llama.cpp's keys and tensor names: matrices as F16 (or F32), norm weights as F32. A Gemma 2
 * model's sliding window is set to the training context, so every layer attends as it did in
 * training; a Gemma 3 model keeps its window and pattern.
 */
public final class GemmaExport {
    private GemmaExport() {}

    public static void write(TransformerLm model, BpeTrainer.Vocabulary vocab, String name, Map<String, String> extra, boolean f16, Path out) {
        TransformerConfig c = model.config();
        if (c.vocab() != vocab.size()) throw new IllegalArgumentException("model vocabulary " + c.vocab() + " != tokenizer " + vocab.size());
        if (c.gemma3() == null && c.dModel() != c.nHeads() * c.headDim())
            throw new IllegalArgumentException("Gemma 2 export needs d_model = heads x head_dim");
        String a = c.gemma3() != null ? "gemma3" : "gemma2";
        try (GgufWriter w = new GgufWriter()) {
            w.setString("general.architecture", a);
            w.setString("general.name", name);
            extra.forEach(w::setString);
            w.setU32(a + ".context_length", c.context());
            w.setU32(a + ".embedding_length", c.dModel());
            w.setU32(a + ".block_count", c.nLayers());
            w.setU32(a + ".feed_forward_length", c.ffn());
            w.setU32(a + ".attention.head_count", c.nHeads());
            w.setU32(a + ".attention.head_count_kv", c.nKvHeads());
            w.setU32(a + ".attention.key_length", c.headDim());
            w.setU32(a + ".attention.value_length", c.headDim());
            w.setF32(a + ".attention.layer_norm_rms_epsilon", c.normEps());
            w.setF32(a + ".rope.freq_base", c.ropeBase());
            if (c.gemma3() != null) {
                // Layers slide as in training: sliding_window_pattern as llama.cpp reads it.
                w.setU32(a + ".attention.sliding_window", c.gemma3().window());
                w.setU32(a + ".attention.sliding_window_pattern", c.gemma3().pattern());
                w.setF32(a + ".rope.freq_base_swa", c.gemma3().localRopeBase());
            } else {
                w.setU32(a + ".attention.sliding_window", c.context());
                w.setF32(a + ".attn_logit_softcapping", c.attnSoftcap());
                w.setF32(a + ".final_logit_softcapping", c.finalSoftcap());
            }
            vocab.writeTo(w);
            w.setString("tokenizer.chat_template", CHAT_TEMPLATE);
            for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
                Tensor t = e.getValue();
                long[] shape = t.shape();
                long[] ne = new long[shape.length];
                for (int i = 0; i < shape.length; i++) ne[i] = shape[shape.length - 1 - i];
                w.addTensor(e.getKey(), t.toArray(), ne, f16 && shape.length == 2 ? "F16" : "F32");
            }
            w.write(out);
        }
    }

    /** Gemma's turn format (system text folded into the first user turn). */
    static final String CHAT_TEMPLATE = "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'assistant' %}{% set role = 'model' %}"
            + "{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}";
}
