package dev.tiller.cli;

import dev.tiller.train.robust.GroupTable;
import dev.tiller.train.robust.ToyData;

import java.nio.file.Files;
import java.nio.file.Path;

/** --data FILE|NAME: a group table file, or a built-in data set by name. */
final class RobustData {
    static final String BUILT_IN = "toy";

    private RobustData() {}

    static GroupTable load(String fileOrName, long seed) {
        Path p = Path.of(fileOrName);
        if (Files.isRegularFile(p)) return GroupTable.read(p);
        if (Files.exists(p)) throw new IllegalArgumentException(fileOrName + " is not a file");
        return builtIn(fileOrName, seed);
    }

    static GroupTable builtIn(String name, long seed) {
        return switch (name) {
            case "toy" -> ToyData.make(seed);
            default -> throw new IllegalArgumentException("no file and no built-in data set named '" + name + "' (built in: " + BUILT_IN + ")");
        };
    }
}
