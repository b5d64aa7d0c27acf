package io.tokentally.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tokentally worker}: reads the file partitions that runs with remote partitioning send, until stopped. */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        description = {
            "Reads the ingest step's file partitions that runs send through RabbitMQ (runs started with"
                    + " TOKENTALLY_INGEST_PARTITIONING=remote), until it is stopped (SIGTERM or Ctrl-C waits up to a"
                    + " minute for the files being read; a file left unread goes to another worker).",
            "Needs the runs' PostgreSQL database (SPRING_DATASOURCE_URL) and broker (TOKENTALLY_INGEST_BROKER_URI),"
                    + " and the files' folders or S3 bucket at the same paths as the runs see them."
        })
class WorkerCommand implements Callable<Integer> {

    @Option(
            names = "--threads",
            description = "Files read at once. Default: tokentally.ingest.threads (TOKENTALLY_INGEST_THREADS), else 2.")
    Integer threads;

    @Option(
            names = "--port",
            description = "The port of its health (/actuator/health/liveness, for probes; nothing else is served)."
                    + " Default: server.port (SERVER_PORT), else 8081.")
    Integer port;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Ports.requirePort(spec, port, Ports.WORKER_LOWEST);
        SpringContexts.awaitClose(SpringContexts.worker(properties()));
        return 0;
    }

    Map<String, Object> properties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        if (threads != null) {
            properties.put("tokentally.ingest.threads", threads);
        }
        if (port != null) {
            properties.put("server.port", port);
        }
        return properties;
    }
}
