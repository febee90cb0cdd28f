package dev.tiller.train.synth;

import dev.tiller.ModelFormatException;
import dev.tiller.io.Safetensors;
import dev.tiller.train.Graph;
import dev.tiller.train.Tensor;
import dev.tiller.train.nn.Linear;
import dev.tiller.train.nn.Module;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A class-conditional variational autoencoder (Kingma et al. 2014's M2 decoder, Sohn et al.
 * 2015's CVAE) with one hidden ReLU layer on each side: q(z | x, y) = N(mu, diag exp(logvar)),
 * p(x | z, y) Bernoulli with the decoder's sigmoid means. The generator of the synthetic-data
 * experiments: images are {@link #decode} of a latent z ~ N(0, I) and a class, differentiable in z,
 * so a classifier's gradients can steer what it draws.
 */
public final class Cvae extends Module {
    /** What a generator file holds beside its weights; dataset names the images it learnt. */
    public record Shape(String dataset, int height, int width, int classes, int hidden, int latent) {
        public Shape {
            if (height < 1 || width < 1 || classes < 2 || hidden < 1 || latent < 1) throw new IllegalArgumentException("impossible generator shape " + this);
        }

        public int pixels() {
            return height * width;
        }
    }

    private final Shape shape;
    private final Linear encoder, mean, logVariance, decoderHidden, decoderOut;

    public Cvae(Graph graph, Shape shape, SplittableRandom rng) {
        super(graph);
        this.shape = shape;
        int px = shape.pixels(), c = shape.classes(), h = shape.hidden(), z = shape.latent();
        encoder = child("enc", new Linear(graph, px + c, h, true, rng));
        mean = child("enc_mu", new Linear(graph, h, z, true, rng));
        logVariance = child("enc_logvar", new Linear(graph, h, z, true, new float[h * z]));
        decoderHidden = child("dec", new Linear(graph, z + c, h, true, rng));
        decoderOut = child("dec_out", new Linear(graph, h, px, true, rng));
    }

    public Shape shape() {
        return shape;
    }

    /** One-hot rows of the labels, [n, classes]; a label outside the classes is an error. */
    public Tensor oneHot(int[] labels) {
        float[] v = new float[labels.length * shape.classes()];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= shape.classes()) {
                throw new IllegalArgumentException("class " + labels[i] + " is outside [0, " + shape.classes() + ") for this generator");
            }
            v[i * shape.classes() + labels[i]] = 1;
        }
        return graph.constant(v, labels.length, shape.classes());
    }

    /** The decoder's pixel logits [n, pixels] for latents z [n, latent]. */
    public Tensor decodeLogits(Tensor z, int[] labels) {
        return decoderOut.forward(decoderHidden.forward(Tensor.concat(1, z, oneHot(labels))).relu());
    }

    /** Images [n, pixels] in [0, 1]: the decoder's Bernoulli means. */
    public Tensor decode(Tensor z, int[] labels) {
        return decodeLogits(z, labels).sigmoid();
    }

    /**
     * The negative evidence lower bound per image, averaged over the batch: binary cross-entropy of
     * the decoded means against the pixels (summed over pixels) plus KL(q(z | x, y) || N(0, I)).
     * noise holds the reparameterisation's N(0, 1) draws, [n, latent].
     */
    public Tensor loss(float[] images, int[] labels, float[] noise) {
        int n = labels.length;
        Tensor x = graph.constant(images, n, shape.pixels());
        Tensor h = encoder.forward(Tensor.concat(1, x, oneHot(labels))).relu();
        Tensor mu = mean.forward(h), logVar = logVariance.forward(h);
        Tensor z = mu.add(logVar.scale(0.5f).exp().mul(graph.constant(noise, n, shape.latent())));
        Tensor p = decode(z, labels);
        // log(p + 1e-6): the decoder may saturate a pixel, and log 0 would poison the batch.
        Tensor bce = x.mul(p.affine(1, 1e-6f).log()).add(x.affine(-1, 1).mul(p.affine(-1, 1 + 1e-6f).log())).neg();
        Tensor kl = logVar.affine(1, 1).sub(mu.square()).sub(logVar.exp()).scale(-0.5f);
        return bce.sum().add(kl.sum()).scale(1f / n);
    }

    /** Saves the weights and shape as safetensors (atomically). */
    public void save(Path path, Map<String, String> metadata) {
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put("tiller.generator", "cvae");
        meta.put("dataset", shape.dataset());
        meta.put("height", Integer.toString(shape.height()));
        meta.put("width", Integer.toString(shape.width()));
        meta.put("classes", Integer.toString(shape.classes()));
        meta.put("hidden", Integer.toString(shape.hidden()));
        meta.put("latent", Integer.toString(shape.latent()));
        Map<String, Safetensors.Entry> tensors = new LinkedHashMap<>();
        namedParameters().forEach((name, t) -> tensors.put(name, Safetensors.Entry.f32(t.toArray(), t.shape())));
        Safetensors.write(path, meta, tensors);
    }

    /** What a generator file says it is, without building it. */
    public static Shape readShape(Path path) {
        return shapeOf(path, Safetensors.read(path).metadata());
    }

    /** Loads a generator saved by {@link #save}; another file is a {@link ModelFormatException} naming it. */
    public static Cvae load(Graph graph, Path path) {
        Safetensors.Contents file = Safetensors.read(path);
        Cvae g = new Cvae(graph, shapeOf(path, file.metadata()), new SplittableRandom(0));
        for (Map.Entry<String, Tensor> p : g.namedParameters().entrySet()) {
            Safetensors.Entry e = file.tensors().get(p.getKey());
            if (e == null) throw new ModelFormatException(0, path + ": no tensor '" + p.getKey() + "'");
            if (!Arrays.equals(e.shape(), p.getValue().shape()) || !"F32".equals(e.dtype())) {
                throw new ModelFormatException(0, path + ": tensor '" + p.getKey() + "' is " + e.dtype() + Arrays.toString(e.shape())
                        + ", the generator's shape needs F32" + Arrays.toString(p.getValue().shape()));
            }
            p.getValue().copyFrom(e.floats());
        }
        return g;
    }

    private static Shape shapeOf(Path path, Map<String, String> meta) {
        if (!"cvae".equals(meta.get("tiller.generator"))) throw new ModelFormatException(0, path + ": not a Tiller generator (no tiller.generator = cvae in its metadata)");
        try {
            return new Shape(meta.getOrDefault("dataset", "?"), Integer.parseInt(meta.get("height")), Integer.parseInt(meta.get("width")),
                    Integer.parseInt(meta.get("classes")), Integer.parseInt(meta.get("hidden")), Integer.parseInt(meta.get("latent")));
        } catch (NumberFormatException | NullPointerException e) {
            throw new ModelFormatException(0, path + ": generator metadata is incomplete or not numeric: " + meta);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(0, path + ": " + e.getMessage());
        }
    }
}
