package dev.tiller.cli;

import picocli.CommandLine.Option;

/** The knobs of the generated built-in data sets: mat-toy's noise, crm-gauss's group-complexity variant. */
final class GeneratorOptions {
    @Option(names = "--noise", paramLabel = "SIGMA", description = "mat-toy: the std of its example-specific noise features (default 0.5)")
    Double noise;

    @Option(names = "--attributes", paramLabel = "M",
            description = "crm-gauss: CRM's group-complexity data (appendix G.6) with M attributes, the class first, instead of the Waterbirds-like toy")
    Integer attributes;

    @Option(names = "--categories", paramLabel = "D", description = "crm-gauss with --attributes: categories per attribute, default 5")
    Integer categories;

    @Option(names = "--mean-scale", paramLabel = "S", description = "crm-gauss with --attributes: scale of the group means, default 1 (the reference's)")
    Double meanScale;

    /** Throws when a knob is given for a data set it does not belong to. */
    void check(String name) {
        if (noise != null && !name.equals("mat-toy")) throw new IllegalArgumentException("--noise is mat-toy's, not " + name + "'s");
        boolean crm = attributes != null || categories != null || meanScale != null;
        if (crm && !name.equals("crm-gauss")) throw new IllegalArgumentException("--attributes, --categories and --mean-scale are crm-gauss's, not " + name + "'s");
        if (attributes == null && (categories != null || meanScale != null)) throw new IllegalArgumentException("--categories and --mean-scale go with --attributes M");
    }
}
