package dev.tiller.train.dynamics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The modular-arithmetic splits, and short grokking runs of both models on the Trainer. */
class GrokkingTest {

    @Test
    void theSplitsPartitionEveryPairWithItsAnswer() {
        for (ModularArithmetic.Op op : ModularArithmetic.Op.values()) {
            ModularArithmetic m = ModularArithmetic.of(op, 13, 0.3, 4);
            assertEquals(Math.round(0.3 * 169), m.train().size());
            assertEquals(169, m.train().size() + m.val().size());
            Set<Integer> seen = new HashSet<>();
            for (ModularArithmetic.Pairs s : new ModularArithmetic.Pairs[] {m.train(), m.val()})
                for (int i = 0; i < s.size(); i++) {
                    assertTrue(seen.add(s.a()[i] * 13 + s.b()[i]), "pair repeated");
                    int want = switch (op) {
                        case ADD -> (s.a()[i] + s.b()[i]) % 13;
                        case SUB -> Math.floorMod(s.a()[i] - s.b()[i], 13);
                        case MUL -> s.a()[i] * s.b()[i] % 13;
                    };
                    assertEquals(want, s.answer()[i]);
                }
        }
        assertArrayEquals(ModularArithmetic.of(ModularArithmetic.Op.ADD, 13, 0.3, 4).train().a(), ModularArithmetic.of(ModularArithmetic.Op.ADD, 13, 0.3, 4).train().a());
    }

    @Test
    void badTasksAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ModularArithmetic.of(ModularArithmetic.Op.ADD, 15, 0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> ModularArithmetic.of(ModularArithmetic.Op.ADD, 13, 1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> ModularArithmetic.of(ModularArithmetic.Op.ADD, 13, 0.0, 0));
        assertThrows(IllegalArgumentException.class, () -> ModularArithmetic.Op.parse("div"));
    }

    @Test
    void theMlpMemorisesTheTrainingPairsAndRepeatsItsCurve() {
        Grokking.Options o = new Grokking.Options(ModularArithmetic.Op.ADD, 17, 0.5, GrokModel.Kind.MLP, 1e-2, 1.0, 300, 3, 2);
        Grokking.Curve c = Grokking.run(o, null);
        assertEquals(300, c.steps());
        assertEquals(1.0, c.trainAcc()[299], "train accuracy after 300 full-batch steps");
        assertTrue(c.trainLoss()[299] < 0.05 * c.trainLoss()[0], "loss " + c.trainLoss()[0] + " -> " + c.trainLoss()[299]);
        assertTrue(c.phaseTimes().t2() > 0);
        Grokking.Curve again = Grokking.run(o, null);
        assertArrayEquals(c.trainLoss(), again.trainLoss());
        assertArrayEquals(c.valAcc(), again.valAcc());
    }

    @Test
    void thePapersTransformerLearnsOnTheSameLoop() {
        Grokking.Options o = new Grokking.Options(ModularArithmetic.Op.ADD, 11, 0.6, GrokModel.Kind.TRANSFORMER, 3e-3, 1.0, 150, 1, 2);
        Grokking.Curve c = Grokking.run(o, null);
        assertTrue(c.trainAcc()[149] > 0.9, "train accuracy " + c.trainAcc()[149]);
        assertTrue(c.trainLoss()[149] < 0.2 * c.trainLoss()[0], "loss " + c.trainLoss()[0] + " -> " + c.trainLoss()[149]);
    }
}
