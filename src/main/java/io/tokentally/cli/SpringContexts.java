package io.tokentally.cli;

import io.tokentally.TokentallyApplication;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/** Starts the application context for a command (no web server, except for serve), with command-specific properties. */
final class SpringContexts {

    private SpringContexts() {}

    /**
     * Starts the context; {@code properties} win over application.properties, as command-line arguments
     * do. A command never watches the S3 drop folder (only {@code serve} does), even where the
     * environment it shares with the service says {@code TOKENTALLY_S3_WATCH=true}.
     */
    static ConfigurableApplicationContext start(Map<String, Object> properties) {
        return builder().run(arguments(withoutWatch(properties)));
    }

    /** Starts the context as {@link #start(Map)} does, with {@code clock} as the engine's clock. */
    static ConfigurableApplicationContext start(Map<String, Object> properties, Clock clock) {
        return builder()
                .initializers(context -> context.getBeanFactory().registerSingleton("clock", clock))
                .run(arguments(withoutWatch(properties)));
    }

    /**
     * Starts the context as {@link #start(Map)} does with no properties of its own, and {@code defaults} below every
     * setting: application.properties, a configuration file, the environment and system properties all win over them.
     */
    static ConfigurableApplicationContext startWithDefaults(Map<String, Object> defaults) {
        return builder().properties(defaults).run(arguments(withoutWatch(Map.of())));
    }

    private static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(TokentallyApplication.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false);
    }

    private static Map<String, Object> withoutWatch(Map<String, Object> properties) {
        Map<String, Object> command = new java.util.LinkedHashMap<>(properties);
        command.putIfAbsent("tokentally.s3.watch", false);
        return command;
    }

    /**
     * Starts a worker of remote partitions: the {@code worker} profile (application-worker.properties: a web server
     * for its health only), remote partitioning (its broker and queue from the settings), and no S3 watch.
     */
    static ConfigurableApplicationContext worker(Map<String, Object> properties) {
        Map<String, Object> worker = new java.util.LinkedHashMap<>(properties);
        worker.put("tokentally.ingest.partitioning", "remote");
        return builder().web(WebApplicationType.SERVLET).profiles("worker").run(arguments(withoutWatch(worker)));
    }

    /** Waits until the context closes (SIGTERM or Ctrl-C closes it, through Spring's shutdown hook). */
    static void awaitClose(ConfigurableApplicationContext context) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        context.addApplicationListener(event -> {
            if (event instanceof ContextClosedEvent) {
                closed.countDown();
            }
        });
        if (context.isActive()) {
            closed.await();
        }
    }

    /** Starts the service: the web server and the {@code serve} profile (application-serve.properties). */
    static ConfigurableApplicationContext serve(Map<String, Object> properties) {
        return new SpringApplicationBuilder(TokentallyApplication.class)
                .web(WebApplicationType.SERVLET)
                .profiles("serve")
                .bannerMode(Banner.Mode.OFF)
                .run(arguments(properties));
    }

    private static String[] arguments(Map<String, Object> properties) {
        return properties.entrySet().stream()
                .map(entry -> "--" + entry.getKey() + "=" + entry.getValue())
                .toArray(String[]::new);
    }
}
