package io.tokentally.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The {@code --port} option of the commands that serve HTTP. */
final class Ports {

    /** The lowest port of {@code serve}: a negative one starts no HTTP server (no API, no health for the probes). */
    static final int SERVE_LOWEST = 0;

    /** The lowest port of {@code worker}: -1 turns its health off, as the README says. */
    static final int WORKER_LOWEST = -1;

    private Ports() {}

    /** Refuses a port below {@code lowest} or above 65535 (Spring Boot failed on one with a trace naming no option). */
    static void requirePort(CommandSpec spec, Integer port, int lowest) {
        if (port != null && (port < lowest || port > 65_535)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--port must be " + lowest + " to 65535 (0 takes any free port"
                            + (lowest < 0 ? ", -1 serves none" : "") + "), not " + port);
        }
    }
}
