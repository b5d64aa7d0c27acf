package io.tokentally.api;

import io.tokentally.job.BillingJobParameters;
import io.tokentally.job.RunReportListener;
import io.tokentally.job.TokentallyProperties;
import io.tokentally.shared.RunFolders;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.annotation.Profile;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The REST trigger: start, rerun, restart and stop runs, and look at them. Starting calls answer 202 at once. */
@RestController
@Profile("serve")
@RequestMapping(path = "/api", produces = MediaType.APPLICATION_JSON_VALUE)
class RunsController {

    private final RunRequests requests;
    private final TokentallyProperties properties;
    private final Clock clock;

    RunsController(RunRequests requests, TokentallyProperties properties, Clock clock) {
        this.requests = requests;
        this.properties = properties;
        this.clock = clock;
    }

    @PostMapping("/jobs/{job}/executions")
    ResponseEntity<ExecutionView> start(@PathVariable String job, @RequestBody(required = false) StartRequest request)
            throws Exception {
        return accepted(requests.start(job, request));
    }

    @PostMapping("/jobs/{job}/reruns")
    ResponseEntity<ExecutionView> rerun(@PathVariable String job, @RequestBody(required = false) StartRequest request)
            throws Exception {
        return accepted(requests.rerun(job, request));
    }

    @GetMapping("/jobs/{job}/executions")
    List<ExecutionView> executions(@PathVariable String job, @RequestParam(defaultValue = "20") int limit) {
        return requests.executions(job, limit).stream()
                .map(execution -> view(execution))
                .toList();
    }

    @GetMapping("/executions/{id}")
    ExecutionView execution(@PathVariable long id) {
        return view(requests.execution(id));
    }

    @PostMapping("/executions/{id}/restart")
    ResponseEntity<ExecutionView> restart(@PathVariable long id, @RequestParam(defaultValue = "false") boolean force)
            throws Exception {
        return accepted(requests.restart(id, force));
    }

    @PostMapping("/executions/{id}/stop")
    ResponseEntity<ExecutionView> stop(@PathVariable long id) throws Exception {
        return ResponseEntity.accepted().body(view(requests.stop(id)));
    }

    /** The run's {@code report.json}, once the run has ended. */
    @GetMapping("/executions/{id}/report")
    ResponseEntity<Resource> report(@PathVariable long id) {
        JobExecution execution = requests.execution(id);
        Path report = reportOf(execution);
        if (!Files.isRegularFile(report)) {
            throw ApiProblem.notFound("execution " + id + " has no report yet (it is " + execution.getStatus()
                    + "); a run writes it when it ends");
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(new FileSystemResource(report));
    }

    private Path reportOf(JobExecution execution) {
        String date = execution.getJobParameters().getString(BillingJobParameters.DATE);
        return RunFolders.of(properties.runsDir(), RunReportListener.JOB_NAME, date, execution.getId())
                .resolve("report.json");
    }

    private ExecutionView view(JobExecution execution) {
        return ExecutionView.of(
                execution,
                clock,
                Files.isRegularFile(reportOf(execution)),
                requests.resumedBy(execution).orElse(null));
    }

    private ResponseEntity<ExecutionView> accepted(JobExecution execution) {
        return ResponseEntity.accepted()
                .location(URI.create("/api/executions/" + execution.getId()))
                .body(view(execution));
    }
}
