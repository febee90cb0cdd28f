package dev.tiller.cli;

import picocli.CommandLine.Command;

/** {@code tiller train ...}: the training recipes, one file each (Train*Command). */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train models with Tiller's native training runtime.",
        subcommands = {TrainMnistMlpCommand.class, TrainDefaultModelCommand.class, TrainEvalDefaultCommand.class, TrainRetrievalModelCommand.class,
            TrainDefaultSaeCommand.class, TrainGenreVectorsCommand.class})
final class TrainCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
