package io.tokentally.schedule;

import io.tokentally.job.InputSpecs;
import io.tokentally.job.RunReportListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The schedules of a {@code jobs/} folder, one YAML file each, checked when they are read. */
public record JobSchedules(List<JobSchedule> all) {

    /** Lower-case letters, digits and dashes: a schedule's name is also a lock name and a Kubernetes name. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?");

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    public Optional<JobSchedule> forJob(String job) {
        return all.stream().filter(schedule -> schedule.job().equals(job)).findFirst();
    }

    public Optional<JobSchedule> named(String name) {
        return all.stream().filter(schedule -> schedule.name().equals(name)).findFirst();
    }

    /** Reads every {@code *.yaml} and {@code *.yml} file of the folder, in name order. */
    public static JobSchedules load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("the jobs folder " + folder.toAbsolutePath() + " does not exist");
        }
        List<JobSchedule> schedules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(JobSchedules::isYaml).sorted().toList()) {
                JobSchedule schedule = read(file);
                if (!names.add(schedule.name())) {
                    throw new IllegalArgumentException(
                            file + ": another file already has the name '" + schedule.name() + "'");
                }
                schedules.add(schedule);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the jobs folder " + folder.toAbsolutePath(), e);
        }
        return new JobSchedules(List.copyOf(schedules));
    }

    /** Reads one job file; a bad file fails with its path and what is wrong. */
    public static JobSchedule read(Path file) {
        ScheduleFile content;
        try {
            content = YAML.readValue(file.toFile(), ScheduleFile.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": " + e.getOriginalMessage(), e);
        }
        try {
            return content.toSchedule();
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    /** A job file as written. */
    record ScheduleFile(
            String name,
            String job,
            String cron,
            String zone,
            String window,

            @com.fasterxml.jackson.annotation.JsonProperty("catch-up")
            Boolean catchUp,

            Parameters parameters) {

        JobSchedule toSchedule() {
            requireValidFields();
            JobSchedule schedule = new JobSchedule(
                    name,
                    job,
                    cron.trim(),
                    ZoneId.of(zone == null ? "UTC" : zone),
                    window == null ? WindowRule.PREVIOUS_DAY : WindowRule.parse(window),
                    catchUp == null || catchUp,
                    parameters.inputs(),
                    parameters.path(parameters.customers(), "customers"),
                    parameters.path(parameters.plans(), "plans"),
                    parameters.path(parameters.prices(), "prices"));
            schedule.cronExpression();
            return schedule;
        }

        /** Fails on a missing name, job, cron or parameters, or on a name, job or cron that is not valid. */
        private void requireValidFields() {
            require(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("name '" + name + "' must be 1 to 40 lower-case letters, digits"
                        + " or dashes, starting and ending with a letter or digit");
            }
            require(job, "job");
            if (!RunReportListener.JOB_NAME.equals(job)) {
                throw new IllegalArgumentException(
                        "job '" + job + "' is not a known job; known jobs: " + RunReportListener.JOB_NAME);
            }
            require(cron, "cron");
            if (cron.trim().split("\\s+").length != 5) {
                throw new IllegalArgumentException(
                        "cron '" + cron + "' must have five fields (minute hour" + " day-of-month month day-of-week)");
            }
            require(parameters, "parameters");
        }

        private static void require(Object value, String key) {
            if (value == null) {
                throw new IllegalArgumentException("'" + key + "' is missing");
            }
        }
    }

    /** The job's default parameters. */
    record Parameters(List<String> input, String customers, String plans, String prices) {

        List<String> inputs() {
            if (input == null || input.isEmpty()) {
                throw new IllegalArgumentException("'parameters.input' must list at least one folder");
            }
            for (String spec : input) {
                try {
                    InputSpecs.absolute(spec);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("'parameters.input' " + spec + ": " + e.getMessage(), e);
                }
            }
            return List.copyOf(input);
        }

        Path path(String value, String key) {
            ScheduleFile.require(value, "parameters." + key);
            return Paths.get(value);
        }
    }
}
