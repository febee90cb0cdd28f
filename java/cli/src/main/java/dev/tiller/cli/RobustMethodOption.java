package dev.tiller.cli;

import picocli.CommandLine.Option;

import dev.tiller.train.robust.Method;

/** --method M of tiller robust train and correlate. */
final class RobustMethodOption {
    @Option(names = "--method", required = true, paramLabel = "M", description = "erm, suby, subg, rwy, rwg, groupdro, jtt, mat or crm")
    String method;

    Method parse() {
        return Method.parse(method);
    }
}
