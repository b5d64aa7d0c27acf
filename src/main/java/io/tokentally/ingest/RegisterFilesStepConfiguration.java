package io.tokentally.ingest;

import java.util.Arrays;
import java.util.List;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** The register-files step: finds the input files and records in the registry which ones this run reads. */
@Configuration(proxyBeanMethods = false)
public class RegisterFilesStepConfiguration {

    public static final String REGISTER_FILES_STEP = "registerFilesStep";
    /** Job parameter: input sources, {@code name=path} or {@code path}, separated by {@code ;}. */
    public static final String INPUT_PARAMETER = "input";

    @Bean
    Step registerFilesStep(
            JobRepository jobRepository, PlatformTransactionManager transactionManager, Tasklet registerFilesTasklet) {
        return new StepBuilder(REGISTER_FILES_STEP, jobRepository)
                .tasklet(registerFilesTasklet, transactionManager)
                .build();
    }

    @Bean
    @StepScope
    Tasklet registerFilesTasklet(
            FileScanner scanner,
            @Value("#{jobParameters['input']}") String input,
            @Value("#{stepExecution.jobExecution.jobInstance.instanceId}") long run) {
        return (contribution, chunkContext) -> {
            List<InputSource> sources = parseSources(input);
            contribution.incrementWriteCount(scanner.scan(run, sources));
            return RepeatStatus.FINISHED;
        };
    }

    public static List<InputSource> parseSources(String input) {
        return Arrays.stream(input.split(";"))
                .filter(spec -> !spec.isBlank())
                .map(InputSource::parse)
                .toList();
    }
}
