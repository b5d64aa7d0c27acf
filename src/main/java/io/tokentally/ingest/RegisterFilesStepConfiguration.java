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
    /**
     * Job parameter: input sources separated by {@code ;}, each a local folder ({@code name=path} or
     * {@code path}) or an S3 prefix ({@code name=s3://bucket/prefix} or {@code s3://bucket/prefix}); a name may carry a role,
     * {@code name:cost=...} or {@code name:both=...} (see {@link SourceRole}).
     */
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
            FileRegistry registry,
            S3Stager s3,
            @Value("#{jobParameters['input']}") String input,
            @Value("#{stepExecution.jobExecution.jobInstance.instanceId}") long run) {
        return (contribution, chunkContext) -> {
            List<String> specs = specs(input);
            List<S3Source> objectSources = specs.stream()
                    .flatMap(spec -> S3Source.parse(spec).stream())
                    .toList();
            List<InputSource> folders = specs.stream()
                    .filter(spec -> S3Source.parse(spec).isEmpty())
                    .map(InputSource::parse)
                    .toList();
            contribution.incrementWriteCount(scanner.scan(run, folders) + s3.stage(run, objectSources));
            folders.forEach(source -> registry.assignRole(run, source.name(), source.role()));
            objectSources.forEach(source -> registry.assignRole(run, source.name(), source.role()));
            return RepeatStatus.FINISHED;
        };
    }

    private static List<String> specs(String input) {
        return Arrays.stream(input.split(";")).filter(spec -> !spec.isBlank()).toList();
    }
}
