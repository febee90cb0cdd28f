package dev.tiller.cli;

import dev.tiller.RuntimeInfo;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** Entry point of {@code scripts/tiller}. */
@Command(name = "tiller", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Gemma-family models from Java at native speed, steerable.",
        subcommands = {InfoCommand.class, InspectCommand.class, TokenizeCommand.class, GenerateCommand.class, ChatCommand.class,
            LogitsCommand.class, ResidualsCommand.class, CompareCommand.class, QuantizeCommand.class, BenchCommand.class,
            RandomModelCommand.class, SteerCommand.class, HeadsCommand.class, TrainCommand.class, RobustCommand.class, GrokCommand.class, DdCommand.class, SynthCommand.class,
            DemoCommand.class, ServeCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns the exit status (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(new UsageErrors());
        return cl.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Version, commit and build of the native library, the kernel path this CPU gets, and the JVM. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            RuntimeInfo r = RuntimeInfo.get();
            return new String[] {
                "tiller " + r.version(),
                "native library libtiller " + r.build(),
                "kernels " + r.kernelPath() + (r.repacking() ? ", weights repacked" : "") + " (CPU: " + String.join(" ", r.cpuFeatures()) + ")"
                        + (System.getenv("TILLER_CPU") != null ? ", TILLER_CPU=" + System.getenv("TILLER_CPU") : ""),
                "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch")
            };
        }
    }
}
