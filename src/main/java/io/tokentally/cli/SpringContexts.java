package io.tokentally.cli;

import io.tokentally.TokentallyApplication;
import java.util.Map;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the application context for a command (no web server), with command-specific properties. */
final class SpringContexts {

    private SpringContexts() {}

    static ConfigurableApplicationContext start(Map<String, Object> properties) {
        return new SpringApplicationBuilder(TokentallyApplication.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .properties(properties)
                .run();
    }
}
