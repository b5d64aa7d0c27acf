package io.tokentally;

import io.tokentally.cli.TokentallyCommand;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The Spring Boot application; {@code main} is the command line. */
@SpringBootApplication
public class TokentallyApplication {

    public static void main(String[] args) {
        System.exit(TokentallyCommand.execute(args));
    }
}
