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
}
