package dev.tiller.cli;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import dev.tiller.train.robust.Method;
import dev.tiller.train.robust.RobustTraining;

/** One training run's method and hyper-parameters: what tiller robust train and correlate share. */
final class RobustRunOptions {
    @Option(names = "--method", required = true, paramLabel = "M", description = "erm, suby, subg, rwy, rwg, groupdro or jtt")
    String method;

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

    /** The options of a run, after checking them and the model options. */
    RobustTraining.Options options(RobustModelOptions mo, int threads) {
        Method m = Method.parse(method);
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1");
        if (budget.steps < 0 || budget.epochs < 1) throw new IllegalArgumentException("--steps and --epochs must be >= 1");
        mo.check();
        return new RobustTraining.Options(m, mo.model, mo.hidden, budget.steps, budget.epochs, lr, wd, batch, mo.optimizer, mo.eta, jttEpochs, jttUp, seed,
                evalEvery, threads, mo.gammas, mo.sampling());
    }
}
