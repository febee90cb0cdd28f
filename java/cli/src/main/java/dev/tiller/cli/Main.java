package dev.tiller.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code scripts/tiller}. */
@Command(name = "tiller", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Gemma-family models from Java at native speed, steerable.",
        subcommands = {InfoCommand.class, TokenizeCommand.class, GenerateCommand.class, ChatCommand.class, LogitsCommand.class,
            ResidualsCommand.class, CompareCommand.class, QuantizeCommand.class, BenchCommand.class,
            RandomModelCommand.class, SteerCommand.class, TrainCommand.class, DemoCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns the exit status (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"tiller " + (v == null ? "dev" : v)};
        }
    }
}
