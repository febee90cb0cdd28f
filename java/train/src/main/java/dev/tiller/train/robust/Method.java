package dev.tiller.train.robust;

import java.util.Locale;

/**
 * The methods of "Simple data balancing" (BalancingGroups): one network and optimizer; they differ
 * in how training examples are sampled and in the loss. SUBY/SUBG keep min class / group size
 * examples of every class / group (one random permutation, first come); RWY/RWG draw N examples
 * per epoch with replacement, with probability proportional to N / n_y or N / n_g; GroupDRO
 * samples like RWG and weights groups online; JTT trains ERM for T epochs, then re-initialises and
 * trains on the training set with its errors repeated `up` times. MAT ("The Pitfalls of
 * Memorization") samples uniformly and shifts the training logits by held-out predictions; CRM
 * ("Compositional Risk Minimization") trains an additive energy classifier over the groups.
 */
public enum Method {
    ERM(Sampling.UNIFORM, "erm"),
    SUBY(Sampling.SUBSAMPLE_CLASSES, "erm"),
    SUBG(Sampling.SUBSAMPLE_GROUPS, "erm"),
    RWY(Sampling.REWEIGHT_CLASSES, "erm"),
    RWG(Sampling.REWEIGHT_GROUPS, "erm"),
    GROUPDRO(Sampling.REWEIGHT_GROUPS, "groupdro"),
    JTT(Sampling.UNIFORM, "erm"),
    MAT(Sampling.UNIFORM, "mat"),
    CRM(Sampling.UNIFORM, "crm");

    public enum Sampling { UNIFORM, SUBSAMPLE_CLASSES, SUBSAMPLE_GROUPS, REWEIGHT_CLASSES, REWEIGHT_GROUPS }

    private final Sampling sampling;
    private final String algorithm;

    Method(Sampling sampling, String algorithm) {
        this.sampling = sampling;
        this.algorithm = algorithm;
    }

    public Sampling sampling() { return sampling; }

    /** The {@link dev.tiller.train.algo.Algorithms} name of its loss. */
    public String algorithm() { return algorithm; }

    public String cliName() { return name().toLowerCase(Locale.ROOT); }

    public static Method parse(String name) {
        for (Method m : values()) if (m.cliName().equals(name)) return m;
        throw new IllegalArgumentException("unknown method '" + name + "' (known: erm, suby, subg, rwy, rwg, groupdro, jtt, mat, crm)");
    }
}
