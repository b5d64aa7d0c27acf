package io.tokentally.ingest;

import io.tokentally.ingest.provider.ProviderApiPuller;
import io.tokentally.ingest.provider.ProviderApiSource;
import io.tokentally.shared.RunFolders;
import io.tokentally.shared.UsageWindow;
import java.nio.file.Path;
import java.time.LocalDate;
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
     * {@code path}), an S3 prefix ({@code name=s3://bucket/prefix} or {@code s3://bucket/prefix}) or a
     * provider's Admin API ({@code name=api://openai}, {@code api://anthropic}); a folder or S3 name may
     * carry a role, {@code name:cost=...} or {@code name:both=...} (see {@link SourceRole}).
     */
    public static final String INPUT_PARAMETER = "input";
    /** Separates the inputs in {@link #INPUT_PARAMETER}; no input may hold it. */
    public static final String INPUT_SEPARATOR = ";";
    /** The run folder's sub-folder that keeps the pages pulled from provider APIs, as evidence. */
    public static final String PULLED_FOLDER = "provider-api";

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
            ProviderApiPuller puller,
            @Value("#{jobParameters['input']}") String input,
            @Value("#{jobParameters['date']}") String date,
            @Value("${tokentally.runs-dir}") Path runsDir,
            @Value("#{stepExecution.jobExecution.id}") long executionId,
            @Value("#{stepExecution.jobExecution.jobInstance.instanceId}") long run) {
        return (contribution, chunkContext) -> {
            List<String> specs = specs(input);
            List<ProviderApiSource> apiSources = specs.stream()
                    .flatMap(spec -> ProviderApiSource.parse(spec).stream())
                    .toList();
            apiSources.forEach(puller::check);
            List<S3Source> objectSources = s3Prefixes(specs);
            List<InputSource> folders = localFolders(specs);
            int pending = scanner.scan(run, folders) + s3.stage(run, objectSources);
            Path pulled =
                    RunFolders.of(runsDir, "nightly-billing", date, executionId).resolve(PULLED_FOLDER);
            for (ProviderApiSource source : apiSources) {
                Path pages = puller.pull(source, UsageWindow.ofUtcDate(LocalDate.parse(date)), pulled);
                if (scanner.registerPulled(run, source.name(), pages, source.format())
                        .pending()) {
                    pending++;
                }
            }
            contribution.incrementWriteCount(pending);
            folders.forEach(source -> registry.assignRole(run, source.name(), source.role()));
            objectSources.forEach(source -> registry.assignRole(run, source.name(), source.role()));
            apiSources.forEach(source -> registry.assignRole(run, source.name(), source.role()));
            return RepeatStatus.FINISHED;
        };
    }

    /** The local folders of the input sources {@code specs}: those that are neither S3 prefixes nor APIs. */
    public static List<InputSource> localFolders(List<String> specs) {
        return specs.stream()
                .filter(spec -> S3Source.parse(spec).isEmpty()
                        && ProviderApiSource.parse(spec).isEmpty())
                .map(InputSource::parse)
                .toList();
    }

    /** The S3 prefixes of the input sources {@code specs}. */
    public static List<S3Source> s3Prefixes(List<String> specs) {
        return specs.stream().flatMap(spec -> S3Source.parse(spec).stream()).toList();
    }

    private static List<String> specs(String input) {
        return Arrays.stream(input.split(INPUT_SEPARATOR))
                .filter(spec -> !spec.isBlank())
                .toList();
    }
}
