package dev.tiller.cli;

import picocli.CommandLine.Command;

/** {@code tiller robust ...}: group-robustness training on group tables (docs/robustness.md). */
@Command(name = "robust", mixinStandardHelpOptions = true, description = "Group-robust training (data balancing, GroupDRO, JTT, XRM, MAT, CRM) on group tables.",
        subcommands = {RobustTrainCommand.class, RobustXrmCommand.class, RobustCorrelateCommand.class, RobustSweepCommand.class, RobustCrmScenariosCommand.class, RobustExportCommand.class})
final class RobustCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
