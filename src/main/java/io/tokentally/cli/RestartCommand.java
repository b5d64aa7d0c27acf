package io.tokentally.cli;

import io.tokentally.job.BillingJobParameters;
import io.tokentally.job.BillingRuns;
import io.tokentally.job.NightlyBillingJobConfiguration;
import io.tokentally.job.RerateJobConfiguration;
import io.tokentally.job.TokentallyProperties;
import io.tokentally.shared.RunFolders;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tokentally restart EXECUTION_ID}: resumes a failed, stopped or abandoned-by-a-dead-process run. */
@Command(
        name = "restart",
        mixinStandardHelpOptions = true,
        description = {
            "Restarts a failed or stopped execution where it stopped, with its original parameters.",
            "An execution still marked running (its process was killed) is marked failed first; one whose process"
                    + " is still alive on this host is refused. On another host, use this only when no process is"
                    + " running it."
        })
class RestartCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "EXECUTION_ID", description = "The job execution to restart.")
    long executionId;

    @Override
    public Integer call() throws Exception {
        try (ConfigurableApplicationContext context = SpringContexts.start(Map.of())) {
            // read before the run: SIGTERM closes the context as soon as the run has stopped
            Path runsDir = context.getBean(TokentallyProperties.class).runsDir();
            JobExecution execution;
            try {
                execution = context.getBean(BillingRuns.class).restart(executionId);
            } catch (BillingRuns.UnknownExecution e) {
                throw new IllegalArgumentException(
                        e.getMessage()
                                + RunCommand.sampleRunBesideHint(context)
                                        .map(hint -> ". " + hint)
                                        .orElse(""),
                        e);
            }
            PrintWriter out = spec.commandLine().getOut();
            String job = execution.getJobInstance().getJobName();
            if (job.equals(RerateJobConfiguration.RERATE_JOB)) {
                return PricesRerateCommand.printRerate(execution, runsDir, out);
            }
            if (!job.equals(NightlyBillingJobConfiguration.NIGHTLY_BILLING_JOB)) {
                // a price sync: no run folder of a nightly run's shape, no report
                out.printf("%s: %s (execution %d)%n", job, execution.getStatus(), execution.getId());
                if (execution.getStatus() != BatchStatus.COMPLETED) {
                    TokentallyCommand.printNotCompleted(
                            execution, "tokentally restart " + execution.getId() + " resumes it where it stopped", out);
                }
                out.flush();
                return TokentallyCommand.exitCodeOf(execution);
            }
            String date = execution.getJobParameters().getString(BillingJobParameters.DATE);
            Path folder = RunFolders.of(runsDir, JobNames.NIGHTLY_BILLING, date, execution.getId());
            return TokentallyCommand.printRun(execution, folder, out);
        }
    }
}
