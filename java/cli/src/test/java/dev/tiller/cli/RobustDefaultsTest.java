package dev.tiller.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tiller.train.robust.Method;
import dev.tiller.train.robust.RobustTraining;

import org.junit.jupiter.api.Test;

/** RobustTraining.Options.defaults, which scripts use, is what tiller robust train runs with no options. */
class RobustDefaultsTest {
    @Test
    void apiDefaultsAreTheCommandsDefaults() {
        for (Method m : Method.values()) {
            RobustTraining.Options cli = new RobustRunOptions().options(m, new RobustModelOptions(), 0), api = RobustTraining.Options.defaults(m);
            assertArrayEquals(cli.hidden(), api.hidden());
            assertArrayEquals(cli.toyGammas(), api.toyGammas());
            assertEquals(cli.extras(), api.extras());
            // The rest, field by field, with the arrays replaced by the same instances.
            assertEquals(cli, new RobustTraining.Options(api.method(), api.model(), cli.hidden(), api.steps(), api.epochs(), api.lr(), api.weightDecay(),
                    api.batch(), api.optimizer(), api.eta(), api.jttEpochs(), api.jttUp(), api.seed(), api.evalEvery(), api.threads(), cli.toyGammas(),
                    api.sampling(), api.extras()));
        }
        assertEquals(7, RobustTraining.Options.defaults(Method.ERM).withSeed(7).seed());
        assertEquals(3, RobustTraining.Options.defaults(Method.ERM).withEpochs(3).epochs());
    }

    @Test
    void eachWitherChangesOnlyItsFields() {
        RobustTraining.Options d = RobustTraining.Options.defaults(Method.GROUPDRO);
        int[] hidden = {8, 4};
        assertEquals(new RobustTraining.Options(d.method(), "mlp", hidden, 500, d.epochs(), 3e-3, 1e-5, 32, "adam", 0.01, d.jttEpochs(), d.jttUp(), d.seed(), 50,
                d.threads(), d.toyGammas(), Method.Sampling.UNIFORM, d.extras()),
                d.withModel("mlp", hidden).withOptimizer("adam", 3e-3, 1e-5).withBatch(32).withSteps(500, 50).withEta(0.01).withSampling(Method.Sampling.UNIFORM));
        // withEpochs turns a step budget back into epochs.
        assertEquals(0, d.withSteps(500, 50).withEpochs(2).steps());
    }
}
