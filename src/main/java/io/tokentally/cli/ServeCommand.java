package io.tokentally.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tokentally serve}: the long-running service (REST API, scheduler of jobs/, health and metrics). */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the service until it is stopped (SIGTERM or Ctrl-C stops running jobs cleanly, so they can be"
                    + " restarted): the REST API under /api, the schedules of the jobs folder, health under"
                    + " /actuator/health and Prometheus metrics under /actuator/prometheus.",
            "The API needs bearer tokens: set TOKENTALLY_API_TOKENS (comma separated, 24 characters or more each).",
            "JSON logs: set LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs."
        })
class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", description = "HTTP port. Default: server.port (SERVER_PORT), else 8080.")
    Integer port;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--jobs",
            description = "The jobs folder, one YAML file per scheduled job. Default: tokentally.schedules.dir"
                    + " (TOKENTALLY_SCHEDULES_DIR), else jobs.")
    Path jobs;

    @Option(
            names = "--no-scheduler",
            description = "Serve the API only; the schedules run elsewhere (Kubernetes CronJobs). Default:"
                    + " tokentally.schedules.enabled (TOKENTALLY_SCHEDULES_ENABLED), else on.")
    boolean noScheduler;

    @Override
    public Integer call() throws InterruptedException {
        Ports.requirePort(spec, port, Ports.SERVE_LOWEST);
        SpringContexts.awaitClose(SpringContexts.serve(properties()));
        return 0;
    }

    /**
     * The settings the options give, which win over the same properties set elsewhere; an option left out sets
     * nothing, so server.port, tokentally.schedules.dir and .enabled, however they are set, hold.
     */
    Map<String, Object> properties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        if (port != null) {
            properties.put("server.port", port);
        }
        if (jobs != null) {
            properties.put("tokentally.schedules.dir", jobs);
        }
        if (noScheduler) {
            properties.put("tokentally.schedules.enabled", false);
        }
        return properties;
    }
}
