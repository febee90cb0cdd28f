package dev.tiller.langchain4j;

import dev.tiller.steer.Sae;
import dev.tiller.steer.SteerPositions;
import dev.tiller.steer.SteeringVector;

import java.util.Objects;

/**
 * One steering vector of a request: a Tiller steering vector (CAA, or SAS with its SAE), its
 * strength, and which tokens it changes (null: from the end of the user's instruction on, as
 * {@code tiller chat} and the server steer chat turns).
 */
public record Steering(SteeringVector vector, float strength, SteerPositions positions, Sae sae) {
    public Steering {
        Objects.requireNonNull(vector, "vector");
        if (!Float.isFinite(strength)) throw new IllegalArgumentException("steering strength must be finite, got " + strength);
        if (vector.isSparse() && sae == null) throw new IllegalArgumentException("a SAS vector needs its SAE: " + vector);
        if (positions == null) positions = SteerPositions.defaultFor(true);
    }

    /** A dense (CAA) vector, steering after the instruction. */
    public static Steering of(SteeringVector vector, float strength) {
        return new Steering(vector, strength, null, null);
    }

    /** A SAS vector through its SAE, steering after the instruction. */
    public static Steering sparse(SteeringVector vector, float strength, Sae sae) {
        return new Steering(vector, strength, null, sae);
    }

    public Steering at(SteerPositions p) {
        return new Steering(vector, strength, p, sae);
    }
}
