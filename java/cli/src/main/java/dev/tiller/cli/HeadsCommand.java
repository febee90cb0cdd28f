package dev.tiller.cli;

import picocli.CommandLine.Command;

/** {@code tiller heads ...}: long-context head identification (QAdA). */
@Command(name = "heads", mixinStandardHelpOptions = true,
        description = "Which attention heads read the long context, query by query (QAdA).",
        subcommands = {HeadsScoreCommand.class, HeadsReportCommand.class, HeadsRetrievalEvalCommand.class})
final class HeadsCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
