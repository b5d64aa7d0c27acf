package io.tokentally;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a second JVM running the application from the tests' class path, as a test kills or stops it. */
public final class ChildJvm {

    private ChildJvm() {}

    /**
     * @param systemProperties {@code -Dname=value} options
     * @param arguments the application's arguments (its command and options)
     */
    public static List<String> command(List<String> systemProperties, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                // a test's child runs for seconds: the optimizing compiler would only compete with it for the cores
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path")));
        command.addAll(systemProperties);
        command.add("io.tokentally.TokentallyApplication");
        command.addAll(arguments);
        return command;
    }
}
