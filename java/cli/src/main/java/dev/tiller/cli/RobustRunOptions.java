package dev.tiller.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import dev.tiller.train.robust.Method;
import dev.tiller.train.robust.RobustTraining;

/** One training run's hyper-parameters: what tiller robust train, correlate and crm-scenarios share. */
final class RobustRunOptions {
    @ArgGroup(exclusive = true)
    Budget budget = new Budget();

    static final class Budget {
        @Option(names = "--steps", paramLabel = "N", description = "optimizer steps")
        long steps;

        @Option(names = "--epochs", paramLabel = "N", description = "epochs of the method's sampler (default 10)")
        int epochs = 10;
    }

    @Option(names = "--lr", paramLabel = "X", description = "default: ${DEFAULT-VALUE}")
    double lr = 1e-3;

    @Option(names = "--wd", paramLabel = "X", description = "weight decay, default: ${DEFAULT-VALUE}")
    double wd = 1e-4;

    @Option(names = "--batch", paramLabel = "B", description = "default: ${DEFAULT-VALUE}")
    int batch = 64;

    @Option(names = "--jtt-epochs", paramLabel = "T", description = "JTT: epochs of the first model, default: ${DEFAULT-VALUE}")
    int jttEpochs = 1;

    @Option(names = "--jtt-up", paramLabel = "UP", description = "JTT: how many times the error set counts, default: ${DEFAULT-VALUE}")
    int jttUp = 20;

    @Option(names = "--eval-every", paramLabel = "N", description = "evaluate every N steps (default: once an epoch)")
    int evalEvery;

    @Option(names = "--seed", paramLabel = "S", description = "initialisation, sampling and generated data, default: ${DEFAULT-VALUE}")
    long seed = 0;

    @Option(names = "--tau", paramLabel = "T", description = "MAT: temperature of the held-out predictions, default: ${DEFAULT-VALUE} (the interpretable experiment's)")
    double tau = 0.1;

    @Option(names = "--mat-estimate", paramLabel = "full|batch",
            description = "MAT: estimate p(y | y-hat) over the whole training set (Algorithm 1) or per batch (the repository's code), default: ${DEFAULT-VALUE}")
    String matEstimate = "full";

    @Option(names = "--select", paramLabel = "val-wga|last",
            description = "the checkpoint kept: best validation worst-group accuracy (the papers' selection), or the last evaluated (the MAT toy's), default: ${DEFAULT-VALUE}")
    String select = "val-wga";

    @Option(names = "--crm-bias", paramLabel = "star|hat", description = "CRM: predict with the post-hoc bias B* (CRM) or the learned B-hat, default: ${DEFAULT-VALUE}")
    String crmBias = "star";

    @Option(names = "--crm-prior", paramLabel = "uniform|train", description = "CRM: the test prior over groups, uniform (CRM) or the training one, default: ${DEFAULT-VALUE}")
    String crmPrior = "uniform";

    /** The options of a run of method m, after checking them and the model options. */
    RobustTraining.Options options(Method m, RobustModelOptions mo, int threads) {
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1");
        if (budget.steps < 0 || budget.epochs < 1) throw new IllegalArgumentException("--steps and --epochs must be >= 1");
        mo.check();
        if (!select.equals("val-wga") && !select.equals("last")) throw new IllegalArgumentException("--select " + select + ": not val-wga or last");
        if (!matEstimate.equals("full") && !matEstimate.equals("batch")) throw new IllegalArgumentException("--mat-estimate " + matEstimate + ": not full or batch");
        if (!(tau > 0) || Double.isInfinite(tau)) throw new IllegalArgumentException("--tau must be > 0");
        if (!crmBias.equals("star") && !crmBias.equals("hat")) throw new IllegalArgumentException("--crm-bias " + crmBias + ": not star or hat");
        if (!crmPrior.equals("uniform") && !crmPrior.equals("train")) throw new IllegalArgumentException("--crm-prior " + crmPrior + ": not uniform or train");
        return new RobustTraining.Options(m, mo.model, mo.hidden, budget.steps, budget.epochs, lr, wd, batch, mo.optimizer, mo.eta, jttEpochs, jttUp, seed,
                evalEvery, threads, mo.gammas, mo.sampling(), new RobustTraining.Extras(mo.momentum, select.equals("last"), null, crmBias, crmPrior));
    }

    /** MAT's inputs with these options' tau and estimate. */
    RobustTraining.MatInputs mat(float[] heldOut) {
        return new RobustTraining.MatInputs(heldOut, tau, matEstimate);
    }
}
