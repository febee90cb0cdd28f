package dev.tiller.langchain4j;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;

import dev.tiller.steer.ControlVector;

import java.util.List;
import java.util.Objects;

/**
 * LangChain4j's request parameters with Tiller's: a seed, min-p, the repeat penalty, steering
 * vectors and a llama.cpp control vector. A field left null takes the model's default; in
 * {@link #overrideWith} the other side's non-null fields win, as in LangChain4j's own providers.
 */
public class TillerChatRequestParameters extends DefaultChatRequestParameters {
    private final Long seed;
    private final Double minP;
    private final Double repeatPenalty;
    private final List<Steering> steering;
    private final ControlVector controlVector;

    protected TillerChatRequestParameters(Builder builder) {
        super(builder);
        this.seed = builder.seed;
        this.minP = builder.minP;
        this.repeatPenalty = builder.repeatPenalty;
        this.steering = builder.steering == null ? null : List.copyOf(builder.steering);
        this.controlVector = builder.controlVector;
    }

    public Long seed() {
        return seed;
    }

    public Double minP() {
        return minP;
    }

    public Double repeatPenalty() {
        return repeatPenalty;
    }

    public List<Steering> steering() {
        return steering;
    }

    public ControlVector controlVector() {
        return controlVector;
    }

    @Override
    public ChatRequestParameters overrideWith(ChatRequestParameters that) {
        return builder().overrideWith(this).overrideWith(that).build();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TillerChatRequestParameters t) || !super.equals(o)) return false;
        return Objects.equals(seed, t.seed) && Objects.equals(minP, t.minP) && Objects.equals(repeatPenalty, t.repeatPenalty)
                && Objects.equals(steering, t.steering) && Objects.equals(controlVector, t.controlVector);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), seed, minP, repeatPenalty, steering, controlVector);
    }

    @Override
    public String toString() {
        return "TillerChatRequestParameters{" + super.toString() + ", seed=" + seed + ", minP=" + minP + ", repeatPenalty=" + repeatPenalty
                + ", steering=" + steering + ", controlVector=" + controlVector + "}";
    }

    public static Builder builder() {
        return new Builder();
    }

    public static class Builder extends DefaultChatRequestParameters.Builder<Builder> {
        private Long seed;
        private Double minP;
        private Double repeatPenalty;
        private List<Steering> steering;
        private ControlVector controlVector;

        /** Also for subclasses that add parameters of their own. */
        public Builder() {}

        @Override
        public Builder overrideWith(ChatRequestParameters p) {
            super.overrideWith(p);
            if (p instanceof TillerChatRequestParameters t) {
                if (t.seed != null) seed = t.seed;
                if (t.minP != null) minP = t.minP;
                if (t.repeatPenalty != null) repeatPenalty = t.repeatPenalty;
                if (t.steering != null) steering = t.steering;
                if (t.controlVector != null) controlVector = t.controlVector;
            }
            return this;
        }

        public Builder seed(Long s) {
            seed = s;
            return this;
        }

        public Builder minP(Double p) {
            minP = p;
            return this;
        }

        public Builder repeatPenalty(Double r) {
            repeatPenalty = r;
            return this;
        }

        public Builder steering(List<Steering> s) {
            steering = s;
            return this;
        }

        public Builder steering(Steering... s) {
            return steering(List.of(s));
        }

        public Builder controlVector(ControlVector v) {
            controlVector = v;
            return this;
        }

        @Override
        public TillerChatRequestParameters build() {
            return new TillerChatRequestParameters(this);
        }
    }
}
