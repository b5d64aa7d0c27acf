package io.tokentally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

        /** Stands for a job file that names the prices file when the option is not given. */
        @Option(names = "--job-file-prices")
        Path jobFilePrices;

        @Override
        public Integer call() {
            if (jobFilePrices != null && !spec.commandLine().getParseResult().hasMatchedOption("--prices")) {
                prices = jobFilePrices;
            }
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

    @ParameterizedTest
    @CsvSource({"--prices", "--job-file-prices"})
    void aMissingFileGivenOrFromAJobFileIsSaidWithoutTheDefaultsWords(String option) {
        // given
        StringWriter err = new StringWriter();

        // when
        int exit =
                new CommandLine(new Probe()).setErr(new PrintWriter(err)).execute(option, "no-such-folder/other.csv");

        // then
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString())
                .startsWith("--prices: the file "
                        + Path.of("no-such-folder/other.csv").toAbsolutePath() + " does not exist"
                        + System.lineSeparator());
    }
}
