package io.tokentally.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tokentally.TokentallyApplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** serve refuses to start without good bearer tokens, says which property, and never prints a token. */
@ExtendWith(OutputCaptureExtension.class)
class ApiTokensStartupTests {

    @TempDir
    Path work;

    @Test
    void refusesToStartWithoutTokensNamingTheProperty(CapturedOutput output) {
        // when
        Throwable failure = start();

        // then
        assertThat(failure).isNotNull();
        assertThat(messages(failure) + output.getAll()).contains("tokentally.api.tokens");
    }

    @Test
    void refusesAShortTokenNamingThePropertyWithoutPrintingTheToken(CapturedOutput output) {
        // when
        Throwable failure =
                start("--tokentally.api.tokens=" + "long-enough-token-0123456789abcdef" + ",sk-short-secret");

        // then
        assertThat(failure).isNotNull();
        String everything = messages(failure) + output.getAll();
        assertThat(everything).contains("tokentally.api.tokens").contains("token #2 is shorter than 24 characters");
        assertThat(everything).doesNotContain("sk-short-secret").doesNotContain("long-enough-token-0123456789abcdef");
    }

    private Throwable start(String... extra) {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--tokentally.schedules.enabled=false",
                "--tokentally.data-dir=" + work.resolve("data"),
                "--tokentally.runs-dir=" + work.resolve("runs")));
        arguments.addAll(List.of(extra));
        return catchThrowable(() -> new SpringApplicationBuilder(TokentallyApplication.class)
                .web(WebApplicationType.SERVLET)
                .profiles("serve")
                .run(arguments.toArray(String[]::new))
                .close());
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            all.append(cause.getMessage()).append('\n');
        }
        return all.toString();
    }
}
