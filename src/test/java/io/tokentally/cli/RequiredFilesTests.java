package io.tokentally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

class RequiredFilesTests {

    @Command(name = "probe")
    static class Probe implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--prices", defaultValue = "no-such-folder/prices.csv")
        Path prices;

        @Override
        public Integer call() {
            RequiredFiles.requireFile(spec, "--prices", prices);
            return 0;
        }
    }

    @Test
    void aMissingDefaultFileIsSaidToBeTheDefaultReadFromTheWorkingFolder() {
        // given: the default, as when bench runs outside the repository
        StringWriter err = new StringWriter();

        // when
        int exit = new CommandLine(new Probe()).setErr(new PrintWriter(err)).execute();

        // then
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString())
                .startsWith("--prices: the file "
                        + Path.of("no-such-folder/prices.csv").toAbsolutePath()
                        + " does not exist (the default, read from the working folder: run the command in the"
                        + " repository's folder, or give --prices)");
    }

    @Test
    void aMissingFileGivenIsSaidWithoutTheDefaultsWords() {
        // given
        StringWriter err = new StringWriter();

        // when
        int exit = new CommandLine(new Probe())
                .setErr(new PrintWriter(err))
                .execute("--prices", "no-such-folder/other.csv");

        // then
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString())
                .startsWith("--prices: the file "
                        + Path.of("no-such-folder/other.csv").toAbsolutePath() + " does not exist"
                        + System.lineSeparator());
    }
}
