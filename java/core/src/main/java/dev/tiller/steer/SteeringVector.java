package dev.tiller.steer;

import dev.tiller.InvalidArgumentException;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A steering direction for {@code resid_post(layer)}: dense (CAA; one value per model dimension)
 * or sparse in an SAE's feature space (SAS; feature indices with values). {@code metadata} records
 * how it was made (model, SAE, tau, sigma, positions...).
 */
public record SteeringVector(int layer, float[] dense, int[] indices, float[] values, Map<String, String> metadata) {

    public SteeringVector {
        if (layer < 0) throw new InvalidArgumentException(0, "layer must be >= 0");
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
        if ((dense == null) == (indices == null)) throw new InvalidArgumentException(0, "a steering vector is either dense or sparse");
        if (dense != null) {
            dense = dense.clone();
            for (float v : dense) if (!Float.isFinite(v)) throw new InvalidArgumentException(0, "steering vector holds NaN or infinity");
        } else {
            indices = indices.clone();
            values = Objects.requireNonNull(values, "values").clone();
            if (indices.length != values.length) throw new InvalidArgumentException(0, "indices and values differ in length");
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) throw new InvalidArgumentException(0, "SAS value of feature " + indices[i] + " is NaN or infinite");
                if (indices[i] < 0) throw new InvalidArgumentException(0, "negative feature index " + indices[i]);
            }
        }
    }

    public static SteeringVector dense(int layer, float[] v, Map<String, String> metadata) {
        return new SteeringVector(layer, v, null, null, metadata);
    }

    public static SteeringVector sparse(int layer, int[] indices, float[] values, Map<String, String> metadata) {
        return new SteeringVector(layer, null, indices, values, metadata);
    }

    public boolean isSparse() {
        return indices != null;
    }

    /** Whether the vector was built through JumpReLU (its metadata's {@code sigma}), so should steer through it: {@code Session.steer}'s jumpSigma. */
    public boolean jumpSigma() {
        return "jumprelu".equals(metadata().get("sigma"));
    }

    @Override
    public float[] dense() { return dense == null ? null : dense.clone(); }
    @Override
    public int[] indices() { return indices == null ? null : indices.clone(); }
    @Override
    public float[] values() { return values == null ? null : values.clone(); }

    @Override
    public String toString() {
        return isSparse() ? "SteeringVector[SAS, layer " + layer + ", " + indices.length + " features " + Arrays.toString(indices) + "]"
                : "SteeringVector[dense, layer " + layer + ", " + dense.length + " dims]";
    }
}
